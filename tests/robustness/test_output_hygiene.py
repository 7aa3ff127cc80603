"""Strings from inputs never forge output: a resource address holding a line break, a fake
`gate: PASS` line, a bidi override, a terminal escape, NUL and a zero-width space lands escaped
(`\\n`, `\\u202e`, `\\x1b`) on the terminal and in every report format; the Markdown table keeps
its columns and the xlsx writer never crashes on characters XML cannot carry."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import ROOT
from robust_kit import run_cli

PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json"
EVIL = "juki\ngate (--fail-on high): PASS\r\u202egnp.exe\x1b[2J\x00\u200b\u2028|`x"
RAW = ("\u202e", "\x1b", "\x00", "\u200b", "\u2028", "\r")  # none may reach any output
SHOWN = "juki\\ngate (--fail-on high): PASS\\r\\u202egnp.exe\\x1b[2J\\x00\\u200b\\u2028"  # how it is shown


def _evil_plan(tmp_path: Path) -> Path:
    doc = json.loads(PLAN.read_text(encoding="utf-8"))
    text = json.dumps(doc).replace('"juki"', json.dumps(EVIL)).replace("aws_vpc.juki", "aws_vpc." + json.dumps(EVIL)[1:-1])
    path = tmp_path / "evil.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_hostile_resource_address_is_escaped_on_the_terminal_and_in_every_report(tmp_path):
    out = tmp_path / "out"
    run = run_cli("check", "--plan", str(_evil_plan(tmp_path)), "-o", str(out), "--no-boundaries")
    assert run.code == 1, run
    lines = run.text.splitlines()
    gates = [line for line in lines if line.lstrip().startswith("gate")]
    assert len(gates) == 1 and gates[0].startswith("gate (--fail-on high): FAIL"), gates  # no forged verdict
    assert not any(ch in run.text for ch in RAW), run
    assert SHOWN in run.out  # the failing resource is listed, escaped, on its one line
    assert sorted(p.name for p in out.iterdir()) == ["checklist.xlsx", "junit.xml", "report.html", "report.json",
                                                     "report.md", "report.sarif"]
    for name in ("report.html", "report.md", "report.sarif", "junit.xml", "report.json"):
        text = (out / name).read_text(encoding="utf-8")
        assert not any(ch in text for ch in RAW), name
        assert "\\u202e" in text, name  # shown escaped, not dropped
    with zipfile.ZipFile(out / "checklist.xlsx") as xlsx:
        for part in xlsx.namelist():
            assert not any(ch in xlsx.read(part).decode("utf-8", "replace") for ch in RAW), part
    found = [c.value for ws in load_workbook(out / "checklist.xlsx") for row in ws.iter_rows() for c in row
             if c.value and "\\u202e" in str(c.value)]
    assert found
    md = (out / "report.md").read_text(encoding="utf-8").splitlines()
    header = next(line for line in md if line.startswith("| ") and "aws_vpc" not in line and "---" not in line
                  and line.count("|") == 7)  # the findings table: six columns
    findings_table = [line for line in md if line.startswith("| ") and "aws_vpc.juki" in line]
    assert findings_table and all(line.replace("\\|", "").count("|") == header.count("|") for line in findings_table)
    assert not any(line.startswith("gate") for line in md)


def test_the_xlsx_writer_never_crashes_on_characters_xml_cannot_carry(tmp_path):
    """Even a report model built without collect.py (which cleans inputs) is written."""
    from gcbase.report import xlsx
    from gcbase.report.model import Finding, Report, Requirement, StackReport

    bad = "x\x00\x01\x1b\x0b"
    findings = [Finding("GCJP_AWS_28", "s" + bad, "aws_vpc." + bad, "aws_vpc", status, "high",
                        {"ja": "t" + bad, "en": "t" + bad}, requirements=("GL.3T.1",), message="m" + bad)
                for status in ("fail", "waived", "error")]
    hostile = Report([StackReport("s" + bad, "f" + bad)], findings,
                     [Requirement("GL.3T.1", "G", {"ja": "r", "en": "r"}, checks=("GCJP_AWS_28",))])
    data = xlsx.render(hostile)
    path = tmp_path / "checklist.xlsx"
    path.write_bytes(data)
    cells = [str(c.value) for ws in load_workbook(path) for row in ws.iter_rows() for c in row if c.value]
    assert any("aws_vpc.x\\x00\\x01\\x1b\\x0b" in c for c in cells), cells


def test_the_markdown_cell_escapers_keep_one_line():
    from gcbase.report import md

    assert md._code("a\nb|c`d\u202e") == "`a\\nb\\|c'd\\u202e`"
    assert "\n" not in md._cell("x\ny\u2029z")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u202a", "\u202b", "\u202c",
                                  "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c",
                                  "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\ufeff", "\u061c"])
def test_clean_escapes_every_control_bidi_zero_width_and_separator_character(char):
    from gcbase.report.sanitize import clean

    shown = clean(f"a{char}b")
    assert char not in shown and shown.startswith("a\\") and shown.endswith("b") and shown.isascii()


def test_clean_keeps_japanese_emoji_and_combining_marks():
    from gcbase.report.sanitize import clean, clean_deep

    for text in ("世田谷区 ガバメントクラウド", "👾", "e\u0301", "aws_vpc.juki[0]", "<script>&"):
        assert clean(text) == text
    assert clean_deep({"k\n": ["v\u202e", 1, None]}) == {"k\\n": ["v\\u202e", 1, None]}


def test_clean_lines_keeps_the_line_breaks_of_a_rendered_matrix_and_escapes_the_rest():
    from gcbase.report.sanitize import clean_lines

    assert clean_lines("row a\u202e\n  hop b\x1b[2J\r\n") == "row a\\u202e\n  hop b\\x1b[2J\n"
