"""Build the authorization model from a synthesized plan (gcbase.model.Plan).

Reads what the plan declares: roles (trust, inline policies, managed attachments, permission
boundary; created, or declared as inherited like GCGovernanceRole), customer managed policies,
SCPs (declared as inherited from Digital Agency, or deployed with their attachments), S3 bucket
policies and KMS key policies, and every resource's tags (provider default tags included).

SCP levels: an inherited SCP with no target, or one that targets the root or an OU, applies
to every account of the tenancy through Digital Agency's OU path; it sits in the "inherited"
level beside FullAWSAccess (which AWS attaches at every level). SCPs targeting an account sit
in that account's own level, also beside FullAWSAccess.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from gcbase.boundaries.model import FULL_AWS_ACCESS, UNEVALUATED, AuthzModel, Doc, Role, ScpLevel, aws_managed
from gcbase.model import Plan, Resource

INHERITED_LEVEL = "inherited (Digital Agency OU path)"
# The Terraform types of what the model reads (what "checked" means for GCJP_AWS_72)
READS: frozenset[str] = frozenset({
    "aws_iam_policy", "aws_iam_policy_attachment", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
    "aws_kms_alias", "aws_kms_key", "aws_kms_key_policy", "aws_organizations_policy", "aws_organizations_policy_attachment",
    "aws_s3_bucket", "aws_s3_bucket_policy"})


def _doc(value: Any) -> Optional[dict]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        return json.loads(value)
    return None


def _tags(plan: Plan, res: Resource) -> dict[str, str]:
    prov = plan.provider_of(res)
    default = ((prov.inputs.get("defaultTags") or {}).get("tags") or {}) if prov else {}
    return {**default, **(res.inputs.get("tags") or {})}


def _arn(res: Resource) -> Optional[str]:
    arn = res.outputs.get("arn") or res.inputs.get("arn")
    return arn if isinstance(arn, str) else None


class _Builder:
    def __init__(self, plan: Plan, management_account: str, accounts: list[str]):
        self.plan = plan
        self.accounts = accounts
        self.model = AuthzModel(source="plan", management_account=management_account)
        self.policies: dict[str, Doc] = {}  # customer managed policies by ARN

    def build(self) -> AuthzModel:
        for res in self.plan.resources:
            if res.custom and not res.is_provider and _arn(res):
                self.model.resource_tags[_arn(res)] = _tags(self.plan, res)
        for res in self.plan.of_type("aws:iam/policy:Policy"):
            doc = _doc(res.inputs.get("policy"))
            if doc is not None and _arn(res):
                self.policies[_arn(res)] = Doc("identity", res.inputs.get("name") or res.name, doc)
        for res in self.plan.of_type("aws:iam/role:Role"):
            self._role(res)
        for res in self.plan.of_type("gcbase:identity:InheritedRole"):
            self._role(res)
        self._inline_and_attachments()
        self._scps()
        self._bucket_policies()
        self._key_policies()
        return self.model

    def _role(self, res: Resource) -> None:
        """A role the plan creates, or one it declares as inherited (its account is in its ARN)."""
        arn = _arn(res)
        account = self.plan.account_of(res) or (arn.split(":")[4] if arn else "")
        name = res.inputs.get("name") or res.name
        path = res.inputs.get("path") or "/"
        arn = arn or f"arn:aws:iam::{account}:role{path}{name}"
        trust = _doc(res.inputs.get("assumeRolePolicy"))
        role = Role(arn=arn, name=name, account=account, tags=_tags(self.plan, res),
                    trust=Doc("trust", name, trust) if trust else None)
        for inline in res.inputs.get("inlinePolicies") or []:
            doc = _doc(inline.get("policy"))
            if doc:
                role.policies.append(Doc("identity", inline.get("name") or "inline", doc))
        for policy_arn in res.inputs.get("managedPolicyArns") or []:
            self._attach(role, policy_arn)
        boundary_arn = res.inputs.get("permissionsBoundary")
        if boundary_arn:
            found = self.policies.get(boundary_arn) or aws_managed(boundary_arn)
            if found is None:
                self.model.notes.append(f"{name}: permission boundary {boundary_arn} not in the plan; treated as denying all")
                found = Doc("boundary", boundary_arn.rsplit("/", 1)[-1], {"Version": "2012-10-17", "Statement": []})
            role.boundary = Doc("boundary", found.name, found.document)
        self.model.roles[arn] = role

    def _attach(self, role: Role, policy_arn: str) -> None:
        doc = self.policies.get(policy_arn) or aws_managed(policy_arn)
        role.managed.append(policy_arn)
        if doc is None:
            self.model.notes.append(f"{role.name}: managed policy {policy_arn} unknown to gcbase; not evaluated")
            doc = Doc("identity", policy_arn.rsplit("/", 1)[-1], UNEVALUATED)  # kept by name for drift
        role.policies.append(doc)

    def _roles_named(self, name: str, account: str) -> list[Role]:
        return [r for r in self.model.roles.values() if r.name == name and r.account == account]

    def _inline_and_attachments(self) -> None:
        for res in self.plan.of_type("aws:iam/rolePolicy:RolePolicy"):
            doc = _doc(res.inputs.get("policy"))
            for role in self._roles_named(str(res.inputs.get("role")), self.plan.account_of(res) or ""):
                if doc:
                    role.policies.append(Doc("identity", res.inputs.get("name") or res.name, doc))
        for res in self.plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
            for role in self._roles_named(str(res.inputs.get("role")), self.plan.account_of(res) or ""):
                self._attach(role, res.inputs.get("policyArn", ""))
        for res in self.plan.of_type("aws:iam/policyAttachment:PolicyAttachment"):
            for name in res.inputs.get("roles") or []:
                for role in self._roles_named(str(name), self.plan.account_of(res) or ""):
                    self._attach(role, res.inputs.get("policyArn", ""))

    def _scps(self) -> None:
        declared: list[tuple[Doc, list[str]]] = []
        for res in self.plan.of_type("gcbase:guardrails:InheritedPolicy"):
            doc = _doc(res.inputs.get("content"))
            if doc and res.inputs.get("type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY":
                declared.append((Doc("scp", res.inputs.get("name") or res.name, doc), list(res.inputs.get("targets") or [])))
        by_id = {}
        for res in self.plan.of_type("aws:organizations/policy:Policy"):
            doc = _doc(res.inputs.get("content"))
            if doc and res.inputs.get("type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY":
                by_id[res.outputs.get("id") or res.id] = (Doc("scp", res.inputs.get("name") or res.name, doc), [])
        for res in self.plan.of_type("aws:organizations/policyAttachment:PolicyAttachment"):
            if res.inputs.get("policyId") in by_id:
                by_id[res.inputs["policyId"]][1].append(res.inputs.get("targetId", ""))
        declared.extend(v for v in by_id.values() if v[1])
        if not declared:
            self.model.notes.append("no SCPs in the plan: accounts evaluated without Organizations guardrails")
            return
        for account in self.accounts:
            inherited = [d for d, targets in declared if not targets or any(not t.isdigit() for t in targets)]
            own = [d for d, targets in declared if account in targets]
            self.model.scp_levels[account] = [ScpLevel(INHERITED_LEVEL, [FULL_AWS_ACCESS, *inherited]),
                                              ScpLevel(f"account {account}", [FULL_AWS_ACCESS, *own])]

    def _bucket_policies(self) -> None:
        for res in self.plan.of_type("aws:s3/bucketPolicy:BucketPolicy"):
            doc = _doc(res.inputs.get("policy"))
            bucket = res.inputs.get("bucket")
            if doc and isinstance(bucket, str):
                arn = f"arn:aws:s3:::{bucket}"
                self.model.resource_policies[arn] = Doc("bucket", bucket, doc)
                self.model.resource_accounts[arn] = self.plan.account_of(res) or ""
        for res in self.plan.of_type("aws:s3/bucket:Bucket"):
            if isinstance(res.inputs.get("bucket"), str):
                self.model.resource_accounts.setdefault(f"arn:aws:s3:::{res.inputs['bucket']}", self.plan.account_of(res) or "")

    def _key_policies(self) -> None:
        aliases = {a.inputs.get("targetKeyId"): a.inputs.get("name") for a in self.plan.of_type("aws:kms/alias:Alias")}
        # a key's id is unknown in a preview (and a policy pack is not handed ids): its URN stands in
        keys = {k.outputs.get("id") or k.id or k.urn: k for k in self.plan.of_type("aws:kms/key:Key")}
        docs = {kid: _doc(k.inputs.get("policy")) for kid, k in keys.items()}
        for res in self.plan.of_type("aws:kms/keyPolicy:KeyPolicy"):
            docs[res.inputs.get("keyId")] = _doc(res.inputs.get("policy"))
        for kid, key in keys.items():
            if kid in aliases and _arn(key):
                self.model.key_aliases[f"{self.plan.account_of(key)}:{aliases[kid]}"] = _arn(key)
            if docs.get(kid) and _arn(key):
                name = str(aliases.get(kid) or kid).removeprefix("alias/")
                self.model.resource_policies[_arn(key)] = Doc("key", name, docs[kid])


def from_plan(plan: Plan, management_account: str, accounts: list[str]) -> AuthzModel:
    """The authorization model a plan declares (accounts: every account of the tenancy)."""
    return _Builder(plan, management_account, accounts).build()
