"""Atomic output writer: whole files with the usual mode, nothing left behind on failure."""

import os
import stat

import pytest

from gcbase.errors import GcbaseError
from gcbase.outputs import write_json, write_text


def test_written_file_has_the_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "r.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "x"


def test_missing_directory_is_one_line_and_leaves_nothing(tmp_path):
    with pytest.raises(GcbaseError) as info:
        write_json(tmp_path / "nope" / "plan.json", {"a": 1})
    assert str(info.value) == f"{tmp_path / 'nope' / 'plan.json'}: output directory {tmp_path / 'nope'} does not exist"
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(GcbaseError) as info:
        write_text(tmp_path / "r.md", "x")
    assert "No space left on device" in str(info.value)
    assert list(tmp_path.iterdir()) == []
