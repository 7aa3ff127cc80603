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


@pytest.mark.parametrize("data", [
    {"a": [1, True, None, "日本語", {"b": []}, {}], "c": -(2**63), "d": 2**64 - 1, "e": "\u2028 \x01 \" \\ /"},
    [], {}, "x", 0,
    {"float": 1e16, "nan-free": 0.5},  # floats: json's spelling
    {1: "int key"},  # json turns it into "1"
    {"big": 2**70},
    {"tuple": ("a", 1, (), ("b", [("c",)])), "in list": [()]},  # tuples: arrays, as lists
])
def test_json_is_written_as_json_dumps_writes_it(data):
    import json

    from gcbase.outputs import dumps_json

    assert dumps_json(data) == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def test_findings_to_dict_is_asdict():
    """Finding.to_dict is asdict written out: same keys in the same order, same values, on every field."""
    from dataclasses import asdict, fields

    from gcbase.check.findings import Finding
    from gcbase.waivers import Waiver

    f = Finding("GCJP_AWS_1", "aws_x.y", "SKIPPED", "high", ["GL.1"], "題", "title", {"ja": "直す", "en": "fix"},
                "urn:x", "gcbase", ["why"], Waiver("GCJP_AWS_1", "*", "reason", "a", "2027-01-01", ("s",), "f", 3, "all"),
                {"file": "f", "exception": "E: m"}, [{"hop": "a"}])
    assert list(f.to_dict()) == [x.name for x in fields(Finding)]
    assert f.to_dict() == asdict(f)
    got = f.to_dict()
    got["details"].append("changed")
    got["path"][0]["hop"] = "changed"
    assert f.details == ["why"] and f.path == [{"hop": "a"}]  # a copy, as asdict's
