"""Guardrails: Digital Agency's service control policies (SCPs) over the tenancy.

In Government Cloud the SCPs belong to デジタル庁: they are attached to its Control Tower
OUs and nobody else may weaken them. So by default this component creates nothing in AWS;
it declares every policy as an inherited guardrail (one `InheritedPolicy` child each) so
that the plan, the checks and the reports can see what protects the accounts. With
`deploy=True` (an organization you administer yourself) the same documents become
aws.organizations.Policy resources attached to `target_id`, and the My Number tier policy
to each My Number account.

The documents are JSON files under baselines/guardrails/, one concern each; role names,
the log archive bucket pattern and the policy list are in baselines/guardrails/catalogue.yaml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import BASELINES, policy_document
from gcbase.yamlio import load_yaml

POLICY_TYPE = "SERVICE_CONTROL_POLICY"
MYNUMBER_SCOPE = "mynumber"


@lru_cache(maxsize=None)
def catalogue() -> dict[str, Any]:
    """baselines/guardrails/catalogue.yaml, read once."""
    return load_yaml(BASELINES / "guardrails" / "catalogue.yaml")


def render_policies(allowed_regions: list[str]) -> dict[str, dict[str, Any]]:
    """policy id -> {name, description, scope, document} with every placeholder filled."""
    cat = catalogue()
    exempt = f"arn:aws:iam::*:role/{cat['exemptRole']}"
    out: dict[str, dict[str, Any]] = {}
    for entry in cat["policies"]:
        doc = policy_document(
            entry["file"],
            exempt_role_arn=exempt,
            configure_role_arns=[f"arn:aws:iam::*:role/{role}" for role in cat["configureRoles"]],
            log_archive_bucket_pattern=cat["logArchiveBucketPattern"],
            allowed_regions=list(allowed_regions),
            protected_role_arns=[f"arn:aws:iam::*:role/{role}" for role in cat["protectedRoles"]],
        )
        out[entry["id"]] = {
            "name": entry["name"],
            "description": entry["description"],
            "scope": entry["scope"],
            "document": doc,
        }
    return out


def compact(document: dict[str, Any]) -> str:
    """The JSON text uploaded as the SCP: no insignificant whitespace (all of it counts to the limit)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


@dataclass
class GuardrailsArgs:
    deploy: bool
    target_id: Optional[str]  # root, OU or account the general SCPs attach to (deploy=True)
    allowed_regions: list[str]
    mynumber_account_ids: list[str]
    governance_account_id: str
    managed_by: str = field(default_factory=lambda: catalogue()["managedBy"])


class InheritedPolicy(pulumi.ComponentResource):
    """A guardrail Digital Agency attaches: declared in the plan, never created by this stack."""

    def __init__(self, name: str, props: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:guardrails:InheritedPolicy", name, props, opts)
        self.register_outputs({})


class Guardrails(pulumi.ComponentResource):
    def __init__(self, name: str, args: GuardrailsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:guardrails:Guardrails", name, None, opts)
        if not args.allowed_regions:
            raise ValueError("Guardrails needs at least one allowed region")
        if args.deploy and not args.target_id:
            raise ValueError("Guardrails with deploy=True needs a target_id (root, OU or account)")
        if args.governance_account_id in [args.target_id, *args.mynumber_account_ids]:
            raise ValueError("SCPs cannot target the governance (management) account: they never apply to it")
        self._name = name
        self._args = args
        rendered = render_policies(args.allowed_regions)
        limit = catalogue()["sizeLimit"]
        for pid, item in rendered.items():
            if len(compact(item["document"])) > limit:
                raise ValueError(f"SCP {pid} is over the {limit}-character limit")

        self.policies: dict[str, str] = {item["name"]: compact(item["document"]) for item in rendered.values()}
        self.declared: dict[str, pulumi.Resource] = {}
        for pid, item in rendered.items():
            targets = self._targets(item["scope"])
            if item["scope"] == MYNUMBER_SCOPE and not targets:
                continue  # no My Number tier account in this tenancy
            if args.deploy:
                self.declared[pid] = self._create_policy(pid, item, targets)
            else:
                self.declared[pid] = self._create_inherited(pid, item, targets)
        self.register_outputs({"policies": self.policies})

    def _targets(self, scope: str) -> list[str]:
        if scope == MYNUMBER_SCOPE:
            return sorted(self._args.mynumber_account_ids)
        return [self._args.target_id] if self._args.target_id else []

    def _create_inherited(self, pid: str, item: dict[str, Any], targets: list[str]) -> InheritedPolicy:
        return InheritedPolicy(f"{self._name}-{pid}", {
            "name": item["name"],
            "description": item["description"],
            "content": compact(item["document"]),
            "type": POLICY_TYPE,
            "targets": targets,
            "managedBy": self._args.managed_by,
        }, pulumi.ResourceOptions(parent=self))

    def _create_policy(self, pid: str, item: dict[str, Any], targets: list[str]) -> aws.organizations.Policy:
        policy = aws.organizations.Policy(
            f"{self._name}-{pid}",
            name=item["name"],
            description=item["description"],
            type=POLICY_TYPE,
            content=compact(item["document"]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for target in targets:
            aws.organizations.PolicyAttachment(
                f"{self._name}-{pid}-{target}",
                policy_id=policy.id,
                target_id=target,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return policy
