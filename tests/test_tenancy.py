"""The whole program on the example stacks: composition properties that hold for every stack."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from gcbase.settings import ALLOWED_REGIONS
from gcbase.synth import all_stack_files, synth_stack
from gcbase.validate import load_settings

STACKS = [p.name[len("Pulumi."):-len(".yaml")] for p in all_stack_files()]


@lru_cache(maxsize=None)
def plan_of(stack: str):
    return synth_stack(stack)


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_has_an_explicit_account_provider(stack):
    plan = plan_of(stack)
    settings = load_settings(f"stacks/Pulumi.{stack}.yaml")
    providers = [r for r in plan.resources if r.is_provider]
    assert len(providers) == 2 * len(settings.account_ids)
    for prov in providers:
        assert prov.inputs["region"] in ALLOWED_REGIONS
        (account,) = prov.inputs["allowedAccountIds"]
        assert account in settings.account_ids
        (role,) = prov.inputs["assumeRoles"]
        assert role["roleArn"] == f"arn:aws:iam::{account}:role/GCBaseDeployRole"
    custom = [r for r in plan.resources if r.custom and not r.is_provider]
    assert custom, "the program declared no resources"
    for res in custom:
        assert res.provider, f"{res.urn} uses the default provider (ambient credentials)"
        assert plan.region_of(res) in ALLOWED_REGIONS


@pytest.mark.parametrize("stack", STACKS)
def test_one_vpc_per_system_in_its_account_and_tier(stack):
    plan = plan_of(stack)
    settings = load_settings(f"stacks/Pulumi.{stack}.yaml")
    vpcs = plan.of_type("aws:ec2/vpc:Vpc")
    assert sorted(v.inputs["tags"]["gcbase:system"] for v in vpcs) == sorted(s.id for s in settings.systems)
    for vpc in vpcs:
        system = next(s for s in settings.systems if s.id == vpc.inputs["tags"]["gcbase:system"])
        assert vpc.inputs["cidrBlock"] == str(system.cidr)
        assert vpc.inputs["tags"]["gcbase:tier"] == system.tier
        assert plan.account_of(vpc) == system.account


@pytest.mark.parametrize("stack", STACKS)
def test_security_baseline_in_every_account(stack):
    plan = plan_of(stack)
    settings = load_settings(f"stacks/Pulumi.{stack}.yaml")
    trails = plan.of_type("aws:cloudtrail/trail:Trail")
    assert sorted(plan.account_of(t) for t in trails) == sorted(settings.account_ids)
    detectors = plan.of_type("aws:guardduty/detector:Detector")
    assert {(plan.account_of(d), plan.region_of(d)) for d in detectors} == {
        (a, r) for a in settings.account_ids for r in ALLOWED_REGIONS}


def test_stack_outputs():
    plan = plan_of("131121-prod")
    assert plan.outputs["municipality"] == {"code": "131121", "name": "世田谷区"}
    assert plan.outputs["environment"] == "prod"
    assert set(plan.outputs["vpcIds"]) == {"juki", "zei", "senkyo", "shinsei"}
    assert all(v.startswith("vpc-") for v in plan.outputs["vpcIds"].values())
    assert plan.outputs["transitGatewayId"].startswith("tgw-")


def test_synth_is_deterministic():
    first = json.dumps(synth_stack("131121-stg").to_dict(), sort_keys=True)
    second = json.dumps(synth_stack("131121-stg").to_dict(), sort_keys=True)
    assert first == second


def test_no_null_where_a_reference_was_given():
    """A property that depends on another resource must have resolved to a value."""
    plan = plan_of("131121-prod")
    for res in plan.resources:
        for prop, deps in res.property_dependencies.items():
            if deps and prop in res.inputs:
                assert res.inputs[prop] not in (None, "", [], {}), f"{res.urn}.{prop} is empty"
