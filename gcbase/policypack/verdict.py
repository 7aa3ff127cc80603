"""The resources of one `pulumi preview`/`up` -> gcbase's Report -> the pack's violations.

Every policy of the pack reads the same run: the engine calls each stack policy with the same
resources, so the run is kept for the last (document, options) seen and not repeated.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from gcbase.policypack.resources import to_preview_document

LABEL = "(pulumi policy pack)"  # names the engine's resources in error lines, where a file would be named


@dataclass(frozen=True)
class Violation:
    message: str
    urn: Optional[str] = None


@dataclass
class Verdict:
    report: Any  # gcbase.report.model.Report
    gate: list[Violation] = field(default_factory=list)  # mandatory: why the gate fails (empty: it passes)
    findings: list[Violation] = field(default_factory=list)  # advisory: every unwaived failure

    @property
    def state(self) -> str:
        return self.report.state


def judge_document(doc: dict[str, Any], options: argparse.Namespace) -> Verdict:
    """A preview document checked as `gcbase check --preview` checks it, then its violations."""
    from gcbase.check import load_catalogue
    from gcbase.report.collect import build
    from gcbase.report.pipeline import check_plan
    from gcbase.synth.importers import from_preview_document

    plan = from_preview_document(doc, LABEL)
    result = check_plan(plan, options)
    report = build([result], load_catalogue(), fail_on=options.fail_on)
    return Verdict(report, gate_violations(report), finding_violations(report))


_last: dict[str, Verdict] = {}


def judge(resources: Sequence[Any], options: argparse.Namespace) -> Verdict:
    """judge_document on the engine's resources, once per (resources, options)."""
    doc = to_preview_document(resources)
    key = hashlib.sha256(json.dumps([doc, sorted(vars(options).items())], sort_keys=True, default=str)
                         .encode()).hexdigest()
    if key not in _last:
        _last.clear()
        _last[key] = judge_document(doc, options)
    return _last[key]


def _label(f: Any) -> str:
    title = f.title.get("ja") or f.title.get("en") or ""
    en = f.title.get("en")
    text = f"[{f.check_id}] {title}" + (f" / {en}" if en and en != title else "")
    return text + f": {f.resource}" + (f" — {f.message}" if f.message else "")


def gate_violations(report: Any) -> list[Violation]:
    """One violation per reason the gate fails, as `gcbase check` counts them; at least one whenever
    its state is fail or error, none when it is pass or findings."""
    if report.state in ("pass", "findings"):
        return []
    out = [Violation(f"ERRORED {_label(f)}", f.urn or None) for f in report.errored()]
    titles = {r.id: r.title for r in report.requirements}
    failures = report.failures()
    checks_of: dict[str, set[str]] = {}  # requirement -> failing checks
    for f in failures:
        for rid in f.requirements:
            checks_of.setdefault(rid, set()).add(f.check_id)
    missed = report.mandatory_failures()
    for stack, rid, why in missed:
        title = titles.get(rid, {})
        reason = ("missing: nothing in the plan meets it" if why == "missing"
                  else f"not met: {', '.join(sorted(checks_of.get(rid, ())))}")
        out.append(Violation(f"[{rid}] {title.get('ja', '')} / {title.get('en', '')}: mandatory requirement {reason}"))
    gate = {id(f) for f in report.gate_failures()}  # the same Finding objects failures() returns
    mandatory = {rid for _, rid, _ in missed}
    for f in failures:
        if id(f) in gate or mandatory & set(f.requirements):
            out.append(Violation(_label(f) + (" (expired waiver)" if f.expired_waiver else ""), f.urn or None))
    for row, cell in report.boundary_violations():
        out.append(Violation(f"boundary {row.id}: {cell.party} expected {cell.expected}, found {cell.status}"
                             + (f" ({cell.deciding})" if cell.deciding else "")))
    return out or [Violation(f"gcbase gate: {report.state}")]


def finding_violations(report: Any) -> list[Violation]:
    return [Violation(_label(f), f.urn or None) for f in report.failures()]
