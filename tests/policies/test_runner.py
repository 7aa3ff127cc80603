"""The runner: offline, Checkov in-process, waivers, honest about what was not checked, CLI exit codes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from gcbase.check import run_tfplan
from gcbase.check.findings import Finding, Waiver
from gcbase.check.waivers import apply_waivers, load_waivers
from gcbase.cli import main
from gcbase.errors import GcbaseError

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(check_id: str, name: str) -> dict:
    return json.loads((FIXTURES / check_id / name).read_text(encoding="utf-8"))


def test_runs_offline(monkeypatch):
    """No socket is opened while Checkov and our checks run (downloads and platform calls are off)."""
    calls = []

    def refuse(self, address):
        calls.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    report = run_tfplan(fixture("GCJP_AWS_3", "fail.json"), waivers=())
    assert calls == []
    assert {f.check_id for f in report.findings} >= {"GCJP_AWS_3", "CKV_AWS_67"}  # ours and Checkov's both ran


def test_builtin_and_custom_findings_carry_metadata():
    report = run_tfplan(fixture("GCJP_AWS_3", "fail.json"), waivers=())
    ours = next(f for f in report.findings if f.check_id == "GCJP_AWS_3" and f.resource == "aws_cloudtrail.single_region")
    assert (ours.result, ours.severity, ours.requirements, ours.source) == ("FAILED", "high", ["E.7.1.1"], "gcbase")
    assert ours.title_ja.startswith("CloudTrailは全リージョン") and ours.remediation["pulumi"].startswith("aws.cloudtrail.Trail")
    builtin = next(f for f in report.findings if f.check_id == "CKV_AWS_67" and f.resource == "aws_cloudtrail.single_region")
    assert (builtin.result, builtin.severity, builtin.source) == ("FAILED", "high", "checkov")
    assert builtin.requirements == ["E.7.1.1"] and builtin.title_ja


def test_not_run_lists_checks_without_resources_of_their_type():
    report = run_tfplan(fixture("GCJP_AWS_9", "pass.json"), waivers=())
    assert "GCJP_AWS_9" not in report.not_run
    assert {"GCJP_AWS_3", "GCJP_AWS_6", "GCJP_AWS_14"} <= set(report.not_run)


def test_not_checked_types_are_reported():
    tfplan = fixture("GCJP_AWS_9", "pass.json")
    tfplan["gcbase"] = {"not_checked": [{"urn": "urn:pulumi:s::p::aws:foo/bar:Bar::x", "type": "aws:foo/bar:Bar"}],
                        "addresses": {"urn:pulumi:s::p::aws:ec2/flowLog:FlowLog::all": "aws_flow_log.all"}}
    report = run_tfplan(tfplan, waivers=())
    assert report.not_checked == [{"urn": "urn:pulumi:s::p::aws:foo/bar:Bar::x", "type": "aws:foo/bar:Bar"}]
    ours = next(f for f in report.findings if f.check_id == "GCJP_AWS_9")
    assert ours.urn == "urn:pulumi:s::p::aws:ec2/flowLog:FlowLog::all"


def test_waiver_turns_a_failure_into_skipped_and_unused_waivers_are_reported():
    waivers = (Waiver("GCJP_AWS_9", "aws_flow_log.rej*", "rejected-only logs accepted for this test fixture"),
               Waiver("GCJP_AWS_4", "aws_cloudtrail.*", "no trail in this plan, so this waiver is unused"))
    report = run_tfplan(fixture("GCJP_AWS_9", "fail.json"), only=["GCJP_AWS_9"], waivers=waivers)
    by = {f.resource: f for f in report.findings}
    assert by["aws_flow_log.rejects"].result == "SKIPPED" and by["aws_flow_log.rejects"].waiver == waivers[0]
    assert by["aws_flow_log.accepts"].result == "FAILED" and by["aws_flow_log.accepts"].waiver is None
    assert report.unused_waivers == [waivers[1]]
    assert [f.resource for f in report.failures()] == ["aws_flow_log.accepts"]


def test_a_waiver_never_touches_a_pass():
    f = Finding("GCJP_AWS_9", "aws_flow_log.all", "PASSED", "medium", [], "", "")
    assert apply_waivers([f], (Waiver("GCJP_AWS_9", "*", "would match but the finding passed"),)) != []
    assert f.result == "PASSED" and f.waiver is None


@pytest.mark.parametrize("text,message", [
    ("- {check: GCJP_AWS_9, resource: '*'}", "[0].reason: required key is missing"),
    ("- {check: NOPE_1, resource: '*', reason: a reason that is long enough, approver: CISO, expires: 2026-12-31}",
     "'NOPE_1' is not a check id"),
    ("- {check: GCJP_AWS_9, resource: '*', reason: short, approver: CISO, expires: 2026-12-31}", "too short"),
    ("{a: 1}", "expected a list"),
])
def test_bad_waiver_files_are_config_errors(tmp_path, text, message):
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    with pytest.raises(GcbaseError) as err:
        load_waivers(path)
    assert message in str(err.value)


def test_the_bundled_waiver_file_loads():
    for w in load_waivers():
        assert len(w.reason) >= 20


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["check", "--plan", str(FIXTURES / "GCJP_AWS_28" / "fail.json")]) == 1
    out = capsys.readouterr().out
    assert "[critical] GCJP_AWS_28 aws_internet_gateway.juki" in out
    assert "G ガイドライン・セキュリティ規程:" in out
    # a failing mandatory requirement fails the gate whatever the severity: GCJP_AWS_9 is medium, E.7.1.1 is mandatory
    tfplan = fixture("GCJP_AWS_9", "fail.json")
    region = fixture("GCJP_AWS_21", "pass.json")
    for section in ("planned_values", "configuration"):
        tfplan[section]["root_module"]["resources"] += region[section]["root_module"]["resources"]
    medium_only = tmp_path / "medium.json"
    medium_only.write_text(json.dumps(tfplan))
    capsys.readouterr()
    assert main(["check", "--plan", str(medium_only), "--fail-on", "critical", "--scope", "part"]) == 1
    captured = capsys.readouterr()
    assert "error: medium.json: mandatory requirement E.7.1.1 is not met (a check fails)" in captured.err
    assert "FAIL: 7 mandatory requirement(s) not met, 0 failure(s)" in captured.out  # (the fragment lacks much)
    # the same fragment judged as a whole tenancy: what it lacks is missing, and that fails too
    assert main(["check", "--plan", str(medium_only), "--fail-on", "critical"]) == 1
    assert "is not met (missing: none of its checks found what they check)" in capsys.readouterr().err
    out_json = tmp_path / "findings.json"
    code = main(["check", "--plan", str(FIXTURES / "GCJP_AWS_9" / "fail.json"), "--fail-on", "low", "--json", str(out_json)])
    assert code == 1
    data = json.loads(out_json.read_text())
    assert data["version"] == 1 and data["failOn"] == "low"
    plan = data["plans"][0]
    assert {f["resource"] for f in plan["findings"] if f["check_id"] == "GCJP_AWS_9" and f["result"] == "FAILED"} == {
        "aws_flow_log.accepts", "aws_flow_log.rejects"}
    assert plan["requirements"]["E.7.1.1"]["verdict"] == "FAILED"


def test_cli_usage_and_input_errors(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["check", "--plan", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err
    notplan = tmp_path / "notplan.json"
    notplan.write_text("{}")
    assert main(["check", "--plan", str(notplan)]) == 2
    assert main(["check", "--plan", str(tmp_path / "missing.json")]) == 2
    assert main(["check", "131121-prod", "--plan", str(notplan)]) == 2
    with pytest.raises(SystemExit) as err:
        main(["check", "--fail-on", "severe"])
    assert err.value.code == 2


def test_fast_plan_parse_gives_checkovs_own_verdicts(tmp_path):
    """The runner hands Checkov the plan parsed by `json` (4x faster than Checkov's YAML-based
    parser); on an example stack every check's verdict on every resource is identical."""
    from gcbase.check.runner import _checkov, _run_checkov
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    tfplan = export(synth_stack("131121-stg"))
    path = tmp_path / "tfplan.json"
    path.write_text(json.dumps(tfplan))
    fast = {(r.check_id, r.resource, str(r.check_result["result"])) for r in _run_checkov(path, None)}
    ck = _checkov()
    report = ck["Runner"]().run(root_folder=None, files=[str(path)],
                                runner_filter=ck["RunnerFilter"](framework=["terraform_plan"], show_progress_bar=False))
    own = {(r.check_id, r.resource, str(r.check_result["result"]))
           for r in (*report.passed_checks, *report.failed_checks, *report.skipped_checks)}
    assert len(own) > 300
    assert fast == own


def test_a_crashing_check_is_named_not_silent(monkeypatch):
    from gcbase.check.plancheck import plan_checks

    check = next(c for c in plan_checks() if c.id == "GCJP_AWS_34")

    def boom(plan):
        raise KeyError("connection_id")

    monkeypatch.setattr(check, "run", boom)
    report = run_tfplan(fixture("GCJP_AWS_34", "pass.json"), waivers=())
    ours = [f for f in report.findings if f.check_id == "GCJP_AWS_34"]
    assert [(f.resource, f.result) for f in ours] == [("(plan)", "ERRORED")]  # not on one resource: the plan
    assert ours[0].error == {"file": str(FIXTURES.parents[2] / "policies" / "plan" / "GCJP_AWS_34.py"),
                             "exception": "KeyError: 'connection_id'"}
    assert ours[0].details == ["the check raised (KeyError: 'connection_id'); it was not evaluated"]
    assert "GCJP_AWS_34" not in report.not_run and report.count("PASSED") > 0  # the other checks' results are kept
    assert [f.check_id for f in report.errored()] == ["GCJP_AWS_34"]
    assert report.to_dict()["summary"]["errored"] == 1


def test_a_plan_check_that_raises_on_one_resource_is_errored_there_only(monkeypatch):
    """scan() raising on one resource: ERRORED on that one, the other resources still get their verdict."""
    from gcbase.check.findings import requirement_verdict
    from gcbase.check.plancheck import plan_checks

    check = next(c for c in plan_checks() if c.id == "GCJP_AWS_28")
    real = type(check).scan

    def scan(self, res, plan):
        if res.address == "aws_internet_gateway.detached":
            raise ValueError("odd gateway")
        return real(self, res, plan)

    plan = fixture("GCJP_AWS_28", "fail.json")
    before = {f.resource: f.result for f in run_tfplan(plan, waivers=(), only=["GCJP_AWS_28"]).findings}
    monkeypatch.setattr(type(check), "scan", scan)
    report = run_tfplan(plan, waivers=(), only=["GCJP_AWS_28"])
    after = {f.resource: f.result for f in report.findings}
    assert "aws_internet_gateway.detached" in before and len(before) > 1
    assert after == {**before, "aws_internet_gateway.detached": "ERRORED"}
    errored = report.errored()
    assert [f.details for f in errored] == [["the check raised (ValueError: odd gateway); it was not evaluated"]]
    assert requirement_verdict(errored) == "ERRORED"
    assert requirement_verdict(errored + [f for f in report.findings if f.result == "PASSED"]) == "ERRORED"


def test_default_waivers_only_for_plans_gcbase_exported_from_its_program():
    from helpers import plan_of
    from gcbase.tfplan import export

    ours = export(plan_of("131121-prod"))
    foreign = {k: v for k, v in ours.items() if k != "gcbase"}
    waived = [f for f in run_tfplan(ours).findings if f.result == "SKIPPED" and f.waiver is not None]
    assert waived  # baselines/waivers.yaml applies to gcbase's own plan
    assert not [f for f in run_tfplan(foreign).findings if f.waiver is not None]


def test_a_type_counts_as_checked_only_as_a_checks_subject():
    """Review G-11: CKV2_AWS_5 (a security group is attached to something) lists ~65 types it looks for around a
    group; that judges the group, not them. Entries into a VPC such as a Client VPN endpoint are not checked by
    it, so GCJP_AWS_72 fails them unless some check judges them."""
    from gcbase.check.runner import covered_types

    covered = covered_types()
    assert "aws_security_group" in covered and "aws_backup_vault_lock_configuration" in covered  # GCJP_AWS_73
    for entry in ("aws_ec2_client_vpn_endpoint", "aws_ec2_client_vpn_network_association", "aws_apigatewayv2_vpc_link",
                  "aws_verifiedaccess_endpoint",
                  "aws_ec2_instance_connect_endpoint", "aws_route53_resolver_endpoint", "aws_msk_vpc_connection"):
        assert entry not in covered, entry
    # a Lattice VPC association is read because no-outside-links (GCJP_AWS_49) judges it, not through CKV2_AWS_5
    assert "aws_vpclattice_service_network_vpc_association" in covered
