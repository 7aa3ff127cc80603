"""Fuzzing the other YAML inputs through the CLI: waiver files and Pulumi project files.

Each generated input is malformed or hostile by construction (see test_fuzz_stack_config.py for
the kinds of damage). Property: exit 2, one line per problem naming the file (and the damaged
key where there is one), no traceback, nothing left in the output directory, no YAML tag run.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from robust_kit import (REMOVE, YAML_TAGS, assert_clean_failure, billion_laughs, container_values, count, fuzz,
                        get, hostile_text, kana_text, key_text, paths, replaced, run_cli, seeded, to_yaml,
                        wrong_type_for, write)
from helpers import ROOT

TF_PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"
MARKER = Path(tempfile.gettempdir()) / "gcbase-robustness-yaml-tag-executed"


# -- waiver files ---------------------------------------------------------------------------

SOON = (date.today() + timedelta(days=100)).isoformat()  # within baselines/waivers-policy.yaml maxLifetimeDays
WAIVER_DOC = [
    {"check": "GCJP_AWS_28", "resource": "aws_internet_gateway.*", "reason": "A test fixture with a gateway on purpose.",
     "approver": "CISO 山田太郎", "expires": SOON, "stacks": ["pass.json"], "scope": "all"},
    {"check": "CKV_AWS_1", "resource": "*", "reason": "Matches nothing in this plan; reported as unused.",
     "approver": "CISO 山田太郎", "expires": SOON, "scope": "all"},
]
WAIVER_TEXT = to_yaml(WAIVER_DOC)
WAIVER_FIELDS = ("check", "resource", "reason", "approver", "expires")


WAIVER_KINDS = {"wrong-type": 12, "remove": 5, "unknown-key": 4, "truncate": 4, "shift-jis": 2, "control": 4,
                "duplicate": 1, "tag": 8, "laughs": 4, "deep": 2, "top-level": 5}


@st.composite
def damaged_waivers(draw, kind: str) -> tuple[bytes, str | None]:
    i = draw(st.integers(0, len(WAIVER_DOC) - 1))
    if kind == "wrong-type":
        path = draw(st.sampled_from([p for p in paths(WAIVER_DOC) if p[0] == i]))
        value = draw(wrong_type_for(get(WAIVER_DOC, path)))
        return to_yaml(replaced(WAIVER_DOC, path, value)).encode(), key_text(path[:2])  # [0].stacks for [0].stacks[1]
    if kind == "remove":
        name = draw(st.sampled_from(WAIVER_FIELDS))
        return to_yaml(replaced(WAIVER_DOC, (i, name), REMOVE)).encode(), f"[{i}].{name}"
    if kind == "unknown-key":
        name = draw(hostile_text(16)) + "!"
        return to_yaml(replaced(WAIVER_DOC, (i, name), draw(hostile_text()))).encode(), f"[{i}]"
    if kind == "truncate":  # inside the last entry, before its expiry
        end = WAIVER_TEXT.rindex("expires:")
        return WAIVER_TEXT[:draw(st.integers(WAIVER_TEXT.rindex("- check") + 1, end))].encode(), None
    if kind == "shift-jis":
        return WAIVER_TEXT.replace("CISO", "CISO " + draw(kana_text()), 1).encode("cp932", errors="replace"), None
    if kind == "control":
        at = draw(st.integers(0, len(WAIVER_TEXT)))
        return (WAIVER_TEXT[:at] + draw(st.sampled_from(["\x00", "\x1b", "\x7f"])) + WAIVER_TEXT[at:]).encode(), None
    if kind == "duplicate":
        return WAIVER_TEXT.replace("  resource: '*'", "  resource: '*'\n  resource: aws_*", 1).encode(), "duplicate key"
    if kind == "tag":
        tag = draw(st.sampled_from(YAML_TAGS)).format(marker=MARKER)
        return WAIVER_TEXT.replace("check: CKV_AWS_1", f"check: {tag}", 1).encode(), None
    if kind == "laughs":
        lines, alias = billion_laughs(draw(st.integers(6, 9)), "lol")
        text = "- " + "\n  ".join(lines) + "\n  check: CKV_AWS_1\n  resource: '*'\n  reason: " + alias + "\n"
        return text.encode(), None
    if kind == "deep":
        depth = draw(st.sampled_from([500, 50_000]))
        return WAIVER_TEXT.replace("resource: '*'", "resource: " + "[" * depth + "]" * depth, 1).encode(), None
    top = draw(st.sampled_from(["check: CKV_AWS_1\n", "just text\n", "42\n", "- 1\n- 2\n", "- [a, b]\n"]))
    return top.encode(), None


def test_the_undamaged_waiver_file_is_accepted(tmp_path):
    """Every damaged file below fails for its damage alone."""
    path = write(tmp_path / "waivers.yaml", WAIVER_TEXT)
    run = run_cli("check", "--plan", str(TF_PLAN), "--waivers", str(path), "--scope", "part", "--no-boundaries")
    assert run.code in (0, 1) and "error: " + str(path) not in run.err, run


@pytest.mark.parametrize("kind", WAIVER_KINDS)
def test_waiver_file(kind):

    @seeded
    @fuzz(WAIVER_KINDS[kind])
    @given(damaged_waivers(kind))
    def prop(case):
        count(f"waiver file {kind}")
        _waiver_case(case)

    prop()


def _waiver_case(case):
    data, key = case
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        tmp = Path(tmp)
        path = write(tmp / "waivers.yaml", data)
        out = tmp / "out"
        out.mkdir()
        run = run_cli("check", "--plan", str(TF_PLAN), "--waivers", str(path), "-o", str(out),
                      "--json", str(out / "check.json"))
        assert_clean_failure(run, [str(path)], key=key, out_dir=out)
    assert not MARKER.exists(), "a YAML tag was executed"


# -- Pulumi project files -------------------------------------------------------------------

PROGRAM = ROOT / "tests" / "programs" / "website-bucket"
PROJECT_DOC = {"description": "fuzzed project", "main": "__main__.py", "name": "website-bucket", "runtime": "python"}


PROJECT_KINDS = {"wrong-type": 6, "remove": 2, "runtime": 5, "main": 8, "truncate": 3, "shift-jis": 2, "control": 3,
                 "duplicate": 1, "tag": 5, "deep": 2, "top-level": 4}


@st.composite
def damaged_project(draw, kind: str) -> tuple[bytes, str | None]:
    text = to_yaml(PROJECT_DOC)
    if kind == "wrong-type":
        name = draw(st.sampled_from(["name", "runtime", "main"]))
        value = draw(container_values().filter(bool))  # an empty main would mean "." (valid)
        if name == "runtime" and isinstance(value, dict):
            value.pop("name", None)
        return to_yaml({**PROJECT_DOC, name: value}).encode(), name
    if kind == "remove":
        name = draw(st.sampled_from(["name", "runtime"]))
        return to_yaml({k: v for k, v in PROJECT_DOC.items() if k != name}).encode(), name
    if kind == "runtime":
        value = draw(st.one_of(st.sampled_from(["nodejs", "go", "dotnet", "yaml", "Python", " python"]),
                               hostile_text().filter(lambda s: s != "python")))
        return to_yaml({**PROJECT_DOC, "runtime": draw(st.sampled_from([value, {"name": value}]))}).encode(), "runtime"
    if kind == "main":
        value = draw(st.one_of(st.sampled_from(["../..", "..", "/etc", "/etc/passwd", "../other/__main__.py",
                                                "missing.py", "__main__.py/..", "\x00"]),
                               hostile_text().map(lambda s: "missing-" + s)))
        return to_yaml({**PROJECT_DOC, "main": value}).encode(), "main"
    if kind == "truncate":  # runtime is the last key: cut before it
        return text[:draw(st.integers(0, text.index("runtime:")))].encode(), None
    if kind == "shift-jis":
        return text.replace("fuzzed project", draw(kana_text()), 1).encode("cp932", errors="replace"), None
    if kind == "control":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + draw(st.sampled_from(["\x00", "\x1b", "\x7f"])) + text[at:]).encode(), None
    if kind == "duplicate":
        return (text + "name: other\n").encode(), "duplicate key"
    if kind == "tag":
        tag = draw(st.sampled_from(YAML_TAGS)).format(marker=MARKER)
        return text.replace("name: website-bucket", f"name: {tag}", 1).encode(), None
    if kind == "deep":
        depth = draw(st.sampled_from([500, 50_000]))
        return text.replace("name: website-bucket", "name: " + "[" * depth + "]" * depth, 1).encode(), None
    return draw(st.sampled_from(["", "just text\n", "- name\n", "42\n"])).encode(), None


@pytest.mark.parametrize("kind", PROJECT_KINDS)
def test_pulumi_project_file(kind):

    @seeded
    @fuzz(PROJECT_KINDS[kind])
    @given(damaged_project(kind))
    def prop(case):
        count(f"Pulumi.yaml {kind}")
        _project_case(case)

    prop()


def _project_case(case):
    data, key = case
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        tmp = Path(tmp)
        project = tmp / "website-bucket"
        project.mkdir()
        for f in PROGRAM.iterdir():
            if f.is_file() and f.name != "Pulumi.yaml":
                (project / f.name).write_bytes(f.read_bytes())
        write(project / "Pulumi.yaml", data)
        out = tmp / "out"
        out.mkdir()
        run = run_cli("synth", "--program", str(project), "--config", str(project / "Pulumi.dev.yaml"), "-o", str(out))
        assert_clean_failure(run, [str(project)], key=key, out_dir=out)
    assert not MARKER.exists(), "a YAML tag was executed"
