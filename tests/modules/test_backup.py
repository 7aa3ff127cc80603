"""SystemBackup under the mocks: RPO schedule, locked encrypted vaults, copy to Osaka (A.3.2.1)."""

from __future__ import annotations

import pulumi
import pytest

from helpers import one, policy, synth, test_provider
from modules.backup import SystemBackup, SystemBackupArgs, backup_schedule, completion_window

ACCT = "210000000101"
PREFIX = "gc131121-prod"
PRIMARY, DR = "ap-northeast-1", "ap-northeast-3"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"


def _synth(rpo_hours=24, retention_days=35, copy_to_dr=True):
    def program():
        primary = test_provider(ACCT, PRIMARY, "p1")
        dr = test_provider(ACCT, DR, "p3")
        SystemBackup(f"{PREFIX}-juki-backup", SystemBackupArgs(
            name_prefix=PREFIX, system_id="juki", account_id=ACCT, rpo_hours=rpo_hours,
            retention_days=retention_days, copy_to_dr=copy_to_dr, dr_provider=dr,
            tags={"gcbase:system": "juki"},
        ), pulumi.ResourceOptions(provider=primary))
    return synth(program)


@pytest.fixture(scope="module")
def plan():
    return _synth()


def _rule(plan):
    rules = one(plan, PLAN).inputs["rules"]
    assert len(rules) == 1
    return rules[0]


def _vault(plan, region):
    found = [v for v in plan.of_type(VAULT) if plan.region_of(v) == region]
    assert len(found) == 1, region
    return found[0]


def test_daily_schedule_for_rpo_24_is_0200_jst(plan):
    rule = _rule(plan)
    assert rule["schedule"] == "cron(0 17 * * ? *)"
    assert rule["scheduleExpressionTimezone"] == "Etc/UTC"
    assert rule["ruleName"] == "daily"
    assert rule["completionWindow"] == 1440 and rule["startWindow"] == 60


def test_rpo_6_runs_every_6_hours():
    rule = _rule(_synth(rpo_hours=6))
    assert rule["schedule"] == "cron(0 0/6 * * ? *)"
    assert rule["ruleName"] == "every-6h"
    assert rule["completionWindow"] == 360


@pytest.mark.parametrize("rpo,expected", [
    (1, "cron(0 0/1 * * ? *)"),
    (5, "cron(0 0/5 * * ? *)"),   # 0,5,10,15,20: no gap longer than 5h
    (48, "cron(0 17 * * ? *)"),   # daily still meets a longer RPO
])
def test_schedule_never_exceeds_rpo(rpo, expected):
    assert backup_schedule(rpo, 17) == expected


def test_schedule_rejects_zero():
    with pytest.raises(ValueError):
        backup_schedule(0, 17)


def test_completion_window_is_at_least_an_hour_after_start():
    assert completion_window(1, 60, 1440) == 120
    assert completion_window(72, 60, 1440) == 1440


def test_lifecycle_and_copy_to_osaka(plan):
    rule = _rule(plan)
    dr_vault = _vault(plan, DR)
    assert rule["lifecycle"] == {"deleteAfter": 35}
    assert rule["targetVaultName"] == _vault(plan, PRIMARY).inputs["name"] == f"{PREFIX}-juki-vault"
    [copy] = rule["copyActions"]
    assert copy["destinationVaultArn"] == dr_vault.outputs["arn"]
    assert copy["destinationVaultArn"] == f"arn:aws:backup:{DR}:{ACCT}:backup-vault:{PREFIX}-juki-vault-dr"
    assert copy["lifecycle"] == {"deleteAfter": 35}


@pytest.mark.parametrize("region", [PRIMARY, DR])
def test_vaults_are_locked_and_encrypted_in_their_region(plan, region):
    vault = _vault(plan, region)
    locks = [lk for lk in plan.of_type(LOCK) if lk.inputs["backupVaultName"] == vault.inputs["name"]]
    assert len(locks) == 1 and plan.region_of(locks[0]) == region
    assert locks[0].inputs["minRetentionDays"] == 35
    assert locks[0].inputs["changeableForDays"] == 3  # compliance mode
    keys = [k for k in plan.of_type("aws:kms/key:Key") if k.outputs["arn"] == vault.inputs["kmsKeyArn"]]
    assert len(keys) == 1 and plan.region_of(keys[0]) == region
    assert keys[0].inputs["enableKeyRotation"] is True
    assert vault.inputs["kmsKeyArn"].startswith(f"arn:aws:kms:{region}:{ACCT}:key/")
    assert vault.inputs["forceDestroy"] is False


def test_vault_key_is_used_only_through_backup(plan):
    doc = policy(_vault_key(plan, PRIMARY))
    statements = {s["Sid"]: s for s in doc["Statement"]}
    admin = statements["AccountAdministersButCannotUseTheKey"]
    assert "kms:Decrypt" not in admin["Action"] and admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    use = statements["UsedOnlyThroughAwsBackupInThisAccount"]
    assert use["Condition"] == {"StringEquals": {"kms:CallerAccount": ACCT},
                                "StringLike": {"kms:ViaService": "backup.*.amazonaws.com"}}
    deny = statements["DenyUseOutsideAwsBackup"]
    assert deny["Effect"] == "Deny" and "kms:Decrypt" in deny["Action"]
    assert deny["Condition"]["StringNotLike"] == {"kms:ViaService": "backup.*.amazonaws.com"}


def _vault_key(plan, region):
    vault = _vault(plan, region)
    return next(k for k in plan.of_type("aws:kms/key:Key") if k.outputs["arn"] == vault.inputs["kmsKeyArn"])


def test_retention_follows_the_profile():
    plan = _synth(retention_days=400)
    assert {lk.inputs["minRetentionDays"] for lk in plan.of_type(LOCK)} == {400}
    rule = _rule(plan)
    assert rule["lifecycle"]["deleteAfter"] == 400 and rule["copyActions"][0]["lifecycle"]["deleteAfter"] == 400


def test_without_remote_copy_no_dr_vault():
    plan = _synth(copy_to_dr=False)
    assert [plan.region_of(v) for v in plan.of_type(VAULT)] == [PRIMARY]
    assert not _rule(plan).get("copyActions")
    assert len(plan.of_type(LOCK)) == 1


def test_copy_without_dr_provider_is_refused():
    def program():
        SystemBackup("b", SystemBackupArgs(name_prefix=PREFIX, system_id="juki", account_id=ACCT, rpo_hours=24,
                                           retention_days=35, copy_to_dr=True, dr_provider=None))
    with pytest.raises(Exception, match="dr_provider"):
        synth(program)


def test_selection_by_system_tag_with_backup_role(plan):
    sel = one(plan, "aws:backup/selection:Selection")
    assert sel.inputs["selectionTags"] == [{"type": "STRINGEQUALS", "key": "gcbase:system", "value": "juki"}]
    assert sel.inputs["planId"] == one(plan, PLAN).id
    role = one(plan, "aws:iam/role:Role")
    assert sel.inputs["iamRoleArn"] == role.outputs["arn"]
    assert role.inputs["name"] == f"{PREFIX}-juki-backup"
    [st] = policy(role, "assumeRolePolicy")["Statement"]
    assert st["Principal"] == {"Service": "backup.amazonaws.com"} and st["Action"] == "sts:AssumeRole"
    assert st["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCT}}
    attached = sorted(a.inputs["policyArn"] for a in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
    assert attached == [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]


def test_plan_in_primary_region(plan):
    assert plan.region_of(one(plan, PLAN)) == PRIMARY
    assert one(plan, PLAN).inputs["name"] == f"{PREFIX}-juki-plan"
