"""Fuzzing the responsibility expectations (baselines/boundaries/expectations.yaml) through
`gcbase boundaries STACK --json FILE`.

The CLI reads the expectations from their fixed place; the test points that place at each
generated file (gcbase.boundaries.result.default_catalogue) and gives the command an empty plan
(gcbase.synth.synth_stack), so that only reading the expectations is under test. Property as
for every input: exit 2, one line per problem naming the file and key, no traceback, no JSON
file left behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

import gcbase.boundaries.result as boundary_result
import gcbase.synth as synth
from gcbase.boundaries.expectations import EXPECTATIONS, load
from gcbase.model import Plan
from robust_kit import (REMOVE, YAML_TAGS, assert_clean_failure, billion_laughs, count, fuzz, get, hostile_text,
                        key_text, paths, replaced, run_cli, seeded, to_yaml, wrong_type_for, write)
from helpers import ROOT

TEXT = EXPECTATIONS.read_text(encoding="utf-8")
DOC = yaml.safe_load(TEXT)
STACK = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
ROW_KEYS_REQUIRED = ("id", "action", "resource", "title", "cells")
CALLERS_REQUIRED = ("personRole", "outsiderAccount", "dataKeyAlias")
MUTABLE = [p for p in paths(DOC) if p[0] in ("rows", "callers", "defaultContext")]


def expected_key(path: tuple) -> str:
    """The key the loader names for damage at path."""
    if path[0] != "rows" or len(path) < 3:
        return key_text(path[:1]) if path[0] != "rows" else key_text(path[:2])
    field = path[2]
    if field == "id":
        return key_text(path[:2])
    if field == "cells" and len(path) >= 4:
        return key_text(path[:4])
    return key_text(path[:3])


EXPECTATION_KINDS = {"wrong-type": 14, "remove": 6, "placeholder": 3, "truncate": 3, "shift-jis": 2, "control": 3,
                     "duplicate": 1, "tag": 4, "laughs": 2, "deep": 2, "top-level": 4}


@st.composite
def damaged_expectations(draw, kind: str) -> tuple[bytes, str | None]:
    if kind == "wrong-type":
        path = draw(st.sampled_from(MUTABLE))
        return to_yaml(replaced(DOC, path, draw(wrong_type_for(get(DOC, path))))).encode(), expected_key(path)
    if kind == "remove":
        i = draw(st.integers(0, len(DOC["rows"]) - 1))
        path = draw(st.sampled_from([("rows", i, k) for k in ROW_KEYS_REQUIRED] + [("callers", k) for k in CALLERS_REQUIRED]
                                    + [("rows",)]))
        return to_yaml(replaced(DOC, path, REMOVE)).encode(), expected_key(path)
    if kind == "placeholder":  # a typo would skip every request of the cell
        i = draw(st.integers(0, len(DOC["rows"]) - 1))
        field = draw(st.sampled_from(["action", "resource"]))
        name = draw(st.sampled_from(["acount", "sytem", "log_bucket_name", "region2", "x"]))
        doc = replaced(DOC, ("rows", i, field), get(DOC, ("rows", i, field)) + "${" + name + "}")
        return to_yaml(doc).encode(), f"rows[{i}].{field}"
    if kind == "truncate":  # inside the first row: its cells are cut
        start = TEXT.index("  - id:")
        return TEXT[:draw(st.integers(start + 1, TEXT.index("cells:", start)))].encode(), None
    if kind == "shift-jis":
        return TEXT.encode("cp932", errors="replace"), None  # the file's Japanese reasons become non-UTF-8 bytes
    if kind == "control":
        at = draw(st.integers(0, len(TEXT)))
        return (TEXT[:at] + draw(st.sampled_from(["\x00", "\x1b", "\x7f", "\x85\x00"])) + TEXT[at:]).encode(), None
    if kind == "duplicate":
        return TEXT.replace("\nrows:\n", "\nrows: []\nrows:\n", 1).encode(), "duplicate key"
    if kind == "tag":
        tag = draw(st.sampled_from(YAML_TAGS)).format(marker="/tmp/gcbase-robustness-yaml-tag-executed")
        return TEXT.replace("personRole: gcbase-person", f"personRole: {tag}", 1).encode(), None
    if kind == "laughs":
        lines, alias = billion_laughs(draw(st.integers(6, 9)), "lol")
        return (TEXT + "\n".join(lines) + f"\nbomb: {alias}\n").encode(), None
    if kind == "deep":
        depth = draw(st.sampled_from([500, 50_000]))
        return TEXT.replace('mfaAgeSeconds: "300"', "mfaAgeSeconds: " + "[" * depth + "]" * depth, 1).encode(), None
    top = draw(st.one_of(st.sampled_from(["", "- rows\n", "rows: 5\n", "rows: [1, 2]\n", "just text\n"]),
                         hostile_text().map(lambda t: "rows:\n  - " + yaml.safe_dump(t).splitlines()[0] + "\n")))
    return top.encode(), None


@pytest.mark.parametrize("kind", EXPECTATION_KINDS)
def test_expectations_file(kind, monkeypatch):
    current: dict[str, Path] = {}
    monkeypatch.setattr(boundary_result, "default_catalogue", lambda: load(current["path"]))
    monkeypatch.setattr(synth, "synth_stack", lambda ref: Plan(project="gcbase", stack="131121-prod", source="synth",
                                                                 config_file=str(STACK)))

    @seeded
    @fuzz(EXPECTATION_KINDS[kind])
    @given(damaged_expectations(kind))
    def prop(case):
        count(f"expectations {kind}")
        data, key = case
        with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
            tmp = Path(tmp)
            current["path"] = write(tmp / "expectations.yaml", data)
            out = tmp / "out"
            out.mkdir()
            run = run_cli("boundaries", "131121-prod", "--json", str(out / "boundaries.json"))
            assert_clean_failure(run, [str(current["path"])], key=key, out_dir=out)

    prop()


def test_the_bundled_expectations_pass_the_same_reader():
    """The generator's base document is valid: each failure above comes from the damage."""
    assert load(EXPECTATIONS).cell_count() >= 40
