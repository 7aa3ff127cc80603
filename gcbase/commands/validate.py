"""gcbase validate [STACK...]: check stack configs, print one line per problem."""

from __future__ import annotations

import argparse
import sys

from gcbase.commands import configvalues_arg
from gcbase.errors import GcbaseError
from gcbase.synth import all_stack_files, stack_file


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate stack config files (default: every stacks/Pulumi.*.yaml)",
                       description="Validate stack config files (Pulumi.<code>-<env>.yaml) with the rules `pulumi up` "
                                   "and every other command use: one line per problem naming the file and the key. "
                                   "Exit codes: 0 every file is valid, 2 a problem.")
    p.add_argument("stacks", nargs="*", metavar="STACK", help="stack name (131121-prod) or config file path")
    configvalues_arg.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gcbase.validate import load_settings  # pydantic's models: imported by the command that uses them

    refs = args.stacks or all_stack_files()
    failed = 0
    for ref in refs:
        try:
            path = stack_file(ref)
            s = load_settings(path)
        except GcbaseError as err:
            failed += 1
            for problem in err.problems:
                print(f"error: {problem}", file=sys.stderr)
            continue
        for line in s.deprecations:  # accepted, but retired: one line each
            print(f"warning: {line}", file=sys.stderr)
        print(f"ok: {path} — {s.municipality.name} ({s.municipality.code}) {s.environment}, "
              f"{s.usage.mode} use, {s.network.connection_kind}, security model {s.security_model}, "
              f"{len(s.systems)} system(s), {len(s.account_ids)} account(s)"
              + (f", {len(s.profile.exceptions)} profile exception(s)" if s.profile.exceptions else ""))
    return 2 if failed else 0
