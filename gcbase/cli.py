"""gcbase command line: `gcbase <command> ...`. Exit codes: 0 ok, 1 findings, 2 usage or input errors."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from gcbase.errors import GcbaseError
from gcbase.commands import boundaries, check, fleet, network, synth, validate
from gcbase.version import version

COMMANDS = (validate, synth, check, boundaries, network, fleet)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcbase",
        description="Government Cloud (ガバメントクラウド) tenancy stacks, checks and reports",
    )
    parser.add_argument("--version", action="version", version=f"gcbase {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; `fleet merge ...` has its own parser (its own --help and options)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:2] == ["fleet", "merge"]:
        return fleet.merge_parser().parse_args(argv[2:])
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    args = parse_args(argv)
    try:
        from gcbase.commands.configvalues_arg import bind

        bind(args)  # --config-values: read once, before any work, for the one stack file it resolves
        return args.func(args)
    except GcbaseError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    finally:
        if argv is None:  # run as the `gcbase` command: the process exits next
            # Spare the interpreter's final collections over the ~250k objects a synth leaves
            # (half a second per run; scripts/bench-synth). Not for in-process callers (tests).
            gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
