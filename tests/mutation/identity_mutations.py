"""Identity, zone-of-trust and escalation weakenings (issue 13): in the plan, in the stack config and in
the program's source. Each must be caught, by a check (GCJP_AWS_1, 51..59), by the responsibility matrix
(`gcbase check` gates on it: hand-written or generated rows, with the deciding statement), or by the
stack config's validation. Ids: iam- (roles and their policies), trust- (external access), esc-
(escalation paths), cfg- and src- (the weakening is in the stack config or the source).

Config and source mutations replace the example's plan with one synthesized from the weakened config
or with a patched source (modules and baselines are read in-process), so the harness needs no other
kind of mutation.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from gcbase.model import Plan
from tests.mutation.edits import add, edit_doc, one, remove_statement, scp, statement
from tests.mutation.harness import MutationError
from tests.mutation.mutations import KAMIYAMA, PROD, STG, mutation

ROLE, INLINE, POLICY, KEY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:kms/key:Key"
OUTSIDE = "999900000000"
VENDOR_A = "410000000001"


def _vendor_statement(doc: dict) -> dict:
    return statement(doc, "VendorAccountWithExternalIdMfaAndTags")


def _asp_boundary(p: Plan) -> Any:
    return one(p, POLICY, "asp-juki-boundary")


def _asp_policy(p: Plan) -> Any:
    return one(p, INLINE, "asp-juki-asp-policy")


def _role(p: Plan, name: str, account: str) -> Any:
    found = [r for r in p.of_type(ROLE) if r.inputs.get("name") == name and f"-{account}-" in r.name]
    if not found:
        raise MutationError(f"no role {name} in {account}")
    return found[0]


# --- zone of trust: keys, trusts, buckets, sharing (plan) ------------------------------------------
@mutation("trust-data-key-grants-another-account")
def _(p):
    """The juki data key policy grants kms:* to another AWS account's root."""
    edit_doc(one(p, KEY, "juki-key-cmk"), "policy", lambda d: d["Statement"].append(
        {"Sid": "VendorSupport", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
         "Action": "kms:*", "Resource": "*"}))


@mutation("trust-log-key-service-without-source")
def _(p):
    """The log archive key lets CloudTrail use it for any account's trail (no aws:SourceArn)."""
    edit_doc(one(p, KEY, "logs-key"), "policy",
             lambda d: statement(d, "AllowCloudTrailEncryptMemberTrails").pop("Condition"))


@mutation("trust-kms-grant-to-another-account")
def _(p):
    """A KMS grant lets another account decrypt with the juki data key."""
    key = one(p, KEY, "juki-key-cmk")
    add(p, key, "aws:kms/grant:Grant", "mutant-juki-grant",
        {"keyId": key.id, "granteePrincipal": f"arn:aws:iam::{OUTSIDE}:role/support", "operations": ["Decrypt"]},
        {"keyId": key})


def _vendor_trust_mutation(mid: str, role: str, account: str, drop: Callable[[dict], Any], doc: str) -> None:
    """A role's vendor-account trust statement loses one of the conditions it must carry."""
    def apply(p: Plan) -> None:
        edit_doc(_role(p, role, account), "assumeRolePolicy", lambda d: drop(_vendor_statement(d)["Condition"]))
    apply.__doc__ = doc
    mutation(mid, PROD)(apply)


_vendor_trust_mutation("iam-asp-trust-vendor-without-external-id", "gcbase-asp-juki", "210000000101",
                       lambda c: c["StringEquals"].pop("sts:ExternalId"),
                       "juki's ASP role lets vendor-a's own account assume it with MFA but no ExternalId.")
_vendor_trust_mutation("iam-asp-trust-vendor-without-mfa", "gcbase-asp-juki", "210000000101", lambda c: c.pop("Bool"),
                       "juki's ASP role lets vendor-a's account in without MFA.")
_vendor_trust_mutation("iam-operator-trust-vendor-without-party-tag", "gcbase-account-operator", "210000000001",
                       lambda c: c["StringEquals"].pop("aws:PrincipalTag/gcbase:party"),
                       "The account operator's role lets vendor-a's account in whatever party tag the session carries.")


@mutation("iam-break-glass-trusts-vendor-account", PROD)
def _(p):
    """Break-glass trusts vendor-a's own account (with ExternalId and MFA): not a role vendor-a takes."""
    edit_doc(_role(p, "gcbase-break-glass", "210000000101"), "assumeRolePolicy", lambda d: d["Statement"].append(
        {"Sid": "VendorSupport", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{VENDOR_A}:root"},
         "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                                   "StringEquals": {"sts:ExternalId": "gc131121-prod-vendor-a"}}}))


@mutation("iam-auditor-trusts-whole-organization")
def _(p):
    """The auditor role trusts any principal of the organization (every municipality's accounts)."""
    edit_doc(_role(p, "gcbase-auditor", "220000000001"), "assumeRolePolicy", lambda d: d["Statement"][0].update(
        Principal="*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-govcloud"}}))


@mutation("trust-archive-bucket-readable-by-anyone")
def _(p):
    """The log archive bucket policy lets anyone read the logs."""
    edit_doc(one(p, "aws:s3/bucketPolicy:BucketPolicy", "archive-policy"), "policy", lambda d: d["Statement"].append(
        {"Sid": "Auditors", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::gc131121-stg-log-archive-220000000001/*"}))


@mutation("trust-access-log-bucket-public-acl")
def _(p):
    """The access-log bucket gets a public-read ACL."""
    bucket = one(p, "aws:s3/bucket:Bucket", "access-logs")
    add(p, bucket, "aws:s3/bucketAclV2:BucketAclV2", "mutant-access-logs-acl", {"bucket": bucket.id, "acl": "public-read"},
        {"bucket": bucket})


@mutation("trust-ram-share-with-outside-account")
def _(p):
    """The Transit Gateway share allows external principals and adds an account outside the tenancy."""
    share = one(p, "aws:ram/resourceShare:ResourceShare", "hub-share")
    share.inputs["allowExternalPrincipals"] = True
    add(p, share, "aws:ram/principalAssociation:PrincipalAssociation", "mutant-hub-share-outside",
        {"principal": OUTSIDE, "resourceShareArn": share.outputs["arn"]}, {"resourceShareArn": share})


@mutation("trust-glacier-vault-readable-outside")
def _(p):
    """A Glacier vault in juki's account whose access policy lets another account retrieve its archives."""
    add(p, one(p, KEY, "juki-key-cmk"), "aws:glacier/vault:Vault", "mutant-juki-archive-vault",
        {"name": "juki-archive", "accessPolicy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Retrieve", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
             "Action": ["glacier:InitiateJob", "glacier:GetJobOutput"], "Resource": "*"}]})})


@mutation("trust-ssm-document-shared-outside")
def _(p):
    """An SSM document in juki's account is shared with another account."""
    add(p, one(p, KEY, "juki-key-cmk"), "aws:ssm/document:Document", "mutant-juki-runbook",
        {"name": "juki-runbook", "documentType": "Command", "content": json.dumps({"schemaVersion": "2.2", "mainSteps": []}),
         "permissions": {"type": "Share", "accountIds": OUTSIDE}})


@mutation("trust-endpoint-service-offered-outside")
def _(p):
    """A PrivateLink endpoint service in juki's account accepts endpoints of another account (a way into the VPC)."""
    add(p, one(p, KEY, "juki-key-cmk"), "aws:ec2/vpcEndpointService:VpcEndpointService", "mutant-juki-endpoint-service",
        {"acceptanceRequired": True, "allowedPrincipals": [f"arn:aws:iam::{OUTSIDE}:root"],
         "networkLoadBalancerArns": ["arn:aws:elasticloadbalancing:ap-northeast-1:210000000101:loadbalancer/net/juki/1"]})


@mutation("trust-ram-share-with-organization")
def _(p):
    """The Transit Gateway is shared with the whole organization."""
    share = one(p, "aws:ram/resourceShare:ResourceShare", "hub-share")
    add(p, share, "aws:ram/principalAssociation:PrincipalAssociation", "mutant-hub-share-org",
        {"principal": "arn:aws:organizations::900000000001:organization/o-govcloud", "resourceShareArn": share.outputs["arn"]},
        {"resourceShareArn": share})


@mutation("trust-endpoint-policy-removed")
def _(p):
    """The KMS interface endpoint has no policy (AWS's default: any account's credentials)."""
    endpoint = one(p, "aws:ec2/vpcEndpoint:VpcEndpoint", "juki-vpce-kms")
    if not endpoint.inputs.pop("policy", None):
        raise MutationError("the endpoint has no policy")


@mutation("trust-endpoint-policy-organization-wide")
def _(p):
    """The S3 gateway endpoint admits any principal of the organization."""
    edit_doc(one(p, "aws:ec2/vpcEndpoint:VpcEndpoint", "juki-vpce-s3"), "policy", lambda d: d["Statement"][0].update(
        Condition={"StringEquals": {"aws:PrincipalOrgID": "o-govcloud"}}))


@mutation("trust-alarm-topic-any-account")
def _(p):
    """The alarm topic lets EventBridge of any account publish (no aws:SourceAccount)."""
    edit_doc(one(p, "aws:sns/topicPolicy:TopicPolicy", "220000000001-alarms"), "policy",
             lambda d: statement(d, "AlarmAndEventPublish").pop("Condition"))


@mutation("trust-backup-vault-copy-from-outside")
def _(p):
    """The backup vault accepts copies and reads from another account."""
    vault = one(p, "aws:backup/vault:Vault", "juki-backup-vault")
    add(p, vault, "aws:backup/vaultPolicy:VaultPolicy", "mutant-juki-vault-policy", {
        "backupVaultName": vault.id, "policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
             "Action": ["backup:CopyIntoBackupVault", "backup:DescribeRecoveryPoint"], "Resource": "*"}]})},
        {"backupVaultName": vault})


@mutation("trust-lambda-permission-any-account")
def _(p):
    """A Lambda permission lets EventBridge of any account invoke a function of the system."""
    like = one(p, "aws:backup/vault:Vault", "juki-backup-vault")
    add(p, like, "aws:lambda/permission:Permission", "mutant-juki-invoke",
        {"function": "juki-batch", "action": "lambda:InvokeFunction", "principal": "events.amazonaws.com"})


@mutation("trust-snapshot-shared-outside")
def _(p):
    """An EBS snapshot of the system is shared with another account."""
    like = one(p, "aws:backup/vault:Vault", "juki-backup-vault")
    add(p, like, "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission", "mutant-juki-snapshot-share",
        {"snapshotId": "snap-0123456789abcdef0", "accountId": OUTSIDE})


@mutation("trust-image-public")
def _(p):
    """An AMI of the system is made public."""
    like = one(p, "aws:backup/vault:Vault", "juki-backup-vault")
    add(p, like, "aws:ec2/amiLaunchPermission:AmiLaunchPermission", "mutant-juki-ami-public",
        {"imageId": "ami-0123456789abcdef0", "group": "all"})


# --- logging strength and the region guardrail (plan) ------------------------------------------------
@mutation("iam-trail-write-only")
def _(p):
    """CloudTrail records write management events only (read events are lost)."""
    one(p, "aws:cloudtrail/trail:Trail", "-trail").inputs["eventSelectors"][0]["readWriteType"] = "WriteOnly"


@mutation("iam-region-scp-exempts-data-copying")
def _(p):
    """The region SCP's NotAction is widened with data-copying actions (replication, snapshot copies)."""
    edit_doc(scp(p, "region-allowlist"), "content", lambda d: d["Statement"][0]["NotAction"].extend(
        ["s3:ReplicateObject", "ec2:CopySnapshot", "rds:CopyDBSnapshot"]))


# --- escalation (plan): caught by the generated rows of the matrix -----------------------------------
@mutation("esc-asp-pass-role-everywhere")
def _(p):
    """The ASP may pass any role to a compute service (policy and boundary)."""
    edit_doc(_asp_policy(p), "policy", lambda d: d["Statement"][0].update(Resource="*"))
    edit_doc(_asp_boundary(p), "policy", lambda d: d.update(Statement=[
        {**s, "Resource": "*"} if s.get("Sid") == "PassOnlyThisSystemsRoles" else s for s in d["Statement"]
        if s.get("Sid") not in ("DenyIamExceptPassingOwnRoles", "OnOwnRolesOnlyPassRole")]))


@mutation("esc-asp-iam-policy-actions")
def _(p):
    """The ASP is allowed iam:*Policy* (policy and boundary)."""
    grant = {"Sid": "IamPolicies", "Effect": "Allow", "Action": "iam:*Policy*", "Resource": "*"}
    edit_doc(_asp_policy(p), "policy", lambda d: d["Statement"].append(grant))
    edit_doc(_asp_boundary(p), "policy", lambda d: d.update(Statement=[
        grant, *[s for s in d["Statement"] if s.get("Sid") != "DenyIamExceptPassingOwnRoles"]]))


@mutation("esc-asp-path-to-break-glass")
def _(p):
    """Break-glass in juki's account is tagged as juki's and trusts the account: the ASP can assume it."""
    bg = _role(p, "gcbase-break-glass", "220000000101")
    bg.inputs["tags"] = {**bg.inputs["tags"], "gcbase:system": "juki"}
    edit_doc(bg, "assumeRolePolicy", lambda d: d["Statement"].append(
        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::220000000101:root"},
         "Action": "sts:AssumeRole"}))


@mutation("esc-asp-may-grant-keys")
def _(p):
    """The ASP boundary no longer limits grants to AWS resources: the ASP can hand its system's flow-log key
    to any principal (that key's policy delegates kms:* to the account)."""
    edit_doc(_asp_boundary(p), "policy", lambda d: remove_statement(d, "GrantKeysOnlyForAwsResources"))


@mutation("esc-operator-creates-unbounded-roles")
def _(p):
    """The account operator may create roles without a system's boundary."""
    edit_doc(one(p, INLINE, "220000000101-account-operator-account-operator"), "policy",
             lambda d: remove_statement(d, "EveryRoleItCreatesCarriesASystemsBoundary"))


@mutation("esc-network-operator-rewrites-trusts")
def _(p):
    """The network operator may update any role's trust policy."""
    edit_doc(one(p, INLINE, "network-operator-network-operator"), "policy", lambda d: d["Statement"].append(
        {"Sid": "FixTrusts", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
         "Resource": "arn:aws:iam::220000000001:role/*"}))


@mutation("esc-operator-chain-through-admin-role")
def _(p):
    """A assumes B which can do X: the operator may assume app-admin, which administers the account."""
    like = _role(p, "gcbase-auditor", "220000000001")
    admin = copy.deepcopy(like)
    admin.urn = like.urn.replace("auditor", "app-admin")
    admin.name = admin.urn.split("::")[-1]  # as Pulumi names it: the URN's last part
    admin.id = "app-admin"  # its own id: a copy keeping the auditor's would make two roles one to the graph
    arn = "arn:aws:iam::220000000001:role/app-admin"
    admin.inputs = {"name": "app-admin", "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
                    "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::220000000001:root"},
                         "Action": "sts:AssumeRole"}]})}
    admin.outputs = {**admin.inputs, "arn": arn, "id": "app-admin"}
    p.resources.append(admin)
    edit_doc(one(p, INLINE, "220000000001-account-operator-account-operator"), "policy", lambda d: d["Statement"].append(
        {"Sid": "AssumeWorkloadRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": "arn:aws:iam::220000000001:role/*"}))


@mutation("esc-integrated-operator-passes-roles", PROD)
def _(p):
    """統合運用管理補助者 may pass any role of the account to a compute service."""
    edit_doc(one(p, INLINE, "210000000101-integrated-operator-integrated-operator"), "policy", lambda d: d["Statement"].append(
        {"Sid": "PassAnything", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}))


@mutation("esc-shared-vendor-asp-enters-operator-role", KAMIYAMA)
def _(p):
    """vendor-e is ASP and account operator: its operator role stops asking which party the person is."""
    for res in p.of_type(ROLE):
        if res.inputs.get("name") == "gcbase-account-operator":
            edit_doc(res, "assumeRolePolicy", lambda d: [s["Condition"]["StringEquals"].pop("aws:PrincipalTag/gcbase:party")
                                                         for s in d["Statement"]])


# --- escalation through a role the plan adds (G-1): code that runs as the role acts for whoever deploys it ---
JUKI_ACCOUNT = "210000000101"


def _workload_role(p: Plan, name: str, service: str, *statements: dict, path: str = "/workload/juki/") -> None:
    """A role in juki's account that a compute service may assume (the ASP may pass workload/juki/* roles to
    one, so the code it deploys runs as the role), with one inline policy of the given statements."""
    like = _role(p, "gcbase-asp-juki", JUKI_ACCOUNT)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": JUKI_ACCOUNT}}}]}
    role = add(p, like, ROLE, f"mutant-{name}", {"name": name, "path": path, "assumeRolePolicy": json.dumps(trust),
                                                 "tags": {"gcbase:system": "juki"}})
    add(p, like, INLINE, f"mutant-{name}-policy", {"name": f"{name}-policy", "role": name, "policy": json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)})}, {"role": role})


@mutation("esc-workload-role-rewrites-break-glass-trust", PROD)
def _(p):
    """A juki workload role (a Lambda's) may rewrite break-glass's trust: the ASP passes it to Lambda, its code
    opens break-glass (AdministratorAccess) to the ASP."""
    _workload_role(p, "juki-worker", "lambda.amazonaws.com", {
        "Sid": "Trust", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
        "Resource": f"arn:aws:iam::{JUKI_ACCOUNT}:role/gcbase-break-glass"})


@mutation("esc-workload-role-versions-asp-boundary", PROD)
def _(p):
    """A juki workload role may create a new version of the ASP's own permission boundary (and make it the
    default): the ASP's code rewrites what bounds the ASP."""
    _workload_role(p, "juki-worker", "lambda.amazonaws.com", {
        "Sid": "Boundary", "Effect": "Allow", "Action": ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
        "Resource": f"arn:aws:iam::{JUKI_ACCOUNT}:policy/gcbase-asp-boundary-juki"})


@mutation("esc-workload-role-passes-operator-role", PROD)
def _(p):
    """A juki instance role may pass the account operator's role to EC2 and run instances: the ASP's instance
    launches one as the account operator."""
    _workload_role(p, "juki-app", "ec2.amazonaws.com", {
        "Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": f"arn:aws:iam::{JUKI_ACCOUNT}:role/gcbase-account-operator"}, {
        "Sid": "Run", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"],
        "Resource": f"arn:aws:ec2:ap-northeast-1:{JUKI_ACCOUNT}:*"})


@mutation("trail-organization-trail-in-member-account", PROD)
def _(p):
    """The system accounts' trails are dropped and the shared account's trail is marked an organization trail
    (AWS allows one only in the management account, which is Digital Agency's)."""
    trails = [r for r in p.of_type("aws:cloudtrail/trail:Trail")]
    shared = [r for r in trails if "210000000001" in r.name]
    if not shared or len(trails) < 2:
        raise MutationError("no shared-account trail beside the system accounts' trails")
    shared[0].inputs["isOrganizationTrail"] = True
    for res in trails:
        if res is not shared[0]:
            p.resources.remove(res)


# --- stack config ---------------------------------------------------------------------------------------
def _stack_config(stack: str) -> dict:
    from gcbase.synth import STACKS_DIR

    return yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]


def _resynth(p: Plan, config: dict) -> None:
    """Replace the plan with one synthesized from a config written as the stack's file (validated first), kept
    on disk until the run ends (the matrix reads the stack config the plan names)."""
    from gcbase.synth import synth_stack

    folder = Path(tempfile.mkdtemp(prefix="gcbase-mutant-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / f"Pulumi.{p.stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    _take(p, synth_stack(path))


def _take(p: Plan, fresh: Plan) -> None:
    p.resources, p.meta, p.outputs, p.config_file = fresh.resources, fresh.meta, fresh.outputs, fresh.config_file


def _config_mutation(mid: str, stack: str, edit: Callable[[dict], None], doc: str) -> None:
    def apply(p: Plan) -> None:
        config = _stack_config(stack)
        edit(config)
        _resynth(p, config)
    apply.__doc__ = doc
    mutation(mid, stack)(apply)


_config_mutation("cfg-vendor-account-is-a-tenancy-account", PROD,
                 lambda c: c["gcbase:vendors"][0].update(accounts=["210000000102"]),
                 "vendor-a's own account is declared as zei's system account (its staff would be inside).")
_config_mutation("cfg-vendor-without-external-id", PROD, lambda c: c["gcbase:vendors"][0].pop("externalId"),
                 "vendor-a's own account is declared without the ExternalId its AssumeRole must carry.")
_config_mutation("cfg-vendor-account-is-digital-agencys", PROD,
                 lambda c: c["gcbase:vendors"][0].update(accounts=["900000000001"]),
                 "vendor-a's own account is declared as Digital Agency's governance account.")
_config_mutation("cfg-vendor-trusted-for-nothing", KAMIYAMA,
                 lambda c: c["gcbase:vendors"].append({"id": "vendor-x", "accounts": ["430000000001"], "externalId": "xx"}),
                 "A vendor that runs no system and takes no role gets its accounts declared.")


# --- source (modules and baselines patched while the example is synthesized) ---------------------------
@contextlib.contextmanager
def _baseline_edited(relpath: str, edit: Callable[[dict], None]) -> Iterator[None]:
    """gcbase.baselines reads each JSON document once (_json); serve an edited copy of one while inside."""
    import gcbase.baselines as b

    original = b._json

    def patched(path: str) -> str:
        text = original(path)
        if path != relpath:
            return text
        doc = json.loads(text)
        edit(doc)
        return json.dumps(doc)

    b._json = patched
    try:
        yield
    finally:
        b._json = original


def _source_mutation(mid: str, stack: str, relpath: str, edit: Callable[[dict], None], doc: str) -> None:
    def apply(p: Plan) -> None:
        from gcbase.synth import synth_stack

        with _baseline_edited(relpath, edit):
            _take(p, synth_stack(p.stack))
    apply.__doc__ = doc
    mutation(mid, stack)(apply)


_source_mutation("src-vendor-trust-without-external-id", PROD, "iam/trust-vendor-account.json",
                 lambda d: d["Statement"][0]["Condition"]["StringEquals"].pop("sts:ExternalId"),
                 "The vendor-account trust template (baselines/iam) drops the ExternalId condition.")
_source_mutation("src-endpoint-policy-any-principal", STG, "network/endpoint-policy.json",
                 lambda d: d["Statement"][0].pop("Condition"),
                 "The endpoint policy template admits principals of any account.")
_source_mutation("src-region-scp-exempts-ec2-copies", STG, "guardrails/region-allowlist.json",
                 lambda d: d["Statement"][0]["NotAction"].append("ec2:Copy*"),
                 "The region SCP template exempts EC2's copy actions (snapshots and images to any region).")
_source_mutation("src-operator-may-change-party-roles", STG, "iam/account-operator.json",
                 lambda d: d.update(Statement=[s for s in d["Statement"] if s.get("Sid") != "DenyChangingPartyAndGovernanceRoles"]),
                 "The account operator's policy template loses its deny on party and governance roles.")


@mutation("src-archive-lock-ignores-raised-retention", STG)
def _(p):
    """The stack raises logRetentionDays to 10 years, and the log archive module keeps the profile minimum."""
    import modules.tenancy as tenancy
    from gcbase.baselines import profile

    config = _stack_config(STG)
    config["gcbase:profile"] = {"base": "standard", "logRetentionDays": 3653}
    original = tenancy.LogArchiveArgs
    minimum = profile("standard")["logRetentionMinimumDays"]

    def minimum_only(**kwargs: Any) -> Any:
        return original(**{**kwargs, "retention_days": minimum})

    tenancy.LogArchiveArgs = minimum_only
    try:
        _resynth(p, config)
    finally:
        tenancy.LogArchiveArgs = original
