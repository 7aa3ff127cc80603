"""gcbase check: run every built-in AWS check and gcbase's own on plans, verdicts per requirement.

Exit codes: 0 no unwaived failure at or above --fail-on (and no expired waiver still matching a
failure, no responsibility-boundary mismatch), 1 there is one, 2 usage or config errors, or a
check that raised (its results are marked ERRORED in the reports, which are still written).
Reports (-o DIR --format html,md,sarif,junit,json,xlsx --lang ja|en), waivers, the boundary
matrix, progress and the gate: gcbase/report/pipeline.py.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gcbase.check.findings import SEVERITIES, CheckReport, requirement_verdict
from gcbase.commands.synth import add_source_arguments
from gcbase.outputs import write_json
from gcbase.report.sanitize import clean

JSON_VERSION = 1
MAX_LISTED = 20  # failures printed per plan; --json has them all


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check plans: Checkov's AWS checks and gcbase's, mapped to requirements",
                       description="Check plans with every Checkov AWS check and gcbase's own, map the results to "
                                   "the requirements (非機能要件の標準, 三層の対策, guardrails), prove the "
                                   "responsibility boundaries, and write the reports (-o DIR). Verdict and exit code: "
                                   "0 合格 (pass) or 合格（指摘あり） (pass with findings below --fail-on), 1 不合格 "
                                   "(fail: a mandatory requirement not met, a failure at or above --fail-on, an "
                                   "expired waiver, a boundary mismatch), 2 未完了 (a check raised) or a usage or "
                                   "input error.")
    add_source_arguments(p, plan_file=True)
    p.add_argument("--fail-on", choices=SEVERITIES, default="high",
                   help="exit 1 when an unwaived failure is at or above this severity (default: high)")
    p.add_argument("--json", metavar="FILE", help="write every finding and requirement verdict as JSON")
    from gcbase.report.pipeline import add_arguments

    add_arguments(p)
    p.set_defaults(func=run)


def requirement_summary(report: CheckReport) -> dict[str, dict[str, Any]]:
    """requirement id -> {category, verdict, checks} for every requirement in the catalogue."""
    from gcbase.check import load_catalogue

    cat = load_catalogue()
    found = report.by_requirement()
    return {rid: {"category": req.category, "ja": req.ja, "en": req.en,
                  "verdict": requirement_verdict(found.get(rid, [])),
                  "checks": cat.checks_of(rid)}
            for rid, req in cat.requirements.items()}


def render(report: CheckReport, fail_on: str) -> list[str]:
    from gcbase.check import load_catalogue

    cat = load_catalogue()
    name = report.meta.get("municipalityName", "")
    waived = report.count("SKIPPED")
    lines = [f"{report.stack}{' ' + name if name else ''} ({report.source}): {len(report.findings)} results, "
             f"{report.count('FAILED')} failed, {waived} waived, {report.count('PASSED')} passed"
             + (f", {report.count('ERRORED')} errored (not evaluated)" if report.count("ERRORED") else "")]
    reqs = requirement_summary(report)
    for letter, names in cat.categories.items():
        verdicts = [r["verdict"] for r in reqs.values() if r["category"] == letter]
        if not verdicts:
            lines.append(f"  {letter} {names['ja']}: no requirement checkable from a plan")
            continue
        parts = [f"{verdicts.count(v)} {label}" for v, label in
                 (("FAILED", "fail"), ("ERRORED", "check error (not checked)"), ("WAIVED", "waived"), ("PASSED", "pass"),
                  ("NOT_CHECKED", "not checked"))
                 if verdicts.count(v)]
        lines.append(f"  {letter} {names['ja']}: {len(verdicts)} requirements: {', '.join(parts)}")
    other = [f for f in report.findings if not f.requirements]
    if other:
        lines.append(f"  other Checkov checks (no requirement): {sum(f.failed for f in other)} failed, "
                     f"{sum(f.result == 'PASSED' for f in other)} passed")
    failures = report.failures(fail_on)
    for f in failures[:MAX_LISTED]:
        lines.append(f"  [{f.severity}] {f.check_id} {f.resource}: {f.title_ja or f.title_en}"
                     + (f" — {f.details[0]}" if f.details else ""))
    if len(failures) > MAX_LISTED:
        lines.append(f"  ... {len(failures) - MAX_LISTED} more failures at or above {fail_on} (see --json)")
    below = len(report.failures()) - len(failures)
    if below:
        lines.append(f"  {below} failures below {fail_on}")
    custom_not_run = [c for c in report.not_run if c.startswith("GCJP")]
    if custom_not_run:
        lines.append(f"  not run (no resource of their type): {', '.join(custom_not_run)}")
    if report.not_checked:
        types = sorted({m["type"] for m in report.not_checked})
        lines.append(f"  not checked (type unknown to the exporter): {', '.join(types)}")
    return lines


def run(args: argparse.Namespace) -> int:
    from gcbase.intent import deprecation_warnings
    from gcbase.outputs import check_destination, prepare_dir
    from gcbase.report import parse_formats
    from gcbase.report.pipeline import check_all, finish

    parse_formats(args.format)  # a typo is one line before anything is synthesized, not after
    if args.out_dir:  # where the results go is checked before the work, not after it
        prepare_dir(args.out_dir)
    if args.json:
        check_destination(args.json)
    results = check_all(args)
    for result in results:
        for line in deprecation_warnings(result.plan.meta):  # accepted, but retired: one line each
            print(clean(line), file=sys.stderr)
    reports = [r.check for r in results]
    for report in reports:
        print("\n".join(clean(line) for line in render(report, args.fail_on)))  # one result, one line
    if args.json:
        data = {"version": JSON_VERSION, "failOn": args.fail_on,
                "plans": [{**r.to_dict(), "requirements": requirement_summary(r)} for r in reports]}
        print(f"wrote {write_json(args.json, data)}")
    return finish(results, args)[1]
