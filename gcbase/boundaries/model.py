"""The authorization model: what decides who may do what in a tenancy's accounts.

Built from a synthesized plan (gcbase.boundaries.from_plan) or collected from a live account
(gcbase.boundaries.live); evaluated the same way either way (gcbase.boundaries.evaluator).
Policy documents stay as AWS JSON; iamprover parses them when a request is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from gcbase.baselines import BASELINES, policy_document
from gcbase.yamlio import load_yaml

AWS_MANAGED_DIR = "boundaries/aws-managed"


@dataclass(frozen=True)
class Doc:
    """One policy document and the name a report uses for it."""

    kind: str  # identity | boundary | scp | bucket | key | trust
    name: str  # e.g. "gc-protect-log-archive", "AdministratorAccess", "bucket gc...-log-archive-..."
    document: dict[str, Any]


@dataclass
class Role:
    arn: str
    name: str
    account: str
    trust: Optional[Doc] = None
    policies: list[Doc] = field(default_factory=list)  # inline + managed, resolved
    boundary: Optional[Doc] = None
    tags: dict[str, str] = field(default_factory=dict)
    managed: list[str] = field(default_factory=list)  # ARNs of the managed policies attached (plan: as declared)


@dataclass
class ScpLevel:
    """The SCPs attached at one level (root, an OU, the account): every level must allow."""

    target: str
    policies: list[Doc] = field(default_factory=list)


@dataclass
class AuthzModel:
    source: str  # plan | live
    management_account: str
    roles: dict[str, Role] = field(default_factory=dict)  # by ARN
    scp_levels: dict[str, list[ScpLevel]] = field(default_factory=dict)  # account -> levels
    resource_policies: dict[str, Doc] = field(default_factory=dict)  # bucket/key ARN -> policy
    resource_accounts: dict[str, str] = field(default_factory=dict)  # bucket ARN -> owner account
    resource_tags: dict[str, dict[str, str]] = field(default_factory=dict)  # ARN -> tags
    key_aliases: dict[str, str] = field(default_factory=dict)  # "alias/<name>" -> key ARN (account-qualified below)
    notes: list[str] = field(default_factory=list)

    def role(self, account: str, name: str) -> Optional[Role]:
        return self.roles.get(f"arn:aws:iam::{account}:role/{name}") or next(
            (r for r in self.roles.values() if r.account == account and r.name == name), None)

    def key_by_alias(self, account: str, alias: str) -> Optional[str]:
        """The ARN of the KMS key an alias names in one account."""
        return self.key_aliases.get(f"{account}:{alias}")


@lru_cache(maxsize=None)
def _aws_managed_index() -> dict[str, dict[str, Any]]:
    return {entry["arn"]: entry for entry in load_yaml(BASELINES / AWS_MANAGED_DIR / "index.yaml")["policies"]}


def aws_managed(arn: str) -> Optional[Doc]:
    """The shipped model of an AWS managed policy (see baselines/boundaries/aws-managed/index.yaml)."""
    entry = _aws_managed_index().get(arn)
    if entry is None:
        return None
    return Doc("identity", arn.rsplit("/", 1)[-1], policy_document(f"{AWS_MANAGED_DIR}/{entry['file']}"))


def aws_managed_arns() -> list[str]:
    return sorted(_aws_managed_index())


# An attached policy gcbase has no document for: grants nothing here, reported in the notes.
UNEVALUATED: dict[str, Any] = {"Version": "2012-10-17", "Statement": [], "gcbase": "unevaluated"}

FULL_AWS_ACCESS = Doc("scp", "FullAWSAccess", {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}],
})
