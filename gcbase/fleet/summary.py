"""A stack's fleet result before waivers, kept beside its per-check entry (gcbase/fleet/results.py), so a
re-check that reuses every result reads one small file and touches only the rows of the checks a waiver
names, instead of mapping ~1,500 rows through the catalogue again (docs/PERFORMANCE.md, "Fleet re-checks").

What is stored is what the fleet result says of the plan and its findings with no waiver applied: the
plan's stack, meta, resource count and types not checked; each reported check's catalogue meta (severity,
requirements, categories, titles); the findings as [check id, resource, result] sorted; the checks not run;
the boundary matrix (or null). It is a function of:

- the stack's plan-cache key (config, program, gcbase's whole code, the baselines a synth or a config
  validation reads, the locked packages), through the entry key;
- every check's key (gcbase/fleet/results.check_keys: the rows it holds), and every file under policies/
  and the check-only data (the catalogue: metadata, requirements.yaml, checkov_builtin.yaml);
- the boundary expectations (baselines/boundaries/) when boundaries are on.

All of these make up its key (fleet_key() once per run, then key() per stack), so a changed policy, metadata,
requirement or expectation is a miss and the stack goes through the per-check path again. Waivers are not
in it: apply() applies them on every run as gcbase/waivers.py's apply_waivers and blanket_problems do, to
the rows of the checks a waiver names only. A stored summary exists only for a stack whose config validated
and whose waivers raised no problem when it was made; validation is a function of what the plan-cache key
holds (no date, no file outside it), so it is not repeated for generated stacks.
tests/fleet/test_resultcache.py proves the results equal a run without any cache.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase
from typing import Any, Iterable, Optional

from gcbase import diskcache
from gcbase.errors import Problem

KIND = "fleet-summaries"
SCHEMA = "gcbase-fleet-summary/2"  # 2: matrices proven after the memo review fixes
FAILED, SKIPPED = "FAILED", "SKIPPED"


def fleet_key(check_keys: dict[str, str], catalogue: str, boundaries: Optional[str], baseline_waivers: bool) -> str:
    """What every stack's summary of this run depends on beyond its own plan: the checks' keys, the
    catalogue's files (`catalogue`: their digest), the boundary expectations' key (None: boundaries off)."""
    return diskcache.digest(SCHEMA, *(f"{cid}={k}" for cid, k in sorted(check_keys.items())), "catalogue", catalogue,
                            "boundaries", boundaries or "off", "baseline" if baseline_waivers else "independent")


def key(fleet: str, plan_key: str) -> str:
    return diskcache.digest(SCHEMA, fleet, plan_key)


def make(of_plan: dict[str, Any], report: Any, boundaries: Optional[dict[str, Any]],
         check_meta: Any) -> dict[str, Any]:
    """The summary of a report assembled with no waiver (findings as the checks reported them)."""
    checks: dict[str, Any] = {}
    for f in report.findings:
        if f.check_id not in checks:
            checks[f.check_id] = check_meta(f.check_id, f)
    return {"schema": SCHEMA, "stack": of_plan["stack"], "meta": of_plan["meta"], "resources": of_plan["resources"],
            "typesNotChecked": of_plan["typesNotChecked"], "checks": dict(sorted(checks.items())),
            "findings": sorted([f.check_id, f.resource, f.result] for f in report.findings),
            "notRun": sorted(report.not_run), "boundaries": boundaries}


def read(plan_cache: str, digest: str) -> Optional[dict[str, Any]]:
    """The stored summary, or None (missing, damaged, another schema: a miss)."""
    found = diskcache.read(KIND, digest, plan_cache)
    if not (isinstance(found, dict) and found.get("schema") == SCHEMA and isinstance(found.get("findings"), list)
            and isinstance(found.get("checks"), dict) and isinstance(found.get("notRun"), list)
            and isinstance(found.get("stack"), str) and isinstance(found.get("meta"), dict)
            and isinstance(found.get("typesNotChecked"), list) and isinstance(found.get("resources"), int)):
        return None
    if not all(isinstance(f, list) and len(f) == 3 and all(isinstance(x, str) for x in f) for f in found["findings"]):
        return None
    return found


def write(plan_cache: str, digest: str, summary: dict[str, Any]) -> None:
    diskcache.write(KIND, digest, summary, plan_cache)


def apply(summary: dict[str, Any], waivers: Iterable[Any], stack: str,
          today: Optional[date] = None) -> tuple[list[list], list[Problem]]:
    """The findings [check id, resource, result, waiver id or null] sorted, with the waivers applied, and the
    blanket-waiver problems: gcbase.waivers.apply_waivers and blanket_problems on the summary's rows, of
    the waived checks only (a row of a check no waiver names is unchanged by both)."""
    from gcbase.waivers import blanket_problems_of

    today = today or date.today()
    waivers = list(waivers)
    named = {w.check for w in waivers}
    out: list[list] = []
    reported: dict[str, set[str]] = {}
    changed = False
    for cid, resource, result in summary["findings"]:
        if cid not in named:
            out.append([cid, resource, result, None])
            continue
        reported.setdefault(cid, set()).add(resource)
        waiver = None
        if result == FAILED:
            matching = [w for w in waivers if w.check == cid and fnmatchcase(resource, w.resource)]
            if matching:
                chosen = next((w for w in matching if not w.expired(today)), matching[0])  # a current waiver wins
                waiver = chosen.id
                if not chosen.expired(today):
                    result, changed = SKIPPED, True
        out.append([cid, resource, result, waiver])
    if changed:  # FAILED became SKIPPED: the order among one resource's rows may change
        out.sort(key=lambda f: (f[0], f[1], f[2], f[3] or ""))
    return out, blanket_problems_of(reported, waivers, stack)
