"""The policy pack itself: two stack validation policies over one gcbase run (see __init__).

A resource validation policy would judge one resource without the plan around it (routes, trust,
absence), so gcbase's verdicts are all stack-level; `pulumi preview` runs stack policies on the
previewed resources before `pulumi up` changes anything.
"""

from __future__ import annotations

import sys
from typing import Any

from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, PolicyPack, ReportViolation, StackValidationArgs,
                           StackValidationPolicy)

from gcbase.errors import GcbaseError
from gcbase.policypack import options as opts
from gcbase.policypack.verdict import Verdict, judge

NAME = "gcbase"
GATE, FINDINGS = "gcbase-gate", "gcbase-findings"
_config: dict[str, Any] = {}  # the gate policy's config, for the findings policy to judge the same run


def _verdict(args: StackValidationArgs, config: Any) -> Verdict:
    return judge(args.resources, opts.from_config(config))


def _report_error(err: GcbaseError, report_violation: ReportViolation) -> None:
    """A config or plan problem is a violation of the gate (one line each), never a pass."""
    for line in str(err).splitlines():
        report_violation(f"gcbase could not check the stack: {line}", None)


def validate_gate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    _config.clear()
    _config.update(args.get_config() or {})
    try:
        verdict = _verdict(args, _config)
    except GcbaseError as err:
        _report_error(err, report_violation)
        return
    for v in verdict.gate:
        report_violation(v.message, v.urn)


def validate_findings(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    try:
        verdict = _verdict(args, _config)
    except GcbaseError:
        return  # the gate policy reports it, as a mandatory violation
    for v in verdict.findings:
        report_violation(v.message, v.urn)


def policies() -> list[StackValidationPolicy]:
    gate = StackValidationPolicy(
        name=GATE,
        description="gcbase gate: every mandatory requirement of the 非機能要件の標準 and the security rules met, "
                    "no failure at or above failOn, no responsibility-boundary mismatch (as `gcbase check`)",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_gate,
        config_schema=PolicyConfigSchema(properties=opts.SCHEMA),
    )
    findings = StackValidationPolicy(
        name=FINDINGS,
        description="gcbase findings: every unwaived failure of a gcbase or Checkov check, with its check id "
                    "(as in `gcbase check`'s reports)",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=validate_findings,
    )
    return [gate, findings]  # the gate first: it records the config both read


def serve() -> None:
    """Run the pack as the Pulumi policy host starts it (prints its port, serves until stopped)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    PolicyPack(name=NAME, policies=policies(), enforcement_level=EnforcementLevel.ADVISORY)
