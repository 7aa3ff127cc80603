"""Combine fleet result directories (one run, or the shards of a CI matrix) into one fleet report.

The report (schema gcbase-fleet-report/1) depends only on the per-stack results, never on how
they were split, in which order they finished or how long they took: merging the shards of a
run gives exactly the report of the unsharded run.

- rows: one per stack, worst first (errors, then most critical/high failures), with pass rates
  per requirement category (A-F of 非機能要件の標準, G guidelines, "-" checks without a
  requirement) and the boundary matrix's result;
- findings: failing checks across the fleet, worst first (severity, then stacks affected),
  overall and per prefecture;
- rate = passed / (passed + failed); waived results (例外承認) are counted apart.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from gcbase.errors import GcbaseError
from gcbase.fleet.run import MANIFEST, RESULTS, read_result
from gcbase.fleet.worker import OTHER

SCHEMA = "gcbase-fleet-report/1"
SEVERITIES = ("critical", "high", "medium", "low")
STATUS = {"PASSED": "passed", "FAILED": "failed", "SKIPPED": "waived"}
EXAMPLES = 5  # affected stacks listed per finding
VOLATILE = ("run",)  # result keys that differ between equal runs (timings, pids)


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def load_results(dirs: Iterable[Path | str]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """(stacks the runs selected, results by stack) from result directories; missing ones are absent."""
    selected: list[str] = []
    results: dict[str, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    for d in dirs:
        d = Path(d)
        manifest_file = d / MANIFEST
        if not manifest_file.is_file():
            raise GcbaseError.one(str(d), "", f"not a fleet result directory (no {MANIFEST}); give the -o DIR of a gcbase fleet run")
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise GcbaseError.one(str(manifest_file), "", f"cannot read the fleet manifest: {err}") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("stacks"), list):
            raise GcbaseError.one(str(manifest_file), "stacks", "missing; not a gcbase fleet manifest")
        for entry in manifest["stacks"]:
            stack = str(entry["stack"])
            if stack not in selected:
                selected.append(stack)
            result = read_result(d / str(entry["result"]))
            if result is None or result.get("stack") != stack:
                continue
            stable = {k: v for k, v in result.items() if k not in VOLATILE}
            seen = results.get(stack)
            if seen is not None and {k: v for k, v in seen.items() if k not in VOLATILE} != stable:
                raise GcbaseError.one(str(d), stack, f"has a different result in {origin[stack]}; merge shards of one run")
            results[stack], origin[stack] = result, str(d)
    return sorted(selected), results


def _categories(catalogue_categories: dict[str, Any]) -> dict[str, dict[str, str]]:
    cats = {k: {"ja": str(v.get("ja", k)), "en": str(v.get("en", k))} for k, v in catalogue_categories.items()}
    cats[OTHER] = {"ja": "要件対応なしのチェック", "en": "Checks without a requirement"}
    return cats


def _row(stack: str, result: dict[str, Any]) -> dict[str, Any]:
    meta = result.get("meta") or {}
    row: dict[str, Any] = {
        "stack": stack, "municipality": meta.get("municipality", ""), "name": meta.get("municipalityName", ""),
        "prefecture": meta.get("prefecture", ""), "environment": meta.get("environment", ""),
        "status": result["status"], "errors": list(result.get("errors") or []),
        "categories": {}, "failedBySeverity": {}, "boundaries": None,
    }
    if result["status"] != "ok":
        return row
    counts: dict[str, Counter] = defaultdict(Counter)
    severities: Counter = Counter()
    checks = result["checks"]
    for check_id, _resource, outcome, _waiver in result["findings"]:
        meta_c = checks[check_id]
        for cat in meta_c["categories"]:
            counts[cat][STATUS.get(outcome, "failed")] += 1
        if outcome == "FAILED":
            severities[meta_c["severity"]] += 1
    row["categories"] = {cat: _rate(c) for cat, c in sorted(counts.items(), key=_category_order)}
    row["failedBySeverity"] = {s: severities[s] for s in SEVERITIES if severities[s]}
    b = result.get("boundaries")
    if b is not None:
        s = b["summary"]
        row["boundaries"] = {"checks": s["checks"], "mismatches": s["mismatches"],
                             "rate": _ratio(s["checks"] - s["mismatches"], s["checks"])}
    return row


def _category_order(item: tuple[str, Any]) -> tuple[bool, str]:
    return item[0] == OTHER, item[0]  # A-G, then the checks without a requirement


def _ratio(part: int, whole: int) -> Any:
    return round(part / whole, 4) if whole else None


def _rate(c: Counter) -> dict[str, Any]:
    return {"passed": c["passed"], "failed": c["failed"], "waived": c["waived"],
            "rate": _ratio(c["passed"], c["passed"] + c["failed"])}


def _worst_key(row: dict[str, Any]) -> tuple:
    sev = row["failedBySeverity"]
    mismatches = (row["boundaries"] or {}).get("mismatches", 0)
    return (row["status"] == "ok", *(-sev.get(s, 0) for s in SEVERITIES[:2]), -mismatches,
            *(-sev.get(s, 0) for s in SEVERITIES[2:]), row["stack"])


def _findings(results: dict[str, dict[str, Any]], prefecture: str = "") -> list[dict[str, Any]]:
    agg: dict[str, dict[str, Any]] = {}
    for stack in sorted(results):
        r = results[stack]
        if r["status"] != "ok" or (prefecture and (r.get("meta") or {}).get("prefecture") != prefecture):
            continue
        for check_id, resource, outcome, _waiver in r["findings"]:
            if outcome != "FAILED":
                continue
            meta = r["checks"][check_id]
            a = agg.setdefault(check_id, {"checkId": check_id, "severity": meta["severity"], "title": meta["title"],
                                          "requirements": meta["requirements"], "stacks": [], "resources": 0})
            a["resources"] += 1
            if not a["stacks"] or a["stacks"][-1] != stack:
                a["stacks"].append(stack)
    out = []
    for a in agg.values():
        out.append({**a, "stackCount": len(a["stacks"]), "stacks": a["stacks"][:EXAMPLES]})
    return sorted(out, key=lambda a: (_rank(a["severity"]), -a["stackCount"], -a["resources"], a["checkId"]))


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for cat, c in row["categories"].items():
            total[cat].update({k: c[k] for k in ("passed", "failed", "waived")})
    return {cat: _rate(c) for cat, c in sorted(total.items(), key=_category_order)}


def build(selected: list[str], results: dict[str, dict[str, Any]], categories: dict[str, Any]) -> dict[str, Any]:
    """The fleet report from results (see the module docstring)."""
    rows = sorted((_row(s, results[s]) for s in selected if s in results), key=_worst_key)
    prefectures = sorted({r["prefecture"] for r in rows if r["prefecture"]},
                         key=lambda p: min(r["municipality"] for r in rows if r["prefecture"] == p))
    boundary_rows = [r["boundaries"] for r in rows if r["boundaries"] is not None]
    return {
        "schema": SCHEMA,
        "stacks": {"selected": len(selected), "checked": sum(r["status"] == "ok" for r in rows),
                   "errors": sum(r["status"] != "ok" for r in rows),
                   "missing": [s for s in selected if s not in results]},
        "categories": _categories(categories),
        "prefectures": prefectures,
        "totals": _totals(rows),
        "boundaries": None if not boundary_rows else {
            "checks": sum(b["checks"] for b in boundary_rows), "mismatches": sum(b["mismatches"] for b in boundary_rows),
            "stacksWithMismatches": sum(1 for b in boundary_rows if b["mismatches"])},
        "rows": rows,
        "findings": _findings(results),
        "findingsByPrefecture": {p: _findings(results, p) for p in prefectures},
    }


def merge(dirs: Iterable[Path | str]) -> dict[str, Any]:
    """The fleet report of one or more result directories."""
    from gcbase.check import load_catalogue

    selected, results = load_results(dirs)
    return build(selected, results, load_catalogue().categories)
