"""The zone of trust comes from what the stack declares, and every example stack has no external access."""

from __future__ import annotations

import pytest

from gcbase.check.planindex import PlanIndex
from gcbase.intent import Intent
from gcbase.tfplan import export
from gcbase.trust import analysis
from gcbase.trust.zone import from_intent
from helpers import plan_of

STACKS = ["131121-prod", "131121-stg", "363421-prod"]


def index_of(stack: str) -> PlanIndex:
    plan = plan_of(stack)
    return PlanIndex(export(plan), Intent.from_dict(plan.meta["intent"]))


def test_zone_of_the_prod_example():
    zone = from_intent(Intent.from_dict(plan_of("131121-prod").meta["intent"]))
    assert zone.tenancy == ("210000000001", "210000000009", "210000000101", "210000000102", "210000000103",
                            "210000000104")
    assert zone.governance == ("900000000001",)
    assert zone.vendor_accounts == {"410000000001": "vendor-a"}
    roles = {(r.role_arn, r.party) for r in zone.vendor_roles["vendor-a"]}
    assert ("arn:aws:iam::210000000101:role/gcbase-asp-juki", "asp") in roles  # vendor-a runs juki
    assert ("arn:aws:iam::210000000102:role/gcbase-asp-zei", "asp") not in roles  # zei is vendor-b's
    assert ("arn:aws:iam::210000000001:role/gcbase-account-operator", "account-operator") in roles  # and operates
    assert len([r for r in roles if r[1] == "account-operator"]) == 5
    required = dict(zone.vendor_roles["vendor-a"][0].required)
    assert required == {"sts:ExternalId": "gc131121-prod-vendor-a", "aws:MultiFactorAuthPresent": "true",
                        "aws:PrincipalTag/gcbase:party": "asp", "aws:PrincipalTag/gcbase:vendor": "vendor-a"}


@pytest.mark.parametrize("stack", STACKS)
def test_example_has_no_external_access(stack):
    verdicts = analysis(index_of(stack)).verdicts
    assert [(v.resource, v.detail) for v in verdicts if not v.passed] == []
    checks = {v.check for v in verdicts}
    assert {"GCJP_AWS_51", "GCJP_AWS_52", "GCJP_AWS_53", "GCJP_AWS_54", "GCJP_AWS_56", "GCJP_AWS_57"} <= checks


def test_every_role_key_bucket_policy_and_endpoint_is_judged():
    ix = index_of("131121-prod")
    judged = {v.resource for v in analysis(ix).verdicts}
    for tf_type in ("aws_iam_role", "aws_kms_key", "aws_s3_bucket_policy", "aws_vpc_endpoint", "aws_sns_topic_policy",
                    "aws_ram_principal_association"):
        assert {r.address for r in ix.of_type(tf_type)} <= judged, tf_type


def test_a_policy_unknown_at_plan_time_fails():
    ix = index_of("131121-stg")
    role = ix.of_type("aws_iam_role")[0]
    del role.values["assume_role_policy"]
    ix.after_unknown[role.address] = {"assume_role_policy": True}
    verdict = next(v for v in analysis(ix).verdicts if v.resource == role.address)
    assert not verdict.passed and verdict.detail == "cannot be proven: assume_role_policy is known only after apply"


def test_vendor_trust_in_the_example_carries_every_condition():
    ix = index_of("131121-prod")
    verdict = next(v for v in analysis(ix).verdicts if v.resource.endswith("roles_210000000101_asp_juki"))
    assert verdict.passed and "vendor accounts 410000000001 (vendor-a) for their own roles only" in verdict.detail


def test_workload_vpc_endpoints_admit_their_own_accounts_principals_only():
    """modules/workload_vpc.py: every endpoint (interface and the S3 gateway) gets baselines/network/endpoint-policy.json
    for its account; AWS's default policy would let credentials of any account through (GCJP_AWS_57)."""
    import json

    plan = plan_of("131121-prod")
    endpoints = plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert len(endpoints) == 24 and {e.inputs["vpcEndpointType"] for e in endpoints} == {"Interface", "Gateway"}
    for e in endpoints:
        st = json.loads(e.inputs["policy"])["Statement"]
        assert st == [{"Sid": "OnlyThisAccountsPrincipals", "Effect": "Allow", "Principal": "*", "Action": "*",
                       "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": plan.account_of(e)}}}]


def test_every_resource_type_of_the_table_is_exported_and_reported_by_a_known_check():
    """baselines/trust/resources.yaml names Terraform types the exporter knows (gcbase/tfplan/types.yaml) and checks
    that exist; a type the exporter does not know would never reach the analysis."""
    from gcbase.check import load_catalogue
    from gcbase.tfplan import types
    from gcbase.trust.inventory import table

    exported = set(types.table()["types"].values())
    checks = set(load_catalogue().checks)
    t = table()
    for tf_type, spec in t["policies"].items():
        assert tf_type in exported, tf_type
        assert spec["check"] in checks, spec
    for tf_type, check in t["sharing"].items():
        assert tf_type in exported and check in checks, tf_type
