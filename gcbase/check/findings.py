"""What `gcbase check` produces: one Finding per (check, resource) and one CheckReport per plan.

A finding carries everything a reader needs without looking anything up: the check's
severity, the requirements it serves, its Japanese and English title, its remediation, the
resource's Terraform address and (when the plan came from Pulumi) its URN, and the waiver
that accepted it. The report also says what was NOT checked: checks that found no resource
of their type, resource types the exporter could not translate, and (result ERRORED) each check
that raised on a resource instead of deciding: never a pass, never dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from gcbase.waivers import Waiver  # check, resource pattern, reason, approver, expiry (gcbase/waivers.py)

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")  # most severe first
PASSED, FAILED, SKIPPED = "PASSED", "FAILED", "SKIPPED"
ERRORED = "ERRORED"  # the check raised on this resource: it was not evaluated (neither passed nor failed)


_PREFIX_ORDER = ("GCJP_AWS", "GCJP2_AWS", "CKV_AWS", "CKV2_AWS")


def check_sort_key(check_id: str) -> tuple[int, str, int]:
    """GCJP_AWS_2 before GCJP_AWS_10, ours (resource, then graph) before Checkov's."""
    head, _, num = check_id.rpartition("_")
    rank = _PREFIX_ORDER.index(head) if head in _PREFIX_ORDER else len(_PREFIX_ORDER)
    return (rank, head, int(num)) if num.isdigit() else (rank, check_id, 0)


def severity_rank(severity: str) -> int:
    """0 for critical ... 3 for low; an unknown severity ranks below low."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def at_or_above(severity: str, threshold: str) -> bool:
    return severity_rank(severity) <= severity_rank(threshold)


@dataclass
class Finding:
    check_id: str
    resource: str  # Terraform address (type.name), or "(plan)" for a plan-wide finding
    result: str  # PASSED | FAILED | SKIPPED (a failure accepted by a waiver is SKIPPED) | ERRORED
    severity: str
    requirements: list[str]
    title_ja: str
    title_en: str
    remediation: dict[str, str] = field(default_factory=dict)  # ja, en, pulumi
    urn: Optional[str] = None
    source: str = "checkov"  # checkov (built-in) | gcbase (ours)
    details: list[str] = field(default_factory=list)  # one sentence each: why
    waiver: Optional[Waiver] = None
    error: Optional[dict[str, str]] = None  # ERRORED only: {file: the check's source, exception: "Type: message"}
    path: list[dict[str, str]] = field(default_factory=list)  # network checks: the offending path, hop by hop

    @property
    def failed(self) -> bool:
        return self.result == FAILED

    @property
    def errored(self) -> bool:
        return self.result == ERRORED

    def to_dict(self) -> dict[str, Any]:
        """asdict(self), written out (asdict deep-copies field by field: a twentieth of a second per plan)."""
        return {"check_id": self.check_id, "resource": self.resource, "result": self.result, "severity": self.severity,
                "requirements": list(self.requirements), "title_ja": self.title_ja, "title_en": self.title_en,
                "remediation": dict(self.remediation), "urn": self.urn, "source": self.source,
                "details": list(self.details), "waiver": asdict(self.waiver) if self.waiver is not None else None,
                "error": dict(self.error) if self.error is not None else None, "path": [dict(h) for h in self.path]}


@dataclass
class CheckReport:
    """Every finding for one plan, plus what could not be checked."""

    stack: str
    source: str  # where the plan came from: synth | program | preview | stack-export | tf-plan
    findings: list[Finding] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)  # check ids with no resource of their type
    not_checked: list[dict[str, str]] = field(default_factory=list)  # {urn, type} unknown to the exporter
    unused_waivers: list[Waiver] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    partial: bool = False  # only some checks ran (fixtures, tests): absence of a requirement's results means nothing

    def failures(self, threshold: str = "low") -> list[Finding]:
        """Unwaived failures at or above a severity, most severe first."""
        out = [f for f in self.findings if f.failed and at_or_above(f.severity, threshold)]
        return sorted(out, key=lambda f: (severity_rank(f.severity), check_sort_key(f.check_id), f.resource))

    def errored(self) -> list[Finding]:
        """Checks that raised instead of deciding, one per (check, resource), in check order."""
        return sorted((f for f in self.findings if f.errored), key=lambda f: (check_sort_key(f.check_id), f.resource))

    def count(self, result: str) -> int:
        return sum(1 for f in self.findings if f.result == result)

    def by_requirement(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            for req in f.requirements:
                out.setdefault(req, []).append(f)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "source": self.source,
            "meta": self.meta,
            "summary": {"passed": self.count(PASSED), "failed": self.count(FAILED), "skipped": self.count(SKIPPED),
                        "errored": self.count(ERRORED)},
            "findings": [f.to_dict() for f in sorted(self.findings, key=lambda f: (check_sort_key(f.check_id), f.resource))],
            "not_run": list(self.not_run),
            "not_checked": list(self.not_checked),
            "unused_waivers": [asdict(w) for w in self.unused_waivers],
        }


def requirement_verdict(findings: list[Finding]) -> str:
    """FAILED if any unwaived failure, ERRORED if a check raised (not checked: never a pass), WAIVED if
    failures were all waived, PASSED if checked, else NOT_CHECKED."""
    if any(f.result == FAILED for f in findings):
        return FAILED
    if any(f.result == ERRORED for f in findings):
        return ERRORED
    if any(f.result == SKIPPED for f in findings):
        return "WAIVED"
    if findings:
        return PASSED
    return "NOT_CHECKED"
