"""The CISO report in a real browser: Debian's chromium, headless, with its own logging on.

The report carries a Content-Security-Policy meta that blocks every load except inline styles
and data: images; Chromium logs each blocked load as a console message. A control page with
an outside image and stylesheet proves the logs show such a load; the report must show none,
and its DOM must hold the findings, the matrix and the topology.

Printed to PDF (A4, Chromium's own print path) and read back with pypdf: page 1 holds the verdict
and the worst findings, and every finding's check id and resource is somewhere in the text, folded
lists included.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from gcbase.report import write_reports
from gcbase.report.html import CSP
from gcbase.report.i18n import Texts
from gcbase.report.model import Finding
from gcbase.report.worst import SHOWN, headlines
from report_fixtures import STACK, TITLE_VIF, report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=1"]
BLOCKED = "violates the following Content Security Policy directive"


def chromium(tmp_path: Path, page: Path, *extra: str) -> tuple[str, str]:
    profile = tmp_path / f"profile-{page.stem}"
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_control_page_shows_that_outside_loads_are_blocked_and_logged(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
                    f'content="{CSP}"></head><body><p>control</p><img src="http://127.0.0.1:9/canary.png">'
                    f'<link rel="stylesheet" href="https://example.invalid/a.css"></body></html>', encoding="utf-8")
    dom, log = chromium(tmp_path, page, "--dump-dom")
    assert "<p>control</p>" in dom
    blocked = [line for line in console(log) if BLOCKED in line]
    assert any("http://127.0.0.1:9/canary.png" in line for line in blocked)
    assert any("https://example.invalid/a.css" in line for line in blocked)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_renders_the_findings_and_requests_nothing(tmp_path, lang):
    page = write_reports(report(), tmp_path / lang, ["html"], lang)[0]
    dom, log = chromium(tmp_path, page, "--dump-dom")
    assert console(log) == []  # no blocked load, no script error, nothing at all on the console
    assert f'<html lang="{lang}">' in dom
    for text in ("GCJP_AWS_1", "aws_organizations_policy.region_allowlist", "aws_internet_gateway.t_juki_igw",
                 "CKV_AWS_130", "kms:Decrypt", STACK):
        assert text in dom, text
    labels = {"ja": ("不適合", "例外承認", "責任分界マトリクス", "マイナンバー利用事務系"),
              "en": ("Fail", "Waived", "Responsibility matrix", "My Number tier")}[lang]
    for text in labels:
        assert text in dom, text
    assert dom.count("<svg") == 2 and 'class="tier-mynumber"' in dom
    assert "&lt;script&gt;" in dom and "<script>" not in dom  # the hostile message stays text


def test_screenshot(tmp_path):
    page = write_reports(report(), tmp_path, ["html"], "ja")[0]
    shot = tmp_path / "shot.png"
    _, log = chromium(tmp_path, page, "--hide-scrollbars", "--window-size=1280,1600", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)
    assert console(log) == []


A4_POINTS = (595.3, 841.9)  # 210 x 297 mm


def _japanese_font() -> bool:
    fc_list = shutil.which("fc-list")
    return bool(fc_list and subprocess.run([fc_list, ":lang=ja"], capture_output=True, text=True).stdout.strip())


def _flat(text: str) -> str:
    """PDF text as comparable: compatibility forms folded (pypdf returns ⾼ for 高, ﬁ for fi), no whitespace
    (a long resource address wraps inside its table cell)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def printed(tmp_path: Path, rep, lang: str) -> tuple[list[str], list[tuple[float, float]]]:
    """(flattened text of each page, each page's size in points) of the report printed by Chromium."""
    import pypdf

    page = write_reports(rep, tmp_path / f"print-{lang}", ["html"], lang)[0]
    pdf = tmp_path / f"report-{lang}.pdf"
    _, log = chromium(tmp_path, page, "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}")
    assert console(log) == []
    reader = pypdf.PdfReader(pdf)
    return ([_flat(p.extract_text()) for p in reader.pages],
            [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages])


def _many() -> object:
    """The fixture's findings plus one check failing on more resources than the report lists unfolded."""
    rep = report()
    rep.findings = rep.findings + [
        Finding("CKV_AWS_145", STACK, f"aws_s3_bucket.printed_bucket_{i:02}", "aws:s3/bucket:Bucket", "fail", "low",
                TITLE_VIF, requirements=("E.7.1.1",)) for i in range(9)]
    return rep


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_printed_on_a4_every_finding_visible_and_page_one_holds_the_verdict(tmp_path, lang):
    rep = _many()
    pages, sizes = printed(tmp_path, rep, lang)
    assert len(pages) > 1
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in sizes), sizes
    first, everything = pages[0], "".join(pages)
    # page 1 is not blank, nor only the header: the worst findings with their resources are there
    for h in headlines(rep)[:SHOWN]:
        assert _flat(h.check_id) in first, h.check_id
        assert _flat(h.findings[0].resource) in first, h.findings[0].resource
    # every finding that is not a pass, folded ones included, is printed somewhere
    shown = rep.errored() + rep.failures() + rep.waived()
    assert len(shown) > 10
    for f in shown:
        assert _flat(f.check_id) in everything and _flat(f.resource) in everything, (f.check_id, f.resource)
    assert _flat("aws_s3_bucket.printed_bucket_08") in everything  # beyond the unfolded five
    if lang == "en" or _japanese_font():  # Japanese glyphs need a Japanese font (.ci/run installs fonts-noto-cjk)
        verdict = rep.verdict_text(Texts(lang))[1]
        assert _flat(verdict) in first
        assert _flat(Texts(lang)("report.title")) in first
