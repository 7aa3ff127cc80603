"""The fleet's plan cache: a hit gives exactly the result a synth gives, every synth input is in
the key (proved by watching what a synth opens), and a broken entry is only a miss."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gcbase.fleet import plancache
from gcbase.fleet.generate import stack_config
from gcbase.fleet.plancache import PlanCache, fingerprint, key
from gcbase.fleet.run import RESULTS
from helpers import fleet_jobs, quiet_fleet

ROOT = Path(__file__).resolve().parents[2]
CODES = ["011002", "012033"]  # 札幌市, 小樽市: small generated stacks


jobs_of, fleet = fleet_jobs, quiet_fleet


def results(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / RESULTS).glob("*.json"))}


def stable(res: dict) -> dict:
    return {k: v for k, v in res.items() if k != "run"}


@pytest.fixture(scope="module")
def cold_and_warm(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plancache")
    cache = tmp / "cache"
    cold = fleet(jobs_of(CODES), tmp / "cold", plan_cache=cache)
    warm = fleet(jobs_of(CODES), tmp / "warm", plan_cache=cache, workers=2)  # the pool path: spawned workers
    plain = fleet(jobs_of(CODES), tmp / "plain")
    return tmp, cache, cold, warm, plain


def test_a_cached_plan_gives_the_same_result_as_a_synth(cold_and_warm):
    tmp, cache, cold, warm, plain = cold_and_warm
    assert (cold.errors, warm.errors, plain.errors) == ({}, {}, {})
    assert (cold.cache_hits, warm.cache_hits, plain.cache_hits) == (0, 2, 0)
    assert len(list(cache.glob("*/*.plan.json"))) == 2
    got_cold, got_warm, got_plain = results(tmp / "cold"), results(tmp / "warm"), results(tmp / "plain")
    assert [r["run"]["planCache"] for r in got_cold.values()] == ["miss", "miss"]
    assert [r["run"]["planCache"] for r in got_warm.values()] == ["hit", "hit"]
    assert all("planCache" not in r["run"] for r in got_plain.values())
    for stack, res in got_plain.items():
        assert res["status"] == "ok" and res["findings"]
        assert stable(got_warm[stack]) == stable(res) == stable(got_cold[stack])


def test_boundaries_on_a_cached_plan_are_the_same(cold_and_warm, tmp_path):
    _, cache, *_ = cold_and_warm
    job = jobs_of(CODES[:1])
    fleet(job, tmp_path / "hit", plan_cache=cache, boundaries=True)
    fleet(job, tmp_path / "synth", boundaries=True)
    hit, synth = results(tmp_path / "hit"), results(tmp_path / "synth")
    stack = job[0].stack
    assert hit[stack]["run"]["planCache"] == "hit"
    assert hit[stack]["boundaries"]["summary"]["checks"] > 0
    assert stable(hit[stack]) == stable(synth[stack])


def test_a_broken_entry_is_a_miss_and_is_written_again(cold_and_warm, tmp_path):
    _, cache, *_ = cold_and_warm
    mine = tmp_path / "cache"
    shutil.copytree(cache, mine)
    job = jobs_of(CODES[:1])[0]
    digest = key(job.stack, job.config)
    entry = PlanCache(mine).path(digest)
    good = json.loads(entry.read_text(encoding="utf-8"))
    edited = json.loads(json.dumps(good))
    edited["plan"]["resources"] = edited["plan"]["resources"][1:]  # well-formed, one resource less
    other = json.loads(json.dumps(good))
    other["plan"]["stack"] = "012033-prod"
    other["sha256"] = plancache._digest(other["plan"])  # a consistent entry, but of another stack
    for broken in ('{"schema": "gcbase-plan-cache/1", "key": "', json.dumps({"schema": "other/1"}),
                   json.dumps({"schema": plancache.SCHEMA, "key": "0" * 64, "plan": {}}),
                   json.dumps({**good, "plan": []}), json.dumps({**good, "plan": "x"}),
                   json.dumps(edited), json.dumps(other)):
        entry.write_text(broken, encoding="utf-8")
        assert PlanCache(mine).get(digest, job.stack) is None
        run = fleet([job], tmp_path / "out", plan_cache=mine)
        assert (run.cache_hits, run.errors) == (0, {})
        assert results(tmp_path / "out")[job.stack]["run"]["planCache"] == "miss"
        assert PlanCache(mine).get(digest, job.stack) is not None  # stored again, readable


def test_a_plan_that_cannot_be_stored_still_gets_checked(tmp_path):
    """The CLI refuses such a cache up front (below); a library caller's stacks are still checked."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    run = fleet(jobs_of(CODES[:1]), tmp_path / "out", plan_cache=tmp_path / "file" / "sub")
    res = results(tmp_path / "out")[f"{CODES[0]}-prod"]
    assert res["status"] == "ok" and res["findings"] and res["run"]["planCache"] == "miss"
    assert "Not a directory" in res["run"]["planCacheNotStored"]
    assert list(run.cache_errors) == [f"{CODES[0]}-prod"]


def test_a_hit_touches_its_entry(cold_and_warm, tmp_path):
    """So a CI job can drop what no run used (docs/ci/github-fleet.yml prunes by modification time)."""
    import os

    _, cache, *_ = cold_and_warm
    job = jobs_of(CODES[:1])[0]
    entry = PlanCache(cache).path(key(job.stack, job.config))
    os.utime(entry, (1_000_000_000, 1_000_000_000))
    assert PlanCache(cache).get(key(job.stack, job.config), job.stack) is not None
    assert entry.stat().st_mtime > 1_000_000_000


def _copy_inputs(dst: Path) -> Path:
    for name in (*plancache.INPUTS, "policies"):
        src = ROOT / name
        if src.is_file():
            shutil.copy(src, dst / name)
        else:
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def test_the_key_follows_every_synth_input_and_nothing_else(tmp_path):
    root = _copy_inputs(tmp_path)
    config = stack_config(CODES[0])
    fingerprint.cache_clear()
    base = key("x-prod", config, root=root)
    assert key("x-prod", config, root=root) == base  # deterministic
    assert key("y-prod", config, root=root) != base
    assert key("x-prod", {**config, "gcbase:environment": "stg"}, root=root) != base

    def changed(rel: str) -> bool:
        fingerprint.cache_clear()
        path = root / rel
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        try:
            fingerprint.cache_clear()
            return key("x-prod", config, root=root) != base
        finally:
            path.write_bytes(original)
            fingerprint.cache_clear()

    # What a synth reads: a baseline SCP, a module, the program, gcbase's code, the project file.
    for rel in ("baselines/guardrails/deny-root-user.json", "baselines/profiles/standard.yaml", "modules/network.py",
                "stacks/__main__.py", "gcbase/synth/ids.py", "Pulumi.yaml", "uv.lock"):
        assert changed(rel), rel
    # What only checks and reports read: a changed policy or waiver reuses every plan.
    (root / "stacks" / "waivers").mkdir(exist_ok=True)
    (root / "stacks" / "waivers" / "x-prod.yaml").write_text("[]\n", encoding="utf-8")
    for rel in ("baselines/waivers.yaml", "baselines/requirements.yaml", "baselines/boundaries/expectations.yaml",
                "policies/resource/GCJP_AWS_1.py", "stacks/Pulumi.131121-prod.yaml", "stacks/waivers/x-prod.yaml"):
        assert not changed(rel), rel
    fingerprint.cache_clear()


def test_a_stack_file_is_keyed_by_its_content(tmp_path):
    original = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
    copy = tmp_path / original.name
    shutil.copy(original, copy)
    before = key("131121-prod", file=str(copy))
    copy.write_text(copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert key("131121-prod", file=str(copy)) != before


AUDIT = r"""
import json, sys
from pathlib import Path
root = Path(sys.argv[1]).resolve()
opened = set()

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, Path)):
        p = Path(args[0]).resolve()
        if root in p.parents and ".venv" not in p.parts and "__pycache__" not in p.parts:
            opened.add(str(p))

sys.addaudithook(hook)
from gcbase.fleet.generate import stack_config
from gcbase.synth import synth_stack, synth_values
synth_values("011002-prod", stack_config("011002"))
synth_values("016314-prod", stack_config("016314"))  # a shared-use town over a closed network (閉域網)
synth_stack(root / "stacks" / "Pulumi.363421-prod.yaml")
print(json.dumps(sorted(opened)))
"""


def test_a_synth_opens_no_file_outside_the_key():
    """Every file a synth opens (generated and file stacks, both usage modes and connection kinds)
    is a fingerprinted input or the stack's own config file: nothing a synth reads can change
    without changing the key."""
    proc = subprocess.run([sys.executable, "-c", AUDIT, str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    opened = {Path(p) for p in json.loads(proc.stdout)}
    covered = set(plancache._inputs(ROOT)) | {ROOT / "stacks" / "Pulumi.363421-prod.yaml"}
    assert any(p.suffix == ".json" and "baselines" in p.parts for p in opened)  # the hook saw the reads
    assert sorted(str(p) for p in opened - covered) == []


@pytest.mark.parametrize("where, says", [("file", "not a directory"), ("file/sub", "cannot be written")])
def test_cli_plan_cache_must_be_a_writable_directory(tmp_path, capsys, where, says):
    from gcbase.cli import main

    (tmp_path / "file").write_text("x", encoding="utf-8")
    code = main(["fleet", "131121-prod", "-o", str(tmp_path / "out"), "--plan-cache", str(tmp_path / where)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: --plan-cache: ") and says in err[0]
    assert not (tmp_path / "out").exists()


def test_the_key_refuses_a_tree_that_is_not_gcbase(tmp_path):
    from gcbase.errors import GcbaseError

    fingerprint.cache_clear()
    with pytest.raises(GcbaseError, match="missing; the plan cache keys plans"):
        key("x-prod", {}, root=tmp_path)
    fingerprint.cache_clear()
