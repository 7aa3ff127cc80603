"""例外: a profile value below the standard's level (or gcbase's default) that the stack recorded a reason for
shows beside the verdict in every format, with the value, the level, whose level it is, the reason and the approver;
the stack's security model and deprecated spellings travel too."""

from __future__ import annotations

import html
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gcbase.report import render
from tests.report.report_fixtures import STACK, report

EXCEPTION = {"key": "availability", "value": 99.0, "level": 99.5, "status": "standard", "requirement": "A.1.5.1",
             "reason": "検証環境のため", "approver": "世田谷区 CISO"}
JA = "例外（131121-prod）: 稼働率（%）（A.1.5.1）を 99 とし、標準の水準 99.5 を下回ります。理由: 検証環境のため（承認: 世田谷区 CISO）"
EN = ("Exception (131121-prod): Availability (%) (A.1.5.1) is 99, below the standard's level 99.5. "
      "Reason: 検証環境のため (approved by 世田谷区 CISO)")


def with_exception():
    rep = report()
    rep.stacks[0].exceptions = (EXCEPTION,)
    rep.stacks[0].deprecations = ("stacks/Pulumi.131121-prod.yaml: gcbase:network.connection: 'connection-service' is deprecated",)
    rep.stacks[0].security_model = "beta"
    return rep


@pytest.mark.parametrize("lang, sentence", [("ja", JA), ("en", EN)])
def test_html_and_markdown_show_the_exception_beside_the_verdict(lang, sentence):
    rep = with_exception()
    assert sentence in html.unescape(render(rep, "html", lang))
    assert sentence in render(rep, "md", lang).replace("\\", "")


def test_xlsx_verdict_sheet_shows_the_exception():
    wb = load_workbook(BytesIO(render(with_exception(), "xlsx", "ja")))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert JA in cells
    assert any(str(c).startswith("廃止された名称（131121-prod）") for c in cells)


def test_json_lists_exceptions_deprecations_and_the_model_per_stack():
    doc = json.loads(render(with_exception(), "json", "ja"))
    [stack] = doc["stacks"]
    assert stack["stack"] == STACK and stack["profileExceptions"] == [EXCEPTION]
    assert stack["securityModel"] == "beta" and "'connection-service' is deprecated" in stack["deprecations"][0]


def test_a_stack_without_exceptions_adds_no_note():
    assert "例外（" not in render(report(), "html", "ja")
    assert json.loads(render(report(), "json", "ja"))["stacks"][0]["profileExceptions"] == []


def test_html_names_the_security_model_of_each_stack():
    assert "131121-prod: セキュリティモデル βモデル" in render(with_exception(), "html", "ja")
