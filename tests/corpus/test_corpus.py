"""The corpus of real public Pulumi Python AWS programs (tests/corpus/<name>/, origin and licence in
each SOURCE.yaml): at least 90 % synthesize as a preview, every failure is one line naming the
program's file, and what the corpus records in docs/CORPUS.md is what it gives now.

The environments are made once per machine (gcbase's cache) from the package index; the programs
run in child processes (about 5 s each, two at a time per core).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gcbase.synth import corpus

CORPUS = Path(__file__).resolve().parent
DOC = CORPUS.parent.parent / "docs" / "CORPUS.md"


@pytest.fixture(scope="module")
def outcomes():
    return corpus.run(CORPUS)


def test_the_corpus_is_real_and_diverse():
    found = corpus.programs(CORPUS)
    assert len(found) >= 15
    owners = {src["repo"].split("/")[0] for _, src in found}
    assert len(owners) >= 3 and "pulumi/examples" not in {src["repo"] for _, src in found}
    for program, src in found:
        assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]), program
        assert src["licence"] in ("MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "MPL-2.0"), program
        assert src["deploys"] and src["path"], program
        assert (program / "Pulumi.yaml").is_file() and (program / "__main__.py").is_file(), program


def test_at_least_90_percent_synthesize(outcomes):
    ok = [o for o in outcomes if o.ok]
    assert len(ok) * 100 >= 90 * len(outcomes), [o.line for o in outcomes if not o.ok]


def test_every_failure_is_one_line_naming_the_program_file(outcomes):
    for o in outcomes:
        if not o.ok:
            assert "\n" not in o.line and "Traceback" not in o.line
            assert re.match(r"[\w./-]+\.(py|txt|yaml)(:\d+)?: ", o.line), o.line


def test_multi_language_components_are_reported_never_silent(outcomes):
    by_name = {o.name: o for o in outcomes}
    assert "not expanded: awsx:ecr:Image, awsx:ecr:Repository, awsx:ecs:FargateService, " \
           "awsx:lb:ApplicationLoadBalancer" in by_name["tpl-container-aws-python"].line
    assert "not expanded: awsx:ec2:Vpc, eks:index:Cluster" in by_name["tpl-kubernetes-aws-python"].line


def test_docs_record_the_current_figure(outcomes):
    """docs/CORPUS.md is scripts/corpus's output: rerun it when this fails."""
    text = DOC.read_text(encoding="utf-8")
    ok = sum(o.ok for o in outcomes)
    assert f"**{ok} of {len(outcomes)} synthesized" in text
    rows = {line.split(" | ")[0][2:]: line for line in text.splitlines() if line.startswith("| ")}
    for o in outcomes:
        assert (" | ok: " if o.ok else " | **failed**: ") in rows[o.name], o.name
