"""The CISO report: one self-contained HTML file (inline CSS and SVG, no script, no outside fetch).

Its own Content-Security-Policy forbids every load but inline styles and data: images, so the
file behaves the same on an office PC inside LGWAN as on a laptop online. Printed (A4, report.css)
its first page holds the verdict and the worst findings with their requirement, resource and
remediation, and every folded list is printed unfolded. Text the report's language has no
translation for (a Checkov title, a check's detail, which checks write in English) is marked as
such: its own lang attribute and a small 「英語のみ」 label, never silently mixed in.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from gcbase.report.clock import shown as shown_time
from gcbase.report.i18n import Texts
from gcbase.check.findings import SEVERITIES
from gcbase.report.model import BoundaryCell, Finding, Report, first_page_notes, waiver_ref
from gcbase.report.topology import topology_svg
from gcbase.report.worst import SHOWN, Headline, headlines

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS_FILE = Path(__file__).with_name("report.css")
STATUS_ORDER = ("pass", "waived", "fail", "error")
BAR_COLOURS = {"pass": "#2e7d32", "waived": "#ef6c00", "fail": "#c62828", "error": "#6a1b9a"}
VERDICT_ORDER = ("pass", "fail", "missing", "waived", "unverified", "error")
MAX_SHOWN = 5  # resources listed per check before the rest fold away
HEADLINE_RESOURCES = 2  # resources named per item on the first page
HEADLINE_MISSING = 4  # missing requirements named with their title on the first page (the rest by id)
HEADLINE_REMEDIATION = 260  # characters of remediation on the first page (the findings section has it all)
CHECK_LANG = "en"  # the language gcbase's checks and Checkov write their details in


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _marked(text: str, lang: str, t: Texts) -> str:
    """Escaped text; in another language than the report's: its own lang attribute and a label saying so."""
    if lang == t.lang or not text:
        return _e(text)
    return (f'<span lang="{_e(lang)}">{_e(text)}</span> '
            f'<span class="untranslated">{_e(t.untranslated_label(lang))}</span>')


def _pick(texts: object, t: Texts, fallback: str = "") -> str:
    """A {ja, en} text in the report's language, or marked as untranslated (see _marked)."""
    text, lang = t.pick_lang(texts, fallback)  # type: ignore[arg-type]
    return _marked(text, lang, t)


def _fold(summary: str, body: str) -> str:
    """Folded on screen; on paper a closed <details> shows only its summary, so the body is printed
    from a copy only print shows (no script may open it: the CSP forbids every script)."""
    return (f'<details class="fold"><summary>{summary}</summary>{body}</details>'
            f'<div class="print-only">{body}</div>')


def _table(head: list[str], rows: list[list[str]], empty: str) -> str:
    """rows hold HTML already escaped by the caller."""
    if not rows:
        return f'<p class="note">{_e(empty)}</p>'
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _badge(status: str, t: Texts) -> str:
    return f'<span class="badge {_e(status)}">{_e(t("status." + status))}</span>'


def _sev(severity: str, t: Texts) -> str:
    key = f"severity.{severity}" if severity in SEVERITIES else "severity.info"
    return f'<span class="sev {_e(severity)}">{_e(t(key))}</span>'


def _chart(report: Report, t: Texts) -> str:
    """Horizontal stacked bars: pass / waived / fail results per requirement category."""
    counts = report.category_counts()
    cats = list(counts)
    widest = max((sum(c.values()) for c in counts.values()), default=0) or 1
    row_h, label_w, bar_w = 26, 360, 400
    statuses = STATUS_ORDER if report.errored() else STATUS_ORDER[:-1]  # the error count only when a check raised
    parts = []
    for i, cat in enumerate(cats):
        y = 10 + i * row_h
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{_e(report.category_title(cat, t))}</text>')
        x = label_w
        for status in STATUS_ORDER:
            n = counts[cat][status]
            if not n:
                continue
            w = max(round(bar_w * n / widest), 2)
            parts.append(f'<rect class="bar-{status}" x="{x}" y="{y}" width="{w}" height="18" fill="{BAR_COLOURS[status]}">'
                         f'<title>{_e(t("status." + status))}: {n}</title></rect>')
            x += w
        total = " / ".join(f'{t("status." + s)} {counts[cat][s]}' for s in statuses)
        parts.append(f'<text x="{x + 6}" y="{y + 14}" font-size="11" fill="#455a64">{_e(total)}</text>')
    height = 20 + len(cats) * row_h
    return (f'<svg viewBox="0 0 1000 {height}" width="100%" role="img" aria-label="{_e(t("chart.title"))}" '
            f'font-family="sans-serif"><title>{_e(t("chart.title"))}</title>{"".join(parts)}</svg>')


def _summary(report: Report, t: Texts) -> str:
    verdicts = report.requirement_verdict_counts()
    results = report.category_counts()
    shown = VERDICT_ORDER if report.errored() else VERDICT_ORDER[:-1]  # the error columns only when a check raised
    statuses = STATUS_ORDER if report.errored() else STATUS_ORDER[:-1]
    rows = []
    for cat in sorted(set(verdicts) | set(results)):
        v, r = verdicts.get(cat), results.get(cat)
        rows.append([_e(report.category_title(cat, t))]
                    + [str((v or {}).get(s, 0)) for s in shown]
                    + [str((r or {}).get(s, 0)) for s in statuses])
    head = [t("col.category")] + [f'{t("col.requirement")}: {t("status." + s)}' for s in shown] \
        + [f'{t("col.check")}: {t("status." + s)}' for s in statuses]
    return _chart(report, t) + _table(head, rows, t("report.no_findings")) + _not_plan_checkable(report, t)


def _not_plan_checkable(report: Report, t: Texts) -> str:
    """The categories of the standard no requirement of the catalogue checks from a plan (B, D, F):
    what each is about and how it is verified instead, so their absence is explained, not silent."""
    rows = [[f"<b>{_e(report.category_title(cat, t))}</b>", _e(t.get(f"scope.{cat}.about", "")),
             _e(t.get(f"scope.{cat}.verified", t("scope.verified")))]
            for cat in report.categories_not_plan_checkable()]
    if not rows:
        return ""
    return (f'<h3 id="not-plan-checkable">{_e(t("scope.title"))}</h3><p class="note">{_e(t("scope.intro"))}</p>'
            + _table([t("col.category"), t("scope.col.about"), t("scope.col.verified")], rows, ""))


def _location(f: Finding) -> str:
    if f.location is None:
        return ""
    where = f"{f.location.file}:{f.location.line}" if f.location.line else f.location.file
    return f"<code>{_e(where)}</code>" + (f" <code>{_e(f.location.key)}</code>" if f.location.key else "")


def _remediation(f: Finding, t: Texts) -> str:
    texts = {k: v for k, v in f.remediation.items() if k in ("ja", "en") and v}
    snippet = f.remediation.get("pulumi") or f.remediation.get("snippet") or ""
    out = _pick(texts, t) if texts else f'<span class="note">{_e(t("remediation.none", check=f.check_id))}</span>'
    if snippet:
        out += _fold("Pulumi", f"<pre>{_e(snippet)}</pre>")
    return out


def _waiver_text(f: Finding, t: Texts) -> str:
    w = f.waiver
    if w is None:
        return ""
    text = _e(waiver_ref(w, t))
    return f'<span class="warn">{_e(t("waiver.expired"))}</span> {text}' if f.expired_waiver else text


def _path_labels(report: Report) -> dict[int, str]:
    """id(finding) -> "P1", "P2", ... for each failing finding with a network path, per stack."""
    out: dict[int, str] = {}
    for stack in report.stacks:
        for n, f in enumerate((f for f in report.failures() if f.stack == stack.stack and f.path), start=1):
            out[id(f)] = f"P{n}"
    return out


def _resource_item(f: Finding, t: Texts, label: str = "") -> str:
    message = f.message.split(" Path: ", 1)[0] if f.path else f.message
    parts = [f"{_e(f.stack)} <code>{_e(f.resource)}</code>", _location(f), _marked(message, CHECK_LANG, t)]
    if f.path:
        hops = "".join(f'<li><span class="hop-{_e(h.get("kind", ""))}" lang="{CHECK_LANG}">{_e(h.get("text", ""))}'
                       f'</span></li>' for h in f.path)
        untranslated = t.untranslated_label(CHECK_LANG)
        parts.append((f'<span class="untranslated">{_e(untranslated)}</span> ' if untranslated else "")
                     + (f'<b class="path-label">{_e(label)}</b> ' if label else "") + f'<ol class="path">{hops}</ol>')
    return "<li>" + "<br>".join(p for p in parts if p) + "</li>"


def _findings(report: Report, t: Texts, requirement_titles: dict[str, str]) -> str:
    """One row per check and result, worst first, with every resource it concerns."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    labels = _path_labels(report)
    for f in report.errored() + report.failures() + report.waived():
        groups.setdefault((f.check_id, f.status), []).append(f)
    rows = []
    for (check_id, status), found in groups.items():
        first = found[0]
        reqs = "<br>".join(f"<b>{_e(r)}</b> {_e(requirement_titles.get(r, ''))}" for r in first.requirements)
        items = [_resource_item(f, t, labels.get(id(f), "")) for f in found]
        resources = f'<ul class="resources">{"".join(items[:MAX_SHOWN])}</ul>'
        if len(items) > MAX_SHOWN:
            resources += _fold(_e(t("md.more", count=len(items) - MAX_SHOWN)),
                               f'<ul class="resources">{"".join(items[MAX_SHOWN:])}</ul>')
        waivers = "<br>".join(dict.fromkeys(_waiver_text(f, t) for f in found if f.waiver is not None))
        rows.append([_badge(status, t), _sev(first.severity, t),
                     f"<code>{_e(check_id)}</code><br>{_pick(first.title, t)}", reqs,
                     f'<span class="count">{len(found)}</span>{resources}', _remediation(first, t), waivers])
    head = [t("col.result"), t("col.severity"), t("col.check"), t("col.requirement"), t("col.resource"),
            t("col.remediation"), t("col.waiver")]
    return _table(head, rows, t("report.no_findings"))


def _provenance(r, t: Texts) -> str:
    """The requirement's source status (standard / guideline / gcbase's choice) with its basis and URL."""
    if not r.status:
        return ""
    url = r.source.get("url", "") if r.source else ""
    link = f'<br><span class="note">{_e(url)}</span>' if url else ""
    return (f'<span class="prov {_e(r.status)}">{_e(t("provenance." + r.status))}</span>'
            f'<br><span class="note">{_e(r.basis(t))}</span>{link}')


def _requirements(report: Report, t: Texts) -> str:
    by_req = report.by_requirement()
    rows = []
    for r in report.requirements:
        found = by_req.get(r.id, [])
        verdict = report.verdict(r.id, found)
        evidence = ", ".join(f'{t("status." + s)} {sum(1 for f in found if f.status == s)}'
                             for s in STATUS_ORDER if any(f.status == s for f in found))
        checks = sorted({f.check_id for f in found})
        rows.append([f"<b>{_e(r.id)}</b>", _e(report.category_title(r.category, t)), _e(t.pick(r.title)),
                     _provenance(r, t), _badge(verdict, t),
                     _e(evidence) + (f'<br><code>{_e(", ".join(checks))}</code>' if checks else "")])
    head = [t("col.requirement_id"), t("col.category"), t("col.requirement"), t("col.provenance"), t("col.result"),
            t("col.evidence")]
    intro = f'<p class="note">{_e(t("provenance.intro"))}</p>' if any(r.status for r in report.requirements) else ""
    return intro + _table(head, rows, t("report.no_findings"))


def _boundary_cell(cell: BoundaryCell | None, t: Texts) -> str:
    if cell is None:
        return ""
    if cell.status == "n/a":
        return f'<span class="note" title="{_e(t.pick(cell.reason))}">{_e(t("boundaries.na"))}</span>'
    status = "pass" if cell.status == "ok" else "fail"
    label = t("boundaries." + cell.expected) if cell.status == "ok" else t("boundaries.mismatch." + cell.expected)
    return f'<span class="badge {status}" title="{_e(t.pick(cell.reason))}">{_e(label)}</span>'


def _boundaries(report: Report, t: Texts) -> str:
    """Rows = critical actions, columns = parties; each mismatch explained below the grid."""
    if report.boundaries is None:
        return f'<p class="note">{_e(t("boundaries.none"))}</p>'
    parties = report.parties or sorted({c.party for r in report.boundaries for c in r.cells})
    stacks = len({r.stack for r in report.boundaries}) > 1
    rows = []
    for row in report.boundaries:
        cells = {c.party: c for c in row.cells}
        head = (f"{_e(row.stack)}<br>" if stacks else "") + f"<b>{_e(t.pick(row.title))}</b><br><code>{_e(row.action)}</code>"
        rows.append([head] + [_boundary_cell(cells.get(p), t) for p in parties])
    grid = _table([t("col.action")] + [t.get(f"party.{p}", p) for p in parties], rows, t("report.no_findings"))
    details = [[_e(row.stack), _e(t.pick(row.title)), _e(t.get(f"party.{cell.party}", cell.party)),
                _e(t("boundaries." + cell.expected)), _e(t.pick(cell.reason)), f"<code>{_e(cell.deciding)}</code>"]
               for row, cell in report.boundary_violations()]
    if not details:
        return grid + f'<p class="note">{_e(t("boundaries.all_ok"))}</p>'
    return grid + f'<h3>{_e(t("boundaries.mismatches"))}</h3>' + _table(
        [t("col.stack"), t("col.action"), t("col.party"), t("col.expected"), t("col.reason"), t("col.deciding")],
        details, "")


def _waivers(report: Report, t: Texts) -> str:
    rows = [[f"<code>{_e(s.waiver.check)}</code>", f"<code>{_e(s.waiver.resource)}</code>", _e(s.waiver.reason),
             _e(s.waiver.approver) + (f' ({_e(t("waiver.baseline"))})' if s.waiver.baseline else ""),
             _e(s.waiver.expires),
             (f'<span class="warn">{_e(t("waiver." + s.state))}</span>' if s.state != "active" else _e(t("waiver.active"))),
             f"<code>{_e(s.waiver.file)}{':' + str(s.waiver.line) if s.waiver.line else ''}</code>"]
            for s in report.waivers]
    head = [t("col.check"), t("col.pattern"), t("col.reason"), t("col.approver"), t("col.expires"), t("col.state"), t("col.file")]
    return _table(head, rows, t("waiver.none"))


def _errors(report: Report, t: Texts) -> str:
    """Each check that raised, on which resource, with the exception: first in the coverage section."""
    rows = [[f"<code>{_e(f.check_id)}</code><br>{_pick(f.title, t)}", f"{_e(f.stack)} <code>{_e(f.resource)}</code>",
             _marked(f.message, CHECK_LANG, t)] for f in report.errored()]
    if not rows:
        return ""
    return (f'<h3 id="errors">{_e(t("coverage.errors"))}</h3><p class="warn">{_e(t("coverage.errors_intro"))}</p>'
            + _table([t("col.check"), t("col.resource"), t("col.exception")], rows, ""))


def _coverage(report: Report, t: Texts) -> str:
    checks = _table([t("col.check"), t("col.requirement")],
                    [[f"<code>{_e(c)}</code>", _pick(title, t)] for c, title in report.checks_not_run], t("coverage.none"))
    types = _table([t("col.type")], [[f"<code>{_e(x)}</code>"] for x in report.types_not_checked], t("coverage.none"))
    notes = "".join(f'<li><code lang="{CHECK_LANG}">{_e(n)}</code>'
                    + (f' <span class="untranslated">{_e(t.untranslated_label(CHECK_LANG))}</span>'
                       if t.untranslated_label(CHECK_LANG) else "") + "</li>" for n in report.notes)
    return (f'<p class="note">{_e(t("coverage.intro"))}</p>{_errors(report, t)}<h3>{_e(t("coverage.checks_not_run"))}</h3>'
            f'<p class="note">{_e(t("coverage.no_resource"))}</p>{checks}'
            f'<h3>{_e(t("coverage.types_not_checked"))}</h3>{types}'
            + (f'<h3>{_e(t("coverage.notes"))}</h3><ul>{notes}</ul>' if notes else ""))


def _topologies(report: Report, t: Texts) -> str:
    labels = _path_labels(report)
    out = []
    for s in report.stacks:
        if s.plan is None:
            continue
        paths = [(labels[id(f)], f.path) for f in report.failures() if f.stack == s.stack and id(f) in labels]
        note = f'<p class="note">{_e(t("topology.paths"))}</p>' if paths else ""
        if s.security_model:  # the MIC model the stack declares decides which tier a business may sit in
            note = f'<p class="note">{_e(t("topology.model", stack=s.stack, model=t.get("model." + s.security_model, s.security_model)))}</p>' + note
        out.append(f'<div class="topology" id="topology-{_e(s.stack)}">{note}{topology_svg(s.plan, t, paths=paths)}</div>')
    return "".join(out) or f'<p class="note">{_e(t("report.no_findings"))}</p>'


def _verdict(report: Report, t: Texts) -> str:
    cls, text = report.verdict_text(t)
    extra = f'<p class="warn">{_e(t("verdict.expired", count=len(report.expired_waivers())))}</p>' \
        if report.expired_waivers() else ""
    extra += "".join(f'<p class="warn">{_e(note)}</p>' for note in first_page_notes(report, t))  # blanket, baseline
    return f'<div class="verdict {cls}" id="verdict" data-result="{cls}">{_e(text)}</div>{extra}'


def _headline_row(h: Headline, t: Texts, titles: dict[str, str]) -> list[str]:
    if h.kind == "missing":  # every requirement the stack lacks, by id; their titles are in the requirements section
        shown = h.requirements[:HEADLINE_MISSING]
        reqs = "<br>".join(f"<b>{_e(r)}</b> {_e(titles.get(r, ''))}" for r in shown)
        if len(h.requirements) > HEADLINE_MISSING:
            reqs += f'<br>{_e(t("md.more", count=len(h.requirements) - HEADLINE_MISSING))}: ' + \
                ", ".join(f"<b>{_e(r)}</b>" for r in h.requirements[HEADLINE_MISSING:])
        return [f'<span class="badge missing">{_e(t("status.missing"))}</span> '
                f'<span class="note">{_e(t("overview.mandatory_count", count=len(h.requirements)))}</span>', reqs,
                f'{_e(h.stack)}<br><span class="note">{_e(t("overview.nothing_in_plan"))}</span>',
                _e(t("overview.missing_remediation"))]
    reqs = "<br>".join(f"<b>{_e(r)}</b> {_e(titles.get(r, ''))}" for r in h.requirements) or _e(t("category.other"))
    first = h.first
    assert first is not None
    status = "error" if h.kind == "error" else "fail"
    check = (f'{_badge(status, t)} {_sev(h.severity, t)}<br><code>{_e(h.check_id)}</code> {_pick(first.title, t)}')
    named = "<br>".join(f"{_e(f.stack)} <code>{_e(f.resource)}</code>" for f in h.findings[:HEADLINE_RESOURCES])
    if len(h.findings) > HEADLINE_RESOURCES:
        named += f'<br><span class="note">{_e(t("md.more", count=len(h.findings) - HEADLINE_RESOURCES))}</span>'
    if h.kind == "error":
        remediation = _e(t("overview.error_remediation"))
    else:
        texts = {k: v for k, v in first.remediation.items() if k in ("ja", "en") and v}
        text, lang = t.pick_lang(texts)
        if len(text) > HEADLINE_REMEDIATION:
            text = text[: HEADLINE_REMEDIATION - 1] + "…"
        remediation = _marked(text, lang, t) if text else _e(t("remediation.none", check=h.check_id))
    return [check, reqs, named, remediation]


def _overview(report: Report, t: Texts, titles: dict[str, str]) -> str:
    """The first page: the verdict, then the worst findings with requirement, resource and remediation."""
    items = headlines(report)
    parts = [_verdict(report, t)]
    if items:
        parts.append(f'<h3>{_e(t("overview.worst"))}</h3>' + _table(
            [t("col.check"), t("col.requirement"), t("col.resource"), t("col.remediation")],
            [_headline_row(h, t, titles) for h in items[:SHOWN]], ""))
        if len(items) > SHOWN:
            parts.append(f'<p class="note">{_e(t("overview.more", count=len(items) - SHOWN))}</p>')
    else:
        parts.append(f'<p class="note">{_e(t("overview.none"))}</p>')
    others = [t("overview.boundaries", count=len(report.boundary_violations()))] if report.boundary_violations() else []
    if report.waived():
        others.append(t("overview.waived", count=len(report.waived())))
    parts += [f'<p class="note">{_e(line)}</p>' for line in others]
    parts.append(f'<table class="signoff"><tr><th>{_e(t("overview.signoff.date"))}</th><td></td>'
                 f'<th>{_e(t("overview.signoff.name"))}</th><td></td></tr></table>')
    return "".join(parts)


def render(report: Report, lang: str = "ja") -> str:
    t = Texts(lang)
    titles = {r.id: t.pick(r.title) for r in report.requirements}
    names = sorted({s.meta.get("municipalityName") or s.stack for s in report.stacks})
    sections = [
        ("overview", t("nav.overview"), _overview(report, t, titles)),
        ("summary", t("nav.summary"), _summary(report, t)),
        ("findings", t("nav.findings"), _findings(report, t, titles)),
        ("requirements", t("nav.requirements"), _requirements(report, t)),
        ("boundaries", t("nav.boundaries"), _boundaries(report, t)),
        ("topology", t("nav.topology"), _topologies(report, t)),
        ("waivers", t("nav.waivers"), _waivers(report, t)),
        ("coverage", t("nav.coverage"), _coverage(report, t)),
    ]
    nav = "".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title, _ in sections)
    body = "".join(f'<section id="{sid}"><h2>{_e(title)}</h2>{html}</section>' for sid, title, html in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{_e(t("report.title"))}</title><style>{CSS_FILE.read_text(encoding="utf-8")}</style></head><body>'
        f'<header><h1>{_e(t("report.title"))}</h1>'
        f'<p>{_e(t("report.subtitle", municipalities="、".join(names) if lang == "ja" else ", ".join(names), stacks=len(report.stacks)))}</p>'
        f'<p>{_e(t("report.generated", when=shown_time(report.generated_at), version=report.version))}</p>'
        f'<p class="screen-only">{_e(t("report.offline_note"))}</p></header><nav>{nav}</nav><main>{body}</main>'
        f'</body></html>\n'
    )
