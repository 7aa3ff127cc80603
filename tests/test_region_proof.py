"""The region guardrail proven over every action of the catalogue, with documented exemptions only."""

from __future__ import annotations

import json

import pytest

from gcbase.actions import canonical, catalogue, services
from gcbase.baselines import policy_document
from gcbase.check.regionproof import exemptions, not_covered, undocumented


def region_statement() -> dict:
    doc = policy_document("guardrails/region-allowlist.json", allowed_regions=["ap-northeast-1", "ap-northeast-3"],
                          exempt_role_arn="arn:aws:iam::*:role/GCGovernanceRole")
    return doc["Statement"][0]


def test_the_catalogue_is_the_whole_iam_definition():
    assert len(catalogue()) > 15000 and len(services()) > 350
    assert "s3:ReplicateObject" in catalogue() and canonical("s3:replicateobject") == "s3:ReplicateObject"


def test_digital_agencys_region_scp_leaves_open_only_documented_services():
    open_ = not_covered(region_statement())
    assert open_ and undocumented(open_) == []
    assert "ec2:RunInstances" not in open_ and "iam:CreateRole" in open_


@pytest.mark.parametrize("added", ["s3:ReplicateObject", "ec2:CopySnapshot", "ec2:Copy*", "backup:StartCopyJob",
                                   "dynamodb:*", "rds:CopyDB*"])
def test_widening_the_notaction_with_a_regional_action_is_found(added):
    st = region_statement()
    st["NotAction"] = [*st["NotAction"], added]
    left = undocumented(not_covered(st))
    assert left and all(a.lower().startswith(added.split(":")[0] + ":") for a in left)


def test_a_deny_listing_actions_leaves_every_other_regional_action_open():
    left = undocumented(not_covered({"Effect": "Deny", "Action": ["ec2:*", "s3:*"], "Resource": "*"}))
    assert "rds:CreateDBInstance" in left and not any(a.startswith(("ec2:", "s3:")) for a in left)


def test_every_exemption_has_a_reason_and_names_a_known_service():
    known = set(services())
    for e in exemptions():
        assert e["reason"] and e["source"]
        service = e.get("service") or e["action"].split(":")[0]
        assert service in known or service in ("a4b", "mobileanalytics", "importexport"), service


def test_matching_folds_case_like_iam():
    st = region_statement()
    st["NotAction"] = [*st["NotAction"], "S3:REPLICATEOBJECT"]
    assert undocumented(not_covered(st)) == ["s3:ReplicateObject"]
    json.dumps(st)
