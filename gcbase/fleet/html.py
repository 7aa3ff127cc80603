"""The fleet report as one self-contained HTML file: inline CSS and a few lines of inline script
(the prefecture filter), nothing loaded from anywhere, titles in Japanese and English.

Without script every row and the fleet-wide findings table show; the filter hides the other
prefectures' rows and swaps in that prefecture's findings table. report.html#pref=<name> opens
with one prefecture selected (a link a prefecture can send to its municipalities).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError
from gcbase.yamlio import load_yaml

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
MESSAGES = Path(__file__).with_name("messages.yaml")
BASE_CSS = Path(__file__).resolve().parent.parent / "report" / "report.css"
SEVERITIES = ("critical", "high", "medium", "low")
FLEET_CSS = """
.en { color: #78909c; font-weight: normal; font-size: 0.85em; margin-left: 8px; }
header .en { color: #b0bec5; }
.filter { margin: 12px 0; } .filter select { font-size: 14px; padding: 2px 6px; }
td.rate { text-align: right; white-space: nowrap; }
td.good { background: #e8f5e9; } td.mid { background: #fff8e1; } td.bad { background: #ffebee; }
td.na { color: #9e9e9e; text-align: center; }
td.rate small { color: #c62828; margin-left: 4px; }
tr.error td { background: #fbe9e7; }
#fleet-matrix table { font-size: 12px; }
#fleet-matrix th { white-space: normal; min-width: 64px; } #fleet-matrix th .en { display: block; margin-left: 0; }
main { max-width: none; }
"""
SCRIPT = """
function filterPrefecture(p) {
  document.querySelectorAll('#fleet-matrix tbody tr').forEach(function (tr) {
    tr.hidden = p !== '' && tr.getAttribute('data-pref') !== p;
  });
  document.querySelectorAll('#fleet-findings [data-pref]').forEach(function (t) {
    t.hidden = t.getAttribute('data-pref') !== p;
  });
}
var select = document.getElementById('pref');
select.addEventListener('change', function (e) { filterPrefecture(e.target.value); });
if (location.hash.indexOf('#pref=') === 0) {  // a link to one prefecture's view: report.html#pref=北海道
  select.value = decodeURIComponent(location.hash.slice(6));
  filterPrefecture(select.value);
}
"""


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    data = load_yaml(MESSAGES, "fleet report messages")
    for key, texts in (data or {}).items():
        if not isinstance(texts, dict) or not all(isinstance(texts.get(lang), str) for lang in ("ja", "en")):
            raise GcbaseError.one(str(MESSAGES), str(key), "needs a ja and an en text")
    return data


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def both(key: str, **values: Any) -> str:
    """Escaped HTML: the Japanese text, then the English one in a quieter span."""
    t = _texts()[key]
    return f'{_e(t["ja"].format(**values))}<span class="en">{_e(t["en"].format(**values))}</span>'


def _pair(texts: dict[str, str]) -> str:
    ja, en = texts.get("ja", ""), texts.get("en", "")
    return _e(ja) + (f'<span class="en">{_e(en)}</span>' if en and en != ja else "")


def _severity(severity: str) -> str:
    t = _texts().get(f"severity.{severity}")
    return _e(f'{t["ja"]} {t["en"]}' if t else severity)


def _table(head: list[str], rows: list[str], attrs: str = "") -> str:
    if not rows:
        return f'<p class="note"{attrs}>{both("none")}</p>'
    th = "".join(f"<th>{h}</th>" for h in head)
    return f"<table{attrs}><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _rate_cell(c: Any) -> str:
    if not c or c.get("rate") is None:
        return '<td class="na">–</td>'
    rate = c["rate"]
    cls = "good" if rate >= 0.95 else "mid" if rate >= 0.8 else "bad"
    failed = c.get("failed", c.get("mismatches", 0))
    extra = f"<small>{failed}</small>" if failed else ""
    return f'<td class="rate {cls}">{rate * 100:.0f}%{extra}</td>'


def _totals(report: dict[str, Any]) -> str:
    cats = report["categories"]
    rows = [f"<tr><td>{_e(cat)} {_pair(cats.get(cat, {}))}</td><td>{c['passed']}</td><td>{c['failed']}</td>"
            f"<td>{c['waived']}</td>{_rate_cell(c)}</tr>" for cat, c in report["totals"].items()]
    b = report.get("boundaries")
    if b:
        rate = {"rate": round((b["checks"] - b["mismatches"]) / b["checks"], 4) if b["checks"] else None,
                "mismatches": b["mismatches"]}
        rows.append(f"<tr><td>{both('col.boundaries')}</td><td>{b['checks'] - b['mismatches']}</td>"
                    f"<td>{b['mismatches']}</td><td>–</td>{_rate_cell(rate)}</tr>")
    head = [both(k) for k in ("col.category", "col.passed", "col.failedcount", "col.waived", "col.rate")]
    return _table(head, rows)


def _matrix(report: dict[str, Any], cats: list[str]) -> str:
    rows = []
    for r in report["rows"]:
        who = f"{_e(r['name'])} <code>{_e(r['municipality'])}</code>"
        cls = ' class="error"' if r["status"] != "ok" else ""
        if r["status"] != "ok":
            cells = f'<td colspan="{len(cats) + 2}">{both("error")}: {_e("; ".join(r["errors"]))}</td>'
        else:
            sev = " ".join(f'<span class="sev {s}">{_severity(s)} {n}</span>' for s, n in r["failedBySeverity"].items())
            cells = "".join(_rate_cell(r["categories"].get(c)) for c in cats) + _rate_cell(r["boundaries"]) + f"<td>{sev}</td>"
        rows.append(f'<tr data-pref="{_e(r["prefecture"])}"{cls}><td><code>{_e(r["stack"])}</code></td>'
                    f"<td>{who}</td><td>{_e(r['prefecture'])}</td>{cells}</tr>")
    head = [both("col.stack"), both("col.municipality"), both("col.prefecture")]
    head += [f'{_e(c)} {_pair(report["categories"].get(c, {}))}' for c in cats]
    head += [both("col.boundaries"), both("col.failed")]
    return _table(head, rows)


def _findings_table(findings: list[dict[str, Any]], pref: str, hidden: bool) -> str:
    rows = []
    for f in findings:
        sev = f'<span class="sev {_e(f["severity"])}">{_severity(f["severity"])}</span>'
        examples = ", ".join(f"<code>{_e(s)}</code>" for s in f["stacks"])
        rows.append(f"<tr><td>{sev}</td><td><code>{_e(f['checkId'])}</code><br>{_pair(f['title'])}</td>"
                    f"<td>{_e(', '.join(f['requirements']))}</td><td>{f['stackCount']}</td>"
                    f"<td>{f['resources']}</td><td>{examples}</td></tr>")
    head = [both(k) for k in ("col.severity", "col.check", "col.requirements", "col.stackcount", "col.resources", "col.examples")]
    return _table(head, rows, f' data-pref="{_e(pref)}"' + (" hidden" if hidden else ""))


def render(report: dict[str, Any]) -> str:
    """The whole HTML document of a fleet report (gcbase.fleet.merge.build)."""
    cats = [c for c in report["categories"] if any(c in r["categories"] for r in report["rows"])]
    s = report["stacks"]
    options = "".join(f'<option value="{_e(p)}">{_e(p)}</option>' for p in report["prefectures"])
    findings = _findings_table(report["findings"], "", False) + "".join(
        _findings_table(f, p, True) for p, f in report["findingsByPrefecture"].items())
    errors = [f"<tr><td><code>{_e(r['stack'])}</code></td><td>{_e(r['name'])}</td><td>{_e('; '.join(r['errors']))}</td></tr>"
              for r in report["rows"] if r["status"] != "ok"]
    missing = [f"<tr><td><code>{_e(m)}</code></td></tr>" for m in s["missing"]]
    css = BASE_CSS.read_text(encoding="utf-8") if BASE_CSS.is_file() else ""
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(_texts()["title"]["ja"])} / {_e(_texts()["title"]["en"])}</title>
<style>{css}{FLEET_CSS}</style>
</head>
<body>
<header><h1>{both("title")}</h1>
<p>{both("stacks", selected=s["selected"], checked=s["checked"], errors=s["errors"], missing=len(s["missing"]))}</p></header>
<main>
<div class="filter"><label>{both("filter")} <select id="pref"><option value="">{_e(_texts()["all"]["ja"])} / {_e(_texts()["all"]["en"])}</option>{options}</select></label></div>
<section id="fleet-totals"><h2>{both("totals")}</h2>{_totals(report)}<p class="note">{both("legend")}</p></section>
<section id="fleet-errors"><h2>{both("errors")}</h2>{_table([both("col.stack"), both("col.municipality"), both("col.error")], errors)}</section>
{f'<section id="fleet-missing"><h2>{both("missing")}</h2>{_table([both("col.stack")], missing)}</section>' if missing else ""}
<section id="fleet-findings"><h2>{both("findings")}</h2>{findings}</section>
<section id="fleet-matrix"><h2>{both("matrix")}</h2>{_matrix(report, cats)}</section>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
