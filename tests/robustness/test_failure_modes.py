"""Failure modes of the checks, each with its exit code and message (docs/FAILURES.md): a check
that raises, a policy file that does not load, an unknown resource type, a boundary solver that
times out. Inputs and outputs: test_failure_modes_io.py.
"""

from __future__ import annotations

import inspect
import json
import shutil

import pytest
import z3

import gcbase.check.plancheck as plancheck
import gcbase.check.runner as runner
import gcbase.synth as synth
from gcbase.check.findings import PASSED
from gcbase.check.plancheck import PlanCheck
from gcbase.errors import GcbaseError
from robust_kit import TRACEBACK, assert_clean_failure, run_cli
from helpers import ROOT, plan_of

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"  # two VPCs, one gateway


# -- a check that raises --------------------------------------------------------------------


@pytest.fixture
def raising_check():
    """A Checkov resource check that raises on aws_vpc.juki and passes every other VPC."""
    runner._checkov()  # Checkov loaded with gcbase's checks, as in a real run
    from checkov.common.models.enums import CheckCategories, CheckResult
    from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
    from checkov.terraform.checks.resource.registry import resource_registry

    class RaisesOnJuki(BaseResourceCheck):
        def __init__(self):
            super().__init__(name="raises on one VPC", id="CKV_AWS_9901", categories=[CheckCategories.NETWORKING],
                             supported_resources=["aws_vpc"])

        def scan_resource_conf(self, conf):
            if conf.get("tags") and conf["tags"][0].get("gcbase:tier") == "mynumber":
                raise RuntimeError("bug in the check")
            return CheckResult.PASSED

    check = RaisesOnJuki()
    yield check
    for registered in (*resource_registry.checks.values(), *resource_registry.wildcard_checks.values()):
        while check in registered:
            registered.remove(check)


def test_a_checkov_check_that_raises_is_an_error_never_a_pass(raising_check, tmp_path):
    run = run_cli("check", "--plan", str(PLAN), "-o", str(tmp_path), "--json", str(tmp_path / "check.json"))
    errors = assert_clean_failure(run, [inspect.getsourcefile(type(raising_check))], key="CKV_AWS_9901",
                                  out_dir=tmp_path)
    assert len(errors) == 1
    assert "the check raised on aws_vpc.juki (RuntimeError: bug in the check); it was not evaluated" in errors[0]
    assert "Failed to run check" not in run.err  # Checkov's own traceback log is not printed
    with pytest.raises(GcbaseError):  # in-process too: no report in which the check passed on juki
        runner.run_tfplan(json.loads(PLAN.read_text(encoding="utf-8")), waivers=(), only=["CKV_AWS_9901"])


def test_the_same_check_on_a_plan_where_it_does_not_raise_passes(raising_check):
    """Control: the check runs and is reported when it works (so the error above is the raise)."""
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["planned_values"]["root_module"]["resources"] = [
        r for r in plan["planned_values"]["root_module"]["resources"] if r["address"] != "aws_vpc.juki"]
    report = runner.run_tfplan(plan, waivers=(), only=["CKV_AWS_9901"])
    assert [(f.check_id, f.resource, f.result) for f in report.findings] == [("CKV_AWS_9901", "aws_vpc.kosodate", PASSED)]


class _Boom(PlanCheck):
    id = "GCJP_AWS_9902"
    supported_resources = ("aws_vpc",)

    def scan(self, res, plan):
        raise KeyError("tags")


def test_a_plan_level_check_that_raises_is_an_error(monkeypatch, tmp_path):
    real = runner.plan_checks()
    monkeypatch.setattr(runner, "plan_checks", lambda: (*real, _Boom()))
    run = run_cli("check", "--plan", str(PLAN), "-o", str(tmp_path))
    errors = assert_clean_failure(run, ["GCJP_AWS_9902"], out_dir=tmp_path)
    assert errors == ["error: GCJP_AWS_9902: check failed on this plan: KeyError: 'tags'"]


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
    preview = json.loads((ROOT / "tests" / "synth" / "fixtures" / "preview.json").read_text(encoding="utf-8"))
    urn = "urn:pulumi:dev::koho-site::aws:madeup/gadget:Gadget::mystery"
    preview["steps"].append({"op": "create", "urn": urn, "provider": preview["steps"][1]["urn"] + "::3f9c1d52",
                             "newState": {"urn": urn, "type": "aws:madeup/gadget:Gadget", "custom": True,
                                          "inputs": {"public": True}}})
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(preview), encoding="utf-8")
    out = tmp_path / "out"
    synth_run = run_cli("synth", "--preview", str(path))
    assert synth_run.code == 0 and "not checked (type unknown to the exporter): aws:madeup/gadget:Gadget" in synth_run.out
    run = run_cli("check", "--preview", str(path), "-o", str(out), "--json", str(out / "check.json"))
    assert run.code in (0, 1) and not TRACEBACK.search(run.text), str(run)  # the gate decides, as for any plan
    assert "not checked (type unknown to the exporter): aws:madeup/gadget:Gadget" in run.out
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "aws:madeup/gadget:Gadget" in report["typesNotChecked"]
    check = json.loads((out / "check.json").read_text(encoding="utf-8"))
    assert {"urn": urn, "type": "aws:madeup/gadget:Gadget"} in check["plans"][0]["not_checked"]
    findings = [f for p in check["plans"] for f in p["findings"]]
    assert findings and not [f for f in findings if "mystery" in f["resource"] or f.get("urn") == urn]
    assert "aws:madeup/gadget:Gadget" in (out / "report.html").read_text(encoding="utf-8")


# -- an evaluator that times out ------------------------------------------------------------


@pytest.fixture
def solver_times_out(monkeypatch):
    """Z3 answers `unknown` (what a timeout or resource limit gives) to every query."""
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "timeout")


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
