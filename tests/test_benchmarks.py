"""The benchmark scripts run and say what docs/PERFORMANCE.md quotes (smallest sizes: this checks
that they work and compare results, not how fast anything is)."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT


def _run(script: str, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


def test_bench_check_compares_with_and_without_the_speedups():
    proc = _run("bench-check", "-n", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"^with speed-ups: [0-9.]+ s CPU.*, speed-ups installed\)$", proc.stdout, re.M)
    assert re.search(r"^without \(GCBASE_SPEEDUPS=0\): [0-9.]+ s CPU.*, speed-ups not installed\)$", proc.stdout, re.M)
    assert re.search(r"^results: identical \([0-9,]+ check x resource results\)$", proc.stdout, re.M)


def test_bench_fleet_prints_every_path_the_floor_and_the_targets():
    proc = _run("bench-fleet", "-n", "2", "--workers", "2", "--cli-limit", "1", "--floor-limit", "1", "--plan-cache")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # 1: a target missed (at this size, the ratio)
    out = proc.stdout
    for line in (r"^\(a\) gcbase fleet --no-boundaries, 2 workers: 2 stacks in",
                 r"^\(d\) gcbase fleet --no-boundaries --plan-cache, filled cache",
                 r"^    results with the plan cache: identical to \(a\)$",
                 r"^\(f\) floor, the same resources registered bare under the SDK's mocks",
                 r"^\(b\) checkov CLI, one process per stack",
                 r"^findings: identical on 1 of 1 stacks",
                 r"^target full fleet in <= 90 s: ", r"^floor \(f\) for the full fleet: [0-9,]+ s"):
        assert re.search(line, out, re.M), line


def test_bench_check_cold_runs_gcbase_and_checkov_side_by_side():
    proc = _run("bench-check-cold", "-n", "1", "--no-bytecode-cache", "--stack", "131121-stg")  # the smallest example
    assert proc.returncode == 0, proc.stderr[-2000:]
    for line in (r"^bytecode cache: no ", r"^gcbase +[0-9.]+s", r"^gcbase, empty caches +[0-9.]+s",
                 r"^gcbase, one policy edited +[0-9.]+s", r"^gcbase, no result memo +[0-9.]+s",
                 r"^gcbase, no memo, one process +[0-9.]+s", r"^Checkov in a second process: [0-9.]+ s -> [0-9.]+ s ",
                 r"^checkov -f +[0-9.]+s",
                 r"^findings of the five gcbase variants on the plan: identical \([0-9,]+ results\)$",
                 r"^findings on the last edited plan, with the result memo and without it \(one process\): identical$",
                 r"^target median under 2\.0 s, on a plan not seen before \(one policy edited\): [0-9.]+ s: (met|MISSED)",
                 r"^target at least 3\.5x faster than checkov -f, on a plan not seen before: [0-9.]+x: (met|MISSED)"):
        assert re.search(line, proc.stdout, re.M), line


def test_bench_fleet_recheck_compares_a_recheck_with_a_cold_run():
    proc = _run("bench-fleet-recheck", "--limit", "2", "--workers", "2", "--no-boundaries")
    assert proc.returncode == 0, proc.stderr[-2000:]
    for line in (r"^\(1\) cold, empty plan cache: ", r"^\(2\) nothing changed: .*checks run per stack \[0\]",
                 r"^\(3\) one policy changed \(policies/plan/GCJP_AWS_10.py\): .*checks run per stack \[1\]",
                 r"^\(5\) one waiver removed .*checks run per stack \[0\]; projected 1,741: [0-9]+ s; target <= 30 s",
                 r"^\(7\) one graph policy changed \(policies/graph/GCJP2_AWS_1.yaml\): .*checks run per stack \[1\]",
                 r"^    8-shard matrix", r"^results of \(5\) and \(6\): identical on 2 stacks",
                 r"^results of \(7\) and \(4\): identical on 2 stacks"):
        assert re.search(line, proc.stdout, re.M), line
