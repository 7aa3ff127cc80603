"""Failure modes of the checks, each with its exit code and message (docs/FAILURES.md): a policy
file that does not load, an unknown resource type, a boundary solver that times out. A check that
raises: test_failure_modes_errored.py; inputs and outputs: test_failure_modes_io.py.
"""

from __future__ import annotations

import json
import shutil

import pytest
import z3

import gcbase.check.plancheck as plancheck
import gcbase.synth as synth
from robust_kit import TRACEBACK, assert_clean_failure, run_cli
from helpers import ROOT, plan_of

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"  # two VPCs, one gateway


# -- a policy file that does not load ---------------------------------------------------------


@pytest.mark.parametrize("source, message", [
    ("from gcbase.check.plancheck import PlanCheck\nclass X(PlanCheck:\n", "failed to load: SyntaxError"),
    ("import gcbase_no_such_module\n", "failed to load: ModuleNotFoundError"),
    ("from gcbase.check.plancheck import PlanCheck\ncheck = 42\n", "must be a PlanCheck with id GCJP_AWS_99"),
])
def test_a_policy_file_that_does_not_load_stops_the_run(source, message, monkeypatch, tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(plancheck.POLICIES / "plan", policies / "plan")
    broken = policies / "plan" / "GCJP_AWS_99.py"
    broken.write_text(source, encoding="utf-8")
    monkeypatch.setattr(plancheck, "POLICIES", policies)
    plancheck.plan_checks.cache_clear()
    try:
        out = tmp_path / "out"
        run = run_cli("check", "--plan", str(PLAN), "-o", str(out))
    finally:
        monkeypatch.undo()
        plancheck.plan_checks.cache_clear()
    errors = assert_clean_failure(run, [str(broken)], out_dir=out)
    assert len(errors) == 1 and message in errors[0]


# -- an unknown resource type -----------------------------------------------------------------


def test_an_unknown_resource_type_is_reported_not_checked_and_never_passed(tmp_path):
    """An AWS type no check reads (here one that does not exist) gets a Terraform type by the module rule and
    fails GCJP_AWS_72; a type of another provider is listed as not checked by the exporter and fails it too."""
    preview = json.loads((ROOT / "tests" / "synth" / "fixtures" / "preview.json").read_text(encoding="utf-8"))
    urn = "urn:pulumi:dev::koho-site::aws:madeup/gadget:Gadget::mystery"
    preview["steps"].append({"op": "create", "urn": urn, "provider": preview["steps"][1]["urn"] + "::3f9c1d52",
                             "newState": {"urn": urn, "type": "aws:madeup/gadget:Gadget", "custom": True,
                                          "inputs": {"public": True}}})
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(preview), encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("check", "--preview", str(path), "-o", str(out), "--json", str(out / "check.json"), "--scope", "part")
    assert run.code == 1 and not TRACEBACK.search(run.text), str(run)  # never a pass
    check = json.loads((out / "check.json").read_text(encoding="utf-8"))
    failed = {f["resource"] for p in check["plans"] for f in p["findings"]
              if f["check_id"] == "GCJP_AWS_72" and f["result"] == "FAILED"}
    assert {"type:aws_madeup_gadget", "type:random:index/randomPassword:RandomPassword"} <= failed
    assert "mandatory requirement GL.CV.1 is not met" in run.err
    assert "aws_madeup_gadget" in (out / "report.html").read_text(encoding="utf-8")


# -- an evaluator that times out ------------------------------------------------------------


@pytest.fixture
def solver_times_out(monkeypatch):
    """Z3 answers `unknown` (what a timeout or resource limit gives) to every query, with no proof made before
    in this process (the boundary memo shares earlier tests' proofs: they would answer instead of the solver)."""
    from gcbase.boundaries import memo

    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "timeout")
    memo.reset()
    yield
    memo.reset()


def test_a_solver_timeout_leaves_cells_undecided_never_passed(solver_times_out):
    from gcbase.boundaries import evaluate

    result = evaluate(plan_of("131121-stg"))
    undecided = result.undecided()
    assert undecided, "no request reached the solver"
    for row, cell, check in undecided:
        assert not check.ok and check.to_dict()["decision"] == "undecided"
        assert check.decision.deciding.startswith("undecided: the solver gave no answer (timeout)")
    cells = [c for r in result.rows for c in r.cells]
    assert not [c for c in cells if c.status == "ok" and any(x.undecided for x in c.checks)]
    assert {c.status for c in cells if any(x.undecided for x in c.checks)} <= {"UNDECIDED", "MISMATCH"}
    deny_cells = [c for c in cells if c.cell.expect == "deny" and c.checks and all(x.undecided for x in c.checks)]
    assert deny_cells and {c.status for c in deny_cells} == {"UNDECIDED"}  # a deny expectation is not "proven"
    assert not result.ok and result.summary()["undecided"] == len(undecided)


def test_boundaries_cli_with_a_timing_out_solver_exits_1_and_says_undecided(solver_times_out, monkeypatch, tmp_path):
    plan = plan_of("131121-stg")
    monkeypatch.setattr(synth, "synth_stack", lambda ref: plan)
    run = run_cli("boundaries", "131121-stg", "--json", str(tmp_path / "b.json"))
    assert run.code == 1 and not TRACEBACK.search(run.text), str(run)
    assert "undecided: the solver gave no answer" in run.out.splitlines()[0]
    doc = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert doc["ok"] is False and doc["summary"]["undecided"] > 0
    decisions = {x["decision"] for r in doc["rows"] for c in r["cells"] for x in c["checks"]}
    assert "undecided" in decisions
