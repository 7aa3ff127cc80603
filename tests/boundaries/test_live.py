"""The --live path against moto: the synthesized identity layer created through boto3, collected back,
evaluated; then drift injected one case at a time; then moto's own IAM enforcement for a few cases.
All in process (moto's mock_aws), no network.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from gcbase.boundaries import evaluate
from gcbase.boundaries.from_plan import from_plan
from gcbase.boundaries.live import evaluate_live
from tests.boundaries.moto_tenancy import REGION, build

STACK = "131121-stg"  # one My Number system in its own account, plus the shared account
KNOWN_FINDINGS = {("schedule-data-key-deletion", "asp")}  # see test_plan.py


@pytest.fixture(scope="module")
def tenancy(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
    mock = mock_aws(config={"iam": {"load_aws_managed_policies": True}})
    mock.start()
    try:
        t = build(STACK, tmp_path_factory.mktemp("moto"))
        t.planned = from_plan(t.plan, t.settings.accounts.governance, list(t.settings.account_ids))
        t.plan_result = evaluate(t.plan, t.settings)
        yield t
    finally:
        mock.stop()
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def live(t, stack_account: str):
    account = t.accounts[stack_account]
    return evaluate_live(t.settings, session=t.session(account), plan_model=t.planned,
                         org_session=boto3.Session(region_name=REGION))


def flat(result):
    """The hand-written rows' checks. The generated (escalation) rows differ in wording between a live run,
    which sees one account (another account's role is "not found"), and the plan; they must only hold
    (no mismatch, asserted by broken())."""
    return [(r.row.id, c.cell.party, x.account, x.system, x.decision.allowed, x.decision.deciding)
            for r in result.rows if not r.row.generated for c in r.cells for x in c.checks]


def broken(result):
    return {(row.id, c.party) for row, c, _ in result.mismatches()} - KNOWN_FINDINGS


def shared(t):
    return t.settings.accounts.shared


def system_account(t):
    return t.settings.systems[0].account


@pytest.mark.parametrize("which", ["shared", "system"])
def test_live_matrix_equals_the_plan_matrix(tenancy, which):
    t = tenancy
    account = shared(t) if which == "shared" else system_account(t)
    got = live(t, next(k for k, v in t.accounts.items() if v == account))
    assert got.source == "live" and got.drift == [] and got.notes == []
    expected = flat(t.plan_result.restricted_to({account}))
    actual = flat(got)
    assert len(actual) == len(expected) > 40
    assert [x[:5] for x in actual] == [x[:5] for x in expected]  # every decision
    differ = [(e, a) for e, a in zip(expected, actual) if e != a]
    # The only wording difference: a live run cannot read another account's bucket policy.
    assert all(e[0] == "asp-read-audit-logs" and a[5].startswith("no resource policy found for arn:aws:s3:::")
               for e, a in differ)
    assert broken(got) == set()


def _stack_key(t, account):
    return next(k for k, v in t.accounts.items() if v == account)


@contextmanager
def drift(undo):
    try:
        yield
    finally:
        undo()


def test_drift_admin_attached_to_asp_role(tenancy):
    t = tenancy
    iam = t.session(system_account(t)).client("iam")
    iam.attach_role_policy(RoleName="gcbase-asp-juki", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with drift(lambda: iam.detach_role_policy(RoleName="gcbase-asp-juki",
                                              PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")):
        got = live(t, _stack_key(t, system_account(t)))
    assert "role gcbase-asp-juki: policy AdministratorAccess attached in the account, not in the plan" in got.drift
    assert not got.ok


def test_drift_region_scp_detached(tenancy):
    t = tenancy
    org, pid = t.org(), t.scp_ids["gc-deny-outside-allowed-regions"]
    org.detach_policy(PolicyId=pid, TargetId=t.ou)
    with drift(lambda: org.attach_policy(PolicyId=pid, TargetId=t.ou)):
        got = live(t, _stack_key(t, shared(t)))
    assert {("act-outside-japan", "account-operator"), ("act-outside-japan", "network-operator"),
            ("act-outside-japan", "break-glass")} <= broken(got)
    assert f"SCP gc-deny-outside-allowed-regions: in the plan, not applied to account {shared(t)}" in got.drift


def test_drift_log_bucket_policy_allows_deletes(tenancy):
    t = tenancy
    s3 = t.session(shared(t)).client("s3")
    bucket = f"gc131121-stg-log-archive-{shared(t)}"
    original = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    doc = json.loads(original)
    doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "DenyDeleteAndRetentionChanges"]
    doc["Statement"].append({"Sid": "AllowDeletes", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{shared(t)}:root"},
                             "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{bucket}/*"})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
    with drift(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=original)):
        got = live(t, _stack_key(t, shared(t)))
    assert ("delete-log-object", "governance") in broken(got)
    assert f"bucket policy {bucket}: differs from the plan" in got.drift


def test_drift_trust_of_an_outside_account(tenancy):
    t = tenancy
    iam = t.session(shared(t)).client("iam")
    original = iam.get_role(RoleName="gcbase-auditor")["Role"]["AssumeRolePolicyDocument"]
    doc = json.loads(json.dumps(original))
    doc["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                             "Action": "sts:AssumeRole"})
    iam.update_assume_role_policy(RoleName="gcbase-auditor", PolicyDocument=json.dumps(doc))
    with drift(lambda: iam.update_assume_role_policy(RoleName="gcbase-auditor", PolicyDocument=json.dumps(original))):
        got = live(t, _stack_key(t, shared(t)))
    assert ("outsider-assumes-party-role", "auditor") in broken(got)
    assert "role gcbase-auditor: trust policy differs from the plan" in got.drift


def test_drift_boundary_removed(tenancy):
    t = tenancy
    iam = t.session(system_account(t)).client("iam")
    boundary = iam.get_role(RoleName="gcbase-asp-juki")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
    iam.delete_role_permissions_boundary(RoleName="gcbase-asp-juki")
    with drift(lambda: iam.put_role_permissions_boundary(RoleName="gcbase-asp-juki", PermissionsBoundary=boundary)):
        got = live(t, _stack_key(t, system_account(t)))
    assert {("asp-other-system-same-account", "asp"), ("asp-shared-network-route", "asp")} <= broken(got)
    assert "role gcbase-asp-juki: permission boundary is none, the plan has gcbase-asp-boundary-juki" in got.drift


def test_after_undoing_every_drift_the_account_matches_again(tenancy):
    t = tenancy
    for account in (shared(t), system_account(t)):
        got = live(t, _stack_key(t, account))
        assert got.drift == [] and broken(got) == set()


def _denied(call) -> bool:
    try:
        call()
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"] == 403 or err.response["Error"]["Code"] in (
            "AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
    return False


def test_moto_enforces_identity_policies_for_party_sessions(tenancy):
    """moto's IAM access-control mode checks identity policies (Action/NotAction, not resources,
    conditions, SCPs or boundaries): real API calls with a party's assumed-role credentials."""
    t = tenancy
    auditor = t.session(shared(t), role="gcbase-auditor")
    operator = t.session(shared(t), role="gcbase-account-operator")
    asp = t.session(system_account(t), role="gcbase-asp-juki")
    bucket = f"gc131121-stg-log-archive-{shared(t)}"

    @set_initial_no_auth_action_count(0)
    def enforced():
        return {
            "auditor terminates an instance": _denied(lambda: auditor.client("ec2").terminate_instances(
                InstanceIds=["i-0123456789abcdef0"])),
            "auditor creates a role": _denied(lambda: auditor.client("iam").create_role(
                RoleName="x", AssumeRolePolicyDocument="{}")),
            "asp creates an IAM user": _denied(lambda: asp.client("iam").create_user(UserName="backdoor")),
            "operator overwrites a log": _denied(lambda: operator.client("s3").put_object(
                Bucket=bucket, Key="cloudtrail/x.json.gz", Body=b"forged")),
            "auditor lists buckets": _denied(lambda: auditor.client("s3").list_buckets()),
        }

    assert enforced() == {"auditor terminates an instance": True, "auditor creates a role": True,
                          "asp creates an IAM user": True, "operator overwrites a log": True,
                          "auditor lists buckets": False}


def test_cli_live_refuses_an_account_outside_the_stack(tenancy, capsys):
    """The default credentials here are the management account's: not a tenancy account, exit 2."""
    from gcbase.cli import main

    assert main(["boundaries", str(tenancy.config), "--live", "--region", REGION]) == 2
    err = capsys.readouterr().err
    assert f"account {tenancy.management} is not one of the stack's accounts" in err
