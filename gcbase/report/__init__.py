"""Reports of `gcbase check`: one writer per format, all reading one gcbase.report.model.Report.

    html   report.html     the CISO report, self-contained, opens offline (ja default, en)
    md     report.md       short summary for a pull-request comment
    sarif  report.sarif    SARIF 2.1.0 for code scanning, locations in the stack config
    junit  junit.xml       one testcase per check x resource, for GitLab and Jenkins
    json   report.json     everything, for machines
    xlsx   checklist.xlsx  one row per requirement, the checklist municipal staff fill in
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Iterable

from gcbase.errors import GcbaseError
from gcbase.outputs import write_bytes, write_text
from gcbase.report.i18n import DEFAULT_LANG, check_lang
from gcbase.report.model import Report

FILENAMES: dict[str, str] = {
    "html": "report.html",
    "md": "report.md",
    "sarif": "report.sarif",
    "junit": "junit.xml",
    "json": "report.json",
    "xlsx": "checklist.xlsx",
}
FORMATS: tuple[str, ...] = tuple(FILENAMES)


def parse_formats(text: str) -> list[str]:
    """'html,sarif' -> ['html', 'sarif'] (order kept, repeats dropped); one clear error otherwise."""
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [f for f in wanted if f not in FILENAMES]
    if unknown or not wanted:
        raise GcbaseError.one("--format", "", f"{', '.join(unknown) or repr(text)} is not a report format; "
                                              f"allowed: a comma-separated subset of {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def render(report: Report, fmt: str, lang: str = DEFAULT_LANG) -> str | bytes:
    module = import_module(f"gcbase.report.{fmt}")
    return module.render(report, check_lang(lang))


def write_reports(report: Report, out_dir: Path | str, formats: Iterable[str], lang: str = DEFAULT_LANG) -> list[Path]:
    """Write each format into out_dir (created when missing); each file appears whole or not at all."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GcbaseError.one(str(out), "", f"cannot create the report directory: {err.strerror or err}") from None
    written = []
    for fmt in formats:
        data = render(report, fmt, lang)
        path = out / FILENAMES[fmt]
        written.append(write_bytes(path, data) if isinstance(data, bytes) else write_text(path, data))
    return written
