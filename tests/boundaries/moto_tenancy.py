"""Create a stack's synthesized identity layer in moto through boto3 (call inside `mock_aws()`).

Organization: the management account (moto's default account) creates the organization, one OU
for the tenancy and one member account per stack account; the stack config is rewritten to
those account ids before synthesis so that plan and moto agree. Then, from the plan: Digital
Agency's SCPs (general ones on the OU, the My Number one on My Number accounts) and its
governance role (declared as inherited) in each account, and in each account its IAM policies,
roles (trust, boundary, tags), inline and managed policies, S3 bucket policies and KMS keys with
their policies and aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from gcbase.model import Plan
from gcbase.synth import STACKS_DIR, synth_stack
from gcbase.validate import load_settings

REGION = "ap-northeast-1"
SCP = "SERVICE_CONTROL_POLICY"


@dataclass
class MotoTenancy:
    config: Path
    settings: object
    plan: Plan
    management: str
    ou: str
    accounts: dict[str, str] = field(default_factory=dict)  # stack account id -> moto account id
    scp_ids: dict[str, str] = field(default_factory=dict)  # SCP name -> policy id

    def session(self, account: str, role: str = "OrganizationAccountAccessRole", **tags) -> boto3.Session:
        creds = boto3.client("sts", region_name=REGION).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="gcbase-test")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGION)

    def org(self):
        return boto3.client("organizations", region_name=REGION)


def _member(org, name: str) -> str:
    status = org.create_account(Email=f"{name}@example.invalid", AccountName=name)["CreateAccountStatus"]
    return status["AccountId"]


def _attach(org, policy_id: str, target: str) -> None:
    try:
        org.attach_policy(PolicyId=policy_id, TargetId=target)
    except org.exceptions.DuplicatePolicyAttachmentException:
        pass


def build(stack: str, tmp: Path) -> MotoTenancy:
    org = boto3.client("organizations", region_name=REGION)
    management = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="gcbase-tenancy")["OrganizationalUnit"]["Id"]
    source = (STACKS_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")
    original = load_settings(STACKS_DIR / f"Pulumi.{stack}.yaml")
    mapping = {}
    for i, acct in enumerate(original.account_ids):
        mapping[acct] = _member(org, f"gcbase-{i}")
        org.move_account(AccountId=mapping[acct], SourceParentId=root, DestinationParentId=ou)
    text = source.replace(original.accounts.governance, management)
    for old, new in mapping.items():
        text = re.sub(rf'"{old}"', f'"{new}"', text)
    config = tmp / f"Pulumi.{stack}.yaml"
    config.write_text(text, encoding="utf-8")
    t = MotoTenancy(config, load_settings(config), synth_stack(config), management, ou, mapping)
    full = next(p["Id"] for p in org.list_policies(Filter=SCP)["Policies"] if p["Name"] == "FullAWSAccess")
    for target in (ou, *mapping.values()):
        _attach(org, full, target)  # AWS attaches FullAWSAccess to every root, OU and account
    _deploy_scps(t, org)
    for acct in mapping.values():
        _deploy_account(t, acct)
    return t


def _deploy_scps(t: MotoTenancy, org) -> None:
    for res in t.plan.of_type("gcbase:guardrails:InheritedPolicy"):
        pid = org.create_policy(Content=res.inputs["content"], Description=res.inputs["description"][:512],
                                Name=res.inputs["name"], Type=SCP)["Policy"]["PolicySummary"]["Id"]
        t.scp_ids[res.inputs["name"]] = pid
        for target in res.inputs.get("targets") or [t.ou]:
            _attach(org, pid, target)


def _deploy_account(t: MotoTenancy, account: str) -> None:
    mine = [r for r in t.plan.resources if t.plan.account_of(r) == account and t.plan.region_of(r) == REGION]
    s = t.session(account)
    iam, s3, kms = s.client("iam"), s.client("s3"), s.client("kms")
    for r in (x for x in mine if x.type == "aws:iam/policy:Policy"):
        iam.create_policy(PolicyName=r.inputs["name"], PolicyDocument=r.inputs["policy"])
    for r in t.plan.of_type("gcbase:identity:InheritedRole"):  # Digital Agency's, already in the account
        if r.inputs["arn"].split(":")[4] == account:
            iam.create_role(RoleName=r.inputs["name"], Path=r.inputs.get("path") or "/",
                            AssumeRolePolicyDocument=r.inputs["assumeRolePolicy"])
            for arn in r.inputs.get("managedPolicyArns") or []:
                iam.attach_role_policy(RoleName=r.inputs["name"], PolicyArn=arn)
    for r in (x for x in mine if x.type == "aws:iam/role:Role"):
        kwargs = {"PermissionsBoundary": r.inputs["permissionsBoundary"]} if r.inputs.get("permissionsBoundary") else {}
        iam.create_role(RoleName=r.inputs["name"], AssumeRolePolicyDocument=r.inputs["assumeRolePolicy"],
                        Tags=[{"Key": k, "Value": v} for k, v in (r.inputs.get("tags") or {}).items()], **kwargs)
    for r in (x for x in mine if x.type == "aws:iam/rolePolicy:RolePolicy"):
        iam.put_role_policy(RoleName=r.inputs["role"], PolicyName=r.inputs.get("name") or r.name, PolicyDocument=r.inputs["policy"])
    for r in (x for x in mine if x.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        try:
            iam.attach_role_policy(RoleName=r.inputs["role"], PolicyArn=r.inputs["policyArn"])
        except iam.exceptions.NoSuchEntityException:
            pass  # an AWS service-role policy moto does not ship (backup role, not a party)
    for r in (x for x in mine if x.type == "aws:s3/bucketPolicy:BucketPolicy"):
        s3.create_bucket(Bucket=r.inputs["bucket"], CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_policy(Bucket=r.inputs["bucket"], Policy=r.inputs["policy"])
    aliases = {a.inputs["targetKeyId"]: a.inputs["name"] for a in mine if a.type == "aws:kms/alias:Alias"}
    for r in (x for x in mine if x.type == "aws:kms/key:Key"):
        key = kms.create_key(Policy=r.inputs["policy"], Description=r.inputs.get("description", ""),
                             Tags=[{"TagKey": k, "TagValue": v} for k, v in (r.inputs.get("tags") or {}).items()])
        alias = aliases.get(r.outputs.get("id"))
        if alias:
            kms.create_alias(AliasName=alias, TargetKeyId=key["KeyMetadata"]["KeyId"])
