"""Plain Checkov users: the real `checkov` CLI with `--external-checks-dir policies` runs exactly the gcbase checks
the README says run there (resource and graph checks), with the verdicts `gcbase check` gives, prints no warning
about the metadata files beside them, and says in one line that the plan-level ones need `gcbase check`.

One subprocess for everything (Checkov takes ~20 s to start): every fixture of a check that runs there and the
example stack's plan. Offline as gcbase's runner is (OFFLINE_ENV, --skip-download, no API key).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gcbase.check import load_catalogue, run_tfplan
from gcbase.check.catalogue import POLICIES
from gcbase.check.findings import check_sort_key
from gcbase.check.plancheck import NOT_UNDER_CHECKOV
from gcbase.check.runner import OFFLINE_ENV
from gcbase.check.table import under_checkov
from gcbase.tfplan import export
from helpers import plan_of

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CHECKOV = Path(sys.executable).with_name("checkov")


def _there() -> list[str]:
    return sorted((m.id for m in load_catalogue().custom() if m.runs_under_checkov), key=check_sort_key)


@pytest.fixture(scope="module")
def checkov_run(tmp_path_factory):
    """(plan files, Checkov's GCJP results per file, stderr) of one real `checkov` run."""
    tmp = tmp_path_factory.mktemp("checkov-cli")
    example = tmp / "131121-prod.tfplan.json"
    example.write_text(json.dumps(export(plan_of("131121-prod"))), encoding="utf-8")
    files = [example] + sorted(f for cid in _there() for f in (HERE / "fixtures" / cid).glob("*.json")
                               if f.name != "intent.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "PRISMA_", "LOG_LEVEL"))}
    env.update(OFFLINE_ENV, CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
    args = [str(CHECKOV), "--framework", "terraform_plan", "--skip-download", "-o", "json",
            "--external-checks-dir", str(POLICIES)]
    for f in files:
        args += ["-f", str(f)]
    done = subprocess.run(args, cwd=tmp, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    reports = json.loads(done.stdout)
    results: dict[str, set[tuple[str, str, str]]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        for key in ("passed_checks", "failed_checks", "skipped_checks"):
            for rec in report.get("results", {}).get(key, []):
                if rec["check_id"].startswith("GCJP"):
                    name = Path(rec["file_abs_path"]).resolve()
                    results.setdefault(str(name), set()).add(
                        (rec["check_id"], rec["resource"], rec["check_result"]["result"]))
    return files, results, done.stderr


def test_exactly_the_resource_and_graph_checks_run_under_plain_checkov(checkov_run):
    _, results, _ = checkov_run
    ran = sorted({cid for found in results.values() for cid, _, _ in found}, key=check_sort_key)
    assert ran == _there()
    assert len(ran) == 23 and set(ran) == {m.id for m in load_catalogue().custom() if m.kind in ("resource", "graph")}
    generated = "\n".join(under_checkov(sorted(load_catalogue().custom(), key=lambda m: check_sort_key(m.id))))
    assert ", ".join(ran) + "." in generated  # what the README's check table says


def test_checkov_gives_the_verdicts_of_gcbase_check(checkov_run):
    files, results, _ = checkov_run
    there = set(_there())
    for f in files:
        report = run_tfplan(json.loads(f.read_text(encoding="utf-8")), waivers=())
        ours = {(x.check_id, x.resource, x.result) for x in report.findings if x.check_id in there}
        assert results.get(str(f.resolve()), set()) == ours, f.name
    assert any(r == "FAILED" for found in results.values() for _, _, r in found)  # failures compared, not only passes


def test_no_warning_about_metadata_and_one_line_about_plan_level_checks(checkov_run):
    """Checkov loads every .yaml/.json of an external-checks dir as a graph policy; the metadata files are
    `<ID>.metadata` so it never warns about them. The plan-level checks say once that they do not run there."""
    _, _, stderr = checkov_run
    lines = [line for line in stderr.splitlines() if line.strip()]
    n = len(list((POLICIES / "plan").glob("GCJP_AWS_*.py")))
    assert len(lines) == 1 and lines[0].endswith(NOT_UNDER_CHECKOV.format(n=n)), stderr[-3000:]
    assert not list(POLICIES.glob("*/*.metadata.yaml"))
