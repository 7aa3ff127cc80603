"""Logging strength judged against the stack's own profile: a raised logRetentionDays is what the
archive must keep (GCJP_AWS_59), not only the base profile's minimum (GCJP_AWS_6)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from gcbase.check import run_tfplan
from gcbase.intent import Intent
from helpers import plan_of

FIXTURES = Path(__file__).parent / "fixtures"


def _intent(days: int) -> Intent:
    return dataclasses.replace(Intent.from_dict(plan_of("131121-stg").meta["intent"]), log_retention_days=days)


def _run(days: int):
    tfplan = json.loads((FIXTURES / "GCJP_AWS_59" / "pass.json").read_text(encoding="utf-8"))
    return {f.resource: (f.result, f.details[0]) for f in run_tfplan(tfplan, only=["GCJP_AWS_59"], waivers=(),
                                                                     intent=_intent(days)).findings}


def test_a_raised_profile_retention_is_what_the_archive_must_keep():
    got = _run(3653)
    assert got["aws_s3_bucket_object_lock_configuration.seven_years"] == (
        "FAILED", "default retention 2557 days, below 3653 (the stack's profile (gcbase:profile.logRetentionDays))")
    assert got["aws_s3_bucket_lifecycle_configuration.keeps_seven_years"][0] == "FAILED"


def test_the_stack_profile_value_is_named_when_it_holds():
    got = _run(2557)
    assert got["aws_s3_bucket_object_lock_configuration.seven_years"] == (
        "PASSED", "COMPLIANCE for 2557 days, at least 2557 (the stack's profile (gcbase:profile.logRetentionDays))")


def _backup_run(days: int):
    tfplan = json.loads((FIXTURES / "GCJP_AWS_73" / "pass.json").read_text(encoding="utf-8"))
    intent = dataclasses.replace(_intent(0), backup_retention_days=days)
    return {f.resource: (f.result, f.details[0]) for f in run_tfplan(tfplan, only=["GCJP_AWS_73"], waivers=(),
                                                                     intent=intent).findings}


def test_a_raised_backup_retention_is_what_a_vault_lock_must_keep():
    """GCJP_AWS_73 reads the stack's profile (review G-8): a lock of the base profile's 35 days fails a stack of 90."""
    got = _backup_run(90)
    assert got["aws_backup_vault_lock_configuration.profile_retention"] == (
        "FAILED", "min_retention_days 35, below 90 (the stack's profile (gcbase:profile.backupRetentionDays))")
    assert got["aws_backup_vault_lock_configuration.ten_years"][0] == "PASSED"


def test_the_stack_records_its_backup_retention():
    assert Intent.from_dict(plan_of("131121-prod").meta["intent"]).backup_retention_days == 35
