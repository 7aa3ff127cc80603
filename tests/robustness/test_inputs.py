"""gcbase.inputs, the one reader of every user-given file: regular files only (a FIFO never blocks,
a device is never read), a size cap that counts the bytes read (not st_size), UTF-8 / UTF-16 /
UTF-32 with a byte-order mark, and JSON numbers of any size refused in one line naming the key."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

import gcbase.inputs as inputs
from gcbase.check.planfile import load_plan_file
from gcbase.errors import GcbaseError
from gcbase.synth.importers import from_preview, from_stack_export
from gcbase.validate import load_settings
from gcbase.waivers import load_waivers
from helpers import ROOT
from robust_kit import assert_clean_failure, run_cli

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"
PREVIEW = ROOT / "tests" / "synth" / "fixtures" / "preview.json"
EXPORT = ROOT / "tests" / "synth" / "fixtures" / "stack-export.json"
STACK = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
WAIVERS = ROOT / "baselines" / "waivers.yaml"
ENCODINGS = ["utf-8-sig", "utf-16", "utf-16-le+bom", "utf-16-be+bom", "utf-32", "utf-32-be+bom"]


def encoded(text: str, encoding: str) -> bytes:
    """text as a Windows or Unix tool writes it: with a byte-order mark."""
    if encoding.endswith("+bom"):
        codec = encoding[:-4]
        return "\ufeff".encode(codec) + text.encode(codec)
    return text.encode(encoding)


def argv_for(kind: str, path: Path, out: Path) -> list[str]:
    return {"plan": ["check", "--plan", str(path), "--no-boundaries"],
            "preview": ["synth", "--preview", str(path), "-o", str(out)],
            "export": ["synth", "--stack-export", str(path), "-o", str(out)],
            "config": ["validate", str(path)],
            "waivers": ["check", "--plan", str(PLAN), "--waivers", str(path), "--no-boundaries"],
            "tenancy": ["check", "--plan", str(PLAN), "--tenancy", str(path), "--no-boundaries"]}[kind]


READERS = ["plan", "preview", "export", "config", "waivers", "tenancy"]


def _name(kind: str) -> str:
    return "Pulumi.131121-prod.yaml" if kind in ("config", "tenancy") else f"{kind}.json"


class _FifoGuard:
    """Opens the FIFO's writing end in a thread, so a reader that blocked on open would be let through
    (and the test fail on the message) instead of hanging the suite; released at the end either way."""

    def __init__(self, fifo: Path):
        self.fifo = fifo
        self.thread = threading.Thread(target=self._write, daemon=True)

    def _write(self):
        with open(self.fifo, "wb"):
            pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        # Held open read-write (never blocks on a FIFO), a reader end lets the writer's open return, whether
        # it is blocked in it now or has not called it yet; a reader opened and closed could miss the latter.
        fd = os.open(self.fifo, os.O_RDWR)
        try:
            self.thread.join()
        finally:
            os.close(fd)


@pytest.mark.parametrize("kind", READERS)
def test_a_fifo_is_refused_without_blocking(kind, tmp_path):
    fifo = tmp_path / _name(kind)
    os.mkfifo(fifo)
    out = tmp_path / "out"
    out.mkdir()
    with _FifoGuard(fifo):
        run = run_cli(*argv_for(kind, fifo, out))
    errors = assert_clean_failure(run, [str(fifo)], out_dir=out)
    assert any("is a FIFO (named pipe), not a regular file" in e for e in errors), errors


@pytest.mark.parametrize("kind", READERS)
def test_a_symlink_to_a_device_is_refused_not_read(kind, tmp_path):
    link = tmp_path / _name(kind)
    link.symlink_to("/dev/zero")
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli(*argv_for(kind, link, out))
    errors = assert_clean_failure(run, [str(link)], out_dir=out)
    assert any("is a character device, not a regular file" in e for e in errors), errors


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(GcbaseError, match="is a directory, not a regular file"):
        inputs.read_bytes(tmp_path, "Terraform plan JSON", 100)


def test_the_size_cap_counts_bytes_read_not_st_size(monkeypatch, tmp_path):
    """A file whose metadata understates its size (a /proc file, a file still growing) is still capped."""
    big = tmp_path / "plan.json"
    big.write_bytes(b" " * 5000)
    real = os.fstat

    def lying(fd):
        st = real(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               int(st.st_atime), int(st.st_mtime), int(st.st_ctime)))

    monkeypatch.setattr(inputs.os, "fstat", lying)
    monkeypatch.setattr(inputs, "CHUNK", 1000)
    with pytest.raises(GcbaseError) as info:
        inputs.read_bytes(big, "Terraform plan JSON", 4096)
    assert str(info.value) == f"{big}: Terraform plan JSON is larger than 4096 bytes"
    assert inputs.read_bytes(big, "Terraform plan JSON", 5000) == b" " * 5000


def test_an_oversize_plan_is_one_line(monkeypatch, tmp_path):
    import gcbase.check.planfile as planfile

    monkeypatch.setattr(planfile, "MAX_BYTES", 1000)
    run = run_cli("check", "--plan", str(PLAN), "--no-boundaries")
    assert assert_clean_failure(run, [str(PLAN)]) == [f"error: {PLAN}: Terraform plan JSON is larger than 1000 bytes"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_reader_accepts_utf8_bom_and_utf16_32_with_bom(encoding, tmp_path):
    def copy(src: Path, name: str) -> Path:
        dst = tmp_path / name
        dst.write_bytes(encoded(src.read_text(encoding="utf-8"), encoding))
        return dst

    assert load_plan_file(copy(PLAN, "plan.json")) == json.loads(PLAN.read_text(encoding="utf-8"))
    assert len(from_preview(copy(PREVIEW, "preview.json")).resources) == len(from_preview(PREVIEW).resources)
    assert len(from_stack_export(copy(EXPORT, "export.json")).resources) == len(from_stack_export(EXPORT).resources)
    assert load_settings(copy(STACK, STACK.name)).stack == "131121-prod"
    assert [w.check for w in load_waivers(copy(WAIVERS, "waivers.yaml"))] == [w.check for w in load_waivers(WAIVERS)]


def test_a_utf16_plan_with_bom_is_checked_like_its_utf8_original(tmp_path):
    utf16 = tmp_path / "plan.json"
    utf16.write_bytes(PLAN.read_text(encoding="utf-8").encode("utf-16"))  # Windows PowerShell 5's `>`
    original = run_cli("check", "--plan", str(PLAN), "--no-boundaries")
    again = run_cli("check", "--plan", str(utf16), "--no-boundaries")
    assert (again.code, again.out.splitlines()[-1]) == (original.code, original.out.splitlines()[-1]), again


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_or_32_without_bom_is_refused(codec, tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(PLAN.read_text(encoding="utf-8").encode(codec))
    with pytest.raises(GcbaseError, match=r"not UTF-8 text \(byte \d+.*byte-order mark"):
        load_plan_file(path)


def test_a_bom_followed_by_bytes_of_another_encoding_is_one_line(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xff\xfe" + b"{\x00\x00\xd8")  # UTF-16 LE mark, then a lone surrogate
    with pytest.raises(GcbaseError, match=r"not UTF-16 text \(byte 4\) after its UTF-16 byte-order mark"):
        load_plan_file(path)


@pytest.mark.parametrize("number, shown", [
    ("9" * 5000, "999999999999...999999 (5000 characters)"),
    ("-" + "1" * 101, "-11111111111...111111 (102 characters)"),
    ("1e999", "1e999 (5 characters)"),
    ("-1.5E+400", "-1.5E+400 (9 characters)"),
])
def test_json_numbers_of_any_size_are_one_line_naming_the_key(number, shown, tmp_path):
    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    doc["planned_values"]["root_module"]["resources"][1]["values"]["gcbaseFuzz"] = 0
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc).replace('"gcbaseFuzz": 0', f'"gcbaseFuzz": {number}'), encoding="utf-8")
    run = run_cli("check", "--plan", str(path), "--no-boundaries")
    assert assert_clean_failure(run, [str(path)]) == [
        f"error: {path}: planned_values.root_module.resources[1].values.gcbaseFuzz: the number {shown} is beyond "
        f"what Terraform plan JSON holds (at most {inputs.MAX_DIGITS} digits, finite)"]


def test_numbers_within_the_limit_are_kept_exactly():
    assert inputs.parse_json('{"a": ' + "9" * 100 + ', "b": 1.5e300, "c": -0}', "f", "x") == \
        {"a": int("9" * 100), "b": 1.5e300, "c": 0}


def test_a_huge_number_in_a_stack_export_names_the_key(tmp_path):
    doc = json.loads(EXPORT.read_text(encoding="utf-8"))
    doc["deployment"]["resources"][1]["outputs"] = {"n": 0}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc).replace('"n": 0', '"n": ' + "7" * 4400), encoding="utf-8")
    run = run_cli("synth", "--stack-export", str(path), "-o", str(tmp_path / "out"))
    errors = assert_clean_failure(run, [str(path)], out_dir=None)
    assert "deployment.resources[1].outputs.n: the number 777777777777...777777 (4400 characters)" in errors[0]


def test_a_fifo_given_as_a_program_directory_stack_config_is_refused(tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(ROOT / "tests" / "synth" / "fixtures" / "secret-program", project)
    config = next(project.glob("Pulumi.*.yaml"), None) or project / "Pulumi.dev.yaml"
    config.unlink(missing_ok=True)
    os.mkfifo(config)
    with _FifoGuard(config):
        run = run_cli("synth", "--program", str(project), "--config", str(config), "-o", str(tmp_path / "out"))
    errors = assert_clean_failure(run, [str(config)])
    assert any("FIFO" in e for e in errors), errors
