"""Fuzzing the classes of issue 15 so they stay fixed: encodings (accepted with a byte-order mark,
refused without), JSON numbers of any size, size caps, device files and other non-regular files,
control and bidi characters in what lands on the terminal and in every report, and waiver shapes
(lifetime, blanket patterns, invisible approvers and reasons).

Each property runs through the reader or the CLI in-process, as test_fuzz_*.py do; counts go to
robust_kit.EXAMPLES (test_volume.py)."""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, strategies as st

import gcbase.inputs as inputs
from gcbase import waivers as W
from gcbase.check.planfile import load_plan_file
from gcbase.errors import GcbaseError
from gcbase.synth.importers import from_preview, from_stack_export
from gcbase.validate import load_settings
from helpers import ROOT
from robust_kit import SPICY, assert_clean_failure, count, fuzz, hostile_text, kana_text, run_cli, seeded

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"
PREVIEW = ROOT / "tests" / "synth" / "fixtures" / "preview.json"
EXPORT = ROOT / "tests" / "synth" / "fixtures" / "stack-export.json"
STACK = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
WAIVERS = ROOT / "baselines" / "waivers.yaml"
SOURCES = {"plan": PLAN, "preview": PREVIEW, "export": EXPORT, "config": STACK, "waivers": WAIVERS}
LOADERS = {"plan": load_plan_file, "preview": lambda p: _plan_shape(from_preview(p)),
           "export": lambda p: _plan_shape(from_stack_export(p)), "config": lambda p: load_settings(p).model_dump(),
           "waivers": lambda p: [(w.check, w.resource, w.reason) for w in W.load_waivers(p)]}
WITH_BOM = ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
WITHOUT_BOM = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp932", "latin-1"]


def _plan_shape(plan):
    return sorted((r.urn, json.dumps(r.inputs, sort_keys=True)) for r in plan.resources)


def _name(kind: str) -> str:
    return STACK.name if kind == "config" else f"{kind}.{'yaml' if kind == 'waivers' else 'json'}"


def _argv(kind: str, path: Path, out: Path) -> list[str]:
    return {"plan": ["check", "--plan", str(path), "--no-boundaries", "-o", str(out)],
            "preview": ["synth", "--preview", str(path), "-o", str(out)],
            "export": ["synth", "--stack-export", str(path), "-o", str(out)],
            "config": ["validate", str(path)],
            "waivers": ["check", "--plan", str(PLAN), "--waivers", str(path), "--no-boundaries", "-o", str(out)]}[kind]


def _bom(codec: str) -> bytes:
    return {"utf-8-sig": b"", "utf-16": b"", "utf-32": b""}.get(codec, "\ufeff".encode(codec))


# -- encodings --------------------------------------------------------------------------------


@seeded
@fuzz(20)
@given(st.sampled_from(sorted(SOURCES)), st.sampled_from(WITH_BOM))
def test_every_reader_accepts_text_with_a_byte_order_mark(kind, codec):
    count("encoding accepted")
    text = SOURCES[kind].read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / _name(kind)
        path.write_bytes(_bom(codec) + text.encode(codec))
        assert LOADERS[kind](path) == LOADERS[kind](SOURCES[kind])


@seeded
@fuzz(15)
@given(st.sampled_from(sorted(SOURCES)), st.sampled_from(WITHOUT_BOM), kana_text())
def test_text_in_another_encoding_without_a_mark_is_one_line(kind, codec, words):
    count("encoding refused")
    text = SOURCES[kind].read_text(encoding="utf-8")
    if codec in ("cp932", "latin-1"):  # valid in its own encoding, never UTF-8
        at = text.index("\n") + 1
        text = text[:at] + ("# " + words + "\n" if kind in ("config", "waivers") else "") + text[at:]
        text = text.replace('"', '"é', 1) if codec == "latin-1" else text.replace('"', '"' + words, 1)
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / _name(kind)
        path.write_bytes(text.encode(codec, errors="replace"))
        out = Path(tmp) / "out"
        out.mkdir()
        errors = assert_clean_failure(run_cli(*_argv(kind, path, out)), [str(path)], out_dir=out)
        assert any("not UTF-8 text (byte" in e for e in errors), errors


# -- JSON numbers ------------------------------------------------------------------------------


def huge_numbers() -> st.SearchStrategy[str]:
    digits = st.integers(inputs.MAX_DIGITS + 1, 6000).map(lambda n: "7" * n)
    exponent = st.integers(309, 99_999).map(lambda e: f"1.5e{e}")
    return st.tuples(st.sampled_from(["", "-"]), st.one_of(digits, exponent)).map("".join)


@seeded
@fuzz(12)
@given(st.sampled_from(["plan", "preview", "export"]), huge_numbers(), st.data())
def test_a_json_number_of_any_size_is_one_line_naming_its_key(kind, number, data):
    count("number")
    doc = json.loads(SOURCES[kind].read_text(encoding="utf-8"))
    if kind == "plan":
        holder = data.draw(st.sampled_from(doc["planned_values"]["root_module"]["resources"]))["values"]
    elif kind == "preview":
        holder = data.draw(st.sampled_from([s for s in doc["steps"] if s.get("newState")]))["newState"]
        holder = holder.setdefault("inputs", {})
    else:
        holder = data.draw(st.sampled_from(doc["deployment"]["resources"])).setdefault("outputs", {})
    holder["gcbaseFuzz"] = 0
    text = json.dumps(doc).replace('"gcbaseFuzz": 0', f'"gcbaseFuzz": {number}')
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / _name(kind)
        path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"
        out.mkdir()
        errors = assert_clean_failure(run_cli(*_argv(kind, path, out)), [str(path)], key="gcbaseFuzz", out_dir=out)
        assert any(f"({len(number)} characters) is beyond what" in e for e in errors), errors


# -- sizes -------------------------------------------------------------------------------------


@seeded
@fuzz(30)
@given(st.integers(1, 5000), st.integers(0, 10_000), st.integers(1, 4096))
def test_the_size_cap_counts_the_bytes_read(cap, size, chunk):
    count("size")
    saved = inputs.CHUNK
    inputs.CHUNK = chunk
    try:
        with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
            path = Path(tmp) / "plan.json"
            path.write_bytes(b"x" * size)
            if size <= cap:
                assert inputs.read_bytes(path, "Terraform plan JSON", cap) == b"x" * size
            else:
                with pytest.raises(GcbaseError, match=f"larger than {cap} bytes"):
                    inputs.read_bytes(path, "Terraform plan JSON", cap)
    finally:
        inputs.CHUNK = saved


# -- device files and other non-regular files ----------------------------------------------------

SPECIAL = {"fifo": "is a FIFO (named pipe), not a regular file", "dev-zero": "is a character device, not a regular file",
           "dev-null": "is a character device, not a regular file", "directory": "is a directory, not a regular file",
           "socket": "is not a regular file", "dangling": "not found", "loop": "cannot read"}


def _special(kind: str, path: Path) -> object:
    """Make path a file of that kind; returns what must be closed or released after the run."""
    if kind == "fifo":
        os.mkfifo(path)
        writer = threading.Thread(target=lambda: open(path, "wb").close(), daemon=True)  # lets a blocking open through
        writer.start()
        return writer
    if kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        return sock
    if kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    else:
        path.symlink_to({"dev-zero": "/dev/zero", "dev-null": "/dev/null", "dangling": "/nonexistent/gcbase"}[kind])
    return None


@seeded
@fuzz(21)
@given(st.sampled_from(sorted(SPECIAL)), st.sampled_from(sorted(SOURCES)))
def test_a_file_that_is_not_a_regular_file_is_one_line_and_never_read(kind, reader):
    count("device")
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / _name(reader)
        held = _special(kind, path)
        out = Path(tmp) / "out"
        out.mkdir()
        try:
            run = run_cli(*_argv(reader, path, out))
        finally:
            if isinstance(held, threading.Thread):  # a reader end held read-write lets the writer's open return
                fd = os.open(path, os.O_RDWR)
                try:
                    held.join()
                finally:
                    os.close(fd)
            elif held is not None:
                held.close()
        errors = assert_clean_failure(run, [str(path)], out_dir=out)
        assert any(SPECIAL[kind] in e for e in errors), errors


# -- what lands on the terminal and in the reports -------------------------------------------------

_UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Cs")


def _unsafe(text: str, allowed: str = "\n") -> list[str]:
    return sorted({repr(ch) for ch in text if unicodedata.category(ch) in _UNSAFE and ch not in allowed})


@st.composite
def hostile_names(draw) -> str:
    forged = draw(st.sampled_from(["\ngate (--fail-on high): PASS", "\r\x1b[2K", "\u202egnp.exe", "\u2028error: ok", ""]))
    return "juki" + forged + draw(hostile_text(24))


@seeded
@fuzz(12)
@given(hostile_names())
def test_hostile_resource_names_never_forge_a_line_or_reach_any_output_raw(name):
    count("output")
    assume(name.strip())
    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    text = json.dumps(doc).replace('"juki"', json.dumps(name)).replace("aws_vpc.juki", "aws_vpc." + json.dumps(name)[1:-1])
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"
        run = run_cli("check", "--plan", str(path), "--no-boundaries", "--scope", "part", "-o", str(out))
        assert run.code in (0, 1), run
        assert not _unsafe(run.text), run
        lines = run.text.splitlines()
        assert [line for line in lines if line.startswith("gate")] == [run.out.splitlines()[-1]], run
        assert all(line.startswith(("error: ", "warning: ", "wrote ", "gate (", "  ", "plan.json")) for line in lines), run
        written = sorted(p.name for p in out.iterdir())
        assert written == ["checklist.xlsx", "junit.xml", "report.html", "report.json", "report.md", "report.sarif"]
        for report in written[1:]:
            assert not _unsafe((out / report).read_text(encoding="utf-8"), "\n"), report


# -- waiver shapes ------------------------------------------------------------------------------

TODAY = date(2026, 12, 3)
VISIBLE = ["CISO", "山田", "情報政策課長", "A1", "(baselines)"]
BLANK = ["\u3164", "\u2800", "\u115f", " "]
HIDDEN = ["\u200b", "\u202e", "\u2066", "\u200d", "\ufeff"]
BLANKET = ["*", "aws_nat_gateway.*", "aws_nat_gateway*", "*.*", "type:*", "aws_nat_gateway.??*"]
NAMED = ["aws_nat_gateway.juki", "aws_nat_gateway.*_private", "type:aws_nat_gateway", "aws_nat_gateway.juki*"]


@st.composite
def waiver_shapes(draw) -> tuple[str, set[str]]:
    """(waiver file text, the keys an error must name): an oracle for the governance rules."""
    bad = draw(st.sets(st.sampled_from(["approver", "reason", "expires", "resource", "scope"]), max_size=2))
    approver_parts = draw(st.lists(st.sampled_from(VISIBLE + BLANK + HIDDEN), min_size=1, max_size=4)
                          if "approver" in bad else st.lists(st.sampled_from(VISIBLE + [" "]), min_size=1, max_size=3)
                          .map(lambda parts: ["CISO"] + parts))
    reason_parts = draw(st.lists(st.sampled_from(["理由を説明する文章です。", "because the fixture needs it", *BLANK, *HIDDEN]),
                                 min_size=1, max_size=4) if "reason" in bad else
                        st.just(["because the fixture needs it"]))
    days = draw(st.integers(366, (date(9999, 12, 31) - TODAY).days) if "expires" in bad else st.integers(-4000, 365))
    resource = draw(st.sampled_from(BLANKET + NAMED))
    scope = draw(st.sampled_from([None, "all", "everything"]) if {"resource", "scope"} & bad else
                 st.just("all" if resource in BLANKET else None))
    approver, reason = "".join(approver_parts), "".join(reason_parts)
    expected = set()
    if any(p in HIDDEN for p in approver_parts):
        expected.add("[0].approver")
    if not any(p in VISIBLE for p in approver_parts):
        expected.add("[0].approver")
    if any(p in HIDDEN for p in reason_parts):
        expected.add("[0].reason")
    if sum(len(p) for p in reason_parts if p not in BLANK + HIDDEN) < W.MIN_REASON:
        expected.add("[0].reason")
    if days > 365:
        expected.add("[0].expires")
    if scope == "everything":
        expected.add("[0].scope")
    elif resource in BLANKET and scope != "all":
        expected.add("[0].resource")
    entry = {"check": "GCJP_AWS_29", "resource": resource, "reason": reason, "approver": approver,
             "expires": (TODAY + timedelta(days=days)).isoformat()}
    if scope is not None:
        entry["scope"] = scope
    return json.dumps([entry], ensure_ascii=False), expected


@seeded
@fuzz(60)
@given(waiver_shapes())
def test_waiver_governance_refuses_exactly_what_breaks_a_rule(case):
    count("waiver shape")
    text, expected = case
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        path = Path(tmp) / "waivers.yaml"  # JSON is YAML: the values arrive exactly as drawn
        path.write_text(text, encoding="utf-8")
        try:
            W.load_waivers(path, TODAY)
            found: set[str] = set()
        except GcbaseError as err:
            found = {p.key.split(".")[0] + "." + p.key.split(".")[1] if "." in p.key else p.key for p in err.problems}
            assert all(str(p).count("\n") == 0 for p in err.problems)
        assert found == expected, (text, found, expected)
