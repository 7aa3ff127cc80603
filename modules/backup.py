"""AWS Backup for one 標準準拠システム: A.1.3.1 RPO and A.3.2.1 外部保管.

A backup plan whose schedule meets the profile's RPO backs up every resource tagged
gcbase:system=<id> into a vault in the primary region and, when the profile keeps a remote
copy, copies each recovery point to a vault in the DR region (Osaka). Both vaults are
encrypted with their own rotating CMK and locked (compliance mode) for the retention period.
Settings that are not the profile's live in baselines/backup/backup.yaml.
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

HOURS_PER_DAY = 24
MINUTES_PER_HOUR = 60


@lru_cache(maxsize=None)
def backup_settings() -> dict[str, Any]:
    return load_yaml(BASELINES / "backup" / "backup.yaml")


def backup_role_name(name_prefix: str, system_id: str) -> str:
    """The role AWS Backup assumes for one system (the system's data key policy names it)."""
    return f"{name_prefix}-{system_id}-backup"


def backup_schedule(rpo_hours: int, daily_hour_utc: int) -> str:
    """A cron expression (UTC) whose interval never exceeds the RPO."""
    if rpo_hours < 1:
        raise ValueError(f"rpo_hours must be at least 1, got {rpo_hours}")
    if rpo_hours >= HOURS_PER_DAY:
        return f"cron(0 {daily_hour_utc} * * ? *)"
    return f"cron(0 0/{rpo_hours} * * ? *)"


def completion_window(rpo_hours: int, start_window: int, max_window: int) -> int:
    """Minutes a job may run: within the RPO, but at least an hour more than the start window."""
    return max(start_window + MINUTES_PER_HOUR, min(rpo_hours * MINUTES_PER_HOUR, max_window))


@dataclass
class SystemBackupArgs:
    name_prefix: str
    system_id: str
    account_id: str
    rpo_hours: int
    retention_days: int
    copy_to_dr: bool
    dr_provider: Optional[pulumi.ProviderResource] = None
    tags: Mapping[str, str] = field(default_factory=dict)


class SystemBackup(pulumi.ComponentResource):
    def __init__(self, name: str, args: SystemBackupArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:backup:SystemBackup", name, None, opts)
        if args.retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, got {args.retention_days}")
        if args.copy_to_dr and args.dr_provider is None:
            raise ValueError("copy_to_dr needs dr_provider (the DR region's provider)")
        self._name = name
        self._args = args
        base = f"{args.name_prefix}-{args.system_id}"
        vault = self._create_vault("vault", f"{base}-vault", None)
        dr_vault = self._create_vault("vault-dr", f"{base}-vault-dr", args.dr_provider) if args.copy_to_dr else None
        role = self._create_role()
        plan = self._create_plan(base, vault, dr_vault)
        aws.backup.Selection(
            f"{name}-selection",
            name=base,
            plan_id=plan.id,
            iam_role_arn=role.arn,
            selection_tags=[aws.backup.SelectionSelectionTagArgs(
                type="STRINGEQUALS",
                key=backup_settings()["selectionTagKey"],
                value=args.system_id,
            )],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.vault_arn = vault.arn
        self.dr_vault_arn = dr_vault.arn if dr_vault else None
        self.plan_id = plan.id
        self.role_arn = role.arn
        self.register_outputs({
            "vaultArn": self.vault_arn,
            "drVaultArn": self.dr_vault_arn,
            "planId": self.plan_id,
            "roleArn": self.role_arn,
        })

    def _opts(self, provider: Optional[pulumi.ProviderResource]) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=provider)

    def _create_vault(self, role: str, vault_name: str, provider: Optional[pulumi.ProviderResource]) -> aws.backup.Vault:
        a = self._args
        settings = backup_settings()
        key = aws.kms.Key(
            f"{self._name}-{role}-key",
            description=f"gcbase backup vault key of system {a.system_id}",
            enable_key_rotation=True,
            deletion_window_in_days=settings["keyDeletionWindowDays"],
            policy=json.dumps(policy_document("backup/vault-key-policy.json", account_id=a.account_id)),
            tags=dict(a.tags),
            opts=self._opts(provider),
        )
        aws.kms.Alias(
            f"{self._name}-{role}-alias",
            name=f"alias/{vault_name}",
            target_key_id=key.key_id,
            opts=self._opts(provider),
        )
        vault = aws.backup.Vault(
            f"{self._name}-{role}",
            name=vault_name,
            kms_key_arn=key.arn,
            force_destroy=False,
            tags=dict(a.tags),
            opts=self._opts(provider),
        )
        aws.backup.VaultLockConfiguration(
            f"{self._name}-{role}-lock",
            backup_vault_name=vault.name,
            min_retention_days=a.retention_days,
            changeable_for_days=settings["lockChangeableForDays"],
            opts=self._opts(provider),
        )
        return vault

    def _create_role(self) -> aws.iam.Role:
        a = self._args
        role = aws.iam.Role(
            f"{self._name}-role",
            name=backup_role_name(a.name_prefix, a.system_id),
            description=f"AWS Backup service role for system {a.system_id}",
            assume_role_policy=json.dumps(policy_document("backup/service-role-trust.json", account_id=a.account_id)),
            tags=dict(a.tags),
            opts=self._opts(None),
        )
        for arn in backup_settings()["serviceRolePolicies"]:
            aws.iam.RolePolicyAttachment(
                f"{self._name}-role-{arn.rsplit('/', 1)[1].lower()}",
                role=role.name,
                policy_arn=arn,
                opts=self._opts(None),
            )
        return role

    def _create_plan(self, base: str, vault: aws.backup.Vault, dr_vault: Optional[aws.backup.Vault]) -> aws.backup.Plan:
        a = self._args
        s = backup_settings()
        copies = [aws.backup.PlanRuleCopyActionArgs(
            destination_vault_arn=dr_vault.arn,
            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=a.retention_days),
        )] if dr_vault is not None else None
        rule_name = "daily" if a.rpo_hours >= HOURS_PER_DAY else f"every-{a.rpo_hours}h"
        return aws.backup.Plan(
            f"{self._name}-plan",
            name=f"{base}-plan",
            rules=[aws.backup.PlanRuleArgs(
                rule_name=rule_name,
                target_vault_name=vault.name,
                schedule=backup_schedule(a.rpo_hours, s["dailyHourUtc"]),
                schedule_expression_timezone="Etc/UTC",
                start_window=s["startWindowMinutes"],
                completion_window=completion_window(a.rpo_hours, s["startWindowMinutes"], s["maxCompletionWindowMinutes"]),
                lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=a.retention_days),
                copy_actions=copies,
                recovery_point_tags={**a.tags, "gcbase:system": a.system_id},
            )],
            tags=dict(a.tags),
            opts=self._opts(None),
        )
