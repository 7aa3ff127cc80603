"""gcbase network STACK [--live]: prove the network invariants (三層分離, town-hall segments, shared use,
links outside the tenancy, filters) on a stack's plan, or on the deployed accounts.

Without --live: synthesize the stack offline, build the network model from its plan and evaluate every
invariant of baselines/network/invariants.yaml (the same analysis `gcbase check` reports as GCJP_AWS_10
and GCJP_AWS_43-50). With --live: read the same model from the accounts the credentials reach (EC2,
Transit Gateway, RAM) and evaluate the same invariants there.
Exit codes: 0 every invariant holds, 1 a violation, 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import sys

from gcbase.commands import configvalues_arg
from gcbase.report.sanitize import clean_lines
from gcbase.errors import GcbaseError
from gcbase.outputs import check_destination, write_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("network", help="prove the network invariants (三層分離, tenant separation) on a plan or live accounts",
                       description=__doc__.split("\n\n")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stack", metavar="STACK", help="stack name (131121-prod) or config file path")
    p.add_argument("--live", action="store_true", help="read the network from the AWS accounts instead of the plan")
    p.add_argument("--profile", metavar="P", action="append", default=[],
                   help="with --live: an AWS profile (repeat it for each account: the hub's and each system's)")
    p.add_argument("--region", metavar="R", help="with --live: region (default: the stack's primary)")
    p.add_argument("--json", metavar="FILE", help="also write the verdicts, reaches and paths as JSON")
    p.add_argument("--all", action="store_true", help="print what was proved and every reach, not only violations")
    configvalues_arg.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gcbase.intent import load_intent
    from gcbase.network.invariants import Analysis
    from gcbase.network.render import render, to_dict

    if (args.profile or args.region) and not args.live:
        raise GcbaseError.one("network", "", "--profile and --region go with --live")
    if args.json:
        check_destination(args.json)
    intent = load_intent(args.stack)
    if args.live:
        import boto3

        from gcbase.network.live import collect

        sessions = [boto3.Session(profile_name=p, region_name=args.region or intent.regions[0]) for p in args.profile] \
            or [boto3.Session(region_name=args.region or intent.regions[0])]
        model = collect(sessions, intent)
        source = "live"
    else:
        from gcbase.check.planindex import PlanIndex
        from gcbase.network.from_plan import from_plan
        from gcbase.synth import synth_stack
        from gcbase.tfplan import export

        plan = synth_stack(args.stack)
        model = from_plan(PlanIndex(export(plan), intent), intent)
        source = "plan"
    analysis = Analysis(model, intent)
    sys.stdout.write(clean_lines(render(analysis, intent.stack, source, show_passed=args.all)))  # names from plans, AWS
    if args.json:
        write_json(args.json, to_dict(analysis, intent.stack, source))
    ok = all(v.passed for vs in analysis.all().values() for v in vs)
    return 0 if ok else 1
