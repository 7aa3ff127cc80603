"""The checklist municipal staff work with, as an Excel workbook (openpyxl).

Sheet 1 (判定): the gate's verdict, when it was made (JST) and each mandatory requirement not met.
Sheet 2: one row per stack and requirement (a multi-stack run has several stacks): スタック, 要件ID,
区分, 要件, 判定 (適合 / 不適合 / 不適合（欠落） / 例外承認 / 未確認 / 未確認（点検エラー）: a check
raised), evidence, waiver, 出典区分 (標準 / ガイドライン / gcbase の選択) and 出典 (document, section,
relay, reason, URL); then one row per category a plan cannot show (B, D, F), to be verified
by operations and tests. 判定 keeps a drop-down of these values so a reviewer can record a manual
check. Sheet 3: the findings behind the errors, failures and waivers. Every sheet prints on A4
landscape, fitted to the page width, its header row repeated on every page. Every cell is written as
text, so nothing a resource name contains can become a formula.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from gcbase.report.clock import shown as shown_time, utc_naive
from gcbase.report.i18n import Texts
from gcbase.report.model import VERDICTS, Finding, Report, StackReport, first_page_notes, waiver_ref
from gcbase.report.sanitize import clean

FILLS = {"pass": "C8E6C9", "fail": "FFCDD2", "missing": "FFCDD2", "waived": "FFE0B2", "unverified": "E0E0E0",
         "error": "E1BEE7"}
HEADER_FILL = PatternFill("solid", fgColor="37474F")
CHECKLIST_WIDTHS = (14, 12, 26, 44, 14, 60, 50, 14, 60)
FINDING_WIDTHS = (14, 10, 16, 40, 14, 24, 40, 34, 50, 50)


def _text(ws: Worksheet, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col)
    # illegal in XML (openpyxl raises on them): escaped visibly, never a crash (collect.py cleans inputs first)
    cell.value = "" if value is None else ILLEGAL_CHARACTERS_RE.sub(lambda m: clean(m.group()), str(value))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(ws: Worksheet, titles: list[str], widths: tuple[int, ...]) -> None:
    for col, (title, width) in enumerate(zip(titles, widths), start=1):
        _text(ws, 1, col, title)
        ws.cell(row=1, column=col).font = Font(bold=True, color="FFFFFF")
        ws.cell(row=1, column=col).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _print_setup(ws: Worksheet, t: Texts, last_column: int) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), header row on every page,
    the report's title in the page header and page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(last_column)}{max(ws.max_row, 2)}"
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)
    ws.oddHeader.center.text = f"{t('report.title')} — {ws.title}"
    ws.oddFooter.center.text = "&P / &N"
    ws.print_options.horizontalCentered = True


def _title(texts: dict[str, str], t: Texts, fallback: str = "") -> str:
    """A title in the report's language; one without a translation says so: '... （英語のみ）'."""
    text, lang = t.pick_lang(texts, fallback)
    label = t.untranslated_label(lang)
    return f"{text}（{label}）" if label and t.lang == "ja" else f"{text} ({label})" if label else text


def _evidence(found: list[Finding], t: Texts) -> str:
    counts = ", ".join(f"{t('status.' + s)} {n}" for s in ("pass", "fail", "waived", "error")
                       if (n := sum(1 for f in found if f.status == s)))
    checks = ", ".join(sorted({f.check_id for f in found}))
    failing = [f"{t('status.error')}: {f.check_id} {f.stack} {f.resource}: {f.message}" for f in found if f.status == "error"]
    failing += [f"{f.check_id} {f.stack} {f.resource}" for f in found if f.status == "fail"]
    return "\n".join(x for x in (counts, checks, *failing[:10]) if x)


def _waivers(found: list[Finding], t: Texts) -> str:
    lines = []
    for f in found:
        if f.waiver is None:
            continue
        w = f.waiver
        prefix = t("waiver.expired") + ": " if f.expired_waiver else ""
        lines.append(f"{prefix}{w.check} {f.resource}: " + waiver_ref(w, t))
    return "\n".join(dict.fromkeys(lines))


def _stack_verdict(report: Report, stack: StackReport, rid: str, found: list[Finding]) -> str:
    """The requirement's verdict for one stack: missing only where the stack must meet it and is a whole tenancy."""
    return report.verdict(rid, found, mandatory=stack.scope == "tenancy" and rid in stack.mandatory)


def _checklist(ws: Worksheet, report: Report, t: Texts) -> None:
    ws.title = t("xlsx.checklist")
    _header(ws, [t("col.stack"), t("col.requirement_id"), t("col.category"), t("col.requirement"), t("col.result"),
                 t("col.evidence"), t("col.waiver"), t("col.provenance"), t("col.source")], CHECKLIST_WIDTHS)
    row = 1
    for stack in report.stacks:
        by_req: dict[str, list[Finding]] = {}
        for f in report.findings:
            if f.stack == stack.stack:
                for rid in f.requirements:
                    by_req.setdefault(rid, []).append(f)
        for req in report.requirements:
            row += 1
            found = by_req.get(req.id, [])
            verdict = _stack_verdict(report, stack, req.id, found)
            provenance = t("provenance." + req.status) if req.status else ""
            for col, value in enumerate((stack.stack, req.id, report.category_title(req.category, t), t.pick(req.title),
                                         t("status." + verdict), _evidence(found, t), _waivers(found, t), provenance,
                                         "\n".join(x for x in (req.basis(t), req.source.get("url", "")) if x)), start=1):
                _text(ws, row, col, value)
            ws.cell(row=row, column=5).fill = PatternFill("solid", fgColor=FILLS[verdict])
        for cat in report.categories_not_plan_checkable():  # B, D, F: what operations and tests verify
            row += 1
            about = t.get(f"scope.{cat}.about", report.category_title(cat, t))
            verified = t.get(f"scope.{cat}.verified", t("scope.verified"))
            for col, value in enumerate((stack.stack, cat, report.category_title(cat, t), about,
                                         t("status.unverified"), f"{t('xlsx.not_plan_checkable')}\n{verified}", ""),
                                        start=1):
                _text(ws, row, col, value)
            ws.cell(row=row, column=5).fill = PatternFill("solid", fgColor=FILLS["unverified"])
    last = max(row, 2)
    # what a reviewer records; 点検エラー only when a check raised, so those cells hold a listed value
    choices = ",".join(t("status." + v) for v in VERDICTS if v != "error" or report.errored())
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
    validation.add(f"E2:E{last}")
    ws.add_data_validation(validation)
    ws.auto_filter.ref = f"A1:I{last}"
    _print_setup(ws, t, 9)


def _findings(ws: Worksheet, report: Report, t: Texts) -> None:
    _header(ws, [t("col.result"), t("col.severity"), t("col.check"), t("col.requirement"), t("col.requirement_id"),
                 t("col.stack"), t("col.resource"), t("col.location"), t("col.remediation"), t("col.waiver")],
            FINDING_WIDTHS)
    for row, f in enumerate(report.errored() + report.failures() + report.waived(), start=2):
        where = f"{f.location.file}:{f.location.line or 1} {f.location.key}".rstrip() if f.location else ""
        status = t("status.expired_waiver") if f.expired_waiver else t("status." + f.status)
        remediation = {k: v for k, v in f.remediation.items() if k in ("ja", "en") and v}
        for col, value in enumerate((status, t.get(f"severity.{f.severity}", f.severity), f.check_id,
                                     _title(f.title, t, f.check_id), ", ".join(f.requirements), f.stack, f.resource,
                                     where, _title(remediation, t) if remediation else
                                     t("remediation.none", check=f.check_id), _waivers([f], t)), start=1):
            _text(ws, row, col, value)
    ws.auto_filter.ref = f"A1:J{max(ws.max_row, 2)}"
    _print_setup(ws, t, 10)


VERDICT_FILLS = {"pass": "C8E6C9", "findings": "FFF59D", "fail": "FFCDD2", "error": "E1BEE7"}


def _verdict(ws: Worksheet, report: Report, t: Texts) -> None:
    """The gate's verdict, the same sentence every format shows, and each mandatory requirement not met."""
    ws.title = t("verdict.title")
    state, text = report.verdict_text(t)
    _header(ws, [t("verdict.title"), t("col.stack"), t("col.requirement_id"), t("col.result")], (60, 16, 14, 20))
    _text(ws, 2, 1, text)
    ws.cell(row=2, column=1).fill = PatternFill("solid", fgColor=VERDICT_FILLS[state])
    _text(ws, 3, 1, t("report.generated", when=shown_time(report.generated_at), version=report.version))
    for row, note in enumerate(first_page_notes(report, t), start=4):  # blanket and baseline waivers
        _text(ws, row, 1, note)
    for row, (stack, rid, why) in enumerate(report.mandatory_failures(), start=2):
        for col, value in ((2, stack), (3, rid), (4, t("status." + why))):
            _text(ws, row, col, value)
    _print_setup(ws, t, 4)


def to_workbook(report: Report, lang: str = "ja") -> Workbook:
    t = Texts(lang)
    wb = Workbook()
    _checklist(wb.active, report, t)
    _findings(wb.create_sheet(t("nav.findings")), report, t)
    _verdict(wb.create_sheet(t("verdict.title"), 0), report, t)  # first: what a CISO signs
    wb.active = 0
    wb.properties.creator = "gcbase"
    wb.properties.title = t("report.title")
    stamp = utc_naive(report.generated_at)  # the report's own time (xlsx stores UTC), so the same results
    if stamp is not None:                    # give the same workbook
        wb.properties.created = wb.properties.modified = stamp
    return wb


def render(report: Report, lang: str = "ja") -> bytes:
    buffer = BytesIO()
    to_workbook(report, lang).save(buffer)
    return buffer.getvalue()
