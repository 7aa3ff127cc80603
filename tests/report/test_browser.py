"""The CISO report in a real browser: Debian's chromium, headless, with its own logging on.

The report carries a Content-Security-Policy meta that blocks every load except inline styles
and data: images; Chromium logs each blocked load as a console message. A control page with
an outside image and stylesheet proves the logs show such a load; the report must show none,
and its DOM must hold the findings, the matrix and the topology.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gcbase.report import write_reports
from gcbase.report.html import CSP
from report_fixtures import STACK, report

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
