"""The whole report as JSON for machines (schema "gcbase-report/1"): every finding, pass or not,
requirement verdicts, waivers with their state, the boundary matrix and what was not checked
(`checkErrors`: each check that raised on a resource, its finding has status "error").
Texts are kept in every language they exist in ({ja, en}; a Checkov title may have only "en") so one
file serves every reader; `lang` changes nothing here. Paths are relative to the repository and
generatedAt is ISO 8601 in JST (+09:00), as gcbase.report.collect hands them over."""

from __future__ import annotations

import json
from typing import Any, Optional

from gcbase.report.clock import jst_iso
from gcbase.report.model import Finding, Location, Report
from gcbase.waivers import Waiver

SCHEMA = "gcbase-report/1"


def _location(loc: Optional[Location]) -> Optional[dict[str, Any]]:
    return None if loc is None else {"file": loc.file, "key": loc.key, "line": loc.line}


def _waiver(w: Optional[Waiver]) -> Optional[dict[str, Any]]:
    if w is None:
        return None
    return {"id": w.id, "checkId": w.check, "resource": w.resource, "reason": w.reason, "approver": w.approver,
            "expires": w.expires, "file": w.file, "line": w.line, "stacks": list(w.stacks),
            "scope": w.scope or None, "baseline": w.baseline}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "checkId": f.check_id, "stack": f.stack, "resource": f.resource, "resourceType": f.resource_type,
        "urn": f.urn or None, "status": f.status, "severity": f.severity, "title": f.title,
        "remediation": f.remediation, "requirements": list(f.requirements), "message": f.message,
        "location": _location(f.location), "waiver": _waiver(f.waiver), "expiredWaiver": f.expired_waiver,
        "path": [dict(h) for h in f.path],
    }


def to_dict(report: Report) -> dict[str, Any]:
    by_req = report.by_requirement()
    return {
        "schema": SCHEMA,
        "version": report.version,
        "generatedAt": jst_iso(report.generated_at),  # ISO 8601 in JST (+09:00)
        "failOn": report.fail_on,
        "passed": report.passed,
        "verdict": report.state,  # pass | findings (pass with findings) | fail | error
        "mandatoryFailures": [{"stack": s, "requirement": r, "reason": why} for s, r, why in report.mandatory_failures()],
        "gateFailures": len(report.gate_failures()),
        "checkErrors": [{"checkId": f.check_id, "stack": f.stack, "resource": f.resource, "message": f.message}
                        for f in report.errored()],
        "stacks": [{"stack": s.stack, "configFile": s.config_file, "meta": s.meta, "mandatory": list(s.mandatory),
                    "securityModel": s.security_model or None, "profileExceptions": [dict(e) for e in s.exceptions],
                    "deprecations": list(s.deprecations)}
                   for s in report.stacks],
        "categories": report.categories,
        "categoriesNotPlanCheckable": report.categories_not_plan_checkable(),  # verified by operations and tests
        "summary": {cat: dict(c) for cat, c in report.category_counts().items()},
        "requirements": [{"id": r.id, "category": r.category, "title": r.title, "source": r.source,
                          "status": r.status or None, "section": r.section or None, "why": r.why or None,
                          "note": r.note or None,
                          "mandatory": r.id in report.mandatory_ids(),
                          "verdict": report.verdict(r.id, by_req.get(r.id, [])),
                          "checks": sorted({f.check_id for f in by_req.get(r.id, [])})} for r in report.requirements],
        "findings": [_finding(f) for f in sorted(report.findings, key=lambda f: (f.stack, f.check_id, f.resource))],
        "waivers": [{**_waiver(s.waiver), "state": s.state, "matched": s.matched} for s in report.waivers],
        "blanketWaivers": [s.waiver.id for s in report.blanket_waivers()],
        "baselineWaived": len(report.baseline_waived()),
        "parties": list(report.parties),
        "boundaries": None if report.boundaries is None else [
            {"stack": b.stack, "id": b.id, "title": b.title, "action": b.action,
             "cells": [{"party": c.party, "expected": c.expected, "status": c.status, "reason": c.reason,
                        "deciding": c.deciding} for c in b.cells]} for b in report.boundaries],
        "boundaryMismatches": len(report.boundary_violations()),
        "checksNotRun": [{"checkId": c, "title": title} for c, title in report.checks_not_run],
        "typesNotChecked": list(report.types_not_checked),
        "notes": list(report.notes),
    }


def render(report: Report, lang: str = "ja") -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"
