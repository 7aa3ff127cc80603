"""Checkov's results kept per check and the part of the plan it reads (gcbase/check/resultmemo.py) change how
much of Checkov runs, never a row: every example plan gives the same rows with and without the memo, whether
the memo was filled by the same plan (then Checkov does not run at all), by other stacks' plans, or by the plan
before one resource was edited (then only the checks that read that resource's type, or the whole plan, run,
in one run of Checkov restricted to them)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest

from gcbase.check import resultmemo, runner

STACKS = ("131121-prod", "131121-stg", "363421-prod")
EDITED_TYPES = ("aws_iam_role", "aws_s3_bucket", "aws_security_group", "aws_kms_key", "aws_vpc_endpoint",
                "aws_cloudtrail", "aws_iam_policy", "aws_subnet", "aws_route_table", "aws_backup_vault",
                "aws_cloudwatch_log_group", "aws_s3_bucket_policy")


@pytest.fixture(scope="module")
def plans():
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    return {stack: export(synth_stack(stack)) for stack in STACKS}


@pytest.fixture
def memo_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GCBASE_CHECKOV_MEMO", raising=False)
    resultmemo.stored_registry.cache_clear()
    yield tmp_path / "cache"
    resultmemo.stored_registry.cache_clear()


@pytest.fixture
def runs(monkeypatch):
    """The Checkov runs made (the checks each was restricted to; None: all)."""
    made: list = []
    real = runner._run_checkov

    def counted(path, only, *args, **kwargs):
        made.append(None if only is None else list(only))
        return real(path, only, *args, **kwargs)

    monkeypatch.setattr(runner, "_run_checkov", counted)
    return made


def rows(tfplan, memo: bool, monkeypatch) -> list[str]:
    monkeypatch.setenv("GCBASE_CHECKOV_MEMO", "1" if memo else "0")
    resultmemo.stored_registry.cache_clear()
    out = runner.raw_results(tfplan, meta=tfplan.get("gcbase", {}).get("meta"))
    return sorted(json.dumps(r, sort_keys=True) for r in out)


def edit(tfplan: dict, rtype: str) -> dict:
    """The plan with the first resource of this type changed (planned values and resource change alike): a role
    trusting everyone, any other resource with a new tag."""
    out = copy.deepcopy(tfplan)
    res = next(r for r in out["planned_values"]["root_module"]["resources"] if r["type"] == rtype)
    values = res["values"]
    if rtype == "aws_iam_role":
        values["assume_role_policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    else:
        values["tags"] = {**(values.get("tags") or {}), "gcbase:memo-test": "edited"}
    for change in out.get("resource_changes") or []:
        if change.get("address") == res["address"] and isinstance((change.get("change") or {}).get("after"), dict):
            change["change"]["after"].update({k: values[k] for k in ("assume_role_policy", "tags") if k in values})
    return out


def test_a_plan_seen_before_is_answered_from_the_memo_with_the_same_rows(plans, memo_dir, runs, monkeypatch):
    for stack, tfplan in plans.items():
        plain = rows(tfplan, False, monkeypatch)
        assert rows(tfplan, True, monkeypatch) == plain, stack  # fills the memo (or runs what it misses)
        runs.clear()
        assert rows(tfplan, True, monkeypatch) == plain, stack
        assert runs == [], stack  # every group was a hit: Checkov did not run


def test_a_memo_filled_by_other_stacks_gives_the_same_rows(plans, memo_dir, monkeypatch):
    for stack in STACKS[1:]:
        rows(plans[stack], True, monkeypatch)
    assert rows(plans[STACKS[0]], True, monkeypatch) == rows(plans[STACKS[0]], False, monkeypatch)


def test_an_edited_resource_runs_again_only_what_reads_its_type_with_the_same_rows(plans, memo_dir, runs,
                                                                                     monkeypatch):
    tfplan = plans["131121-prod"]
    rows(tfplan, True, monkeypatch)
    rows(tfplan, True, monkeypatch)  # the memo holds every group of the unedited plan
    registry = resultmemo.stored_registry()
    assert registry is not None
    for rtype in EDITED_TYPES:
        edited = edit(tfplan, rtype)
        runs.clear()
        remembered = rows(edited, True, monkeypatch)
        ran = {cid for only in runs for cid in (only or ())}
        assert None not in runs and ran, rtype  # only some checks ran
        assert ran < set(registry["reads"]), rtype
        assert remembered == rows(edited, False, monkeypatch), rtype


def test_a_check_said_to_read_less_than_it_does_would_be_caught(plans, memo_dir, monkeypatch):
    """The comparison above can fail: with CKV_AWS_60 (roles that trust everyone) said to read S3 buckets, an
    edited role is answered with the unedited plan's rows, and they differ from a run without the memo."""
    tfplan = plans["131121-prod"]
    rows(tfplan, True, monkeypatch)
    rows(tfplan, True, monkeypatch)
    registry = resultmemo.stored_registry()
    wrong = {**registry, "reads": {**registry["reads"], "CKV_AWS_60": ["resource:aws_s3_bucket"]}}
    monkeypatch.setattr(resultmemo, "stored_registry", lru_cache(maxsize=1)(lambda: wrong))
    rows(tfplan, True, monkeypatch)  # the wrong group filled from the unedited plan
    edited = edit(tfplan, "aws_iam_role")
    assert rows(edited, True, monkeypatch) != rows(edited, False, monkeypatch)


def test_a_check_that_reads_the_clock_is_never_kept(plans, memo_dir, monkeypatch):
    """CKV_AWS_380 compares a Transfer server's policy date with today: never answered from the memo when the plan
    has a Transfer server (without one it cannot have a result)."""
    tfplan = plans["131121-stg"]
    rows(tfplan, True, monkeypatch)
    registry = resultmemo.stored_registry()
    assert "CKV_AWS_380" in registry["volatile"]
    assert resultmemo.lookup(tfplan).rows["CKV_AWS_380"] == []
    withserver = copy.deepcopy(tfplan)
    withserver["planned_values"]["root_module"]["resources"].append(
        {"address": "aws_transfer_server.t", "mode": "managed", "type": "aws_transfer_server", "name": "t",
         "values": {"security_policy_name": "TransferSecurityPolicy-2018-11"}})
    found = resultmemo.lookup(withserver)
    assert ("", ("aws_transfer_server",), ["CKV_AWS_380"]) in found.missed
    assert "CKV_AWS_380" not in found.rows


@pytest.mark.parametrize("change", ["change of another type", "address twice", "address of another name",
                                    "data address on a managed resource", "not an object"])
def test_a_plan_whose_resources_do_not_stay_within_their_type_is_not_split(plans, change):
    """Checkov joins a resource's change by address and its configuration by type and name: a plan where those
    would reach across types is checked whole (as without the memo)."""
    tfplan = copy.deepcopy(plans["131121-stg"])
    assert resultmemo.split(tfplan) is not None
    resources = tfplan["planned_values"]["root_module"]["resources"]
    first = resources[0]
    if change == "change of another type":
        tfplan["resource_changes"].append({"address": first["address"], "type": "aws_iam_role", "name": first["name"],
                                           "mode": "managed", "change": {"actions": ["forget"]}})
    elif change == "address twice":
        resources.append(copy.deepcopy(first))
    elif change == "address of another name":
        first["name"] = first["name"] + "x"
    elif change == "data address on a managed resource":
        first["address"] = "data." + first["address"]
    else:
        resources.append("aws_vpc.x")
    assert resultmemo.split(tfplan) is None


def test_what_checkov_reads_from_the_environment_and_nan_are_in_the_key(plans, monkeypatch):
    tfplan = plans["131121-stg"]
    resultmemo.version.cache_clear()
    before = resultmemo.version()
    monkeypatch.setenv("EVAL_TF_PLAN_AFTER_UNKNOWN", "1")  # Checkov fills unknown-after-apply values with it
    resultmemo.version.cache_clear()
    assert resultmemo.version() != before
    monkeypatch.setenv("GCBASE_CHECKOV_PROCESS", "0")  # gcbase's own switches are not
    monkeypatch.delenv("EVAL_TF_PLAN_AFTER_UNKNOWN")
    resultmemo.version.cache_clear()
    assert resultmemo.version() == before
    nan, null = copy.deepcopy(tfplan), copy.deepcopy(tfplan)
    nan["planned_values"]["root_module"]["resources"][0]["values"]["x"] = float("nan")
    null["planned_values"]["root_module"]["resources"][0]["values"]["x"] = None
    assert resultmemo.split(nan) != resultmemo.split(null)
