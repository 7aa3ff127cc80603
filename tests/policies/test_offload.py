"""Checkov in a second process (gcbase/check/offload.py, started by the `gcbase` entry point for `check`) changes
when Checkov's work is done, never what is reported: the command writes the same console lines, --json and
report files with it, without it (GCBASE_CHECKOV_PROCESS=0), and when the child fails in any way (then the
plan is checked in the command's own process)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from gcbase.baselines import ROOT

# the `gcbase` command (gcbase/entry.py), reporting at exit whether Checkov was loaded in the command's process
COMMAND = """
import sys
sys.argv = ["gcbase", *sys.argv[1:]]
from gcbase.check import offload
FAKE = {fake!r}
if FAKE:
    offload._CODE = FAKE
from gcbase.entry import main
rc = main()
print("CHECKOV-HERE=" + str("checkov.terraform.checks.resource.registry" in sys.modules), file=sys.stderr)
sys.exit(rc)
"""
SERVE = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from gcbase.check import offload; "
FAKES = {
    # dies before it says anything
    "dies": "import os; os._exit(3)",
    # answers another request than the one asked
    "wrong answer": SERVE + ("real = offload._encode\n"
                             "offload._encode = lambda o: real({**o, 'id': o['id'] + 1} if 'id' in o else o)\n"
                             "offload.serve()"),
    # answers with something that is not rows
    "not rows": SERVE + ("real = offload._encode\n"
                         "offload._encode = lambda o: real({**o, 'rows': 'x'} if 'rows' in o else o)\n"
                         "offload.serve()"),
    # Checkov raises there (the same plan then raises in the command's own process, or not)
    "raises": SERVE + ("from gcbase.check import runner\n"
                       "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
                       "runner.checkov_rows_alone = boom\noffload.serve()"),
}
STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?( JST|[+-]\d\d:\d\d|Z)?")


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    path = tmp_path_factory.mktemp("offload") / "131121-stg.tfplan.json"
    path.write_text(json.dumps(export(synth_stack("131121-stg")), ensure_ascii=False), encoding="utf-8")
    return path


def _run(plan: Path, out: Path, process: str, fake: str = "", memo: str = "0",
         cache: Optional[Path] = None) -> tuple[dict[str, str], bool]:
    """The command's output; Checkov's result memo off unless asked for (gcbase/check/resultmemo.py: a plan it
    holds needs no Checkov at all, in any process)."""
    out.mkdir()
    env = {**os.environ, "GCBASE_CHECKOV_PROCESS": process, "GCBASE_CHECKOV_MEMO": memo,
           **({"GCBASE_CACHE_DIR": str(cache)} if cache is not None else {})}
    proc = subprocess.run([sys.executable, "-c", COMMAND.format(fake=fake), "check", "--plan", str(plan), "--json",
                           str(out / "check.json"), "-o", str(out / "reports"), "--format", "json,md,sarif,junit,html",
                           "--lang", "en"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    here = "CHECKOV-HERE=True" in proc.stderr
    written = {"stdout": proc.stdout.replace(str(out), "OUT")}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            written[path.relative_to(out).as_posix()] = STAMP.sub("TIME", path.read_text(encoding="utf-8"))
    return written, here


@pytest.fixture(scope="module")
def without(plan_file, tmp_path_factory):
    written, here = _run(plan_file, tmp_path_factory.mktemp("off") / "out", "0")
    assert here  # GCBASE_CHECKOV_PROCESS=0: Checkov in the command's process
    assert len(written) >= 6
    return written


def test_the_command_with_checkov_in_a_second_process_writes_the_same(plan_file, without, tmp_path):
    written, here = _run(plan_file, tmp_path / "out", "1")
    assert not here  # the child did Checkov's work: the command never loaded it
    assert written.keys() == without.keys()
    for name in written:
        assert written[name] == without[name], name


@pytest.mark.parametrize("fake", sorted(FAKES))
def test_a_child_that_fails_leaves_the_plan_to_the_command_and_the_results_unchanged(plan_file, without, tmp_path,
                                                                                      fake):
    written, here = _run(plan_file, tmp_path / "out", "1", FAKES[fake])
    assert here  # the plan was checked in the command's own process
    for name in written:
        assert written[name] == without[name], name


def test_the_child_is_started_only_by_the_command_for_check():
    """gcbase.cli.main (tests, the policy pack) and the fleet never start it; the entry point does for `check`."""
    probe = ("import sys\nfrom gcbase.check import offload\nstarted = []\noffload.start = lambda: started.append(1)\n"
             "from gcbase import entry\nsys.argv = ['gcbase', *sys.argv[1:]]\n"
             "try:\n    entry.main()\nexcept SystemExit:\n    pass\nprint(len(started))")
    for argv, expected in ((["check", "--help"], "0"), (["synth", "--help"], "0"), (["--version"], "0")):
        proc = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert proc.stdout.strip().splitlines()[-1] == expected, (argv, proc.stdout, proc.stderr[-500:])
    from gcbase.check import offload

    assert offload.child() is None  # this test process never started one


def test_the_child_runs_what_the_memo_misses_with_the_same_results(plan_file, tmp_path):
    """With the memo on: a plan seen before needs no Checkov; an edited one gets the missed checks run by the
    child (graph-free, narrowed graph, whole plan), and every output equals a run without memo and child."""
    cache = tmp_path / "cache"
    first, _ = _run(plan_file, tmp_path / "first", "1", memo="1", cache=cache)
    again, here = _run(plan_file, tmp_path / "again", "1", memo="1", cache=cache)
    assert not here and again == first
    doc = json.loads(plan_file.read_text(encoding="utf-8"))
    role = next(r for r in doc["planned_values"]["root_module"]["resources"] if r["type"] == "aws_iam_role")
    role["values"]["assume_role_policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    edited = tmp_path / plan_file.name  # the same name: the reports name the plan file
    edited.write_text(json.dumps(doc), encoding="utf-8")
    remembered, here = _run(edited, tmp_path / "remembered", "1", memo="1", cache=cache)
    assert not here
    plain, _ = _run(edited, tmp_path / "plain", "0", memo="0")
    assert remembered.keys() == plain.keys()
    for name in plain:
        assert remembered[name] == plain[name], name
    assert remembered["check.json"] != first["check.json"]  # the edit shows
