"""gcbase:guardrails.inheritedServices: account services Digital Agency's Control Tower and
templates already run are declared (no-op, placed in their account and region), never created;
their settings are not asserted, so the checks on them fail until someone verifies and waives."""

from __future__ import annotations

from functools import lru_cache

import pytest

from gcbase.check import run_tfplan
from gcbase.errors import GcbaseError
from gcbase.fleet.generate import stack_config
from gcbase.synth import synth_values
from gcbase.tfplan import export
from gcbase.validate import settings_from_values

CODE = "011002"  # 札幌市: a shared account and one system account, two regions each
ALL = ["config", "guardduty", "securityhub"]
CREATED = {  # what each service would otherwise create (Pulumi type tokens)
    "config": ("aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"),
    "guardduty": ("aws:guardduty/detector:Detector", "aws:guardduty/detectorFeature:DetectorFeature"),
    "securityhub": ("aws:securityhub/account:Account", "aws:securityhub/standardsSubscription:StandardsSubscription"),
}
DECLARED = {"config": "aws_config_configuration_recorder", "guardduty": "aws_guardduty_detector",
            "securityhub": "aws_securityhub_account"}


@lru_cache(maxsize=None)
def plan_with(*services: str):
    config = dict(stack_config(CODE))
    if services:
        config["gcbase:guardrails"] = {"inheritedServices": list(services)}
    return synth_values(f"{CODE}-prod", config)


@lru_cache(maxsize=None)
def tfplan_with(*services: str):
    return export(plan_with(*services))


def _placements(tfplan: dict, tf_type: str) -> list[tuple[str, str, list]]:
    changes = {c["address"]: c["change"]["actions"] for c in tfplan["resource_changes"]}
    providers = tfplan["configuration"]["provider_config"]
    out = []
    for conf in tfplan["configuration"]["root_module"]["resources"]:
        if conf["type"] == tf_type:
            exprs = providers[conf["provider_config_key"]]["expressions"]
            account = exprs["allowed_account_ids"]["constant_value"][0]
            out.append((account, exprs["region"]["constant_value"], changes[conf["address"]]))
    return sorted(out)


@pytest.mark.parametrize("service", ALL)
def test_an_inherited_service_is_declared_where_it_was_created_and_never_created(service):
    created = _placements(tfplan_with(), DECLARED[service])
    declared = _placements(tfplan_with(service), DECLARED[service])
    assert created and all(actions == ["create"] for *_, actions in created)
    assert [p[:2] for p in declared] == [p[:2] for p in created]  # same accounts and regions
    assert all(actions == ["no-op"] for *_, actions in declared)
    plan = plan_with(service)
    for token in CREATED[service]:
        assert plan.of_type(token) == [], token
    others = [t for s in ALL if s != service for t in CREATED[s]]
    assert all(plan.of_type(t) for t in others)  # the other services are still gcbase's


def test_the_checks_see_the_services_on_but_not_their_settings():
    results = {(f.check_id, f.resource): f.result for f in run_tfplan(tfplan_with(*ALL), stack=f"{CODE}-prod").findings}

    def of(check: str) -> set[str]:
        return {r for (c, _), r in results.items() if c == check}

    assert of("GCJP_AWS_36") == {"PASSED"}  # GuardDuty on in every account and region
    assert of("GCJP_AWS_23") == of("GCJP_AWS_24") == of("GCJP_AWS_25") == {"PASSED"}  # protected by the SCP
    assert of("GCJP_AWS_37") == {"FAILED"}  # the template's standards: to verify, then waive
    assert of("GCJP_AWS_38") == {"FAILED"}  # the template's protection plans: likewise
    created = {(f.check_id, f.resource): f.result for f in run_tfplan(tfplan_with(), stack=f"{CODE}-prod").findings}
    assert {r for (c, _), r in created.items() if c in ("GCJP_AWS_37", "GCJP_AWS_38")} == {"PASSED"}


def test_an_unknown_service_is_one_line_naming_the_key():
    config = {k.split(":", 1)[1]: v for k, v in stack_config(CODE).items()}
    config["guardrails"] = {"inheritedServices": ["config", "cloudtrail"]}
    with pytest.raises(GcbaseError) as err:
        settings_from_values(config, f"Pulumi.{CODE}-prod.yaml", f"{CODE}-prod")
    assert str(err.value) == (f"Pulumi.{CODE}-prod.yaml: gcbase:guardrails.inheritedServices[1]: 'cloudtrail' is not "
                              "allowed; expected one of 'config', 'guardduty' or 'securityhub'")
