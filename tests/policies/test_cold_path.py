"""The cold path's speed-ups (gcbase/check/speedups.py, lazyimports.py, the collector paused, the on-disk
caches of gcbase/diskcache.py) change how fast a plan is checked, never what: every example plan is checked
in fresh processes without any of them, with them on empty caches, and with them on the caches the previous
run filled, and every finding (check, resource, result, severity, requirements, titles, details, path) is
the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gcbase.baselines import ROOT

STACKS = ("131121-prod", "131121-stg", "363421-prod")
CHILD = """
import json, sys
from pathlib import Path
from gcbase.check import run_tfplan
from gcbase.check.planfile import load_plan_file
from gcbase.check import lazyimports, speedups
out = {}
for path in sys.argv[1:]:
    report = run_tfplan(load_plan_file(path), file=path)
    out[Path(path).name] = sorted(json.dumps(f.to_dict(), sort_keys=True, ensure_ascii=False) for f in report.findings)
from checkov.terraform.checks.resource.registry import resource_registry
other = sorted({c.id for _, c in resource_registry.all_checks() if not c.id.startswith(("CKV_AWS_", "CKV2_AWS_", "GCJP"))})
print(json.dumps({"findings": out, "speedups": speedups._installed, "lazy": lazyimports._installed,
                  "loaded": lazyimports.loaded(), "z3": "z3" in sys.modules, "other": other}))
"""


def _check(files: list[str], env: dict[str, str]) -> dict:
    # Checkov's result memo off: these runs compare what the Checkov path computes (gcbase/check/resultmemo.py
    # would answer a plan seen before without loading Checkov at all; tests/policies/test_result_memo.py)
    proc = subprocess.run([sys.executable, "-c", CHILD, *files], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "GCBASE_CHECKOV_MEMO": "0", **env}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory):
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    out = tmp_path_factory.mktemp("plans")
    files = []
    for stack in STACKS:
        path = out / f"{stack}.tfplan.json"
        path.write_text(json.dumps(export(synth_stack(stack)), ensure_ascii=False), encoding="utf-8")
        files.append(str(path))
    return files


def test_every_example_plan_checks_the_same_with_and_without_the_cold_path_speedups(plan_files, tmp_path):
    plain = _check(plan_files, {"GCBASE_SPEEDUPS": "0", "GCBASE_CACHE": "0"})
    assert not plain["speedups"] and not plain["lazy"]
    cache = {"GCBASE_CACHE_DIR": str(tmp_path / "cache"), "GCBASE_CACHE": "1", "GCBASE_SPEEDUPS": "1"}
    empty = _check(plan_files, cache)
    assert (tmp_path / "cache" / "yaml").is_dir() and (tmp_path / "cache" / "iam-expansions").is_dir()
    filled = _check(plan_files, cache)
    assert empty["speedups"] and filled["lazy"]
    assert not any(filled["loaded"].values()), filled["loaded"]  # deferred and never needed on a plan
    assert (tmp_path / "cache" / "trust-exposures").is_dir()
    assert plain["z3"] and empty["z3"] and not filled["z3"]  # every zone-of-trust answer from the memo
    assert len(plain["other"]) > 500 and filled["other"] == []  # other providers' checks: not imported
    for name in plain["findings"]:
        assert len(plain["findings"][name]) > 500
        assert empty["findings"][name] == plain["findings"][name], name
        assert filled["findings"][name] == plain["findings"][name], name
