"""The few worst findings, for the first page of the CISO report (the page a CISO signs).

Worst first: the mandatory requirements a stack has nothing in its plan for (不適合（欠落）, one item
per stack naming them all, so a plan fragment's many gaps do not hide its failures), a check that
raised (its resources are unchecked), then failures grouped per check: those on a mandatory
requirement a stack fails, then those that fail the gate (at or above --fail-on, or under an
expired waiver), then by severity. Every item names the requirement, the resource and the
remediation; the findings section of the report lists everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from gcbase.check.findings import severity_rank
from gcbase.report.model import Finding, Report

SHOWN = 5  # items on the first page; more would push the verdict's evidence off it


@dataclass
class Headline:
    kind: str  # missing (mandatory requirements nothing in the stack's plan meets) | error | fail
    requirements: tuple[str, ...]
    check_id: str = ""
    severity: str = ""
    findings: list[Finding] = field(default_factory=list)  # every resource of the check, worst stack first
    stack: str = ""  # missing: the stack that lacks it
    checks: tuple[str, ...] = ()  # missing: the checks that found nothing to check, in requirement order

    @property
    def first(self) -> Optional[Finding]:
        return self.findings[0] if self.findings else None


def headlines(report: Report) -> list[Headline]:
    """Every headline, worst first (the report shows the first SHOWN)."""
    mandatory = report.mandatory_failures()
    failing_mandatory = {rid for _, rid, why in mandatory if why == "fail"}
    checks_of = {r.id: r.checks for r in report.requirements}
    missing: dict[str, list[str]] = {}
    for stack, rid, why in mandatory:
        if why == "missing":
            missing.setdefault(stack, []).append(rid)
    out = [Headline("missing", tuple(rids), stack=stack,
                    checks=tuple(dict.fromkeys(c for rid in rids for c in checks_of.get(rid, ()))))
           for stack, rids in missing.items()]
    errored: dict[str, list[Finding]] = {}
    for f in report.errored():
        errored.setdefault(f.check_id, []).append(f)
    out += [Headline("error", found[0].requirements, cid, found[0].severity, found) for cid, found in errored.items()]
    gate = {id(f) for f in report.gate_failures()}
    failing: dict[str, list[Finding]] = {}
    for f in report.failures():
        failing.setdefault(f.check_id, []).append(f)

    def rank(found: list[Finding]) -> tuple:
        on_mandatory = any(set(f.requirements) & failing_mandatory for f in found)
        in_gate = any(id(f) in gate for f in found)
        return (not on_mandatory, not in_gate, min(severity_rank(f.severity) for f in found), found[0].check_id)

    for found in sorted(failing.values(), key=rank):
        out.append(Headline("fail", found[0].requirements, found[0].check_id, found[0].severity, found))
    return out


__all__ = ["Headline", "SHOWN", "headlines"]
