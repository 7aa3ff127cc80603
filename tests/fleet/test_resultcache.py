"""The fleet's per-check result cache (gcbase/fleet/results.py): a re-check after one check's code changes
runs that check alone, after a waiver change runs nothing, and every result is the one a run without any
cache gives; a damaged entry is only a miss."""

from __future__ import annotations

import pytest

from gcbase import diskcache
from gcbase.fleet import results, worker
from gcbase.fleet.jobs import generated_jobs

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
                                           "boundaries": "reused"} for r in again.values())
    keys = dict(results.check_keys())
    changes = ("GCJP_AWS_10", "GCJP_AWS_3", "GCJP2_AWS_3", "CKV_AWS_286", "CKV_AWS_41", "GCJP_AWS_72")
    for i, changed in enumerate(changes):  # plan-level, resource, graph, built-in, provider, the one reading all
        assert changed in keys
        monkeypatch.setattr(results, "check_keys", lambda: {**keys, changed: "changed-" + changed})
        once = {j.stack: worker.run_job(j, True, plan_cache=cache) for j in jobs}
        assert {s: stable(r) for s, r in once.items()} == plain, changed
        # the changed check, and the one changed before (its key is back to what it was)
        assert all(r["run"]["resultCache"]["checksRun"] == min(i + 1, 2) for r in once.values()), changed


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
    res = worker.run_job(job, True, plan_cache=str(cache))
    assert stable(res) == plain[job.stack] and res["run"]["resultCache"]["checksRun"] > 0
    monkeypatch.setenv("GCBASE_CACHE", "0")
    entry.write_bytes(raw)
    res = worker.run_job(job, True, plan_cache=str(cache))
    assert stable(res) == plain[job.stack] and "resultCache" not in res["run"]
    assert diskcache.read(results.KIND, "x" * 64, cache) is None
