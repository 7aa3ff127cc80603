"""gcbase synth: capture plans offline (Pulumi mocks or the CLI's own output) and export them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gcbase.commands import configvalues_arg
from gcbase.errors import GcbaseError
from gcbase.intent import deprecation_warnings
from gcbase.model import Plan
from gcbase.outputs import check_destination, prepare_dir, write_json
from gcbase.report.sanitize import clean
from gcbase.synth import all_stack_files, synth_stack


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="run stacks' Pulumi programs offline and write their plans",
                       description="Run the gcbase program for each stack under the Pulumi SDK's mocks (offline, no "
                                   "Pulumi CLI, no cloud account) and write its plan: <stack>.plan.json (gcbase model) "
                                   "and <stack>.tfplan.json (Terraform plan JSON). Or synthesize any Pulumi Python "
                                   "project (--program), or import what the Pulumi CLI printed (--preview, "
                                   "--stack-export). Exit codes: 0 ok, 2 usage or input errors.")
    add_source_arguments(p)
    p.add_argument("--json", metavar="FILE", help="write the captured plan (gcbase JSON) to FILE (one plan only)")
    p.add_argument("--tf-plan", metavar="FILE", help="write Terraform plan JSON to FILE (one plan only)")
    p.add_argument("-o", "--out-dir", metavar="DIR", help="write <stack>.plan.json and <stack>.tfplan.json into DIR")
    p.set_defaults(func=run)


def add_source_arguments(p: argparse.ArgumentParser, plan_file: bool = False) -> None:
    """Where the plans come from: gcbase stacks, any Pulumi project, or the CLI's own output
    (shared by synth and check, read back by collect_plans)."""
    p.add_argument("stacks", nargs="*", metavar="STACK", help="stack name or config file (default: every example stack)")
    src = p.add_mutually_exclusive_group()
    if plan_file:
        src.add_argument("--plan", metavar="FILE", help="a Terraform plan JSON (terraform show -json, gcbase synth --tf-plan)")
    src.add_argument("--program", metavar="DIR", help="any Pulumi Python project directory instead of gcbase's stacks")
    src.add_argument("--preview", metavar="FILE", help="import `pulumi preview --json` output")
    src.add_argument("--stack-export", metavar="FILE", help="import `pulumi stack export` output")
    p.add_argument("--config", metavar="FILE", help="with --program: the Pulumi.<stack>.yaml to use")
    configvalues_arg.add_argument(p)


def collect_plans(args: argparse.Namespace) -> list[Plan]:
    """The plans a synth/check invocation is about, from whichever source it names."""
    if getattr(args, "program", None):
        from gcbase.commands.configvalues_arg import for_program
        from gcbase.configvalues import mask
        from gcbase.synth import extra_config
        from gcbase.synth.program import synth_program
        given = for_program(args, Path(args.program))  # --config-values (ESC), over --config's values
        return [mask(synth_program(Path(args.program), config_file=args.config, **extra_config(given)), given)]
    if getattr(args, "preview", None):
        from gcbase.synth.importers import from_preview
        return [from_preview(Path(args.preview))]
    if getattr(args, "stack_export", None):
        from gcbase.synth.importers import from_stack_export
        return [from_stack_export(Path(args.stack_export))]
    if getattr(args, "config", None):
        raise GcbaseError.one(args.config, "", "--config goes with --program")
    refs = args.stacks or all_stack_files()
    return [synth_stack(ref) for ref in refs]


def write_plan_files(plan: Plan, args: argparse.Namespace, single: bool) -> list[Path]:
    from gcbase.tfplan import export

    written = []
    if (args.json or args.tf_plan) and not single:
        raise GcbaseError.one(args.json or args.tf_plan, "", "--json/--tf-plan take one plan; use -o DIR for several")
    if args.json:
        written.append(write_json(args.json, plan.to_dict()))
    if args.tf_plan:
        written.append(write_json(args.tf_plan, export(plan)))
    if args.out_dir:
        out = prepare_dir(args.out_dir)
        if Path(plan.stack).name != plan.stack or plan.stack in (".", ".."):  # names come from inputs: stay in DIR
            raise GcbaseError.one(plan.stack, "", "not a stack name that can name a file in the output directory")
        written.append(write_json(out / f"{plan.stack}.plan.json", plan.to_dict()))
        written.append(write_json(out / f"{plan.stack}.tfplan.json", export(plan)))
    return written


def summary(plan: Plan) -> str:
    from gcbase.tfplan import unchecked

    custom = [r for r in plan.resources if r.custom and not r.is_provider]
    name = plan.meta.get("municipalityName", "")
    line = f"{plan.stack}{' ' + name if name else ''}: {len(custom)} resources, {len(plan.resources) - len(custom)} components/providers"
    missing = unchecked(plan)
    if missing:
        types = sorted({m["type"] for m in missing})
        line += f"; not checked (type unknown to the exporter): {', '.join(types)}"
    return line


def run(args: argparse.Namespace) -> int:
    for dest in (args.json, args.tf_plan):  # where the results go is checked before the work, not after it
        if dest:
            check_destination(dest)
    if args.out_dir:
        prepare_dir(args.out_dir)
    plans = collect_plans(args)
    for plan in plans:
        for line in deprecation_warnings(plan.meta):  # accepted, but retired: one line each
            print(clean(line), file=sys.stderr)
        for path in write_plan_files(plan, args, single=len(plans) == 1):
            print(f"wrote {path}")
        print(clean(summary(plan)))  # names and types come from the plan: one line, whatever they hold
    return 0
