"""`gcbase check ... -o DIR --format ... --lang ... --fail-on ...`: reports, waivers and the gate."""

from __future__ import annotations

import contextlib
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from helpers import ROOT
from gcbase.cli import main

SARIF_SCHEMA = json.loads(Path(__file__).with_name("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
IGW_PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "fail.json"  # IGW in a My Number VPC, no SCP
NAT_PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_29" / "fail.json"  # NAT in a My Number VPC, no SCP
WAIVE_ALL = """\
- check: GCJP_AWS_21
  resource: "(plan)"
  reason: The region guardrail is Digital Agency's, inherited and not in this test plan.
  approver: CISO 山田
  expires: {expires}
- check: GCJP_AWS_29
  resource: "aws_nat_gateway.*"
  reason: Test fixture with a NAT gateway on purpose, to exercise the gate.
  approver: CISO 山田
  expires: {expires}
  scope: all
- check: GCJP_AWS_46
  resource: aws_vpc.juki
  reason: Test fixture with a NAT gateway on purpose, to exercise the gate.
  approver: CISO 山田
  expires: {expires}
- check: CKV_AWS_1
  resource: "*"
  reason: Matches nothing in this plan, so it is reported as unused.
  approver: CISO 山田
  expires: {expires}
  scope: all
"""
SOON = (date.today() + timedelta(days=200)).isoformat()  # within baselines/waivers-policy.yaml maxLifetimeDays


def sarif_valid(doc: dict) -> list[str]:
    return [e.message for e in jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(doc)]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_violations_fail_the_gate_and_every_format_is_written(tmp_path, capsys):
    code, out, err = run(capsys, "--plan", str(IGW_PLAN), "--fail-on", "critical", "-o", str(tmp_path),
                         "--format", "sarif,junit,md,json", "--lang", "en", "--scope", "part")
    assert code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junit.xml", "report.json", "report.md", "report.sarif"]
    assert re.search(r"gate \(--fail-on critical\): FAIL: \d+ mandatory requirement\(s\) not met, 6 failure\(s\), "
                     r"0 expired waiver\(s\), 0 boundary mismatch\(es\)", out)
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    assert sarif_valid(sarif) == []
    results = sarif["runs"][0]["results"]
    igw = [r for r in results if r["ruleId"] == "GCJP_AWS_28"]
    assert len(igw) == 3 and {r["level"] for r in igw} == {"error"}
    # the plan file as the repository names it, not this machine's absolute path
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == \
        {"tests/policies/fixtures/GCJP_AWS_28/fail.json"}
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    statuses = [f["status"] for f in doc["findings"]]
    mandatory = doc["stacks"][0]["mandatory"]  # one testcase per mandatory requirement besides the findings
    unmet = {m["requirement"] for m in doc["mandatoryFailures"]}
    assert int(junit.get("tests")) == len(statuses) + len(mandatory)
    assert int(junit.get("failures")) == statuses.count("fail") + len(unmet) and statuses.count("fail") > 6
    assert doc["failOn"] == "critical" and doc["passed"] is False and doc["boundaries"] is None
    assert "mandatory requirement(s) not met, 6 failure(s) at or above Critical, 0 responsibility-boundary mismatch(es)**" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_the_gate_threshold(capsys):
    # the worst failures are critical: --fail-on critical fails; nothing is above it, so there is no lower bar that passes
    assert run(capsys, "--plan", str(IGW_PLAN), "--fail-on", "critical")[0] == 1
    assert run(capsys, "--plan", str(IGW_PLAN), "--fail-on", "low")[0] == 1


def test_current_waivers_pass_the_gate_and_show_as_waived(tmp_path, capsys):
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVE_ALL.format(expires=SOON), encoding="utf-8")
    code, out, err = run(capsys, "--plan", str(NAT_PLAN), "--fail-on", "critical", "--waivers", str(waivers),
                         "-o", str(tmp_path / "out"), "--format", "json,junit", "--scope", "part")
    # nothing fails at or above critical any more; the gate still fails on the mandatory requirements this
    # fragment does not meet (its flow log and backups), whatever their checks' severity
    assert code == 1, out + err
    assert re.search(r"gate \(--fail-on critical\): FAIL: [1-9]\d* mandatory requirement\(s\) not met, 0 failure\(s\)", out)
    assert f"warning: {waivers}:17: waiver CKV_AWS_1 * matched no finding (unused)" in err
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    waived = sorted(f["resource"] for f in doc["findings"] if f["status"] == "waived")
    assert waived == ["(plan)", "aws_nat_gateway.juki", "aws_nat_gateway.juki_private", "aws_vpc.juki"]
    assert [(w["checkId"], w["state"], w["matched"]) for w in doc["waivers"] if w["file"] == waivers.name] == [
        ("GCJP_AWS_21", "active", 1), ("GCJP_AWS_29", "active", 2), ("GCJP_AWS_46", "active", 1), ("CKV_AWS_1", "unused", 0)]
    junit = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    assert junit.get("skipped") == "4"
    # a lower bar still fails on the high-severity findings nobody waived
    assert run(capsys, "--plan", str(NAT_PLAN), "--fail-on", "high", "--waivers", str(waivers))[0] == 1


def test_a_waiver_for_a_check_that_cannot_be_waived_is_refused(tmp_path, capsys):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- check: GCJP_AWS_43\n  resource: '*'\n  reason: The vendor says it is fine to go online.\n"
                       "  approver: CISO 山田\n  expires: 2099-03-31\n", encoding="utf-8")
    code, out, err = run(capsys, "--plan", str(IGW_PLAN), "--waivers", str(waivers))
    assert code == 2
    assert f"error: {waivers}: [0].check: GCJP_AWS_43 cannot be waived (its metadata says waivable: false): fix " \
           "what it reports instead" in err


def test_an_expired_waiver_fails_the_gate(tmp_path, capsys):
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVE_ALL.format(expires="2020-03-31"), encoding="utf-8")
    code, out, err = run(capsys, "--plan", str(NAT_PLAN), "--fail-on", "critical", "--waivers", str(waivers))
    assert code == 1
    assert f"error: {waivers}:6: waiver GCJP_AWS_29 aws_nat_gateway.* expired on 2020-03-31 and still matches " \
           "2 failure(s); they count as failures" in err
    assert "3 expired waiver(s)" in out


@pytest.mark.parametrize("argv,message", [
    (["--format", "html,pdf"], "error: --format: pdf is not a report format; allowed: a comma-separated subset of "
                               "html,md,sarif,junit,json,xlsx"),
    (["--waivers", "/nonexistent/w.yaml"], "error: /nonexistent/w.yaml: waiver file not found"),
])
def test_usage_and_input_errors_exit_2(capsys, argv, message):
    code, out, err = run(capsys, "--plan", str(IGW_PLAN), *argv)
    assert code == 2 and message in err.splitlines()


def test_a_format_typo_is_one_line_before_any_work(monkeypatch, tmp_path, capsys):
    """--format is validated before a stack is synthesized or a plan read: one line, exit 2, nothing written."""
    import gcbase.synth

    def no_work(*_args, **_kwargs):
        raise AssertionError("synthesized before --format was validated")

    monkeypatch.setattr(gcbase.synth, "synth_stack", no_work)
    monkeypatch.setattr(gcbase.synth, "all_stack_files", no_work)
    code, out, err = run(capsys, "131121-prod", "--format", "htm,md", "-o", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert err.splitlines() == ["error: --format: htm is not a report format; allowed: a comma-separated subset of "
                                "html,md,sarif,junit,json,xlsx"]
    assert not (tmp_path / "out").exists()


def test_bad_waiver_file_exits_2_with_one_line_per_problem(tmp_path, capsys):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- check: GCJP_AWS_28\n  resource: '*'\n  reason: too short\n", encoding="utf-8")
    code, _, err = run(capsys, "--plan", str(IGW_PLAN), "--waivers", str(waivers))
    assert code == 2
    assert err.splitlines() == [f"error: {waivers}: [0].approver: required key is missing",
                                f"error: {waivers}: [0].expires: required key is missing"]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """One full run on an example stack: synth, every check, the boundary matrix, every format."""
    out = tmp_path_factory.mktemp("example")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["check", "131121-prod", "-o", str(out), "--lang", "en"])
    return code, stdout.getvalue(), stderr.getvalue(), out


def test_example_stack_report(example):
    code, out, err, path = example
    # the bundled example passes the whole gate: every check, its waivers, the responsibility matrix
    assert code == 0, out[-3000:] + err[-3000:]
    assert "gate (--fail-on high): PASS: 0 mandatory requirement(s) not met, 0 failure(s), 0 expired waiver(s), 0 boundary mismatch(es)" in out
    assert re.search(r"^\[1/1\] 131121-prod: \d+ results, \d+ failed \(\d+\.\d s\)$", err, re.M)  # plain progress
    assert sorted(p.name for p in path.iterdir()) == sorted(
        ["report.html", "report.md", "report.sarif", "junit.xml", "report.json", "checklist.xlsx"])
    doc = json.loads((path / "report.json").read_text(encoding="utf-8"))
    assert doc["stacks"][0]["configFile"] == "stacks/Pulumi.131121-prod.yaml"
    assert doc["stacks"][0]["meta"]["municipalityName"] == "世田谷区"
    assert doc["boundaries"] and {"governance", "auditor", "asp"} <= set(doc["parties"])
    assert doc["passed"] is True and doc["boundaryMismatches"] == 0
    html = (path / "report.html").read_text(encoding="utf-8")
    for system in ("juki  10.20.0.0/22", "zei  10.20.4.0/22", "senkyo  10.20.8.0/22", "shinsei  10.20.12.0/22"):
        assert system in html, system
    sarif = json.loads((path / "report.sarif").read_text(encoding="utf-8"))
    assert sarif_valid(sarif) == []
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]}
    assert lines and lines <= set(range(1, 38))  # lines of the stack config file
    wb = load_workbook(path / "checklist.xlsx")
    # one row per stack and requirement, then one per category a plan cannot show (B, D, F)
    assert doc["categoriesNotPlanCheckable"] == ["B", "D", "F"]
    assert wb.worksheets[0].title == "Verdict" and wb.worksheets[1].max_row - 1 == len(doc["requirements"]) + 3
    assert "PresharedKey" not in html and "[secret]" not in html


def test_a_violating_change_fails_the_gate_and_the_example_passes_the_checks(tmp_path, capsys):
    """What the documented CI job does on a merge request: the unchanged example passes every check;
    dropping the second line (a change the stack config validation allows) fails at high."""
    original = (ROOT / "stacks" / "Pulumi.131121-prod.yaml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "stacks/Pulumi.131121-prod.yaml", "--no-boundaries")
    assert code == 0, out + err
    assert "gate (--fail-on high): PASS: 0 mandatory requirement(s) not met, 0 failure(s), 0 expired waiver(s), 0 boundary mismatch(es)" in out
    line = '      - {connectionId: dxcon-fh7b2m4q, vlans: {mynumber: 102, lgwan: 112, internet: 122}, location: "AT Tokyo CC1"}\n'
    assert line in original and "redundancy: dual" in original
    weakened = tmp_path / "Pulumi.131121-prod.yaml"
    weakened.write_text(original.replace(line, "").replace("redundancy: dual", "redundancy: single"), encoding="utf-8")
    code, out, err = run(capsys, str(weakened), "--no-boundaries", "-o", str(tmp_path / "out"), "--format", "sarif")
    assert code == 1
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))
    redundancy = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "GCJP_AWS_34"]
    assert len(redundancy) == 3  # one Direct Connect gateway per connected tier, each on one line now
    for result in redundancy:
        loc = result["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"] == weakened.name  # outside the repository
        assert loc["physicalLocation"]["region"]["startLine"] == 19 and loc["message"]["text"] == "gcbase:network.lines"


def test_gcbase_baseline_waivers_apply_to_gcbase_plans_only(tmp_path, capsys):
    """baselines/waivers.yaml was approved for gcbase's tenancy: the same plan, once with gcbase's
    provenance and once without (a vendor's own plan), is waived only in the first case, and the
    second gets no "unused" warnings about waivers it never had."""
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    tfplan = export(synth_stack("131121-prod"))
    ours, foreign = tmp_path / "ours.json", tmp_path / "foreign.json"
    ours.write_text(json.dumps(tfplan), encoding="utf-8")
    foreign.write_text(json.dumps({k: v for k, v in tfplan.items() if k != "gcbase"}), encoding="utf-8")
    shared = "baselines/waivers.yaml"  # as reports name it: relative to the repository
    states = {}
    for plan in (ours, foreign):
        out = tmp_path / plan.stem
        code, _, err = run(capsys, "--plan", str(plan), "--no-boundaries", "-o", str(out), "--format", "json")
        doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
        states[plan.stem] = ({(f["checkId"], f["resource"]): f["status"] for f in doc["findings"]},
                             [w for w in doc["waivers"] if w["file"] == shared], err)
    (ours_findings, ours_waivers, _), (foreign_findings, foreign_waivers, foreign_err) = states["ours"], states["foreign"]
    waived = {k for k, status in ours_findings.items() if status == "waived"}
    assert waived and ours_waivers
    assert all(foreign_findings[k] == "fail" for k in waived)
    assert foreign_waivers == [] and shared not in foreign_err and str(ROOT / shared) not in foreign_err


def test_a_plan_gcbase_exported_is_checked_as_its_stack(tmp_path, capsys):
    """`gcbase synth -o` writes <stack>.tfplan.json; `check --plan` of it names the stack from the
    plan, so waivers scoped to that stack (`stacks:`) apply as they do to the synthesized stack."""
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    tfplan = export(synth_stack("131121-prod"))
    for section in (tfplan["planned_values"]["root_module"]["resources"], [c["change"] for c in tfplan["resource_changes"]]):
        for item in section:  # one failure no baseline waiver covers: key rotation off on every key
            values = item.get("values", item.get("after"))
            if "enable_key_rotation" in (values or {}):
                values["enable_key_rotation"] = False
    path = tmp_path / "131121-prod.tfplan.json"
    path.write_text(json.dumps(tfplan), encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(f"""\
- check: CKV_AWS_7
  resource: "*"
  reason: A stack-scoped waiver, to see that it reaches the exported plan of its stack.
  approver: CISO 山田
  expires: {SOON}
  stacks: [131121-prod]
  scope: all
""", encoding="utf-8")
    code, out, err = run(capsys, "--plan", str(path), "--waivers", str(waivers), "--no-boundaries",
                         "-o", str(tmp_path / "out"), "--format", "json")
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [s["stack"] for s in doc["stacks"]] == ["131121-prod"]
    rotation = {f["status"] for f in doc["findings"] if f["checkId"] == "CKV_AWS_7"}
    assert rotation == {"waived"}, rotation
    assert [w["state"] for w in doc["waivers"] if w["file"] == waivers.name] == ["active"]  # outside the repository


def test_a_foreign_program_named_gcbase_gets_no_gcbase_waivers(tmp_path, capsys):
    """Provenance for --program is the directory, not the project name a copy could carry."""
    import shutil

    program = tmp_path / "copy"
    shutil.copytree(ROOT / "tests" / "programs" / "hub-and-spoke", program)
    project = program / "Pulumi.yaml"
    project.write_text(re.sub(r"(?m)^name: .*$", "name: gcbase", project.read_text(encoding="utf-8")), encoding="utf-8")
    config = program / "Pulumi.dev.yaml"  # its config keys follow the project name
    config.write_text(config.read_text(encoding="utf-8").replace("hub-and-spoke:", "gcbase:"), encoding="utf-8")
    code, out, err = run(capsys, "--program", str(program), "--no-boundaries", "-o", str(tmp_path / "out"),
                         "--format", "json")
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert doc["stacks"] and not [w for w in doc["waivers"] if w["file"] == str(ROOT / "baselines" / "waivers.yaml")]
    assert "baselines/waivers.yaml" not in err
