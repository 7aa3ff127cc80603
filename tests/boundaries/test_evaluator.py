"""The evaluator adapter, case by case against AWS's documented policy evaluation logic.

Each test names the IAM User Guide section (or service guide) whose rule it checks. The
decision comes from iamprover's Z3 encoding; these tests pin what gcbase adds around it.
"""

from __future__ import annotations

import pytest

from gcbase.boundaries.evaluator import Evaluator, Request
from gcbase.boundaries.model import FULL_AWS_ACCESS, AuthzModel, Doc, Role, ScpLevel

A = "111111111111"
B = "222222222222"
MGMT = "900000000001"
ROLE = f"arn:aws:iam::{A}:role/app"
BUCKET = "arn:aws:s3:::data-bucket"
KEY = f"arn:aws:kms:ap-northeast-1:{A}:key/1234abcd-0000-0000-0000-000000000000"
CTX = (("aws:RequestedRegion", "ap-northeast-1"), ("aws:SecureTransport", "true"))


def doc(kind: str, name: str, *statements: dict) -> Doc:
    return Doc(kind, name, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def model(*policies: Doc, boundary: Doc | None = None, scps: list[list[Doc]] | None = None,
          resources: dict[str, Doc] | None = None, account: str = A, trust: Doc | None = None) -> AuthzModel:
    m = AuthzModel("plan", MGMT)
    arn = f"arn:aws:iam::{account}:role/app"
    m.roles[arn] = Role(arn, "app", account, trust=trust, policies=list(policies), boundary=boundary)
    if scps is not None:
        m.scp_levels[account] = [ScpLevel(f"level{i}", level) for i, level in enumerate(scps)]
    for arn_, d in (resources or {}).items():
        m.resource_policies[arn_] = d
        if arn_.startswith("arn:aws:s3"):
            m.resource_accounts[arn_] = A
    return m


def decide(m: AuthzModel, action: str, resource: str = "*", principal: str = ROLE, ctx=CTX):
    return Evaluator(m).evaluate(Request(principal, action, resource, ctx))


# --- "Policy evaluation logic": default deny, explicit deny overrides allow ----------------------

def test_default_deny_without_any_allow():
    d = decide(model(doc("identity", "p", allow("s3:GetObject"))), "ec2:RunInstances")
    assert not d.allowed and d.deciding == "app: implicit deny (no identity policy allows it)"


def test_explicit_deny_overrides_allow_and_is_named():
    m = model(doc("identity", "admin", allow()), doc("identity", "guard", {**deny("ec2:*"), "Sid": "NoEc2"}))
    d = decide(m, "ec2:RunInstances")
    assert (d.allowed, d.deciding, d.layer) == (False, "guard: NoEc2", "identity")


def test_not_action_allows_everything_else():
    m = model(doc("identity", "power", {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}))
    assert decide(m, "ec2:RunInstances").allowed
    assert not decide(m, "iam:CreateRole").allowed


def test_actions_match_case_insensitively():
    assert decide(model(doc("identity", "p", allow("EC2:runinstances"))), "ec2:RunInstances").allowed


# --- "Service control policies (SCPs)": every level must allow; a deny anywhere wins -----------

def test_scp_level_without_allow_denies_implicitly():
    scp_deny_only = doc("scp", "guard", {**deny("cloudtrail:StopLogging"), "Sid": "G"})
    m = model(doc("identity", "admin", allow()), scps=[[FULL_AWS_ACCESS], [scp_deny_only]])
    d = decide(m, "ec2:RunInstances")
    assert (d.allowed, d.deciding) == (False, "SCP level level1: implicit deny (no SCP at this level allows it)")


def test_scp_deny_names_the_scp_and_statement():
    scp = doc("scp", "gc-protect", {**deny("cloudtrail:StopLogging"), "Sid": "ProtectCloudTrail"})
    m = model(doc("identity", "admin", allow()), scps=[[FULL_AWS_ACCESS, scp]])
    d = decide(m, "cloudtrail:StopLogging")
    assert (d.allowed, d.deciding, d.layer) == (False, "SCP gc-protect: ProtectCloudTrail", "scp")
    assert decide(m, "cloudtrail:DescribeTrails").allowed


def test_scp_principal_arn_exemption_is_bound_to_the_caller():
    """aws:PrincipalArn is the role's ARN, never a free value the solver may choose."""
    scp = doc("scp", "gc", deny("cloudtrail:*", Condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/GCGovernanceRole"}}))
    m = model(doc("identity", "admin", allow()), scps=[[FULL_AWS_ACCESS, scp]])
    assert not decide(m, "cloudtrail:StopLogging").allowed
    gov = f"arn:aws:iam::{A}:role/GCGovernanceRole"
    m.roles[gov] = Role(gov, "GCGovernanceRole", A, policies=[doc("identity", "admin", allow())])
    assert decide(m, "cloudtrail:StopLogging", principal=gov).allowed


def test_region_condition_with_not_action():
    """IAM User Guide, aws:RequestedRegion example SCP: NotAction for global services."""
    scp = doc("scp", "region", {"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
                                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["ap-northeast-1", "ap-northeast-3"]}}})
    m = model(doc("identity", "admin", allow()), scps=[[FULL_AWS_ACCESS, scp]])
    us = (("aws:RequestedRegion", "us-east-1"),)
    assert not decide(m, "ec2:RunInstances", ctx=us).allowed
    assert decide(m, "iam:CreateRole", ctx=us).allowed
    assert decide(m, "ec2:RunInstances", ctx=(("aws:RequestedRegion", "ap-northeast-3"),)).allowed


def test_secure_transport_false_is_denied():
    scp = doc("scp", "tls", deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))
    m = model(doc("identity", "admin", allow()), scps=[[FULL_AWS_ACCESS, scp]])
    assert not decide(m, "s3:GetObject", ctx=(("aws:SecureTransport", "false"),)).allowed
    assert decide(m, "s3:GetObject", ctx=(("aws:SecureTransport", "true"),)).allowed


# --- "Permissions boundaries for IAM entities" ------------------------------------------------

def test_boundary_caps_identity_policy():
    b = doc("boundary", "b", allow("s3:*"))
    m = model(doc("identity", "admin", allow()), boundary=b)
    m.resource_accounts["arn:aws:s3:::x"] = A
    assert decide(m, "s3:GetObject", "arn:aws:s3:::x/y").allowed
    d = decide(m, "ec2:RunInstances")
    assert (d.allowed, d.deciding, d.layer) == (False, "boundary b: implicit deny", "boundary")


def test_boundary_tag_conditions_resource_and_request_tags():
    b = doc("boundary", "b",
            allow(Condition={"StringEquals": {"aws:ResourceTag/gcbase:system": "juki"}}),
            allow(Condition={"StringEquals": {"aws:RequestTag/gcbase:system": "juki"}}))
    m = model(doc("identity", "admin", allow()), boundary=b)
    own = CTX + (("aws:ResourceTag/gcbase:system", "juki"),)
    other = CTX + (("aws:ResourceTag/gcbase:system", "zei"),)
    create = CTX + (("aws:RequestTag/gcbase:system", "juki"),)
    assert decide(m, "ec2:TerminateInstances", ctx=own).allowed
    assert not decide(m, "ec2:TerminateInstances", ctx=other).allowed
    assert decide(m, "ec2:RunInstances", ctx=create).allowed
    assert not decide(m, "ec2:RunInstances").allowed  # untagged: tags are absent, not free


def test_same_account_bucket_policy_grant_to_role_arn_is_capped_by_boundary():
    """Policy evaluation logic, resource-based policies: a grant to an IAM role ARN is limited by
    an implicit deny in the role's permissions boundary (a role-session grant would not be)."""
    grant = doc("bucket", "data-bucket", {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject",
                                          "Resource": f"{BUCKET}/*"})
    no_identity = model(resources={BUCKET: grant})
    assert decide(no_identity, "s3:GetObject", f"{BUCKET}/k").allowed
    capped = model(resources={BUCKET: grant}, boundary=doc("boundary", "b", allow("ec2:*")))
    assert not decide(capped, "s3:GetObject", f"{BUCKET}/k").allowed


def test_same_account_root_principal_delegates_to_iam():
    """A bucket policy naming the account root grants nothing by itself within that account."""
    grant = doc("bucket", "data-bucket", {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                                          "Action": "s3:*", "Resource": f"{BUCKET}/*"})
    assert not decide(model(resources={BUCKET: grant}), "s3:GetObject", f"{BUCKET}/k").allowed
    assert decide(model(doc("identity", "p", allow("s3:GetObject")), resources={BUCKET: grant}),
                  "s3:GetObject", f"{BUCKET}/k").allowed


def test_bucket_policy_deny_to_everyone_wins_over_admin():
    worm = doc("bucket", "logs", {"Sid": "DenyDelete", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                                  "Resource": f"{BUCKET}/*"})
    d = decide(model(doc("identity", "admin", allow()), resources={BUCKET: worm}), "s3:DeleteObject", f"{BUCKET}/k")
    assert (d.allowed, d.deciding, d.layer) == (False, "bucket policy logs: DenyDelete", "resource")


# --- "Cross-account policy evaluation logic": both sides must allow -----------------------------

def test_cross_account_needs_identity_and_resource_policy():
    other = f"arn:aws:iam::{B}:role/app"
    m = model(doc("identity", "admin", allow()), account=B)
    m.resource_accounts[BUCKET] = A  # the bucket is in A, without a bucket policy
    assert not decide(m, "s3:GetObject", f"{BUCKET}/k", principal=other).allowed  # no bucket policy
    m.resource_policies[BUCKET] = doc("bucket", "b", {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
                                                     "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"})
    assert decide(m, "s3:GetObject", f"{BUCKET}/k", principal=other).allowed
    m.roles[other].policies = [doc("identity", "none", allow("ec2:*"))]
    assert not decide(m, "s3:GetObject", f"{BUCKET}/k", principal=other).allowed


# --- AWS KMS Developer Guide, "Key policies": IAM alone never grants use of a key ---------------

def test_kms_needs_the_key_policy():
    admin = doc("identity", "admin", allow())
    assert not decide(model(admin, resources={KEY: doc("key", "k", deny("kms:ScheduleKeyDeletion", Principal="*"))}),
                      "kms:Decrypt", KEY).allowed
    root = doc("key", "k", {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*", "Resource": "*"})
    assert decide(model(admin, resources={KEY: root}), "kms:Decrypt", KEY).allowed
    assert not decide(model(resources={KEY: root}), "kms:Decrypt", KEY).allowed  # delegation needs an IAM allow
    direct = doc("key", "k", {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*"})
    assert decide(model(resources={KEY: direct}), "kms:Decrypt", KEY).allowed


# --- AWS Organizations API reference: management-account-only operations -----------------------

@pytest.mark.parametrize("action,expected", [("organizations:UpdatePolicy", False), ("organizations:DetachPolicy", False),
                                             ("organizations:DescribeOrganization", True)])
def test_organizations_management_only(action, expected):
    assert decide(model(doc("identity", "admin", allow())), action).allowed is expected


# --- trust policies: callers outside the model ("Cross-account": the trust side must allow) ----

TRUST = doc("trust", "app", {"Sid": "People", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
                             "Action": "sts:AssumeRole",
                             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                           "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}})


@pytest.mark.parametrize("caller,mfa,age,expected", [
    (f"arn:aws:iam::{B}:role/person", "true", "300", True),
    (f"arn:aws:iam::{B}:role/person", "false", "300", False),
    (f"arn:aws:iam::{B}:role/person", "true", "7200", False),
    ("arn:aws:iam::999999999999:role/person", "true", "300", False),
])
def test_trust_policy_account_mfa_and_mfa_age(caller, mfa, age, expected):
    m = model(trust=TRUST)
    ctx = (("aws:MultiFactorAuthPresent", mfa), ("aws:MultiFactorAuthAge", age))
    d = Evaluator(m).evaluate(Request(caller, "sts:AssumeRole", ROLE, ctx))
    assert d.allowed is expected
    assert d.deciding == ("trust policy of app: People" if expected else
                          "trust policy of app: implicit deny (no statement admits this caller)")


def test_unknown_bucket_is_treated_as_another_accounts():
    """A live run sees one account: a bucket it did not list is not the caller's own."""
    d = decide(model(doc("identity", "admin", allow())), "s3:GetObject", "arn:aws:s3:::someone-elses/k")
    assert (d.allowed, d.layer) == (False, "resource") and "cross-account" in d.deciding


def test_missing_role_is_reported_not_guessed():
    d = decide(model(), "s3:GetObject", principal=f"arn:aws:iam::{A}:role/ghost")
    assert (d.allowed, d.layer) == (False, "missing") and "ghost" in d.deciding
