"""From `gcbase check` results to the one Report every writer reads.

Per stack: the captured plan, gcbase.check's CheckReport (run without waivers), the waivers
applied by gcbase.waivers (expiry and stack scoping), and optionally the responsibility matrix
from gcbase.boundaries. Locations in the stack config come from gcbase.report.locations.

What the writers get is already fit to show: file paths relative to the repository
(gcbase.report.paths), the run's time in JST (gcbase.report.clock), titles only in the languages
they exist in (a writer marks a fallback as untranslated), and, for a finding on a service the
stack declares inherited, a remediation that says to verify it, not to create it
(gcbase.report.inherited).

Every string that came from an input (resource addresses, messages, path hops, stack and file
names, waiver fields, what the plan's meta records) is neutralised here, once
(gcbase.report.sanitize): no writer can then print a forged line, a terminal escape or a bidi
override, whatever a plan, config or waiver file contained.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterable, Optional

from gcbase.model import Plan, Resource
from gcbase.report import inherited
from gcbase.report.clock import timestamp
from gcbase.report.locations import Locator
from gcbase.check.levels import mandatory_requirements
from gcbase.report.model import (BoundaryCell, BoundaryRow, Finding, Location, Report, Requirement, StackReport)
from gcbase.report.paths import scrub, shown_path
from gcbase.report.sanitize import clean, clean_deep, clean_fields, clean_opt
from gcbase.version import version
from gcbase.waivers import Applied, Waiver, WaiverUse

STATUS = {"PASSED": "pass", "FAILED": "fail", "SKIPPED": "waived", "ERRORED": "error"}
CELL_STATUS = {"ok": "ok", "MISMATCH": "mismatch", "n/a": "n/a"}


@dataclass
class StackResult:
    plan: Plan
    check: Any  # gcbase.check.findings.CheckReport
    waivers: Applied
    boundaries: Any = None  # gcbase.boundaries.BoundaryResult, or None when not evaluated


def _titles(ja: Optional[str], en: Optional[str]) -> dict[str, str]:
    """{ja, en} with only the languages that exist: a writer shows the other one marked as untranslated."""
    return {lang: text for lang, text in (("ja", ja), ("en", en)) if text}


class _Shown:
    """Waivers with their file as reports show it, one copy per waiver (findings and uses share it)."""

    def __init__(self) -> None:
        self._waivers: dict[Waiver, Waiver] = {}

    def waiver(self, w: Optional[Waiver]) -> Optional[Waiver]:
        if w is None:
            return None
        if w not in self._waivers:
            self._waivers[w] = replace(_clean_waiver(w), file=clean(shown_path(w.file) or ""))
        return self._waivers[w]


def _resource_type(res: Optional[Resource], address: str) -> str:
    if res is not None:
        return res.type
    return address.split(".", 1)[0] if "." in address else ""


def _remediation(f: Any, res: Optional[Resource], title: dict[str, str]) -> dict[str, str]:
    """The check's remediation, or for an inherited service what to do instead of creating it."""
    service = inherited.inherited_service(res, f.resource)
    return inherited.remediation(service, title) if service else dict(f.remediation)


def _clean_waiver(w: Waiver) -> Waiver:
    """The waiver with every field its file's author wrote neutralised (equal waivers stay equal)."""
    return replace(clean_fields(w, ("check", "resource", "reason", "approver", "expires", "file")),
                   stacks=tuple(clean(x) for x in w.stacks))


def _location(loc: Optional[Location]) -> Optional[Location]:
    return clean_fields(loc, ("file", "key")) if loc is not None else None


def _findings(result: StackResult, shown: _Shown) -> list[Finding]:
    plan = result.plan
    urns = plan.by_urn()
    locator = Locator(shown_path(plan.config_file), source=plan.config_file)
    stack = clean(plan.stack)
    out = []
    cleaned: dict[Optional[Location], Optional[Location]] = {}  # findings share few locations (frozen values)
    for f in result.check.findings:
        res = urns.get(f.urn) if f.urn else None
        location = locator.for_resource(res) if res is not None else locator.at("")
        title = _titles(f.title_ja, f.title_en)
        out.append(Finding(
            check_id=clean(f.check_id), stack=stack, resource=clean(f.resource),
            resource_type=clean(_resource_type(res, f.resource)), status=STATUS.get(f.result, "fail"),
            severity=f.severity, title={k: clean(v) for k, v in title.items()},
            remediation=_remediation(f, res, title), requirements=tuple(f.requirements),
            message=clean(scrub("; ".join(d for d in f.details if d))), urn=clean(f.urn or ""),
            location=cleaned[location] if location in cleaned else cleaned.setdefault(location, _location(location)),
            waiver=shown.waiver(f.waiver),
            path=[clean_deep(dict(h)) for h in getattr(f, "path", ())]))
    return out


def _boundary_rows(stack: str, result: Any) -> list[BoundaryRow]:
    rows = []
    for r in result.rows:
        cells = []
        for c in r.cells:
            failing = [x for x in c.checks if not x.ok]
            shown = (failing or c.checks)[:1]
            deciding = clean(f"{shown[0].decision.deciding} ({shown[0].account})") if shown else ""
            cells.append(BoundaryCell(c.cell.party, c.cell.expect, CELL_STATUS.get(c.status, "mismatch"),
                                      {"ja": c.cell.ja, "en": c.cell.en}, deciding))
        rows.append(BoundaryRow(clean(stack), r.row.id, {"ja": r.row.title_ja, "en": r.row.title_en}, r.row.action, tuple(cells)))
    return rows


def _merge_waivers(results: Iterable[StackResult], shown: _Shown) -> list[WaiverUse]:
    """One entry per waiver across stacks: a shared waiver is unused only if no stack used it."""
    merged: dict[Any, WaiverUse] = {}
    for result in results:
        for use in result.waivers.uses:
            seen = merged.setdefault(use.waiver, WaiverUse(shown.waiver(use.waiver), 0, use.expired))
            seen.matched += use.matched
    return list(merged.values())


def _meta(plan: Plan) -> dict:
    """The plan's meta as reports show it: the declared tenancy's file relative to the repository."""
    meta = dict(plan.meta)
    if isinstance(meta.get("intent"), dict) and meta["intent"].get("file"):
        meta["intent"] = {**meta["intent"], "file": shown_path(str(meta["intent"]["file"]))}
    return meta


def _intent(result: StackResult) -> Any:
    """The declared tenancy the stack's plan was judged against (recorded in its meta), or None."""
    from gcbase.intent import Intent

    recorded = result.plan.meta.get("intent")
    return Intent.from_dict(recorded) if isinstance(recorded, dict) else None


def _declared(result: StackResult) -> tuple[tuple[dict, ...], tuple[str, ...], str]:
    """(profile exceptions, deprecation warnings, security model) the stack declared, neutralised: the plan's
    meta records them, and its author controls it."""
    intent = _intent(result)
    if intent is None:
        return (), (), ""
    exceptions = tuple(clean_deep(dict(e)) for e in intent.profile_exceptions)
    return exceptions, tuple(clean(scrub(d)) for d in intent.deprecations), clean(intent.security_model)


def results_checked(result: StackResult) -> bool:
    """Whether the stack's report comes from a full run of the checks (a run restricted to some checks
    cannot say a mandatory requirement is missing)."""
    return not getattr(result.check, "partial", False)


def build(results: list[StackResult], catalogue: Any, fail_on: str = "high",
          now: Optional[datetime] = None) -> Report:
    """The Report of one `gcbase check` run over one or more stacks."""
    requirements = [Requirement(r.id, r.category, {"ja": r.ja, "en": r.en}, dict(catalogue.sources.get(r.source) or {}),
                                tuple(catalogue.checks_of(r.id)), getattr(r, "status", ""), getattr(r, "section", ""),
                                getattr(r, "why", ""), getattr(r, "note", ""))
                    for r in catalogue.requirements.values()]
    not_run = set.intersection(*(set(r.check.not_run) for r in results)) if results else set()
    checks_not_run = []
    from gcbase.check.runner import checkov_names

    names = checkov_names() if not_run else {}
    for cid in sorted(not_run):
        meta = catalogue.checks.get(cid)
        checks_not_run.append((cid, _titles(meta.title_ja, meta.title_en or names.get(cid)) if meta
                               else _titles(None, names.get(cid)) or {"ja": cid, "en": cid}))
    types = sorted({clean(item.get("type")) for r in results for item in r.check.not_checked if item.get("type")})
    evaluated = [r for r in results if r.boundaries is not None]
    parties: list[str] = []
    for r in evaluated:
        parties += [p for p in r.boundaries.parties if p not in parties]
    shown = _Shown()
    return Report(
        stacks=[StackReport(clean(r.plan.stack), clean_opt(shown_path(r.plan.config_file)), r.plan,
                            clean_deep(_meta(r.plan)),
                            tuple(mandatory_requirements(catalogue, _intent(r))) if results_checked(r) else (),
                            str(r.plan.meta.get("scope") or "tenancy"), *_declared(r))
                for r in results],
        findings=[f for r in results for f in _findings(r, shown)],
        requirements=requirements,
        fail_on=fail_on,
        generated_at=timestamp(now),
        version=version(),
        checks_not_run=checks_not_run,
        types_not_checked=types,
        waivers=_merge_waivers(results, shown),
        boundaries=[row for r in evaluated for row in _boundary_rows(r.plan.stack, r.boundaries)] if evaluated else None,
        parties=parties,
        notes=sorted({clean(scrub(n)) for r in evaluated for n in r.boundaries.notes}),
        categories={k: dict(v) for k, v in catalogue.categories.items()},
    )
