"""A stack that declares Control Tower's Config, or the templates' GuardDuty and Security Hub, as inherited
(gcbase:guardrails.inheritedServices) fails the checks on their settings until someone verifies them:
the report then says to verify the inherited service and record a waiver, never to create what
Digital Agency runs (a second recorder, detector or Security Hub in an account fails)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pytest

from gcbase.model import Resource
from gcbase.report import render
from gcbase.report.collect import StackResult, build
from gcbase.report.inherited import inherited_service

CODE = "011002"
STACK = f"{CODE}-prod"
ALL = ["config", "guardduty", "securityhub"]


def test_which_resources_are_inherited_services():
    def res(token: str, **inputs) -> Resource:
        return Resource(urn=f"urn:{token}", type=token, name="x", inputs=inputs)

    assert inherited_service(res("gcbase:audit:InheritedConfigRecorder", managedBy="digital-agency"), "a.b") == "config"
    assert inherited_service(res("gcbase:security:InheritedDetector", managedBy="digital-agency"), "a.b") == "guardduty"
    assert inherited_service(res("gcbase:security:InheritedSecurityHub", managedBy="digital-agency"), "a.b") == "securityhub"
    assert inherited_service(res("aws:guardduty/detector:Detector"), "aws_guardduty_detector.own") is None
    # a Terraform plan read without its Pulumi resources: the exported address says it
    assert inherited_service(None, "aws_securityhub_account.gc011002_prod_security_securityhub_inherited_ap_northeast_1") \
        == "securityhub"
    assert inherited_service(None, "aws_securityhub_account.gc011002_prod_security_securityhub_ap_northeast_1") is None


@lru_cache(maxsize=None)
def _report():
    from gcbase.check import load_catalogue, run_plan
    from gcbase.fleet.generate import stack_config
    from gcbase.synth import synth_values
    from gcbase.waivers import uses_of, waivers_for

    config = dict(stack_config(CODE))
    config["gcbase:guardrails"] = {"inheritedServices": ALL}
    plan = synth_values(STACK, config)
    waivers = waivers_for(STACK)
    checked = run_plan(plan, waivers=waivers)
    return build([StackResult(plan, checked, uses_of(checked.findings, waivers, date(2026, 12, 3)))], load_catalogue())


@pytest.mark.parametrize("lang,verify,waiver", [("ja", "運用管理補助者が確認", "例外承認"), ("en", "verify", "waiver")])
def test_failing_checks_on_inherited_services_say_verify_and_waive(lang, verify, waiver):
    report = _report()
    on_inherited = [f for f in report.failures() if "inherited" in f.resource]
    assert {f.check_id for f in on_inherited} >= {"GCJP_AWS_20", "GCJP_AWS_37", "GCJP_AWS_38", "CKV2_AWS_45",
                                                  "CKV2_AWS_48"}
    for f in on_inherited:
        text = f.remediation[lang]
        assert "gcbase:guardrails.inheritedServices" in text and verify in text and waiver in text, (f.check_id, text)
        assert "pulumi" not in f.remediation  # no snippet creating the service
    security_hub = next(f for f in on_inherited if f.check_id == "GCJP_AWS_37")
    assert security_hub.remediation["ja"].startswith("Security Hubはデジタル庁")
    assert "Enable Security Hub" not in render(report, "html", "en")  # the check's own advice (create it) is gone
    # what gcbase creates keeps its check's remediation
    own = [f for f in report.findings if f.check_id == "GCJP_AWS_4"]
    assert own and all("inheritedServices" not in f.remediation.get("ja", "") for f in own)
