"""The data key of one 標準準拠システム: a KMS CMK only that system may use.

Only the system's own roles (its ASP role and the workload roles under its IAM path), AWS
Backup's role for the system, AWS services acting for them (kms:ViaService) and break-glass
may use the key; a Deny on aws:PrincipalArn stops every other principal, the account's root
and other systems' ASPs included. The account only administers the key. Import it from
modules.identity (re-exported there).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import policy_document
from modules.backup import backup_role_name


@dataclass
class SystemDataKeyArgs:
    name_prefix: str
    account_id: str
    system_id: str
    vendor: str
    tags: Mapping[str, str] = field(default_factory=dict)


def data_key_policy(name_prefix: str, account_id: str, system_id: str) -> dict:
    """The key policy document of one system's data key."""
    from modules.identity import parties, role_arn  # identity re-exports this module

    return policy_document(
        parties()["dataKey"]["keyPolicy"],
        account_id=account_id,
        system_id=system_id,
        asp_role_arn=role_arn("asp", account_id, system_id),
        break_glass_role_arn=role_arn("break-glass", account_id),
        backup_role_arn=f"arn:aws:iam::{account_id}:role/{backup_role_name(name_prefix, system_id)}",
    )


class SystemDataKey(pulumi.ComponentResource):
    def __init__(self, name: str, args: SystemDataKeyArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:identity:SystemDataKey", name, None, opts)
        self._name = name
        key = self._create_key(args)
        alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.name_prefix}-{args.system_id}-data",
            target_key_id=key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = key.arn
        self.key_id = key.key_id
        self.alias_name = alias.name
        self.register_outputs({"keyArn": self.key_arn, "aliasName": self.alias_name})

    def _create_key(self, args: SystemDataKeyArgs) -> aws.kms.Key:
        from modules.identity import parties

        settings = parties()["dataKey"]
        return aws.kms.Key(
            f"{self._name}-cmk",
            description=f"gcbase data key of system {args.system_id} ({args.vendor})",
            enable_key_rotation=True,
            rotation_period_in_days=settings["rotationPeriodDays"],
            deletion_window_in_days=settings["deletionWindowDays"],
            is_enabled=True,
            policy=json.dumps(data_key_policy(args.name_prefix, args.account_id, args.system_id)),
            tags={**args.tags, "gcbase:system": args.system_id, "gcbase:vendor": args.vendor},
            opts=pulumi.ResourceOptions(parent=self),
        )
