"""gcbase boundaries STACK [--live]: prove the responsibility boundaries (責任分界) of a stack.

Without --live: synthesize the stack offline, build the authorization model from the plan and
evaluate every expectation of baselines/boundaries/expectations.yaml. With --live: collect the
same model from the account the credentials reach (IAM, Organizations, S3, KMS) and evaluate
the same expectations there, the post-deploy check and drift detection.
Exit codes: 0 every expectation holds (and, live, no drift), 1 a mismatch or drift, 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import sys

from gcbase.commands import configvalues_arg
from gcbase.report.sanitize import clean_lines
from gcbase.errors import GcbaseError
from gcbase.outputs import check_destination, write_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("boundaries", help="prove who may do what (party x action matrix) on a plan or a live account",
                       description="\n\n".join(__doc__.split("\n\n")[1:]),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stack", metavar="STACK", help="stack name (131121-prod) or config file path")
    p.add_argument("--live", action="store_true", help="collect the model from the AWS account instead of the plan")
    p.add_argument("--profile", metavar="P", help="with --live: AWS profile to use")
    p.add_argument("--org-profile", metavar="P", help="with --live: profile that may read Organizations "
                   "(management account or delegated administrator) for the SCPs")
    p.add_argument("--region", metavar="R", help="with --live: region for the API calls (default: the stack's primary)")
    p.add_argument("--json", metavar="FILE", help="also write the matrix as JSON")
    p.add_argument("--all", action="store_true", help="print every check, not one per cell")
    configvalues_arg.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gcbase.boundaries import evaluate
    from gcbase.boundaries.matrix import render
    from gcbase.synth import stack_file, synth_stack
    from gcbase.validate import load_settings

    if (args.profile or args.region or args.org_profile) and not args.live:
        raise GcbaseError.one("boundaries", "", "--profile, --org-profile and --region go with --live")
    if args.json:  # checked before the work, not after it
        check_destination(args.json)
    settings = load_settings(stack_file(args.stack))
    plan = synth_stack(args.stack)
    if args.live:
        from gcbase.boundaries.from_plan import from_plan
        from gcbase.boundaries.live import evaluate_live

        planned = from_plan(plan, settings.accounts.governance, list(settings.account_ids))
        result = evaluate_live(settings, profile=args.profile, region=args.region, plan_model=planned,
                               org_profile=args.org_profile)
    else:
        result = evaluate(plan, settings)
    sys.stdout.write(clean_lines(render(result, all_checks=args.all)))  # statement ids from plans and AWS
    if args.json:
        write_json(args.json, result.to_dict())
    return 0 if result.ok else 1
