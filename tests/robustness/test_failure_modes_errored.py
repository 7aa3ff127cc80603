"""A check that raises (docs/FAILURES.md): the run goes on, the (check, resource) it raised on is
ERRORED in every report (never a pass, never dropped), every other result is kept, the reports
are written, one line per errored check names the check file, the resource and the exception,
and `gcbase check` exits 2 after writing them.
"""

from __future__ import annotations

from datetime import date, timedelta

import inspect
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from openpyxl import load_workbook

import gcbase.check.runner as runner
from gcbase.check.findings import ERRORED, PASSED
from gcbase.check.plancheck import plan_checks
from gcbase.report import FILENAMES
from robust_kit import MESSAGE_LINE, TRACEBACK, run_cli
from helpers import ROOT

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"  # two VPCs, one gateway
PLAN_CHECK = ROOT / "policies" / "plan" / "GCJP_AWS_28.py"
SARIF_SCHEMA = ROOT / "tests" / "report" / "sarif-schema-2.1.0.json"  # OASIS SARIF 2.1.0 (errata 01)


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


def _make_gateway_check_raise(monkeypatch) -> None:
    """gcbase's plan-level GCJP_AWS_28 (requirement GL.3T.1) raising on the only gateway of PLAN."""
    check = next(c for c in plan_checks() if c.id == "GCJP_AWS_28")

    def scan(res, plan):
        raise KeyError("tags")

    monkeypatch.setattr(check, "scan", scan)


def _clean_exit_2(run) -> list[str]:
    """Exit 2 after the work, no traceback, every line a one-line message; the error lines."""
    assert run.code == 2, str(run)
    assert not TRACEBACK.search(run.text), str(run)
    for line in run.err.splitlines():
        assert MESSAGE_LINE.match(line), f"not a one-line message: {line!r}\n{run}"
    # the check errors; a fragment's unmet mandatory requirements are reported too, but are not what this is about
    return [line for line in run.err.splitlines() if line.startswith("error: ") and "mandatory requirement" not in line]


def _outputs(out):
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    junit = ET.fromstring((out / "junit.xml").read_text(encoding="utf-8"))
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    return doc, junit, sarif, html


def test_checkov_check_that_raises_is_errored_in_every_report_and_exits_2(raising_check, tmp_path):
    out = tmp_path / "out"
    run = run_cli("check", "--plan", str(PLAN), "-o", str(out), "--json", str(tmp_path / "check.json"), "--lang", "en")
    errors = _clean_exit_2(run)
    source = inspect.getsourcefile(type(raising_check))
    assert errors == [f"error: {source}: CKV_AWS_9901: the check raised on aws_vpc.juki (RuntimeError: bug in the "
                      f"check); it was not evaluated (ERRORED in the reports): fix or remove the check"]
    assert "Failed to run check" not in run.err  # Checkov's own traceback log is not printed
    assert "gate (--fail-on high): ERROR:" in run.out and "1 check error(s) (not evaluated)" in run.out
    assert sorted(p.name for p in out.iterdir()) == sorted(FILENAMES.values())  # every report written

    doc, junit, sarif, html = _outputs(out)
    mine = {(f["resource"], f["status"]) for f in doc["findings"] if f["checkId"] == "CKV_AWS_9901"}
    assert mine == {("aws_vpc.juki", "error"), ("aws_vpc.kosodate", "pass")}  # errored there, passed elsewhere
    juki = next(f for f in doc["findings"] if f["checkId"] == "CKV_AWS_9901" and f["resource"] == "aws_vpc.juki")
    assert juki["message"] == "the check raised (RuntimeError: bug in the check); it was not evaluated"
    assert doc["checkErrors"] == [{"checkId": "CKV_AWS_9901", "stack": "pass.json", "resource": "aws_vpc.juki",
                                   "message": juki["message"]}]
    assert doc["passed"] is False
    assert ("GCJP_AWS_28", "aws_internet_gateway.kosodate", "pass") in {
        (f["checkId"], f["resource"], f["status"]) for f in doc["findings"]}  # the other checks' results are kept

    cases = {c.get("name"): c for c in junit.iter("testcase")}
    error = cases["CKV_AWS_9901 aws_vpc.juki"].find("error")
    assert error is not None and "RuntimeError: bug in the check" in error.text
    assert cases["CKV_AWS_9901 aws_vpc.kosodate"].find("error") is None and list(cases["CKV_AWS_9901 aws_vpc.kosodate"]) == []
    assert junit.get("errors") == "1" and junit.find("testsuite").get("errors") == "1"

    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(sarif)] == []  # the notification is valid SARIF 2.1.0
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert len(notes) == 1 and notes[0]["associatedRule"]["id"] == "CKV_AWS_9901"
    assert notes[0]["locations"][0]["logicalLocations"][0]["name"] == "aws_vpc.juki"
    assert "RuntimeError: bug in the check" in notes[0]["exception"]["message"]
    assert not any(r["ruleId"] == "CKV_AWS_9901" for r in sarif["runs"][0]["results"])  # not reported as a failure

    assert 'class="badge error"' in html and "Checks that raised" in html and 'data-result="error"' in html
    assert "RuntimeError: bug in the check" in html

    plans = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))["plans"]
    assert plans[0]["summary"]["errored"] == 1
    assert [(f["resource"], f["result"], f["error"]["file"]) for f in plans[0]["findings"]
            if f["check_id"] == "CKV_AWS_9901" and f["result"] == ERRORED] == [("aws_vpc.juki", ERRORED, source)]


def test_the_same_check_on_a_plan_where_it_does_not_raise_passes(raising_check):
    """Control: the check runs and is reported when it works (so the ERRORED above is the raise)."""
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["planned_values"]["root_module"]["resources"] = [
        r for r in plan["planned_values"]["root_module"]["resources"] if r["address"] != "aws_vpc.juki"]
    report = runner.run_tfplan(plan, waivers=(), only=["CKV_AWS_9901"])
    assert [(f.check_id, f.resource, f.result) for f in report.findings] == [("CKV_AWS_9901", "aws_vpc.kosodate", PASSED)]
    assert report.errored() == []


def test_a_raising_plan_check_leaves_its_requirement_not_passed(monkeypatch, tmp_path):
    out = tmp_path / "out"
    # GL.3T.1's other check (GCJP_AWS_27) fails on this plan: waived, so only the raise decides the verdict
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- check: GCJP_AWS_27\n  resource: aws_vpc.juki\n  reason: accepted only inside this robustness test\n"
                       "  approver: the test suite\n"
                       f"  expires: {date.today() + timedelta(days=30)}\n", encoding="utf-8")
    before = run_cli("check", "--plan", str(PLAN), "--format", "json", "-o", str(tmp_path / "before"),
                     "--waivers", str(waivers))
    _make_gateway_check_raise(monkeypatch)
    run = run_cli("check", "--plan", str(PLAN), "-o", str(out), "--waivers", str(waivers))
    errors = _clean_exit_2(run)
    assert errors == [f"error: {PLAN_CHECK}: GCJP_AWS_28: the check raised on aws_internet_gateway.kosodate "
                      f"(KeyError: 'tags'); it was not evaluated (ERRORED in the reports): fix or remove the check"]
    doc, junit, sarif, html = _outputs(out)
    assert [(f["resource"], f["status"]) for f in doc["findings"] if f["checkId"] == "GCJP_AWS_28"] == [
        ("aws_internet_gateway.kosodate", "error")]
    gl = {(f["checkId"], f["status"]) for f in doc["findings"] if "GL.3T.1" in f["requirements"]}
    assert {("GCJP_AWS_28", "error"), ("GCJP_AWS_27", "waived")} <= gl
    assert {status for _, status in gl} == {"error", "waived", "pass"}  # the network checks (43, 46) pass here
    assert {r["id"]: r["verdict"] for r in doc["requirements"]}["GL.3T.1"] == "error"  # not pass, not waived
    assert "未確認（点検エラー）" in html and "異常終了した点検" in html
    sheet = load_workbook(out / "checklist.xlsx").worksheets[1]  # the checklist (after the verdict)
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "GL.3T.1")  # スタック, 要件ID, ...
    assert row[4] == "未確認（点検エラー）"
    assert "未確認（点検エラー）: GCJP_AWS_28 pass.json aws_internet_gateway.kosodate" in row[5]
    assert "未確認（点検エラー）" in sheet.data_validations.dataValidation[0].formula1  # the value is a listed one
    # the same run without the raise: GCJP_AWS_28 passes on the gateway (the ERRORED above is the raise)
    assert before.code in (0, 1), str(before)
    doc_before = json.loads((tmp_path / "before" / "report.json").read_text(encoding="utf-8"))
    assert [(f["resource"], f["status"]) for f in doc_before["findings"] if f["checkId"] == "GCJP_AWS_28"] == [
        ("aws_internet_gateway.kosodate", "pass")]
    others = {(f["checkId"], f["resource"], f["status"]) for f in doc_before["findings"] if f["checkId"] != "GCJP_AWS_28"}
    assert others == {(f["checkId"], f["resource"], f["status"]) for f in doc["findings"] if f["checkId"] != "GCJP_AWS_28"}


def test_requirement_verdict_with_an_errored_check_is_never_pass():
    from gcbase.report.model import Finding, Report, Requirement

    def finding(status: str, resource: str) -> Finding:
        return Finding("X_1", "s", resource, "aws_vpc", status, "high", {"ja": "x", "en": "x"}, requirements=("R.1",))

    report = Report(stacks=[], findings=[], requirements=[Requirement("R.1", "E", {"ja": "r", "en": "r"})])
    assert report.verdict("R.1", [finding("pass", "a"), finding("error", "b")]) == "error"
    assert report.verdict("R.1", [finding("waived", "a"), finding("error", "b")]) == "error"
    assert report.verdict("R.1", [finding("fail", "a"), finding("error", "b")]) == "fail"
    assert report.verdict("R.1", [finding("pass", "a")]) == "pass"
    report.findings = [finding("pass", "a"), finding("error", "b")]
    assert not report.passed and report.gate_failures() == [] and [f.resource for f in report.errored()] == ["b"]
