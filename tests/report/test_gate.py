"""scripts/gate and the documented CI jobs: they call the gate and pick up the files it writes."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from gcbase.report import FILENAMES, FORMATS
from helpers import ROOT

GATE = ROOT / "scripts" / "gate"
IGW_PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "fail.json"


def gate(tmp_path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GCBASE_OUT": str(tmp_path / "gate"), **env}
    return subprocess.run([str(GATE), *argv], capture_output=True, text=True, timeout=600, env=environment,
                          stdin=subprocess.DEVNULL)


@pytest.mark.skipif(shutil.which("uv") is None and not os.path.exists(os.path.expanduser("~/.local/bin/uv")),
                    reason="uv is not installed (scripts/bootstrap installs it for CI)")
def test_gate_script_writes_every_report_and_exits_with_the_verdict(tmp_path):
    assert os.access(GATE, os.X_OK)
    proc = gate(tmp_path, "--plan", str(IGW_PLAN), GCBASE_FAIL_ON="critical", GCBASE_LANG="en")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "gate (--fail-on critical): FAIL" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "gate").iterdir()) == sorted(FILENAMES.values())
    assert '<html lang="en">' in (tmp_path / "gate" / "report.html").read_text(encoding="utf-8")
    bad = tmp_path / "w.yaml"
    bad.write_text("- check: nope\n", encoding="utf-8")
    proc = gate(tmp_path, "--plan", str(IGW_PLAN), "--waivers", str(bad))
    assert proc.returncode == 2 and f"error: {bad}: [0].resource: required key is missing" in proc.stderr


def test_gate_script_defaults_match_the_cli():
    text = GATE.read_text(encoding="utf-8")
    assert '--format "${GCBASE_FORMATS:-' + ",".join(FORMATS) + '}"' in text
    assert '-o "${GCBASE_OUT:-out/gate}"' in text and '"$@"' in text.splitlines()[-1]


def test_github_actions_workflow_runs_the_gate_and_uploads_sarif_and_junit():
    wf = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    assert wf["permissions"]["security-events"] == "write"
    steps = wf["jobs"]["gate"]["steps"]
    run = next(s for s in steps if s.get("run") == "./scripts/gate")
    out = run["env"]["GCBASE_OUT"]
    assert run["env"]["GCBASE_FAIL_ON"] in ("critical", "high", "medium", "low")
    sarif = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert sarif["with"]["sarif_file"] == f"{out}/{FILENAMES['sarif']}" and sarif["if"].startswith("always()")
    artifact = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert artifact["with"]["path"] == f"{out}/" and artifact["if"].startswith("always()")  # junit.xml and the rest
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in str(s.get("run", "")))
    assert f"{out}/{FILENAMES['md']}" in summary["run"]


def test_gitlab_job_runs_the_gate_and_reports_junit():
    job = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))["gcbase-gate"]
    out = job["variables"]["GCBASE_OUT"]
    assert job["script"] == ["./scripts/gate"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == f"{out}/{FILENAMES['junit']}"
    assert sorted(job["artifacts"]["paths"]) == sorted(f"{out}/{name}" for name in FILENAMES.values())


def test_pre_commit_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"gcbase-validate", "gcbase-gate"}
    assert hooks["gcbase-gate"]["entry"] == "scripts/gate"
    assert "gcbase validate" in hooks["gcbase-validate"]["entry"]
    for hook in hooks.values():
        assert hook["language"] == "system" and hook["files"] == r"^stacks/Pulumi\..+\.ya?ml$"
