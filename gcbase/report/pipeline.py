"""What `gcbase check` does around the checks: one stack at a time with progress, waivers from
every file that applies, the responsibility matrix, the report files and the gate.

Gate (exit code of `gcbase check`):
  0  no unwaived failure at or above --fail-on, no expired waiver still matching a failure,
     no responsibility-boundary mismatch
  1  any of those
  2  usage or input errors (stack config, waiver file, plan file), one line each; or a check that
     raised on a resource: one line each (check file, resource, exception), after every report
     is written with that check's result on that resource marked ERRORED (never a pass)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from gcbase.baselines import ROOT
from gcbase.errors import GcbaseError, Problem
from gcbase.model import Plan
from gcbase.report.collect import StackResult, build
from gcbase.report.model import Report
from gcbase.report.progress import Progress
from gcbase.report.sanitize import clean
from gcbase.synth.importers import NAME
from gcbase.waivers import blanket_problems, exported_by_gcbase, gcbase_project, uses_of, waivers_for


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The report and gate options of `gcbase check`."""
    from gcbase.report import FORMATS
    from gcbase.report.i18n import DEFAULT_LANG, LANGS

    p.add_argument("-o", "--out-dir", metavar="DIR", help="write the reports into DIR")
    p.add_argument("--format", default=",".join(FORMATS), metavar="LIST",
                   help=f"with -o: comma-separated subset of {','.join(FORMATS)} (default: all)")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="report language (default: ja)")
    p.add_argument("--waivers", action="append", default=[], metavar="FILE",
                   help="more waiver files, on top of baselines/waivers.yaml and stacks/waivers/<stack>.yaml "
                        "(those two apply to gcbase's own plans only)")
    p.add_argument("--no-baseline-waivers", action="store_true",
                   help="an independent review: leave out the project's own waivers (baselines/waivers.yaml, "
                        "stacks/waivers/<stack>.yaml); only --waivers FILE apply")
    p.add_argument("--no-boundaries", action="store_true",
                   help="skip the responsibility-boundary matrix (faster on large fleets)")
    p.add_argument("--allow-unchecked-types", action="store_true",
                   help="an advisory run: a resource type no check reads (GCJP_AWS_72) is reported as waived, not a "
                        "failure (a gated run fails on it unless a waiver names the type)")
    p.add_argument("--scope", choices=("tenancy", "part"), default="tenancy",
                   help="tenancy (default): the plan is a whole tenancy, and a mandatory requirement none of whose "
                        "checks found anything is not met (missing); part: the plan is one part of a tenancy (a "
                        "vendor's program), absence is not judged, failing mandatory requirements still fail")
    p.add_argument("--tenancy", metavar="STACK",
                   help="judge the plan against this gcbase stack's declared tenancy (tiers, accounts, town-hall "
                        "ranges): for a vendor's own program, a preview, a state export or a Terraform plan "
                        "(default: the stack the plan names, when stacks/ has its config)")


def _boundaries(plan: Plan, enabled: bool, ours: bool = False, args: Optional[argparse.Namespace] = None) -> Any:
    """The matrix of a gcbase stack (its config gives the parties' accounts); None for other plans. A
    preview or state export of gcbase's own program (the policy pack hands one over) gets the matrix of
    the stack config it was judged against (--tenancy, else the checkout's config of the stack it names):
    an escalation that only the matrix catches must not pass there either."""
    if not enabled:
        return None
    from gcbase.boundaries import evaluate

    if plan.source == "synth" and plan.config_file:
        return evaluate(plan)
    if not ours or plan.source == "tf-plan":
        return None
    from gcbase.synth import STACKS_DIR, stack_file
    from gcbase.validate import load_settings

    tenancy = getattr(args, "tenancy", None) if args is not None else None
    config = stack_file(tenancy) if tenancy else STACKS_DIR / f"Pulumi.{plan.stack}.yaml"
    return evaluate(plan, settings=load_settings(config)) if Path(config).is_file() else None


def _ours(plan: Plan, args: argparse.Namespace) -> bool:
    """Whether a plan is of gcbase's own program, so its shared and per-stack waivers apply. Read from
    the plan itself (its project name), which whoever writes a plan file controls: a convenience that
    keeps gcbase's waivers off other programs' plans, not a control. A --program is ours only when it
    is gcbase's own directory."""
    if plan.project != gcbase_project():
        return False
    return plan.source != "program" or Path(getattr(args, "program", "") or "").resolve() == ROOT


def _intent(stack: str, args: argparse.Namespace, meta: Optional[dict] = None) -> Any:
    """The declared tenancy a plan is proven against: --tenancy, else what synth recorded, else the
    checkout's stack config of the stack the plan names (gcbase.intent.for_plan), else None."""
    from gcbase.intent import for_plan, load_intent

    if getattr(args, "tenancy", None):
        return load_intent(args.tenancy)
    return for_plan(stack, meta)


ADVISORY = "GCJP_AWS_72"


def _advisory(report: Any, args: argparse.Namespace) -> None:
    """--allow-unchecked-types: unchecked types shown as waived by the command line, never silently passed."""
    if not getattr(args, "allow_unchecked_types", False):
        return
    from gcbase.waivers import Waiver

    for f in report.findings:
        if f.check_id == ADVISORY and f.result == "FAILED":
            f.result = "SKIPPED"
            f.waiver = Waiver(ADVISORY, f.resource, "advisory run: --allow-unchecked-types", "(command line)",
                              "9999-12-31", (), "(--allow-unchecked-types)", None)


def _waivers(stack: str, args: argparse.Namespace, ours: bool, today: date) -> tuple:
    """The waivers of a plan: the project's own (for its own plans, unless --no-baseline-waivers) and --waivers."""
    return waivers_for(stack, args.waivers, ours=ours, today=today,
                       baseline=not getattr(args, "no_baseline_waivers", False))


def _blankets(report: Any, waivers: tuple, stack: str) -> None:
    """A waiver that matched every resource its check reported needs scope: all (one line each, exit 2)."""
    problems = blanket_problems(report.findings, waivers, stack)
    if problems:
        raise GcbaseError(problems)


def _one(plan: Plan, args: argparse.Namespace, check: Callable[..., Any], today: date) -> StackResult:
    plan.meta["scope"] = getattr(args, "scope", "tenancy")
    intent = _intent(plan.stack, args, plan.meta)
    if intent is not None:
        plan.meta["intent"] = intent.to_dict()
    ours = _ours(plan, args)
    waivers = _waivers(plan.stack, args, ours, today)
    report = check(plan, waivers)
    _blankets(report, waivers, plan.stack)
    _advisory(report, args)
    return StackResult(plan, report, uses_of(report.findings, waivers, today),
                       _boundaries(plan, not args.no_boundaries, ours, args))


def check_plan(plan: Plan, args: argparse.Namespace, today: Optional[date] = None) -> StackResult:
    """One plan already in memory, checked as `gcbase check` checks it (intent, waivers, blanket rule,
    --allow-unchecked-types, the responsibility matrix): the policy pack's entry into the one engine.
    `args` carries check's options (tenancy, scope, waivers, no_baseline_waivers, no_boundaries,
    allow_unchecked_types)."""
    from gcbase.check import run_plan

    return _one(plan, args, lambda p, w: run_plan(p, waivers=w), today or date.today())


def _tfplan(path: str, args: argparse.Namespace, today: date) -> StackResult:
    from gcbase.check import run_tfplan
    from gcbase.check.planfile import load_plan_file

    tfplan = load_plan_file(path)  # the shape Checkov reads, every problem one line naming the key
    ours = exported_by_gcbase(tfplan)  # gcbase synth --tf-plan wrote it, naming its stack
    named = tfplan["gcbase"].get("stack") if ours else None
    named = named if isinstance(named, str) and NAME.match(named) else None
    plan = Plan(project="", stack=named or Path(path).name, source="tf-plan", config_file=path)  # findings: the file
    waivers = _waivers(plan.stack, args, ours, today)
    intent = _intent(named or "", args)
    plan.meta["scope"] = getattr(args, "scope", "tenancy")
    if intent is not None:
        plan.meta["intent"] = intent.to_dict()
    report = run_tfplan(tfplan, stack=plan.stack, source="tf-plan", waivers=waivers, file=path, intent=intent)
    _blankets(report, waivers, plan.stack)
    _advisory(report, args)
    return StackResult(plan, report, uses_of(report.findings, waivers, today), None)


def check_all(args: argparse.Namespace, today: Optional[date] = None,
              stream: Optional[Any] = None) -> list[StackResult]:
    """Synthesize (or import) and check every plan the arguments name, with progress."""
    from gcbase.check import run_plan
    from gcbase.commands.synth import collect_plans
    from gcbase.synth import all_stack_files, synth_stack

    today = today or date.today()
    sources = [args.plan, args.preview, args.stack_export, args.program]
    if any(sources) and args.stacks:
        raise GcbaseError.one(args.stacks[0], "", "give stacks or one of --plan/--preview/--stack-export/--program, not both")
    if args.plan:
        return [_tfplan(args.plan, args, today)]

    def check(plan: Plan, waivers: tuple) -> Any:
        return run_plan(plan, waivers=waivers)

    if any(sources):
        return [_one(plan, args, check, today) for plan in collect_plans(args)]
    refs = [str(r) for r in (args.stacks or all_stack_files())]
    results = []
    with Progress(len(refs), stream or sys.stderr, label="gcbase check") as progress:
        for ref in refs:
            from gcbase.validate import STACK_FILE  # pydantic's settings: only when a stack is named

            named = STACK_FILE.match(Path(ref).name)
            progress.start(clean(named.group("stack") if named else ref))
            result = _one(synth_stack(ref), args, check, today)
            failed = sum(1 for f in result.check.findings if f.result == "FAILED")
            errored = len(result.check.errored())
            progress.done(clean(result.plan.stack), f"{len(result.check.findings)} results, {failed} failed"
                          + (f", {errored} errored" if errored else ""))
            results.append(result)
    return results


def given_paths(results: list[StackResult]) -> dict[Any, str]:
    """Each waiver as the report names it (its file relative to the repository) -> its file as the user
    gave it: the command's own lines on the terminal name the file the user can open."""
    from dataclasses import replace

    from gcbase.report.paths import shown_path

    return {replace(u.waiver, file=shown_path(u.waiver.file) or ""): u.waiver.file
            for r in results for u in r.waivers.uses}


def warnings(report: Report, given: Optional[dict[Any, str]] = None) -> list[str]:
    """One line per waiver problem (unused: a warning; expired and still matching: fails the gate)."""
    lines = []
    for use in report.waivers:
        w = use.waiver
        file = (given or {}).get(w, w.file)
        where = f"{file}:{w.line}" if w.line else file
        if use.state == "unused":
            lines.append(f"warning: {where}: waiver {w.check} {w.resource} matched no finding (unused)")
        elif use.state == "expired":
            lines.append(f"error: {where}: waiver {w.check} {w.resource} expired on {w.expires} and still matches "
                         f"{use.matched} failure(s); they count as failures")
    return lines


def check_errors(results: list[StackResult]) -> list[str]:
    """One line per check that raised on a resource: the check's file, the check, the resource, the exception."""
    lines = []
    for result in results:
        for f in result.check.errored():
            error = f.error or {}
            where = f"{result.plan.stack}: {f.resource}" if len(results) > 1 else f.resource
            lines.append("error: " + str(Problem(error.get("file") or f.check_id, f.check_id,
                                                 f"the check raised on {where} ({error.get('exception', '?')}); "
                                                 f"it was not evaluated (ERRORED in the reports): fix or remove the check")))
    return lines


def finish(results: list[StackResult], args: argparse.Namespace, out: Optional[Any] = None) -> tuple[Report, int]:
    """Build the report, write the requested files, print waiver warnings and check errors; return it and
    the exit code (2 when a check raised: after the reports are written, so nothing that ran is lost)."""
    from gcbase.check import load_catalogue
    from gcbase.report import parse_formats, write_reports

    formats = parse_formats(args.format)  # validated before any work too (gcbase.commands.check.run)
    report = build(results, load_catalogue(), fail_on=args.fail_on)
    out = out or sys.stdout
    for line in warnings(report, given_paths(results)):
        print(clean(line), file=sys.stderr)
    for row, cell in report.boundary_violations():
        print(clean(f"error: {row.stack}: boundary {row.id}: {cell.party} expected {cell.expected}, "
                    f"got the opposite ({cell.deciding})"), file=sys.stderr)
    if args.out_dir:
        for path in write_reports(report, args.out_dir, formats, args.lang):
            print(clean(f"wrote {path}"), file=out)
    errors = check_errors(results)
    for line in errors:
        print(clean(line), file=sys.stderr)
    for stack, rid, why in report.mandatory_failures():
        reason = "missing: none of its checks found what they check" if why == "missing" else "a check fails"
        print(clean(f"error: {stack}: mandatory requirement {rid} is not met ({reason})"), file=sys.stderr)
    verdict = "ERROR" if errors else {"pass": "PASS", "findings": "PASS WITH FINDINGS"}.get(report.state, "FAIL")
    print(f"gate (--fail-on {args.fail_on}): {verdict}: {len(report.mandatory_failures())} mandatory requirement(s) "
          f"not met, {len(report.gate_failures())} failure(s), "
          f"{len(report.expired_waivers())} expired waiver(s), {len(report.boundary_violations())} boundary mismatch(es)"
          + (f", {len(errors)} check error(s) (not evaluated)" if errors else ""), file=out)
    return report, 2 if errors else 0 if report.passed else 1


__all__ = ["add_arguments", "check_all", "check_errors", "finish", "given_paths", "warnings"]
