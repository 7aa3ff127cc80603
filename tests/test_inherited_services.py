"""gcbase:guardrails.inheritedServices: account services Digital Agency's Control Tower and
templates already run are declared (no-op, placed in their account and region), never created;
what they record or enable is not declared, so the checks on those settings fail until someone
verifies them and records a waiver. The same holds for the stack's state after `pulumi up`."""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache

import pytest

from gcbase.check import run_tfplan
from gcbase.errors import GcbaseError
from gcbase.fleet.generate import stack_config
from gcbase.synth import synth_values
from gcbase.synth.importers import from_stack_export
from gcbase.tfplan import export
from gcbase.validate import settings_from_values
from gcbase.waivers import waivers_for

CODE = "011002"  # 札幌市: a shared account and one system account, two regions each
STACK = f"{CODE}-prod"
ALL = ("config", "guardduty", "securityhub")
CREATED = {  # what each service would otherwise create (Pulumi type tokens)
    "config": ("aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"),
    "guardduty": ("aws:guardduty/detector:Detector", "aws:guardduty/detectorFeature:DetectorFeature"),
    "securityhub": ("aws:securityhub/account:Account", "aws:securityhub/standardsSubscription:StandardsSubscription"),
}
DECLARED = {"config": "aws_config_configuration_recorder", "guardduty": "aws_guardduty_detector",
            "securityhub": "aws_securityhub_account"}
# Per check on the inherited resources (or the plan), with baselines/waivers.yaml applied.
EXPECTED = {
    "GCJP_AWS_36": {"PASSED"},  # GuardDuty on in every account and region
    "GCJP_AWS_23": {"PASSED"}, "GCJP_AWS_24": {"PASSED"}, "GCJP_AWS_25": {"PASSED"},  # protected by the SCP
    "GCJP_AWS_37": {"FAILED"},  # the template's Security Hub standards: not declared
    "GCJP_AWS_38": {"FAILED"},  # the template's GuardDuty protection plans: not declared
    "GCJP_AWS_20": {"FAILED"},  # what Control Tower's recorder records: not declared
    "CKV2_AWS_45": {"FAILED"}, "CKV2_AWS_48": {"FAILED"},  # likewise (Checkov's Config checks), in both regions
    "CKV_AWS_238": {"PASSED"},  # the detector is on
    "CKV2_AWS_3": {"SKIPPED"},  # the organization's GuardDuty configuration is Digital Agency's (baseline waiver)
}


@lru_cache(maxsize=None)
def plan_with(*services: str):
    config = dict(stack_config(CODE))
    if services:
        config["gcbase:guardrails"] = {"inheritedServices": list(services)}
    return synth_values(STACK, config)


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


def _results(tfplan: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in run_tfplan(tfplan, stack=STACK, waivers=waivers_for(STACK)).findings:
        if "inherited" in f.resource or (f.resource == "(plan)" and f.check_id in ("GCJP_AWS_36", "GCJP_AWS_37")):
            out[f.check_id].add(f.result)
    return dict(out)


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


def test_the_checks_see_the_services_on_and_their_settings_unverified():
    assert _results(tfplan_with(*ALL)) == EXPECTED
    created = {(f.check_id, f.result) for f in run_tfplan(tfplan_with(), stack=STACK, waivers=waivers_for(STACK)).findings
               if f.check_id in ("GCJP_AWS_20", "GCJP_AWS_37", "GCJP_AWS_38", "CKV2_AWS_45")}
    assert {result for _, result in created} == {"PASSED"}  # what gcbase creates, it declares


def _as_stack_export(plan, path) -> None:
    """The plan as `pulumi stack export` writes state: components carry no provider."""
    resources = [{"urn": f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:pulumi:Stack::{plan.project}-{plan.stack}",
                  "type": "pulumi:pulumi:Stack", "custom": False}]
    for r in plan.resources:
        state = {"urn": r.urn, "type": r.type, "custom": r.custom, "inputs": r.inputs, "outputs": r.outputs,
                 "dependencies": r.dependencies, "propertyDependencies": r.property_dependencies}
        state.update({k: v for k, v in (("id", r.id), ("parent", r.parent)) if v})
        if r.custom and r.provider:
            state["provider"] = r.provider
        resources.append(state)
    manifest = {"time": "2026-11-29T00:00:00Z", "magic": "", "version": "v3.272.0"}
    path.write_text(json.dumps({"version": 3, "deployment": {"manifest": manifest, "resources": resources}}),
                    encoding="utf-8")


def test_the_stacks_state_places_them_the_same(tmp_path):
    """After `pulumi up`, `gcbase check --stack-export` reads state, where a component has no
    provider: the inherited services are placed by the provider they name, as in the synth."""
    export_file = tmp_path / "state.json"
    _as_stack_export(plan_with(*ALL), export_file)
    imported = export(from_stack_export(export_file))
    for tf_type in DECLARED.values():
        assert _placements(imported, tf_type) == _placements(tfplan_with(*ALL), tf_type)
    assert _results(imported) == EXPECTED


def test_an_unknown_service_is_one_line_naming_the_key():
    config = {k.split(":", 1)[1]: v for k, v in stack_config(CODE).items()}
    config["guardrails"] = {"inheritedServices": ["config", "cloudtrail"]}
    with pytest.raises(GcbaseError) as err:
        settings_from_values(config, f"Pulumi.{STACK}.yaml", STACK)
    assert str(err.value) == (f"Pulumi.{STACK}.yaml: gcbase:guardrails.inheritedServices[1]: 'cloudtrail' is not "
                              "allowed; expected one of 'config', 'guardduty' or 'securityhub'")


def test_the_log_archive_grants_config_only_when_gcbase_delivers_config_there():
    """With Control Tower's Config, nothing of this tenancy delivers Config data to gcbase's archive:
    its bucket and key policies keep the CloudTrail grants and drop Config's (least privilege)."""
    def principals(plan) -> set[str]:
        docs = [json.loads(r.inputs["policy"]) for r in plan.of_type("aws:s3/bucketPolicy:BucketPolicy")
                if r.name.endswith("logs-archive-policy")]
        docs += [json.loads(r.inputs["policy"]) for r in plan.of_type("aws:kms/key:Key") if r.name == f"gc{STACK}-logs-key"]
        assert len(docs) == 2
        return {str(st.get("Principal", {}).get("Service")) for doc in docs for st in doc["Statement"]
                if isinstance(st.get("Principal"), dict)}

    assert {"config.amazonaws.com", "cloudtrail.amazonaws.com"} <= principals(plan_with())
    inherited = principals(plan_with("config"))
    assert "cloudtrail.amazonaws.com" in inherited and "config.amazonaws.com" not in inherited
    assert "config.amazonaws.com" in principals(plan_with("guardduty", "securityhub"))

