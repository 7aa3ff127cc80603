"""Party roles: one IAM role per party of 責任分界 (DOMAIN.md) in every account.

Who may do what is data (baselines/iam/parties.yaml plus one JSON file per policy); this
module only turns it into roles. Every role trusts exactly one account: Digital Agency's
governance account for GCGovernanceRole (the role every SCP exempts), the tenancy's identity
account (with MFA) for people. Each ASP gets one role per system it runs, confined by a
permission boundary to the resources tagged with its system id.

GCGovernanceRole (the role the guardrail SCPs exempt and protect) is Digital Agency's: it already
exists in every Government Cloud account and only it may change itself. So by default it is
declared as an `InheritedRole` (like the inherited SCPs in modules/guardrails.py), not created;
with `deploy_governance_role=True` (an organization you administer yourself) it is a real role.

SystemDataKey (the system's data key) lives in modules/data_key.py and is re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import BASELINES, policy_document
from gcbase.yamlio import load_yaml

PARTIES_FILE = "iam/parties.yaml"
GUARDRAILS_CATALOGUE = "guardrails/catalogue.yaml"  # owns the log archive bucket pattern
MIN_SESSION_SECONDS = 3600  # IAM's bounds for max_session_duration
MAX_SESSION_SECONDS = 43200


@lru_cache(maxsize=None)
def _log_archive_bucket_pattern() -> str:
    """The guardrails catalogue owns the log archive bucket pattern; read it once."""
    return load_yaml(BASELINES / GUARDRAILS_CATALOGUE)["logArchiveBucketPattern"]


@lru_cache(maxsize=None)
def _inherited_role() -> tuple[str, str]:
    """(role name, owner) of the role Digital Agency's SCPs exempt: it is theirs, not the stack's."""
    cat = load_yaml(BASELINES / GUARDRAILS_CATALOGUE)
    return cat["exemptRole"], cat["managedBy"]


@lru_cache(maxsize=None)
def parties() -> dict[str, Any]:
    """baselines/iam/parties.yaml, validated: party -> spec, plus the shared settings."""
    data = load_yaml(BASELINES / PARTIES_FILE)
    for party, spec in data["parties"].items():
        seconds = spec["maxSessionSeconds"]
        if not MIN_SESSION_SECONDS <= seconds <= MAX_SESSION_SECONDS:
            raise ValueError(f"{PARTIES_FILE}: {party}.maxSessionSeconds {seconds} is outside "
                             f"{MIN_SESSION_SECONDS}..{MAX_SESSION_SECONDS}")
        if spec["where"] not in ("all", "shared", "system"):
            raise ValueError(f"{PARTIES_FILE}: {party}.where must be all, shared or system")
    return data


def _fill(template: str, **values: str) -> str:
    for key, val in values.items():
        template = template.replace("${" + key + "}", str(val))
    return template


def role_name(party: str, system_id: str = "") -> str:
    """The fixed name of a party's role (ASP roles are per system)."""
    return _fill(parties()["parties"][party]["role"], system_id=system_id)


def role_arn(party: str, account_id: str, system_id: str = "") -> str:
    return f"arn:aws:iam::{account_id}:role/{role_name(party, system_id)}"


def boundary_name(system_id: str) -> str:
    return _fill(parties()["parties"]["asp"]["boundary"], system_id=system_id)


def workload_role_path(system_id: str) -> str:
    """IAM path of the workload roles the account operator creates for one system."""
    return _fill(parties()["workloadRolePath"], system_id=system_id)


@dataclass
class PartyRolesArgs:
    name_prefix: str
    account_id: str
    is_shared_account: bool
    identity_account_id: str
    governance_account_id: str
    systems: list[dict] = field(default_factory=list)  # {id, vendor, tier} hosted in this account
    tags: Mapping[str, str] = field(default_factory=dict)
    deploy_governance_role: bool = False  # True only in an organization you administer (guardrails.deploy)
    # gcbase:operators: party (account-operator, network-operator, integrated-operator) -> the vendor taking it
    operators: Mapping[str, str] = field(default_factory=dict)
    # gcbase:vendors: vendor -> (its own account ids, the sts:ExternalId its AssumeRole must carry)
    vendor_accounts: Mapping[str, tuple[list[str], str]] = field(default_factory=dict)


class InheritedRole(pulumi.ComponentResource):
    """A role Digital Agency owns in the account: declared in the plan, never created by this stack."""

    def __init__(self, name: str, props: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:identity:InheritedRole", name, props, opts)
        self.arn: str = props["arn"]
        self.register_outputs({})


class PartyRoles(pulumi.ComponentResource):
    """The parties' roles in one account; `role_arns` maps party (asp-<system>) -> ARN."""

    def __init__(self, name: str, args: PartyRolesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:identity:PartyRoles", name, None, opts)
        self._name = name
        self._args = args
        data = parties()
        self.roles: dict[str, aws.iam.Role] = {}
        self.inherited: dict[str, InheritedRole] = {}
        for party, spec in data["parties"].items():
            if spec["where"] == "shared" and not args.is_shared_account:
                continue
            if spec.get("onlyWhenAppointed") and party not in args.operators:
                continue  # e.g. 統合運用管理補助者: only where the municipality appoints one
            if spec["role"] == _inherited_role()[0] and not args.deploy_governance_role:
                self.inherited[party] = self._declare_inherited(party, spec)
            elif spec["where"] == "system":
                for system in args.systems:
                    self.roles[f"{party}-{system['id']}"] = self._create_role(party, spec, system)
            else:
                self.roles[party] = self._create_role(party, spec, None)
        self.role_arns: dict[str, pulumi.Input[str]] = {
            **{k: r.arn for k, r in self.inherited.items()},
            **{k: r.arn for k, r in self.roles.items()},
        }
        self.register_outputs({"roleArns": self.role_arns})

    def _values(self, party: str, system: Optional[dict]) -> dict[str, str]:
        a = self._args
        return {
            "party": party,
            "account_id": a.account_id,
            "identity_account_id": a.identity_account_id,
            "governance_account_id": a.governance_account_id,
            "system_id": system["id"] if system else "",
            "vendor": system["vendor"] if system else a.operators.get(party, ""),
            "mfa_max_age_seconds": str(parties()["breakGlassMfaMaxAgeSeconds"]),
            "log_archive_bucket_pattern": _log_archive_bucket_pattern(),
        }

    def _declare_inherited(self, party: str, spec: dict) -> InheritedRole:
        if spec["inline"] or "boundary" in spec or spec["where"] == "system":
            raise ValueError(f"{PARTIES_FILE}: {party} is Digital Agency's role; it can only be declared "
                             "with a trust policy and managed policies")
        values = self._values(party, None)
        return InheritedRole(f"{self._name}-{party}", {
            "name": spec["role"],
            "assumeRolePolicy": json.dumps(policy_document(spec["trust"], **values)),
            "managedPolicyArns": list(spec["managed"]),
            "path": "/",
            "managedBy": _inherited_role()[1],
            "arn": role_arn(party, self._args.account_id),
        }, pulumi.ResourceOptions(parent=self))

    def _create_role(self, party: str, spec: dict, system: Optional[dict]) -> aws.iam.Role:
        values = self._values(party, system)
        key = f"{party}-{system['id']}" if system else party
        tags = {**self._args.tags, "gcbase:party": party}
        if system:
            tags.update({"gcbase:system": system["id"], "gcbase:vendor": system["vendor"]})
        elif values["vendor"]:
            tags["gcbase:vendor"] = values["vendor"]
        boundary = self._create_boundary(key, spec, values, tags) if "boundary" in spec else None
        role = aws.iam.Role(
            f"{self._name}-{key}",
            name=_fill(spec["role"], **values),
            description=f"gcbase party role: {spec['en']}",  # IAM descriptions take Latin-1 only
            assume_role_policy=json.dumps(self._trust(spec, values)),
            max_session_duration=spec["maxSessionSeconds"],
            permissions_boundary=boundary.arn if boundary else None,
            force_detach_policies=True,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for arn in spec["managed"]:
            aws.iam.RolePolicyAttachment(
                f"{self._name}-{key}-{arn.rsplit('/', 1)[1].lower()}",
                role=role.name,
                policy_arn=arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
        for relpath in spec["inline"]:
            stem = relpath.rsplit("/", 1)[-1].removesuffix(".json")
            aws.iam.RolePolicy(
                f"{self._name}-{key}-{stem}",
                name=f"gcbase-{stem}",
                role=role.name,
                policy=json.dumps(policy_document(relpath, **values)),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return role

    def _trust(self, spec: dict, values: dict[str, str]) -> dict:
        """The role's trust: people in the identity account (with the vendor's tag when a vendor takes the
        role), plus the vendor's own accounts when it declares them, with ExternalId, MFA and both tags."""
        vendor = values["vendor"]
        doc = policy_document(spec.get("vendorTrust", spec["trust"]) if vendor else spec["trust"], **values)
        accounts, external_id = self._args.vendor_accounts.get(vendor, ([], ""))
        if accounts:
            extra = policy_document(parties()["vendorAccountTrust"], **values, external_id=external_id,
                                    vendor_account_roots=[f"arn:aws:iam::{a}:root" for a in accounts])
            doc["Statement"] = [*doc["Statement"], *extra["Statement"]]
        return doc

    def _create_boundary(self, key: str, spec: dict, values: dict[str, str], tags: dict) -> aws.iam.Policy:
        return aws.iam.Policy(
            f"{self._name}-{key}-boundary",
            name=_fill(spec["boundary"], **values),
            description=f"Permission boundary confining {values['system_id']} to its own resources",
            policy=json.dumps(policy_document(spec["boundaryDocument"], **values)),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )


# Re-exported so that callers import every identity component from one place.
from modules.data_key import SystemDataKey, SystemDataKeyArgs  # noqa: E402

__all__ = [
    "InheritedRole", "PartyRoles", "PartyRolesArgs", "SystemDataKey", "SystemDataKeyArgs",
    "parties", "role_name", "role_arn", "boundary_name", "workload_role_path",
]
