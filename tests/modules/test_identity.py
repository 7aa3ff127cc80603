"""PartyRoles and SystemDataKey under the mocks: who may assume which role, and who may use a key."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import pulumi
import pytest

from helpers import one, plan_of, policy, settings_of, synth, test_provider
from modules.identity import (
    PartyRoles,
    PartyRolesArgs,
    SystemDataKey,
    SystemDataKeyArgs,
    parties,
    role_arn,
)

ACCT = "210000000101"
SHARED = "210000000001"
IDENTITY = "210000000009"
GOVERNANCE = "900000000001"
PREFIX = "gc131121-prod"
SYSTEMS = [
    {"id": "juki", "vendor": "vendor-a", "tier": "mynumber"},
    {"id": "zei", "vendor": "vendor-b", "tier": "mynumber"},
]
ROLE = "aws:iam/role:Role"
ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INLINE = "aws:iam/rolePolicy:RolePolicy"
MANAGED = "arn:aws:iam::aws:policy/"
INHERITED = "gcbase:identity:InheritedRole"
PEOPLE = ["gcbase-auditor", "gcbase-account-operator", "gcbase-break-glass"]


def _roles(account: str, shared: bool, systems=SYSTEMS, deploy_governance_role: bool = False):
    def program():
        PartyRoles("roles", PartyRolesArgs(
            name_prefix=PREFIX, account_id=account, is_shared_account=shared,
            identity_account_id=IDENTITY, governance_account_id=GOVERNANCE,
            systems=systems, tags={"gcbase:environment": "prod"},
            deploy_governance_role=deploy_governance_role,
        ), pulumi.ResourceOptions(provider=test_provider(account)))
    return synth(program)


@pytest.fixture(scope="module")
def plan():
    return _roles(ACCT, shared=False)


@pytest.fixture(scope="module")
def shared_plan():
    return _roles(SHARED, shared=True, systems=[])


@pytest.fixture(scope="module")
def deployed_plan():
    """An organization the municipality administers itself (guardrails.deploy): the stack creates the role."""
    return _roles(ACCT, shared=False, deploy_governance_role=True)


def _role(plan, name):
    found = [r for r in plan.of_type(ROLE) if r.inputs["name"] == name]
    assert len(found) == 1, name
    return found[0]


def _managed(plan, role_name):
    return sorted(r.inputs["policyArn"] for r in plan.of_type(ATTACH) if r.inputs["role"] == role_name)


def _inline(plan, role_name):
    docs = [policy(r) for r in plan.of_type(INLINE) if r.inputs["role"] == role_name]
    return [s for d in docs for s in d["Statement"]]


def _stmt(statements, sid):
    found = [s for s in statements if s.get("Sid") == sid]
    assert len(found) == 1, sid
    return found[0]


def _listed(value):
    return value if isinstance(value, list) else [value]


def _matches(action, patterns):
    return any(fnmatchcase(action.lower(), p.lower()) for p in _listed(patterns))


def _single_trust(res):
    doc = policy(res, "assumeRolePolicy")
    assert len(doc["Statement"]) == 1
    st = doc["Statement"][0]
    assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole"
    return st


def test_one_role_per_party_and_per_system(plan, shared_plan, deployed_plan):
    """The governance role is Digital Agency's: created only when the stack deploys the guardrails."""
    names = sorted(r.inputs["name"] for r in plan.of_type(ROLE))
    assert names == sorted([*PEOPLE, "gcbase-asp-juki", "gcbase-asp-zei"])
    shared_names = sorted(r.inputs["name"] for r in shared_plan.of_type(ROLE))
    assert shared_names == sorted([*PEOPLE, "gcbase-network-operator"])
    deployed_names = sorted(r.inputs["name"] for r in deployed_plan.of_type(ROLE))
    assert deployed_names == sorted(["GCGovernanceRole", *PEOPLE, "gcbase-asp-juki", "gcbase-asp-zei"])
    for p in (plan, shared_plan):
        assert [r.inputs["name"] for r in p.of_type(INHERITED)] == ["GCGovernanceRole"]
    assert deployed_plan.of_type(INHERITED) == []


@pytest.mark.parametrize("which", ["inherited", "deployed"])
def test_role_arns_output(plan, shared_plan, deployed_plan, which):
    comp = one(plan if which == "inherited" else deployed_plan, "gcbase:identity:PartyRoles")
    arns = comp.outputs["roleArns"]
    assert arns["governance"] == f"arn:aws:iam::{ACCT}:role/GCGovernanceRole"
    assert arns["asp-juki"] == f"arn:aws:iam::{ACCT}:role/gcbase-asp-juki"
    assert "network-operator" not in arns
    shared_arns = one(shared_plan, "gcbase:identity:PartyRoles").outputs["roleArns"]
    assert shared_arns["network-operator"] == f"arn:aws:iam::{SHARED}:role/gcbase-network-operator"
    assert shared_arns["governance"] == f"arn:aws:iam::{SHARED}:role/GCGovernanceRole"


def test_governance_role_is_declared_as_digital_agencys(plan):
    """Not created (it exists, and the protect-governance-roles SCP denies creating it): declared."""
    declared = one(plan, INHERITED, "governance")
    comp = one(plan, "gcbase:identity:PartyRoles")
    assert declared.parent == comp.urn and not declared.custom
    assert declared.name == "roles-governance"
    assert declared.inputs["name"] == "GCGovernanceRole"
    assert declared.inputs["arn"] == f"arn:aws:iam::{ACCT}:role/GCGovernanceRole"
    assert declared.inputs["path"] == "/"
    assert declared.inputs["managedBy"] == "digital-agency"
    assert declared.inputs["managedPolicyArns"] == [MANAGED + "AdministratorAccess"]
    assert _managed(plan, "GCGovernanceRole") == []  # no attachment the SCP would deny
    assert not [r for r in plan.resources if r.custom and "governance" in r.name]


@pytest.mark.parametrize("which", ["inherited", "deployed"])
def test_governance_role_trusts_only_digital_agency(plan, deployed_plan, which):
    if which == "inherited":
        res = one(plan, INHERITED, "governance")
    else:
        res = _role(deployed_plan, "GCGovernanceRole")
        assert res.inputs["maxSessionDuration"] == 3600
        assert _managed(deployed_plan, "GCGovernanceRole") == [MANAGED + "AdministratorAccess"]
    st = _single_trust(res)
    assert st["Principal"] == {"AWS": f"arn:aws:iam::{GOVERNANCE}:root"}
    assert IDENTITY not in json.dumps(policy(res, "assumeRolePolicy"))


@pytest.mark.parametrize("stack", ["131121-prod", "131121-stg", "363421-prod"])
def test_example_stacks_declare_the_governance_role_in_every_account(stack):
    """Tenancy passes guardrails.deploy through: the examples (deploy false) create no governance role."""
    s = settings_of(stack)
    assert s.guardrails.deploy is False
    stack_plan = plan_of(stack)
    assert [r for r in stack_plan.of_type(ROLE) if r.inputs["name"] == "GCGovernanceRole"] == []
    declared = sorted(r.inputs["arn"] for r in stack_plan.of_type(INHERITED))
    assert declared == sorted(f"arn:aws:iam::{a}:role/GCGovernanceRole" for a in s.account_ids)


@pytest.mark.parametrize("name,party", [
    ("gcbase-auditor", "auditor"),
    ("gcbase-account-operator", "account-operator"),
    ("gcbase-break-glass", "break-glass"),
    ("gcbase-asp-juki", "asp"),
])
def test_people_roles_trust_the_identity_account_with_mfa(plan, name, party):
    res = _role(plan, name)
    st = _single_trust(res)
    assert st["Principal"] == {"AWS": f"arn:aws:iam::{IDENTITY}:root"}
    assert st["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert st["Condition"]["StringEquals"]["aws:PrincipalTag/gcbase:party"] == party
    assert GOVERNANCE not in json.dumps(policy(res, "assumeRolePolicy"))
    assert 3600 <= res.inputs["maxSessionDuration"] <= 43200


def test_break_glass_needs_recent_mfa_and_is_admin(plan):
    res = _role(plan, "gcbase-break-glass")
    st = _single_trust(res)
    assert st["Condition"]["NumericLessThanEquals"] == {"aws:MultiFactorAuthAge": "3600"}
    assert res.inputs["maxSessionDuration"] == 3600
    assert _managed(plan, "gcbase-break-glass") == [MANAGED + "AdministratorAccess"]


def test_asp_trust_is_limited_to_the_systems_vendor(plan):
    st = _single_trust(_role(plan, "gcbase-asp-zei"))
    assert st["Condition"]["StringEquals"] == {"aws:PrincipalTag/gcbase:party": "asp",
                                               "aws:PrincipalTag/gcbase:vendor": "vendor-b"}


def test_auditor_is_read_only_with_an_explicit_deny_of_writes(plan):
    assert _managed(plan, "gcbase-auditor") == [MANAGED + "ReadOnlyAccess", MANAGED + "SecurityAudit"]
    statements = _inline(plan, "gcbase-auditor")
    assert all(s["Effect"] == "Deny" for s in statements)
    deny = _stmt(statements, "DenyEveryWrite")
    assert deny["Resource"] == "*" and "Action" not in deny
    for write in ("ec2:RunInstances", "s3:PutObject", "s3:DeleteBucket", "iam:CreateRole", "kms:ScheduleKeyDeletion",
                  "cloudtrail:StopLogging", "ec2:CreateTransitGatewayRoute", "rds:DeleteDBInstance", "sts:AssumeRole"):
        assert not _matches(write, deny["NotAction"]), write  # not exempted -> denied
    for read in ("ec2:DescribeInstances", "cloudtrail:LookupEvents", "iam:GetRole", "config:ListDiscoveredResources"):
        assert _matches(read, deny["NotAction"]), read
    data = _stmt(statements, "DenyReadingSystemData")
    assert _matches("s3:GetObject", data["Action"]) and _matches("secretsmanager:GetSecretValue", data["Action"])
    assert data["NotResource"] == ["arn:aws:s3:::*-log-archive-*/*"]  # audit logs stay readable


def test_account_operator_guardrails(plan):
    statements = _inline(plan, "gcbase-account-operator")
    protected = _stmt(statements, "DenyChangingPartyAndGovernanceRoles")
    assert protected["Effect"] == "Deny"
    for role in ("GCGovernanceRole", "gcbase-break-glass", "gcbase-asp-juki", "gcbase-auditor", "GCBaseDeployRole"):
        assert _matches(f"arn:aws:iam::{ACCT}:role/{role}", protected["Resource"]), role
    assert not _matches(f"arn:aws:iam::{ACCT}:role/workload/juki/batch", protected["Resource"])
    for action in ("iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:PutRolePermissionsBoundary"):
        assert action in protected["Action"]
    boundaries = _stmt(statements, "NeverRemovePermissionBoundaries")
    assert boundaries["Effect"] == "Deny" and boundaries["Resource"] == "*"
    assert "iam:DeleteRolePermissionsBoundary" in boundaries["Action"]
    security = _stmt(statements, "DenyChangingAuditAndDetectionServices")
    assert security["Effect"] == "Deny"
    for action in ("cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "config:DeleteConfigurationRecorder",
                   "config:StopConfigurationRecorder", "guardduty:DeleteDetector", "guardduty:UpdateDetector",
                   "securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards"):
        assert _matches(action, security["Action"]), action
    assert not _matches("cloudtrail:LookupEvents", security["Action"])
    iam = _stmt(statements, "ManageRolesAndPoliciesInThisAccount")
    assert all(r.startswith(f"arn:aws:iam::{ACCT}:") for r in iam["Resource"])
    assert "iam:*" not in iam["Action"] and "iam:CreateUser" not in iam["Action"]
    bounded = _stmt(statements, "EveryRoleItCreatesCarriesASystemsBoundary")
    assert bounded["Condition"]["ArnNotLike"]["iam:PermissionsBoundary"] == \
        f"arn:aws:iam::{ACCT}:policy/gcbase-asp-boundary-*"
    # every role it creates, not only those under /workload/: an unbounded role given AdministratorAccess and
    # trusting the operator would have been an escalation (found by gcbase/boundaries/escalation.py)
    assert bounded["Resource"] == f"arn:aws:iam::{ACCT}:role/*"
    assert set(bounded["Action"]) == {"iam:CreateRole", "iam:PutRolePermissionsBoundary"}


def test_network_operator_only_network(shared_plan):
    statements = _inline(shared_plan, "gcbase-network-operator")
    assert _managed(shared_plan, "gcbase-network-operator") == [MANAGED + "AmazonVPCReadOnlyAccess"]
    allowed = [a for s in statements if s["Effect"] == "Allow" for a in _listed(s["Action"])]
    for action in ("ec2:CreateTransitGatewayRoute", "directconnect:CreateTransitVirtualInterface",
                   "ec2:CreateVpnConnection", "ram:CreateResourceShare", "ec2:ReplaceRoute"):
        assert _matches(action, allowed), action
    for action in ("ec2:RunInstances", "s3:GetObject", "iam:CreateRole", "rds:CreateDBInstance",
                   "kms:Decrypt", "ec2:CreateSecurityGroup", "cloudtrail:StopLogging"):
        assert not _matches(action, allowed), action


def test_asp_role_carries_its_boundary(plan):
    for system in ("juki", "zei"):
        role = _role(plan, f"gcbase-asp-{system}")
        boundary = one(plan, "aws:iam/policy:Policy", f"asp-{system}-boundary")
        assert boundary.inputs["name"] == f"gcbase-asp-boundary-{system}"
        assert role.inputs["permissionsBoundary"] == boundary.outputs["arn"] == \
            f"arn:aws:iam::{ACCT}:policy/gcbase-asp-boundary-{system}"
        assert _managed(plan, f"gcbase-asp-{system}") == [MANAGED + "PowerUserAccess"]
        passrole = _stmt(_inline(plan, f"gcbase-asp-{system}"), "PassOnlyThisSystemsRoles")
        assert passrole["Action"] == "iam:PassRole"
        assert passrole["Resource"] == [f"arn:aws:iam::{ACCT}:role/gcbase-asp-{system}",
                                        f"arn:aws:iam::{ACCT}:role/workload/{system}/*"]


def test_asp_boundary_confines_to_its_system(plan):
    doc = policy(one(plan, "aws:iam/policy:Policy", "asp-juki-boundary"))
    st = doc["Statement"]
    assert "zei" not in json.dumps(doc) and "${" not in json.dumps(doc)
    allows = [s for s in st if s["Effect"] == "Allow" and "NotAction" in s]
    assert [s["Condition"] for s in allows] == [
        {"StringEquals": {"aws:ResourceTag/gcbase:system": "juki"}},
        {"StringEquals": {"aws:RequestTag/gcbase:system": "juki"}},
    ]
    others = _stmt(st, "DenyOtherSystemsResources")
    assert others["Effect"] == "Deny" and others["Action"] == "*"
    assert others["Condition"] == {"StringNotEquals": {"aws:ResourceTag/gcbase:system": "juki"},
                                   "Null": {"aws:ResourceTag/gcbase:system": "false"}}
    network = _stmt(st, "DenySharedNetwork")
    assert network["Effect"] == "Deny"
    for action in ("ec2:CreateTransitGatewayVpcAttachment", "ec2:DeleteTransitGateway", "directconnect:DeleteConnection",
                   "ec2:CreateVpnConnection", "ram:AssociateResourceShare", "ec2:CreateRoute", "ec2:AttachInternetGateway"):
        assert _matches(action, network["Action"]), action
    own = [f"arn:aws:iam::{ACCT}:role/gcbase-asp-juki", f"arn:aws:iam::{ACCT}:role/workload/juki/*"]
    iam = _stmt(st, "DenyIamExceptPassingOwnRoles")
    assert iam["Effect"] == "Deny" and iam["Action"] == "iam:*" and iam["NotResource"] == own
    only_pass = _stmt(st, "OnOwnRolesOnlyPassRole")
    assert only_pass["Effect"] == "Deny" and only_pass["NotAction"] == "iam:PassRole" and only_pass["Resource"] == own
    keep = _stmt(st, "NeverTouchOwnPermissionBoundary")
    assert keep["Effect"] == "Deny"
    assert {"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"} <= set(keep["Action"])
    assert keep["Resource"] == [f"arn:aws:iam::{ACCT}:role/gcbase-asp-juki",
                                f"arn:aws:iam::{ACCT}:policy/gcbase-asp-boundary-juki"]


def test_every_document_is_filled(plan, shared_plan):
    for p in (plan, shared_plan):
        for res in p.of_type(ROLE) + p.of_type(INLINE) + p.of_type("aws:iam/policy:Policy") + p.of_type(INHERITED):
            text = res.inputs.get("policy") or res.inputs["assumeRolePolicy"]
            assert "${" not in text and json.loads(text)["Version"] == "2012-10-17", res.name


def test_parties_data_is_valid():
    data = parties()
    assert data["parties"]["governance"]["role"] == "GCGovernanceRole"
    for spec in data["parties"].values():
        assert 3600 <= spec["maxSessionSeconds"] <= 43200


# --- SystemDataKey ---------------------------------------------------------------------------

USE = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"}


@pytest.fixture(scope="module")
def key_plan():
    def program():
        opts = pulumi.ResourceOptions(provider=test_provider(ACCT))
        for s in SYSTEMS:
            SystemDataKey(f"{PREFIX}-{s['id']}-key", SystemDataKeyArgs(
                name_prefix=PREFIX, account_id=ACCT, system_id=s["id"], vendor=s["vendor"],
                tags={"gcbase:system": s["id"]}), opts)
    return synth(program)


def test_data_key_rotates_and_has_alias(key_plan):
    key = one(key_plan, "aws:kms/key:Key", "juki")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    alias = one(key_plan, "aws:kms/alias:Alias", "juki")
    assert alias.inputs["name"] == f"alias/{PREFIX}-juki-data"
    assert alias.inputs["targetKeyId"] == key.outputs["keyId"]
    comp = one(key_plan, "gcbase:identity:SystemDataKey", "juki")
    assert comp.outputs["keyArn"] == key.outputs["arn"]


def test_data_key_policy_only_the_system_uses_it(key_plan):
    doc = policy(one(key_plan, "aws:kms/key:Key", "juki"))
    st = doc["Statement"]
    asp = role_arn("asp", ACCT, "juki")
    glass = role_arn("break-glass", ACCT)
    assert asp == f"arn:aws:iam::{ACCT}:role/gcbase-asp-juki"
    assert "gcbase-asp-zei" not in json.dumps(doc) and "${" not in json.dumps(doc)

    admin = _stmt(st, "AccountAdministersButCannotUseTheKey")
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    assert not any(_matches(a, admin["Action"]) for a in ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"))
    # administering is not granting: kms:Create* let the system's own roles grant the key to any principal,
    # another account's included (found by gcbase/boundaries/escalation.py); grants go through
    # GrantsOnlyForAwsResources only
    assert not _matches("kms:CreateGrant", admin["Action"]) and _matches("kms:CreateAlias", admin["Action"])

    use = _stmt(st, "SystemRolesAndBreakGlassUseTheKey")
    assert USE <= set(use["Action"])
    assert use["Condition"]["ArnLike"]["aws:PrincipalArn"] == [asp, f"arn:aws:iam::{ACCT}:role/workload/juki/*", glass]

    via = _stmt(st, "AwsServicesActingForTheSystem")
    assert "kms:CreateGrant" in via["Action"]
    assert via["Condition"]["StringEquals"] == {"kms:CallerAccount": ACCT}
    assert "ec2.*.amazonaws.com" in via["Condition"]["StringLike"]["kms:ViaService"]
    assert f"arn:aws:iam::{ACCT}:role/{PREFIX}-juki-backup" in via["Condition"]["ArnLike"]["aws:PrincipalArn"]

    deny = _stmt(st, "DenyUseByAnyOtherPrincipal")
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert USE | {"kms:CreateGrant"} == set(deny["Action"])
    allowed = deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    assert asp in allowed and glass in allowed
    for other in (f"arn:aws:iam::{ACCT}:role/gcbase-asp-zei", f"arn:aws:iam::{ACCT}:root",
                  f"arn:aws:iam::{ACCT}:role/gcbase-account-operator", f"arn:aws:iam::{ACCT}:role/workload/zei/app"):
        assert not _matches(other, allowed), other  # -> the Deny applies to them
    assert _matches(f"arn:aws:iam::{ACCT}:role/workload/juki/app", allowed)


def test_data_key_policies_differ_per_system(key_plan):
    zei = policy(one(key_plan, "aws:kms/key:Key", "zei"))
    assert "gcbase-asp-juki" not in json.dumps(zei)
    deny = _stmt(zei["Statement"], "DenyUseByAnyOtherPrincipal")
    assert f"arn:aws:iam::{ACCT}:role/gcbase-asp-zei" in deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]


def test_asp_boundary_grants_keys_only_for_aws_resources(plan):
    """Any key whose policy delegates kms:* to the account (flow logs) could otherwise be granted by the ASP to
    any principal; a grant for an AWS resource (EBS, RDS, Backup) stays possible."""
    boundary = policy(next(r for r in plan.of_type("aws:iam/policy:Policy") if r.inputs["name"] == "gcbase-asp-boundary-juki"))
    st = _stmt(boundary["Statement"], "GrantKeysOnlyForAwsResources")
    assert st["Effect"] == "Deny" and st["Action"] == "kms:CreateGrant" and st["Resource"] == "*"
    assert st["Condition"] == {"BoolIfExists": {"kms:GrantIsForAWSResource": "false"}}
