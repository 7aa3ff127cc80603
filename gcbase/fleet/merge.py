"""Combine fleet result directories (one run, or the shards of a CI matrix) into one fleet report.

The report (schema gcbase-fleet-report/1) depends only on the per-stack results, never on how
they were split, in which order they finished or how long they took: merging the shards of a
run gives exactly the report of the unsharded run.

- rows: one per stack, worst first (errors, then most critical/high failures), with pass rates
  per requirement category (A-F of 非機能要件の標準, G guidelines, "-" checks without a
  requirement) and the boundary matrix's result;
- findings: failing checks across the fleet, worst first (severity, then stacks affected),
  overall and per prefecture;
- rate = passed / (passed + failed); waived results (例外承認) are counted apart; a check that
  raised on a resource (ERRORED: not evaluated) counts as failed everywhere, never as passed,
  and the row says how many there were ("errored").
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from gcbase.errors import GcbaseError
from gcbase.fleet.run import MANIFEST, read_result
from gcbase.fleet.worker import OTHER

SCHEMA = "gcbase-fleet-report/1"
SEVERITIES = ("critical", "high", "medium", "low")
STATUS = {"PASSED": "passed", "FAILED": "failed", "SKIPPED": "waived", "ERRORED": "failed"}
NOT_PASSED = ("FAILED", "ERRORED")  # an ERRORED result was not evaluated: it is never a pass
EXAMPLES = 5  # affected stacks listed per finding
VOLATILE = ("run",)  # result keys that differ between equal runs (timings, pids)


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def manifests(dirs: Iterable[Path | str]) -> tuple[list[str], dict[str, list[Path]]]:
    """(stacks the runs selected, sorted; where each stack's result file may be) from result dirs."""
    selected: set[str] = set()
    where: dict[str, list[Path]] = {}
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
            selected.add(stack)
            where.setdefault(stack, []).append(d / str(entry["result"]))
    return sorted(selected), where


def _digest(result: dict[str, Any]) -> str:
    stable = {k: v for k, v in result.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def iter_results(where: dict[str, list[Path]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each stack's result in stack order, one at a time (a fleet's results need not fit in memory).
    The same stack in two directories must have the same result (shards of one run)."""
    for stack in sorted(where):
        chosen: Optional[dict[str, Any]] = None
        origin: Optional[Path] = None
        for path in where[stack]:
            result = read_result(path)
            if result is None or result.get("stack") != stack:
                continue
            if chosen is None:
                chosen, origin = result, path
            elif _digest(result) != _digest(chosen):
                raise GcbaseError.one(str(path.parent.parent), stack,
                                      f"has a different result in {origin.parent.parent}; merge shards of one run")
        if chosen is not None:
            yield stack, chosen


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
        if outcome in NOT_PASSED:
            severities[meta_c["severity"]] += 1
        if outcome == "ERRORED":
            row["errored"] = row.get("errored", 0) + 1
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


class _Failures:
    """Failing checks over the stacks added (in stack order), worst first."""

    def __init__(self) -> None:
        self.by_check: dict[str, dict[str, Any]] = {}

    def add(self, stack: str, result: dict[str, Any]) -> None:
        for check_id, _resource, outcome, _waiver in result["findings"]:
            if outcome not in NOT_PASSED:
                continue
            meta = result["checks"][check_id]
            a = self.by_check.setdefault(check_id, {"checkId": check_id, "severity": meta["severity"],
                                                    "title": meta["title"], "requirements": meta["requirements"],
                                                    "stacks": [], "resources": 0})
            a["resources"] += 1
            if not a["stacks"] or a["stacks"][-1] != stack:
                a["stacks"].append(stack)

    def worst_first(self) -> list[dict[str, Any]]:
        out = [{**a, "stackCount": len(a["stacks"]), "stacks": a["stacks"][:EXAMPLES]} for a in self.by_check.values()]
        return sorted(out, key=lambda a: (_rank(a["severity"]), -a["stackCount"], -a["resources"], a["checkId"]))


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for cat, c in row["categories"].items():
            total[cat].update({k: c[k] for k in ("passed", "failed", "waived")})
    return {cat: _rate(c) for cat, c in sorted(total.items(), key=_category_order)}


def build(selected: list[str], results: Iterable[tuple[str, dict[str, Any]]],
          categories: dict[str, Any]) -> dict[str, Any]:
    """The fleet report from (stack, result) pairs in stack order (see the module docstring)."""
    rows: list[dict[str, Any]] = []
    fleet = _Failures()
    by_prefecture: dict[str, _Failures] = defaultdict(_Failures)
    for stack, result in results:
        row = _row(stack, result)
        rows.append(row)
        if result["status"] == "ok":
            fleet.add(stack, result)
            by_prefecture[row["prefecture"]].add(stack, result)
    present = {r["stack"] for r in rows}
    rows.sort(key=_worst_key)
    first_code: dict[str, str] = {}
    for r in rows:
        if r["prefecture"]:
            first_code[r["prefecture"]] = min(first_code.get(r["prefecture"], r["municipality"]), r["municipality"])
    prefectures = sorted(first_code, key=first_code.__getitem__)  # in 全国地方公共団体コード order
    boundary_rows = [r["boundaries"] for r in rows if r["boundaries"] is not None]
    return {
        "schema": SCHEMA,
        "stacks": {"selected": len(selected), "checked": sum(r["status"] == "ok" for r in rows),
                   "errors": sum(r["status"] != "ok" for r in rows),
                   "missing": [s for s in selected if s not in present]},
        "categories": _categories(categories),
        "prefectures": prefectures,
        "totals": _totals(rows),
        "boundaries": None if not boundary_rows else {
            "checks": sum(b["checks"] for b in boundary_rows), "mismatches": sum(b["mismatches"] for b in boundary_rows),
            "stacksWithMismatches": sum(1 for b in boundary_rows if b["mismatches"])},
        "rows": rows,
        "findings": fleet.worst_first(),
        "findingsByPrefecture": {p: by_prefecture[p].worst_first() for p in prefectures},
    }


def merge(dirs: Iterable[Path | str]) -> dict[str, Any]:
    """The fleet report of one or more result directories."""
    from gcbase.check import load_catalogue

    selected, where = manifests(dirs)
    return build(selected, iter_results(where), load_catalogue().categories)
