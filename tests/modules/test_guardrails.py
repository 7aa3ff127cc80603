"""Guardrails: Digital Agency's SCPs, declared as inherited by default, created on request."""

from __future__ import annotations

import json

import pulumi
import pytest

from helpers import ROOT, synth, test_provider
from modules.guardrails import Guardrails, GuardrailsArgs, catalogue, compact, render_policies

REGIONS = ["ap-northeast-1", "ap-northeast-3"]
MYNUMBER = ["222222222222", "333333333333"]
GOVERNANCE = "000000000000"
EXEMPT = "arn:aws:iam::*:role/GCGovernanceRole"
CONFIGURE = ["arn:aws:iam::*:role/GCGovernanceRole", "arn:aws:iam::*:role/GCBaseDeployRole"]
INHERITED = "gcbase:guardrails:InheritedPolicy"
ORG_POLICY = "aws:organizations/policy:Policy"
ORG_ATTACH = "aws:organizations/policyAttachment:PolicyAttachment"


def _args(**kw) -> GuardrailsArgs:
    base = dict(deploy=False, target_id=None, allowed_regions=REGIONS,
                mynumber_account_ids=MYNUMBER, governance_account_id=GOVERNANCE)
    return GuardrailsArgs(**{**base, **kw})


def _synth(args: GuardrailsArgs):
    holder = {}

    def fn():
        holder["g"] = Guardrails("gc131121-prod-guardrails", args, pulumi.ResourceOptions(provider=test_provider()))

    return synth(fn), holder["g"]


def _docs() -> dict[str, dict]:
    return {pid: item["document"] for pid, item in render_policies(REGIONS).items()}


def _actions(doc: dict) -> set[str]:
    out: set[str] = set()
    for st in doc["Statement"]:
        acts = st.get("Action", [])
        out.update([acts] if isinstance(acts, str) else acts)
    return out


# --- the documents -----------------------------------------------------------------------

def test_catalogue_lists_every_file_once_and_each_parses():
    files = sorted(p.name for p in (ROOT / "baselines" / "guardrails").glob("*.json"))
    listed = [e["file"].split("/", 1)[1] for e in catalogue()["policies"]]
    assert sorted(listed) == files
    assert len(set(listed)) == len(listed)
    for name in files:
        doc = json.loads((ROOT / "baselines" / "guardrails" / name).read_text(encoding="utf-8"))
        assert doc["Version"] == "2012-10-17"


@pytest.mark.parametrize("pid", [e["id"] for e in catalogue()["policies"]])
def test_each_scp_is_under_the_size_limit_even_as_written(pid):
    entry = next(e for e in catalogue()["policies"] if e["id"] == pid)
    written = (ROOT / "baselines" / entry["file"]).read_text(encoding="utf-8")
    assert len(written) <= 5120
    # the uploaded (compact) text still fits with a longer region list
    rendered = render_policies(REGIONS + ["ap-northeast-2", "ap-southeast-1"])[pid]["document"]
    assert len(compact(rendered)) <= 5120


@pytest.mark.parametrize("pid", [e["id"] for e in catalogue()["policies"]])
def test_every_statement_denies_and_exempts_only_the_governance_role(pid):
    """Destroying is exempt for governance only; configuring also for the gcbase deploy role."""
    doc = _docs()[pid]
    for st in doc["Statement"]:
        assert st["Effect"] == "Deny"
        if st["Sid"].endswith("Configuration"):
            assert st["Condition"]["ArnNotLike"] == {"aws:PrincipalArn": CONFIGURE}
            assert not any(a.split(":")[1].startswith(("Delete", "Stop", "Disable", "Disassociate")) for a in st["Action"])
        else:
            assert st["Condition"]["ArnNotLike"] == {"aws:PrincipalArn": EXEMPT}
    assert "${" not in compact(doc)  # every placeholder filled


def test_region_allowlist_denies_everything_outside_exactly_the_allowed_regions():
    st, = _docs()["region-allowlist"]["Statement"]
    assert "Action" not in st and st["Resource"] == "*"
    assert st["Condition"]["StringNotEquals"] == {"aws:RequestedRegion": REGIONS}
    # global services stay usable (us-east-1 endpoints); regional data services do not
    for global_action in ("iam:*", "sts:*", "organizations:*", "route53:*", "cloudfront:*", "support:*"):
        assert global_action in st["NotAction"]
    for regional in ("s3:*", "ec2:*", "rds:*", "dynamodb:*"):
        assert regional not in st["NotAction"]


def test_region_allowlist_follows_the_args():
    st, = render_policies(["ap-northeast-1"])["region-allowlist"]["document"]["Statement"]
    assert st["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == ["ap-northeast-1"]


def test_security_services_are_protected():
    acts = _actions(_docs()["protect-security-services"])
    assert {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
            "config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
            "guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount",
            "securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards",
            "access-analyzer:DeleteAnalyzer"} <= acts


def test_log_archive_buckets_cannot_be_deleted_or_loosened():
    doc = _docs()["protect-log-archive"]
    by_sid = {st["Sid"]: st for st in doc["Statement"]}
    bucket = by_sid["ProtectLogArchiveBuckets"]
    assert bucket["Resource"] == "arn:aws:s3:::*-log-archive-*"
    assert {"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketObjectLockConfiguration"} <= set(bucket["Action"])
    configuration = by_sid["ProtectLogArchiveBucketsConfiguration"]
    assert {"s3:PutBucketPolicy", "s3:PutLifecycleConfiguration"} <= set(configuration["Action"])
    assert configuration["Condition"]["ArnNotLike"] == {"aws:PrincipalArn": CONFIGURE}
    objects = by_sid["ProtectLogArchiveObjects"]
    assert objects["Resource"] == "arn:aws:s3:::*-log-archive-*/*"
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"} <= set(objects["Action"])


def test_governance_roles_are_protected():
    st, = _docs()["protect-governance-roles"]["Statement"]
    assert st["Resource"] == [f"arn:aws:iam::*:role/{r}" for r in
                              ("GCGovernanceRole", "GCBaseDeployRole", "AWSControlTowerExecution")]
    assert {"iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy",
            "iam:PutRolePolicy", "iam:DetachRolePolicy"} <= set(st["Action"])


def test_root_leave_users_and_tls():
    docs = _docs()
    root, = docs["deny-root-user"]["Statement"]
    assert root["Action"] == "*" and root["Condition"]["StringLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:root"}
    assert _actions(docs["deny-leave-organization"]) == {"organizations:LeaveOrganization"}
    assert _actions(docs["deny-iam-users"]) == {"iam:CreateUser", "iam:CreateAccessKey"}
    tls, = docs["require-tls"]["Statement"]
    assert tls["Action"] == "*" and tls["Condition"]["Bool"] == {"aws:SecureTransport": "false"}


def test_mynumber_tier_has_no_path_to_the_internet():
    doc = _docs()["mynumber-deny-internet"]
    assert {"ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:CreateEgressOnlyInternetGateway",
            "ec2:CreateNatGateway", "ec2:AllocateAddress", "ec2:AssociateAddress",
            "ec2:ModifySubnetAttribute"} <= _actions(doc)
    run, = [st for st in doc["Statement"] if st.get("Action") == "ec2:RunInstances"]
    assert run["Resource"] == "arn:aws:ec2:*:*:network-interface/*"
    assert run["Condition"]["Bool"] == {"ec2:AssociatePublicIpAddress": "true"}


# --- the component -----------------------------------------------------------------------

def test_default_declares_inherited_policies_and_creates_nothing_in_aws():
    plan, g = _synth(_args(target_id="ou-ab12-cdefgh34"))
    assert not [r for r in plan if r.type.startswith("aws:organizations")]
    inherited = {r.name.removeprefix("gc131121-prod-guardrails-"): r for r in plan.of_type(INHERITED)}
    assert set(inherited) == {e["id"] for e in catalogue()["policies"]}
    docs = _docs()
    for pid, res in inherited.items():
        assert not res.custom
        assert set(res.inputs) == {"name", "description", "content", "type", "targets", "managedBy"}
        assert res.inputs["type"] == "SERVICE_CONTROL_POLICY"
        assert res.inputs["managedBy"] == "digital-agency"
        assert json.loads(res.inputs["content"]) == docs[pid]
        expected = sorted(MYNUMBER) if pid == "mynumber-deny-internet" else ["ou-ab12-cdefgh34"]
        assert res.inputs["targets"] == expected
    guard = one_component(plan)
    assert all(r.parent == guard.urn for r in inherited.values())


def one_component(plan):
    found = plan.of_type("gcbase:guardrails:Guardrails")
    assert len(found) == 1
    return found[0]


def test_policies_output_maps_names_to_content():
    plan, g = _synth(_args())
    names = {e["name"] for e in catalogue()["policies"]}
    assert set(g.policies) == names
    assert json.loads(g.policies["gc-deny-outside-allowed-regions"]) == _docs()["region-allowlist"]
    assert one_component(plan).outputs["policies"] == g.policies


def test_without_mynumber_accounts_the_mynumber_policy_is_not_declared():
    plan, _ = _synth(_args(mynumber_account_ids=[]))
    assert not [r for r in plan.of_type(INHERITED) if r.name.endswith("mynumber-deny-internet")]
    assert len(plan.of_type(INHERITED)) == len(catalogue()["policies"]) - 1


def test_deploy_creates_policies_attached_to_the_right_targets():
    plan, _ = _synth(_args(deploy=True, target_id="ou-ab12-cdefgh34"))
    assert not plan.of_type(INHERITED)
    policies = {r.inputs["name"]: r for r in plan.of_type(ORG_POLICY)}
    assert set(policies) == {e["name"] for e in catalogue()["policies"]}
    for entry in catalogue()["policies"]:
        res = policies[entry["name"]]
        assert res.inputs["type"] == "SERVICE_CONTROL_POLICY"
        assert json.loads(res.inputs["content"]) == _docs()[entry["id"]]
    attached: dict[str, list[str]] = {}
    by_id = {r.id: r.inputs["name"] for r in policies.values()}
    for att in plan.of_type(ORG_ATTACH):
        attached.setdefault(by_id[att.inputs["policyId"]], []).append(att.inputs["targetId"])
    for entry in catalogue()["policies"]:
        expected = MYNUMBER if entry["scope"] == "mynumber" else ["ou-ab12-cdefgh34"]
        assert sorted(attached[entry["name"]]) == expected


@pytest.mark.parametrize("bad", [
    dict(deploy=True, target_id=None),
    dict(deploy=True, target_id=GOVERNANCE),
    dict(mynumber_account_ids=[GOVERNANCE]),
    dict(allowed_regions=[]),
])
def test_invalid_args_are_refused(bad):
    with pytest.raises(Exception, match="target_id|governance|allowed region"):
        _synth(_args(**bad))
