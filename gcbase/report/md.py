"""A short Markdown summary for a pull-request or merge-request comment (GitHub, GitLab).

The verdict, the per-category table, the checks that raised and the worst findings (at most
MAX_ROWS in all) and waiver warnings; the HTML report has the rest. Cell text is escaped so a resource name cannot break the table
or inject markup.
"""

from __future__ import annotations

import re

from gcbase.report.clock import shown as shown_time
from gcbase.report.i18n import Texts
from gcbase.report.model import Finding, Report, first_page_notes
from gcbase.report.sanitize import clean

MAX_ROWS = 15
MAX_CELL = 120
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def _cell(text: str) -> str:
    text = " ".join(clean(text).split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text)


def _para(text: str) -> str:
    """Running text on one line, escaped like a cell but never cut."""
    return _SPECIAL.sub(r"\\\1", " ".join(clean(text).split()))


def _code(text: str) -> str:
    """An inline code span: no backticks inside, pipes escaped (GFM tables split on them even there)."""
    return "`" + clean(text).replace("`", "'").replace("|", "\\|") + "`"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _title(f: Finding, t: Texts) -> str:
    """The check's title; one the report's language has no translation for says so (_英語のみ_)."""
    text, lang = t.pick_lang(f.title, f.check_id)
    label = t.untranslated_label(lang)
    return _cell(text) + (f" _({_cell(label)})_" if label else "")


def _finding_row(f: Finding, t: Texts) -> str:
    where = f"{f.location.file}:{f.location.line or 1}" if f.location else ""
    status = t("status.expired_waiver") if f.expired_waiver else t("status." + f.status)
    return _row([_cell(status), _cell(t(f"severity.{f.severity}") if f.severity else ""),
                 f"{_code(f.check_id)} {_title(f, t)}", _cell(", ".join(f.requirements)),
                 f"{_cell(f.stack)} {_code(f.resource)}", _code(where) if where else ""])


def render(report: Report, lang: str = "ja") -> str:
    t = Texts(lang)
    state, verdict = report.verdict_text(t)
    icon = {"pass": "✅", "findings": "🟡", "fail": "❌"}.get(state, "⚠️")
    out = [f"## {icon} {_cell(t('report.title'))}", "", f"**{_cell(verdict)}**", ""]
    out += [f"> ⚠️ {_para(note)}\n" for note in first_page_notes(report, t)]  # blanket and baseline waivers
    stacks = ", ".join(s.stack for s in report.stacks)
    out += [_cell(t("report.subtitle", municipalities=stacks, stacks=len(report.stacks))),
            "", _cell(t("report.generated", when=shown_time(report.generated_at), version=report.version)), ""]

    statuses = ("pass", "fail", "missing", "waived", "unverified") + (("error",) if report.errored() else ())
    out.append(_row([t("col.category")] + [t("status." + s) for s in statuses]))
    out.append(_row(["---"] * (len(statuses) + 1)))
    for cat, counts in sorted(report.requirement_verdict_counts().items()):
        out.append(_row([_cell(report.category_title(cat, t))] + [str(counts.get(s, 0)) for s in statuses]))
    out.append("")

    shown = report.errored() + report.failures() + report.waived()
    if shown:
        out += [f"### {t('nav.findings')}", ""]
        out.append(_row([t("col.result"), t("col.severity"), t("col.check"), t("col.requirement_id"),
                         t("col.resource"), t("col.location")]))
        out.append(_row(["---"] * 6))
        out += [_finding_row(f, t) for f in shown[:MAX_ROWS]]
        if len(shown) > MAX_ROWS:
            out.append(f"\n_{t('md.more', count=len(shown) - MAX_ROWS)}_")
        out.append("")
    paths = [f for f in shown[:MAX_ROWS] if f.path and f.status == "fail"]
    if paths:  # network findings: each path hop by hop (the HTML report draws them)
        label = t.untranslated_label("en")  # checks describe hops in English
        out += [f"### {t('md.paths')}" + (f" _({label})_" if label else ""), ""]
        out += [f"{n}. {_code(f.check_id)} {_code(f.resource)}: " + " → ".join(_cell(h.get('text', '')) for h in f.path)
                for n, f in enumerate(paths, start=1)]
        out.append("")
    violations = report.boundary_violations()
    if violations:
        out += [f"### {t('nav.boundaries')}", ""]
        out += [f"- ❌ {_cell(row.stack)} {_cell(t.pick(row.title))} {_code(row.action)}: "
                f"{_cell(t.get('party.' + cell.party, cell.party))} — {_cell(t('boundaries.mismatch.' + cell.expected))}"
                for row, cell in violations[:MAX_ROWS]]
        out.append("")
    warnings = [f"- ⚠️ {t('waiver.' + s.state)}: {_code(s.waiver.check)} {_code(s.waiver.resource)} "
                f"({_code(f'{s.waiver.file}:{s.waiver.line or 1}')})"
                + (f" {_cell(t('waiver.baseline'))}" if s.waiver.baseline else "")
                for s in report.waivers if s.state != "active"]
    if warnings:
        out += [f"### {t('nav.waivers')}", "", *warnings, ""]
    unplanned = report.categories_not_plan_checkable()
    if unplanned:
        out.append(f"{t('scope.title')}: " + ", ".join(_cell(report.category_title(c, t)) for c in unplanned)
                   + f" — {t('scope.verified')}")
        out.append("")
    if report.checks_not_run or report.types_not_checked:
        out.append(f"{t('nav.coverage')}: {t('coverage.checks_not_run')} {len(report.checks_not_run)}, "
                   f"{t('coverage.types_not_checked')} {len(report.types_not_checked)}")
        out.append("")
    out.append(t("md.details"))
    return "\n".join(out) + "\n"
