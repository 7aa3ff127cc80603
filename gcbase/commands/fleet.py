"""gcbase fleet: synth + check + boundaries over many stacks in parallel worker processes.

    gcbase fleet [STACK...] [--all-municipalities] [--limit N] [--workers N] [--shard i/n] -o DIR [--resume]
                 [--plan-cache DIR]
    gcbase fleet merge DIR... -o OUT

A run writes DIR/results/<stack>.json per stack (an interrupted run resumes with --resume) and
the fleet report of what DIR holds, DIR/report.json and DIR/report.html. `merge` combines the
result directories of the shards of a CI matrix into one report, the same as an unsharded run.
Exit codes: 0 every stack checked, no unwaived failure at or above --fail-on and no boundary
mismatch; 1 there is one; 2 usage errors, or a stack whose config or program is broken (its
result says why; the other stacks still ran); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError
from gcbase.outputs import write_json, write_text

SEVERITIES = ("critical", "high", "medium", "low")
REPORT_JSON, REPORT_HTML = "report.json", "report.html"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="check many stacks in parallel (or `fleet merge DIR... -o OUT`)",
                       description="\n\n".join(__doc__.split("\n\n")[:3])
                       + "\n\n`gcbase fleet merge --help` describes merge.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stacks", nargs="*", metavar="STACK",
                   help="stack names or config files; `merge DIR...` combines result directories")
    p.add_argument("-o", "--out-dir", metavar="DIR", required=True, help="results and report directory")
    _run_options(p)
    _fail_on(p)
    p.set_defaults(func=run)


def _fail_on(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-on", choices=SEVERITIES, default="high",
                   help="exit 1 when an unwaived failure is at or above this severity (default: high)")


def _run_options(p: argparse.ArgumentParser, hidden: bool = False) -> None:
    """The options of a fleet run; merge's parser takes them hidden, to say they go with a run, not with merge."""
    def shown(text: str) -> str:
        return argparse.SUPPRESS if hidden else text

    p.add_argument("--all-municipalities", action="store_true",
                   help=shown("every municipality, with the fleet generator's config (1,741 stacks)"))
    p.add_argument("--environment", default="prod", metavar="ENV",
                   help=shown("with --all-municipalities: environment of the generated stacks (default: prod)"))
    p.add_argument("--limit", type=int, metavar="N", help=shown("only the first N stacks by name"))
    p.add_argument("--workers", type=int, metavar="N", help=shown("worker processes (default: CPU count)"))
    p.add_argument("--shard", metavar="i/n", help=shown("only the i-th of n disjoint shards (by sorted stack name)"))
    p.add_argument("--resume", action="store_true", help=shown("skip stacks whose result is already in DIR"))
    p.add_argument("--no-boundaries", action="store_true", help=shown("skip the responsibility-boundary matrix"))
    p.add_argument("--no-baseline-waivers", action="store_true",
                   help=shown("an independent review: leave out the project's own waivers (baselines/waivers.yaml, "
                              "stacks/waivers/)"))
    p.add_argument("--plan-cache", metavar="DIR",
                   help=shown("reuse synthesized plans whose inputs (config, program, gcbase's code, baselines, locked "
                              "packages) are unchanged: a re-check after a change to policies/ or a waiver only checks"))


def merge_parser() -> argparse.ArgumentParser:
    """`gcbase fleet merge`'s own parser, so that `gcbase fleet merge --help` describes merge (gcbase.cli)."""
    p = argparse.ArgumentParser(
        prog="gcbase fleet merge",
        description="Combine the result directories of fleet runs (the shards of a CI matrix, each written by "
                    "`gcbase fleet --shard i/n -o DIR`) into one fleet report, OUT/report.json and OUT/report.html, "
                    "the same as an unsharded run. A stack no directory has a result for is reported missing. "
                    "Exit codes: 0 every stack checked, no unwaived failure at or above --fail-on and no boundary "
                    "mismatch; 1 there is one; 2 usage errors or stacks without a result.")
    p.add_argument("dirs", nargs="+", metavar="DIR", help="a fleet run's result directory (its -o DIR)")
    p.add_argument("-o", "--out-dir", metavar="OUT", required=True, help="where to write the merged report")
    _fail_on(p)
    _run_options(p, hidden=True)
    p.set_defaults(func=lambda args: merge_command(args, args.dirs))
    return p


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    from gcbase.fleet.html import render

    out.mkdir(parents=True, exist_ok=True)
    return [write_json(out / REPORT_JSON, report), write_text(out / REPORT_HTML, render(report))]


def exit_code(report: dict[str, Any], fail_on: str) -> int:
    if report["stacks"]["errors"] or report["stacks"]["missing"]:
        return 2
    limit = SEVERITIES.index(fail_on)
    gate = any(n for r in report["rows"] for s, n in r["failedBySeverity"].items()
               if s in SEVERITIES and SEVERITIES.index(s) <= limit)
    mismatches = any((r["boundaries"] or {}).get("mismatches") for r in report["rows"])
    return 1 if gate or mismatches else 0


def _summary(report: dict[str, Any]) -> str:
    s = report["stacks"]
    parts = [f"{s['checked']} of {s['selected']} stacks checked"]
    if s["errors"]:
        parts.append(f"{s['errors']} with errors")
    if s["missing"]:
        parts.append(f"{len(s['missing'])} without a result")
    rates = ", ".join(f"{c} {v['rate'] * 100:.1f}%" for c, v in report["totals"].items() if v["rate"] is not None)
    return "; ".join(parts) + (f"; pass rates: {rates}" if rates else "")


def merge_command(args: argparse.Namespace, dirs: list[str]) -> int:
    from gcbase.fleet.merge import merge

    used = [flag for flag, on in (("--all-municipalities", args.all_municipalities), ("--limit", args.limit),
                                  ("--workers", args.workers), ("--shard", args.shard), ("--resume", args.resume),
                                  ("--no-boundaries", args.no_boundaries), ("--plan-cache", args.plan_cache),
                                  ("--no-baseline-waivers", args.no_baseline_waivers)) if on]
    if used:
        raise GcbaseError.one("gcbase fleet merge", "", f"{', '.join(used)} go with a fleet run, not with merge")
    if not dirs:
        raise GcbaseError.one("gcbase fleet merge", "", "give the result directories to merge (DIR...)")
    report = merge(dirs)
    for path in write_report(report, Path(args.out_dir)):
        print(f"wrote {path}")
    print(_summary(report))
    return exit_code(report, args.fail_on)


def run(args: argparse.Namespace) -> int:
    from gcbase.fleet.jobs import select
    from gcbase.fleet.merge import merge
    from gcbase.fleet.run import run_fleet

    if args.stacks[:1] == ["merge"]:
        return merge_command(args, args.stacks[1:])
    if args.environment != "prod" and not args.all_municipalities:
        raise GcbaseError.one("--environment", "", "goes with --all-municipalities (stack files name their environment)")
    if args.workers is not None and args.workers < 1:
        raise GcbaseError.one("--workers", "", "must be at least 1")
    if args.plan_cache:
        from gcbase.fleet.plancache import probe

        probe(args.plan_cache)  # before any stack runs: a cache nobody can write would only be silent misses
    jobs = select(args.stacks, args.all_municipalities, args.environment, args.limit, args.shard)
    out = Path(args.out_dir)
    try:
        result = run_fleet(jobs, out, workers=args.workers, resume=args.resume, boundaries=not args.no_boundaries,
                           plan_cache=args.plan_cache, baseline_waivers=not args.no_baseline_waivers)
    except KeyboardInterrupt:
        print(f"error: interrupted; finished stacks are in {out / 'results'}; rerun with --resume to go on",
              file=sys.stderr)
        return 130
    print(f"{result.done} stacks checked, {result.skipped} already done, {len(result.errors)} with errors, "
          f"{result.seconds:.1f} s with {result.workers} worker(s)"
          + (f", peak RSS per worker {max(result.peak_rss_mb.values()):.0f} MB" if result.peak_rss_mb else "")
          + (f", plans from the cache: {result.cache_hits}" if args.plan_cache else ""))
    for stack, errors in result.errors.items():
        for error in errors:
            print(f"error: {stack}: {error}", file=sys.stderr)
    for stack, reason in sorted(result.cache_errors.items())[:1]:
        print(f"warning: --plan-cache: {len(result.cache_errors)} plan(s) not stored, e.g. {stack}: {reason}",
              file=sys.stderr)
    report = merge([out])
    for path in write_report(report, out):
        print(f"wrote {path}")
    print(_summary(report))
    return exit_code(report, args.fail_on)
