"""Failure modes of inputs and outputs, each with its exit code and message (docs/FAILURES.md):
a missing or unwritable output directory, an unreadable input, a full disk, SIGINT in a write and
in the middle of a fleet run (which then resumes without redoing finished stacks).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

import gcbase.outputs as outputs
from robust_kit import TRACEBACK, assert_clean_failure, files_under, run_cli
from helpers import ROOT

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"  # two VPCs, one gateway


# -- output directories, unreadable inputs, a full disk, SIGINT in a write ----------------------


def test_a_missing_output_directory_fails_before_any_work(monkeypatch, tmp_path):
    import gcbase.report.pipeline as pipeline

    monkeypatch.setattr(pipeline, "check_all", lambda *a, **k: pytest.fail("checked before the outputs"))
    target = tmp_path / "no-such-dir" / "check.json"
    run = run_cli("check", "--plan", str(PLAN), "--json", str(target))
    assert assert_clean_failure(run, [str(target)]) == [
        f"error: {target}: output directory {target.parent} does not exist"]
    run = run_cli("boundaries", "131121-prod", "--json", str(target))
    assert_clean_failure(run, [str(target)])
    run = run_cli("synth", "131121-prod", "--tf-plan", str(tmp_path))
    assert assert_clean_failure(run, [str(tmp_path)]) == [f"error: {tmp_path}: is a directory; expected an output file name"]


def test_an_output_directory_that_cannot_be_created_or_written(monkeypatch, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    run = run_cli("synth", "--preview", str(ROOT / "tests" / "synth" / "fixtures" / "preview.json"),
                  "-o", str(a_file / "out"))
    assert assert_clean_failure(run, [str(a_file)]) == [
        f"error: {a_file / 'out'}: cannot create the output directory: Not a directory"]
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, mode: False if Path(p) == locked else real_access(p, mode))
    run = run_cli("check", "--plan", str(PLAN), "-o", str(locked))  # root ignores mode bits: the check is simulated
    assert assert_clean_failure(run, [str(locked)], out_dir=locked) == [f"error: {locked}: output directory is not writable"]


def test_an_unreadable_input_is_one_line(monkeypatch, tmp_path):
    stack = tmp_path / "Pulumi.131121-prod.yaml"
    shutil.copy(ROOT / "stacks" / "Pulumi.131121-prod.yaml", stack)
    import gcbase.inputs as inputs

    real = os.open
    monkeypatch.setattr(inputs.os, "open", lambda path, *a: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied"))
                        if Path(path) == stack else real(path, *a))
    run = run_cli("validate", str(stack))
    assert assert_clean_failure(run, [str(stack)]) == [
        f"error: {stack}: stack config file is not readable (permission denied)"]


class _FailingFile:
    """A file object that writes half of the data, then fails like a full disk (or a Ctrl-C)."""

    def __init__(self, fh, exc):
        self.fh, self.exc = fh, exc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise self.exc


def _fail_on(monkeypatch, name: str, exc: BaseException) -> None:
    """Every output whose temporary file is for `name` fails mid-write."""
    real_fdopen, real_mkstemp = outputs.os.fdopen, outputs.tempfile.mkstemp
    failing: set[int] = set()

    def mkstemp(prefix="", suffix="", dir=None):
        fd, tmp = real_mkstemp(prefix=prefix, suffix=suffix, dir=dir)
        if prefix.startswith(f".{name}."):
            failing.add(fd)
        return fd, tmp

    monkeypatch.setattr(outputs.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(outputs.os, "fdopen", lambda fd, *a, **k: _FailingFile(real_fdopen(fd, *a, **k), exc)
                        if fd in failing else real_fdopen(fd, *a, **k))


def test_a_full_disk_keeps_whole_files_and_leaves_no_partial_one(monkeypatch, tmp_path):
    _fail_on(monkeypatch, "report.md", OSError(errno.ENOSPC, "No space left on device"))
    run = run_cli("check", "--plan", str(PLAN), "-o", str(tmp_path), "--format", "html,md,json")
    assert run.code == 2 and not TRACEBACK.search(run.text), str(run)
    assert [line for line in run.err.splitlines() if line.startswith("error: ")] == [
        f"error: {tmp_path / 'report.md'}: cannot write output: No space left on device"]
    assert files_under(tmp_path) == ["report.html"]  # written before the disk filled up, whole; no .tmp left
    assert (tmp_path / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_sigint_during_a_write_leaves_no_partial_file(monkeypatch, tmp_path):
    _fail_on(monkeypatch, "dev.tfplan.json", KeyboardInterrupt())
    preview = ROOT / "tests" / "synth" / "fixtures" / "preview.json"
    run = run_cli("synth", "--preview", str(preview), "-o", str(tmp_path))
    assert run.code == 130 and run.err == "error: interrupted\n" and not TRACEBACK.search(run.text), str(run)
    assert files_under(tmp_path) == ["dev.plan.json"]
    json.loads((tmp_path / "dev.plan.json").read_text(encoding="utf-8"))  # whole


# -- SIGINT in the middle of a fleet run ------------------------------------------------------


def test_sigint_in_a_fleet_run_keeps_finished_stacks_and_resume_does_not_redo_them(monkeypatch, tmp_path):
    import gcbase.fleet.worker as worker

    real_run_job = worker.run_job
    calls: list[str] = []

    def interrupted_on_the_second(job, *args, **kwargs):
        calls.append(job.stack)
        if len(calls) == 2:
            signal.raise_signal(signal.SIGINT)  # a real Ctrl-C, in the middle of the run
        return real_run_job(job, *args, **kwargs)

    monkeypatch.setattr(worker, "run_job", interrupted_on_the_second)
    argv = ["fleet", "--all-municipalities", "--limit", "2", "--workers", "1", "--no-boundaries", "-o", str(tmp_path)]
    run = run_cli(*argv)
    assert run.code == 130 and not TRACEBACK.search(run.text), str(run)
    assert f"error: interrupted; finished stacks are in {tmp_path / 'results'}; rerun with --resume to go on" in run.err
    first, second = calls
    assert files_under(tmp_path / "results") == [f"{first}.json"]  # whole: no temporary file of the second
    done = json.loads((tmp_path / "results" / f"{first}.json").read_text(encoding="utf-8"))
    assert done["stack"] == first and done["status"] == "ok"

    calls.clear()
    monkeypatch.setattr(worker, "run_job", lambda job, *a, **k: calls.append(job.stack) or real_run_job(job, *a, **k))
    resumed = run_cli(*argv, "--resume")
    assert resumed.code in (0, 1) and not TRACEBACK.search(resumed.text), str(resumed)
    assert calls == [second]  # the finished stack is not redone
    assert "1 stacks checked, 1 already done, 0 with errors" in resumed.out
    assert files_under(tmp_path / "results") == sorted([f"{first}.json", f"{second}.json"])
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["stacks"]["checked"] == 2 and not report["stacks"]["missing"]
