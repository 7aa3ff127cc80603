"""Deployability of stack configs: values AWS would reject are refused by `gcbase validate`.

Each rule here closes a gap where a config passed validation and the SDK mocks, and only
`pulumi up` would have failed (see tests/test_deployability.py for the plan scans).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from gcbase.errors import GcbaseError
from gcbase.validate import load_settings

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "stacks" / "Pulumi.131121-prod.yaml").read_text(encoding="utf-8"))


def _with_cloudwatch_retention(tmp_path: Path, days: int) -> Path:
    config = copy.deepcopy(BASE["config"])
    config["gcbase:profile"]["cloudwatchLogRetentionDays"] = days
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    return path


def test_cloudwatch_retention_must_be_a_value_cloudwatch_logs_accepts(tmp_path):
    path = _with_cloudwatch_retention(tmp_path, 2555)  # 7 years for S3, but not a log group period
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: gcbase:profile.cloudwatchLogRetentionDays: 2555 is not a CloudWatch Logs retention period; "
        "allowed: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"]


def test_cloudwatch_retention_raised_to_an_accepted_value_is_valid(tmp_path):
    assert load_settings(_with_cloudwatch_retention(tmp_path, 2557)).profile.cloudwatch_log_retention_days == 2557


def _with_system_id(tmp_path: Path, system_id: str) -> Path:
    config = copy.deepcopy(BASE["config"])
    config["gcbase:systems"][0]["id"] = system_id
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_system_id_too_long_for_backup_names_is_refused(tmp_path):
    long_id = "juki-" + "x" * 23  # 28 characters: gc131121-prod-<id>-vault-dr would have 51
    path = _with_system_id(tmp_path, long_id)
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: gcbase:systems[0].id: '{long_id}' has 28 characters; allowed: at most 27 "
        "(AWS Backup names such as <prefix>-<id>-vault-dr are limited to 50)"]


def test_the_longest_system_id_still_gives_backup_names_aws_accepts(tmp_path):
    from helpers import synth, test_provider
    from modules.backup import SystemBackup, SystemBackupArgs

    longest = "juki-" + "x" * 22
    assert load_settings(_with_system_id(tmp_path, longest)).systems[0].id == longest

    def program():
        import pulumi

        SystemBackup(f"gc131121-prod-{longest}-backup", SystemBackupArgs(
            name_prefix="gc131121-prod", system_id=longest, account_id="210000000101", rpo_hours=24,
            retention_days=35, copy_to_dr=True, dr_provider=test_provider("210000000101", "ap-northeast-3", "dr"),
        ), pulumi.ResourceOptions(provider=test_provider("210000000101")))
    plan = synth(program)
    names = [r.inputs["name"] for r in plan.resources
             if r.type in ("aws:backup/vault:Vault", "aws:backup/plan:Plan", "aws:backup/selection:Selection")]
    assert len(names) == 4 and max(len(n) for n in names) == 50
    assert all(re.fullmatch(r"[a-zA-Z0-9_.-]{2,50}", n) for n in names)


def test_the_customer_gateway_address_must_be_an_ipv4_address(tmp_path):
    """CreateCustomerGateway takes an IPv4 address; a host name or a typo passed the mocks."""
    config = copy.deepcopy(BASE["config"])
    config["gcbase:network"].update(vpnBackup=True, customerGatewayIp="vpn.example.lg.jp")
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: gcbase:network.customerGatewayIp: 'vpn.example.lg.jp' is not an IPv4 address; "
        "the customer gateway needs the town hall VPN peer's static IPv4 address"]
    config["gcbase:network"]["customerGatewayIp"] = "203.0.113.10"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    assert load_settings(path).network.customer_gateway_ip == "203.0.113.10"
