"""The requirement-level gate: every state (合格, 合格（指摘あり）, 不合格 incl. a mandatory requirement that fails or is
missing, 未完了) says the same verdict in every format: HTML, Markdown, SARIF, JUnit, JSON and xlsx."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from gcbase.report import render
from gcbase.report.i18n import Texts
from gcbase.report.model import Finding, StackReport
from report_fixtures import EXPIRED, STACK, TITLE_FLOW, report

MANDATORY = ("E.7.1.1", "A.3.2.1")


def finding(check: str, status: str, severity: str, reqs: tuple[str, ...], resource: str = "aws_flow_log.x",
            waiver=None) -> Finding:
    return Finding(check_id=check, stack=STACK, resource=resource, resource_type="aws_flow_log", status=status,
                   severity=severity, title=TITLE_FLOW, requirements=reqs, waiver=waiver)


def build(findings: list[Finding], mandatory=MANDATORY, scope: str = "tenancy"):
    r = report(findings=findings)
    r.boundaries = None
    r.waivers = []
    s = r.stacks[0]
    r.stacks = [StackReport(s.stack, s.config_file, s.plan, s.meta, tuple(mandatory), scope)]
    return r


CASES = {
    "pass": [finding("GCJP_AWS_9", "pass", "medium", ("E.7.1.1",)), finding("GCJP_AWS_35", "pass", "high", ("A.3.2.1",))],
    # a low failure of a check serving a requirement no stack needs: the gate passes, with findings
    "findings": [finding("GCJP_AWS_9", "pass", "medium", ("E.7.1.1",)), finding("GCJP_AWS_35", "pass", "high", ("A.3.2.1",)),
                 finding("CKV2_AWS_62", "fail", "low", (), "aws_s3_bucket.b")],
    # a low failure on a mandatory requirement fails, whatever --fail-on says
    "fail": [finding("GCJP_AWS_9", "fail", "low", ("E.7.1.1",)), finding("GCJP_AWS_35", "pass", "high", ("A.3.2.1",))],
    # nothing checked A.3.2.1 (no backup at all): missing, a failure
    "missing": [finding("GCJP_AWS_9", "pass", "medium", ("E.7.1.1",))],
    # a low failure outside every mandatory requirement, under an expired waiver: it counts again
    "expired": [finding("GCJP_AWS_9", "pass", "medium", ("E.7.1.1",)), finding("GCJP_AWS_35", "pass", "high", ("A.3.2.1",)),
                finding("CKV2_AWS_62", "fail", "low", (), "aws_s3_bucket.b", waiver=EXPIRED)],
    # a check raised: its resource is unchecked, so the run is incomplete (未完了), never a pass
    "error": [finding("GCJP_AWS_9", "pass", "medium", ("E.7.1.1",)), finding("GCJP_AWS_35", "pass", "high", ("A.3.2.1",)),
              finding("GCJP_AWS_12", "error", "high", ("E.5.1.1",))],
}
EXPECTED = {"pass": "pass", "findings": "findings", "fail": "fail", "missing": "fail", "expired": "fail", "error": "error"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_format_says_the_same_verdict(case):
    r = build(CASES[case])
    state = EXPECTED[case]
    assert r.state == state and r.passed is (state in ("pass", "findings"))
    text = r.verdict_text(Texts("ja"))[1]
    html = render(r, "html", "ja")
    assert f'<div class="verdict {state}" id="verdict" data-result="{state}">{text}</div>' in html
    md = render(r, "md", "ja")
    assert f"**{text}**".replace("（", "（") in md or text.split(":")[0] in md
    assert {"pass": "✅", "findings": "🟡", "fail": "❌", "error": "⚠️"}[state] in md.splitlines()[0]
    doc = json.loads(render(r, "json", "ja"))
    assert doc["verdict"] == state and doc["passed"] is (state in ("pass", "findings"))
    sarif = json.loads(render(r, "sarif", "ja"))
    assert sarif["runs"][0]["properties"]["verdict"] == state
    junit = ET.fromstring(render(r, "junit", "ja"))
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert props["verdict"] == state
    sheet = load_workbook(io.BytesIO(render(r, "xlsx", "ja"))).worksheets[0]
    assert sheet.title == "判定" and sheet["A2"].value == text


def test_a_missing_mandatory_requirement_is_named_in_every_format():
    r = build(CASES["missing"])
    assert r.mandatory_failures() == [(STACK, "A.3.2.1", "missing")]
    assert r.verdict("A.3.2.1") == "missing"
    doc = json.loads(render(r, "json", "en"))
    assert doc["mandatoryFailures"] == [{"stack": STACK, "requirement": "A.3.2.1", "reason": "missing"}]
    assert {q["id"]: q["verdict"] for q in doc["requirements"]}["A.3.2.1"] == "missing"
    sarif = json.loads(render(r, "sarif", "en"))
    assert [x["ruleId"] for x in sarif["runs"][0]["results"]] == ["requirement/A.3.2.1"]
    junit = ET.fromstring(render(r, "junit", "en"))
    case = next(c for c in junit.iter("testcase") if c.get("name") == "A.3.2.1")
    assert case.find("failure").get("message") == "A.3.2.1: Fail (missing)"
    html = render(r, "html", "ja")
    assert '<span class="badge missing">不適合（欠落）</span>' in html
    wb = load_workbook(io.BytesIO(render(r, "xlsx", "ja")))
    assert [c.value for c in wb.worksheets[0][2]][1:] == [STACK, "A.3.2.1", "不適合（欠落）"]
    row = next(x for x in wb.worksheets[1].iter_rows(values_only=True) if x[1] == "A.3.2.1")
    assert row[0] == STACK and row[4] == "不適合（欠落）"


def test_a_part_of_a_tenancy_is_not_judged_for_absence_but_still_for_failures():
    part = build(CASES["missing"], scope="part")
    assert part.state == "pass" and part.verdict("A.3.2.1") == "unverified"
    assert build(CASES["fail"], scope="part").state == "fail"


def test_an_expired_waiver_or_an_error_still_decide():
    r = build(CASES["pass"] + [finding("GCJP_AWS_12", "error", "high", ("E.5.1.1",))])
    assert r.state == "error" and not r.passed


def test_an_unchecked_resource_type_fails_the_gate_unless_the_run_is_advisory(tmp_path, capsys):
    """A resource no check reads (another provider's, an AWS type nothing covers) is not a silent pass."""
    from gcbase.cli import main
    from helpers import ROOT

    fixture = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_72" / "fail.json"
    out = tmp_path / "r.json"
    code = main(["check", "--plan", str(fixture), "--scope", "part", "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "error: fail.json: mandatory requirement GL.CV.1 is not met (a check fails)" in captured.err
    failed = {f["resource"] for f in json.loads(out.read_text())["plans"][0]["findings"]
              if f["check_id"] == "GCJP_AWS_72" and f["result"] == "FAILED"}
    assert failed == {"type:aws_appfabric_app_bundle", "type:aws_ec2_client_vpn_endpoint",
                      "type:random:index/randomPassword:RandomPassword"}
    main(["check", "--plan", str(fixture), "--scope", "part", "--json", str(out), "--allow-unchecked-types"])
    assert "GL.CV.1" not in capsys.readouterr().err
    doc = json.loads(out.read_text())["plans"][0]
    assert {f["result"] for f in doc["findings"] if f["check_id"] == "GCJP_AWS_72" and f["resource"] in failed} == {"SKIPPED"}
