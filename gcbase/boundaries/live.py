"""Collect the authorization model from a live account through boto3 (the post-deploy check).

Reads, for the account the credentials reach:
- IAM get_account_authorization_details: roles (trust, inline, attached managed, boundary, tags)
  and the account's customer managed policies (default versions);
- Organizations list_parents up to the root, then list_policies_for_target/describe_policy for
  the account and every OU on its path and the root: one SCP level each (these calls need the
  management account or a delegated administrator: --org-profile, else the account's own
  credentials are tried and a note says when SCPs could not be read);
- S3 get_bucket_policy for every bucket, KMS get_key_policy/list_aliases/list_resource_tags for
  every customer managed key in the region.
AWS managed policies are evaluated from gcbase's shipped model (baselines/boundaries/aws-managed/)
when it has one, so that the plan and the live account are evaluated the same way.
"""

from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import unquote

from gcbase.boundaries.model import AuthzModel, Doc, Role, ScpLevel, aws_managed
from gcbase.errors import GcbaseError

SCP = "SERVICE_CONTROL_POLICY"


def _document(raw: Any) -> dict:
    return json.loads(unquote(raw)) if isinstance(raw, str) else raw


def _error_code(err: Exception) -> str:
    return getattr(err, "response", {}).get("Error", {}).get("Code", type(err).__name__)


class LiveCollector:
    def __init__(self, session, management_account: str, region: str, org_session=None):
        self.session = session
        self.org_session = org_session or session
        self.region = region
        self.account = session.client("sts", region_name=region).get_caller_identity()["Account"]
        self.model = AuthzModel(source="live", management_account=management_account)
        self.iam = session.client("iam", region_name=region)

    def collect(self) -> AuthzModel:
        self._iam()
        self._scps()
        self._buckets()
        self._keys()
        return self.model

    # -- IAM ------------------------------------------------------------------------------
    def _managed(self, arn: str, local: dict[str, Doc]) -> Optional[Doc]:
        if arn in local:
            return local[arn]
        shipped = aws_managed(arn)
        if shipped is not None:
            return shipped
        try:  # an AWS managed policy gcbase does not ship: evaluate AWS's current document
            version = self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            doc = self.iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
            return Doc("identity", arn.rsplit("/", 1)[-1], _document(doc))
        except Exception as err:  # noqa: BLE001 - reported, never guessed
            self.model.notes.append(f"managed policy {arn} unreadable ({_error_code(err)}); not evaluated")
            return None

    def _iam(self) -> None:
        roles: list[dict] = []
        local: dict[str, Doc] = {}
        pages = self.iam.get_paginator("get_account_authorization_details")
        for page in pages.paginate(Filter=["Role", "LocalManagedPolicy"]):
            roles.extend(page.get("RoleDetailList", []))
            for pol in page.get("Policies", []):
                version = next((v for v in pol.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), None)
                if version:
                    name = pol.get("PolicyName") or pol["Arn"].rsplit("/", 1)[-1]
                    local[pol["Arn"]] = Doc("identity", name, _document(version["Document"]))
        for raw in roles:
            role = Role(arn=raw["Arn"], name=raw["RoleName"], account=self.account,
                        tags={t["Key"]: t["Value"] for t in raw.get("Tags", [])})
            if raw.get("AssumeRolePolicyDocument"):
                role.trust = Doc("trust", raw["RoleName"], _document(raw["AssumeRolePolicyDocument"]))
            for inline in raw.get("RolePolicyList", []):
                role.policies.append(Doc("identity", inline["PolicyName"], _document(inline["PolicyDocument"])))
            for att in raw.get("AttachedManagedPolicies", []):
                role.managed.append(att["PolicyArn"])
                doc = self._managed(att["PolicyArn"], local)
                if doc is not None:
                    role.policies.append(doc)
            boundary = (raw.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            if boundary:
                doc = self._managed(boundary, local)
                role.boundary = Doc("boundary", doc.name, doc.document) if doc else Doc(
                    "boundary", boundary.rsplit("/", 1)[-1], {"Version": "2012-10-17", "Statement": []})
            self.model.roles[role.arn] = role

    # -- Organizations --------------------------------------------------------------------
    def _scps(self) -> None:
        org = self.org_session.client("organizations", region_name=self.region)
        try:
            path = [self.account]
            child = self.account
            while True:
                parent = org.list_parents(ChildId=child)["Parents"][0]
                path.append(parent["Id"])
                if parent["Type"] == "ROOT":
                    break
                child = parent["Id"]
            levels = []
            for target in reversed(path):  # root first, the account last
                docs = []
                for page in org.get_paginator("list_policies_for_target").paginate(TargetId=target, Filter=SCP):
                    for summary in page["Policies"]:
                        pol = org.describe_policy(PolicyId=summary["Id"])["Policy"]
                        docs.append(Doc("scp", pol["PolicySummary"]["Name"], _document(pol["Content"])))
                levels.append(ScpLevel(target if target != self.account else f"account {target}", docs))
            self.model.scp_levels[self.account] = levels
        except Exception as err:  # noqa: BLE001
            self.model.notes.append(f"SCPs not readable from account {self.account} ({_error_code(err)}): "
                                    "evaluated without Organizations guardrails; run with a profile that may read them")

    # -- resource policies ----------------------------------------------------------------
    def _buckets(self) -> None:
        s3 = self.session.client("s3", region_name=self.region)
        for bucket in s3.list_buckets().get("Buckets", []):
            arn = f"arn:aws:s3:::{bucket['Name']}"
            self.model.resource_accounts[arn] = self.account
            try:
                policy = s3.get_bucket_policy(Bucket=bucket["Name"])["Policy"]
            except Exception as err:  # noqa: BLE001
                if _error_code(err) != "NoSuchBucketPolicy":
                    self.model.notes.append(f"bucket {bucket['Name']}: policy unreadable ({_error_code(err)})")
                continue
            self.model.resource_policies[arn] = Doc("bucket", bucket["Name"], json.loads(policy))

    def _keys(self) -> None:
        kms = self.session.client("kms", region_name=self.region)
        aliases: dict[str, str] = {}
        for page in kms.get_paginator("list_aliases").paginate():
            for alias in page["Aliases"]:
                if alias.get("TargetKeyId"):
                    aliases.setdefault(alias["TargetKeyId"], alias["AliasName"])
        for page in kms.get_paginator("list_keys").paginate():
            for key in page["Keys"]:
                meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
                if meta.get("KeyManager") != "CUSTOMER":
                    continue
                arn = meta["Arn"]
                alias = aliases.get(key["KeyId"])
                if alias:
                    self.model.key_aliases[f"{self.account}:{alias}"] = arn
                tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
                self.model.resource_tags[arn] = {t["TagKey"]: t["TagValue"] for t in tags}
                policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
                self.model.resource_policies[arn] = Doc("key", (alias or key["KeyId"]).removeprefix("alias/"),
                                                        json.loads(policy))


def collect(session, management_account: str, region: str, org_session=None) -> tuple[str, AuthzModel]:
    c = LiveCollector(session, management_account, region, org_session)
    return c.account, c.collect()


def evaluate_live(settings, profile: Optional[str] = None, region: Optional[str] = None, session=None,
                  plan_model: Optional[AuthzModel] = None, org_profile: Optional[str] = None, org_session=None):
    """Collect the account the credentials reach and evaluate the stack's expectations there,
    plus the drift between that account and the stack's plan (gcbase.boundaries.drift)."""
    import boto3

    from gcbase.boundaries.drift import add_drift
    from gcbase.boundaries.result import evaluate_model

    region = region or settings.regions.primary
    try:
        session = session or boto3.Session(profile_name=profile)
        if org_session is None and org_profile:
            org_session = boto3.Session(profile_name=org_profile)
        account, model = collect(session, settings.accounts.governance, region, org_session)
    except GcbaseError:
        raise
    except Exception as err:  # credentials, profile, network: one line, exit 2
        raise GcbaseError.one("--live", "", f"cannot read the account: {err}") from None
    if account not in settings.account_ids:
        raise GcbaseError.one("--live", "", f"account {account} is not one of the stack's accounts "
                                            f"({', '.join(settings.account_ids)})")
    result = evaluate_model(model, settings, accounts={account})
    add_drift(result, settings, model, account, region, plan_model)
    return result
