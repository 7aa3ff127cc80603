"""The fleet's per-check result cache (gcbase/fleet/results.py): a re-check after one check's code changes
runs that check alone, after a waiver change runs nothing, and every result is the one a run without any
cache gives; a damaged entry is only a miss."""

from __future__ import annotations

import pytest

import io
import json
import os
from datetime import date

from gcbase import diskcache
from gcbase.check.findings import FAILED, PASSED, SKIPPED, Finding
from gcbase.fleet import results, summary, worker
from gcbase.fleet.jobs import generated_jobs
from gcbase.fleet.run import RESULTS, run_fleet
from gcbase.waivers import Waiver, apply_waivers, blanket_problems

CODES = ["011002", "363421"]  # 札幌市 (generated, one system), 神山町


def stable(res: dict) -> dict:
    assert res["status"] == "ok", res["errors"]
    return {k: v for k, v in res.items() if k != "run"}


@pytest.fixture(scope="module")
def jobs():
    return generated_jobs(codes=CODES)


@pytest.fixture(scope="module")
def plain(jobs):
    return {j.stack: stable(worker.run_job(j, True)) for j in jobs}


def test_reused_results_equal_a_run_without_cache_and_one_changed_check_runs_alone(jobs, plain, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = str(tmp_path / "plans")
    first = {j.stack: worker.run_job(j, True, plan_cache=cache) for j in jobs}
    assert {s: stable(r) for s, r in first.items()} == plain
    assert all(r["run"]["resultCache"]["checksRun"] == r["run"]["resultCache"]["checks"] for r in first.values())
    again = {j.stack: worker.run_job(j, True, plan_cache=cache) for j in jobs}
    assert {s: stable(r) for s, r in again.items()} == plain
    assert all(r["run"]["resultCache"] == {"checksRun": 0, "checks": r["run"]["resultCache"]["checks"],
                                           "boundaries": "reused", "summary": "hit"} for r in again.values())
    keys = dict(results.check_keys())
    changes = ("GCJP_AWS_10", "GCJP_AWS_3", "GCJP2_AWS_3", "CKV_AWS_286", "CKV_AWS_41", "GCJP_AWS_72")
    for i, changed in enumerate(changes):  # plan-level, resource, graph, built-in, provider, the one reading all
        assert changed in keys
        monkeypatch.setattr(results, "check_keys", lambda: {**keys, changed: "changed-" + changed})
        once = {j.stack: worker.run_job(j, True, plan_cache=cache) for j in jobs}
        assert {s: stable(r) for s, r in once.items()} == plain, changed
        # the changed check, and the one changed before (its key is back to what it was)
        assert all(r["run"]["resultCache"]["checksRun"] == min(i + 1, 2) for r in once.values()), changed
        # the checks read the Terraform plan JSON stored by the first (cold, synthesizing) run: no export
        assert all(r["run"].get("tfplanCache") == "hit" for r in once.values()), changed


def test_a_waiver_change_reapplies_waivers_only(jobs, plain, tmp_path, monkeypatch):
    import gcbase.waivers as waivers

    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = str(tmp_path / "plans")
    for j in jobs:
        worker.run_job(j, True, plan_cache=cache)
    original = waivers.waivers_for
    monkeypatch.setattr(waivers, "waivers_for", lambda *a, **k: tuple(original(*a, **k))[1:])  # one waiver less
    uncached = {j.stack: stable(worker.run_job(j, True)) for j in jobs}
    assert uncached != plain  # the waiver mattered
    cached = {j.stack: worker.run_job(j, True, plan_cache=cache) for j in jobs}
    assert {s: stable(r) for s, r in cached.items()} == uncached
    assert all(r["run"]["resultCache"]["checksRun"] == 0 for r in cached.values())


def test_a_damaged_entry_is_a_miss_and_off_means_off(jobs, plain, tmp_path, monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = tmp_path / "plans"
    job = jobs[0]
    worker.run_job(job, True, plan_cache=str(cache))
    (entry,) = (cache / results.KIND).rglob("*.json")
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b'"PASSED"', b'"FAILED"', 1))
    for made in (cache / summary.KIND).rglob("*.json"):  # else the stack's summary answers before the entry
        made.unlink()
    res = worker.run_job(job, True, plan_cache=str(cache))
    assert stable(res) == plain[job.stack] and res["run"]["resultCache"]["checksRun"] > 0
    monkeypatch.setenv("GCBASE_CACHE", "0")
    entry.write_bytes(raw)
    res = worker.run_job(job, True, plan_cache=str(cache))
    assert stable(res) == plain[job.stack] and "resultCache" not in res["run"]
    assert diskcache.read(results.KIND, "x" * 64, cache) is None


def test_a_damaged_summary_is_a_miss(jobs, plain, tmp_path, monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = tmp_path / "plans"
    job = jobs[0]
    worker.run_job(job, True, plan_cache=str(cache))
    (entry,) = (cache / summary.KIND).rglob("*.json")
    entry.write_bytes(entry.read_bytes().replace(b'"PASSED"', b'"FAILED"', 1))
    res = worker.run_job(job, True, plan_cache=str(cache))
    assert stable(res) == plain[job.stack]
    assert res["run"]["resultCache"]["summary"] == "miss" and res["run"]["resultCache"]["checksRun"] == 0
    assert worker.run_job(job, True, plan_cache=str(cache))["run"]["resultCache"]["summary"] == "hit"


def test_an_all_reused_fleet_starts_no_worker_and_gives_the_same_results(jobs, plain, tmp_path, monkeypatch):
    """The parent answers every stack from its summary (no process spawned), results as without any cache."""
    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = tmp_path / "plans"
    for j in jobs:
        worker.run_job(j, True, plan_cache=str(cache))
    out = tmp_path / "out"
    run = run_fleet(jobs, out, workers=2, boundaries=True, plan_cache=cache, stream=io.StringIO(), terminal=False)
    assert (run.done, run.errors) == (len(jobs), {})
    got = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (out / RESULTS).glob("*.json")}
    assert {s: stable(r) for s, r in got.items()} == plain
    assert all(r["run"]["pid"] == os.getpid() and r["run"]["resultCache"]["summary"] == "hit" for r in got.values())


def _finding(check: str, resource: str, result: str) -> Finding:
    return Finding(check_id=check, resource=resource, result=result, severity="high", requirements=[],
                   title_ja="", title_en="")


def test_waivers_on_a_summary_are_applied_as_on_findings():
    """summary.apply against gcbase.waivers' own apply_waivers and blanket_problems: current and expired
    waivers, several matching one finding (a current one wins), passes never waived, a blanket in effect."""
    today = date(2026, 6, 1)
    rows = [["CKV_AWS_1", "aws_s3_bucket.a", FAILED], ["CKV_AWS_1", "aws_s3_bucket.b", FAILED],
            ["CKV_AWS_1", "aws_s3_bucket.c", PASSED], ["CKV_AWS_2", "aws_iam_role.x", FAILED],
            ["CKV_AWS_2", "aws_iam_role.y", FAILED], ["CKV_AWS_3", "aws_vpc.v", FAILED],
            ["GCJP_AWS_9", "(plan)", FAILED], ["GCJP_AWS_9", "aws_kms_key.k", "ERRORED"]]
    waivers = (Waiver("CKV_AWS_1", "aws_s3_bucket.a", "r", expires="2026-01-01", file="w.yaml", line=3),
               Waiver("CKV_AWS_1", "aws_s3_bucket.?", "r", expires="2026-12-31", file="w.yaml", line=9),
               Waiver("CKV_AWS_2", "aws_iam_role.*", "r", expires="2026-12-31", file="w.yaml", line=15),
               Waiver("CKV_AWS_3", "aws_vpc.v", "r", expires="2026-01-01", file="w.yaml", line=21),
               Waiver("CKV_AWS_9", "*", "r", expires="2026-12-31", file="w.yaml", scope="all"),
               Waiver("GCJP_AWS_9", "(plan)", "r", expires="2026-12-31", stacks=("other-prod",)))
    for chosen in (waivers, waivers[:1], waivers[2:4], ()):
        findings = [_finding(*r) for r in rows]
        apply_waivers(findings, chosen, today)
        expected = sorted([f.check_id, f.resource, f.result, None if f.waiver is None else f.waiver.id]
                          for f in findings)
        got, problems = summary.apply({"findings": rows}, chosen, "s-prod", today)
        assert got == expected
        assert [str(p) for p in problems] == [str(p) for p in blanket_problems(findings, chosen, "s-prod")]
    assert any(r[2] == SKIPPED for r in summary.apply({"findings": rows}, waivers, "s-prod", today)[0])
    assert summary.apply({"findings": rows}, waivers, "s-prod", today)[1]  # CKV_AWS_2's pattern is a blanket


def test_resource_checks_without_the_graph_give_checkovs_own_records(jobs):
    """gcbase/check/graphfree.py: every resource check of ours it may run (its source never names the
    graph) gives, on real plans narrowed to its types, the rows a full Checkov run of the whole plan restricted
    to it gives, in the same order; all of them at once too."""
    from gcbase.check import graphfree
    from gcbase.check.runner import raw_results
    from gcbase.synth import synth_values
    from gcbase.tfplan import export

    eligible = sorted(graphfree.eligible())
    assert "GCJP_AWS_3" in eligible and len(eligible) >= 10
    assert not graphfree.covers(["CKV_AWS_379"]) and not graphfree.covers(["GCJP2_AWS_3"])
    for job in jobs:
        plan = synth_values(job.stack, job.config)
        tfplan, meta = export(plan), dict(plan.meta)
        full = raw_results(tfplan, only=eligible, meta=meta)
        assert len({r[0] for r in full}) >= 5  # the checks found their resources
        assert raw_results(tfplan, only=eligible, meta=meta, graph_free=True) == full
        for cid in eligible:  # each alone: the plan narrowed to that check's types
            assert raw_results(tfplan, only=[cid], meta=meta, graph_free=True) == [r for r in full if r[0] == cid]


def test_spawned_workers_take_the_parents_keys_and_give_the_same_results(jobs, plain, tmp_path, monkeypatch):
    """Stacks without a summary go to spawned workers, which take the run's keys from the parent (seed)
    instead of hashing the tree; their results are those of a run without any cache."""
    import shutil

    monkeypatch.setenv("GCBASE_CACHE", "1")
    cache = tmp_path / "plans"
    for j in jobs:
        worker.run_job(j, True, plan_cache=str(cache))
    shutil.rmtree(cache / summary.KIND)
    out = tmp_path / "out"
    run = run_fleet(jobs, out, workers=2, boundaries=True, plan_cache=cache, stream=io.StringIO(), terminal=False)
    assert (run.workers, run.done, run.errors) == (2, len(jobs), {})
    got = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (out / RESULTS).glob("*.json")}
    assert {s: stable(r) for s, r in got.items()} == plain
    assert all(r["run"]["pid"] != os.getpid() and not r["run"].get("inParent")
               and r["run"]["resultCache"] == {"checksRun": 0, "checks": r["run"]["resultCache"]["checks"],
                                               "boundaries": "reused", "summary": "miss"} for r in got.values())
