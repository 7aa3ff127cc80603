"""`--config-values FILE`: the values a stack file's Pulumi ESC environments resolve to, for the one stack a
command reads (gcbase.configvalues). Shared by synth, check, validate, boundaries and network, so every
reader of that stack file sees the same merged config in one run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError

HELP = ("values of the stack file's Pulumi ESC environments (`environment:`), which gcbase cannot resolve offline: "
        "the output of `esc open ENV` (JSON or --format yaml; its pulumiConfig) or of `pulumi config "
        "--show-secrets --json`; merged over the stack file's own config. Secrets in it never reach a plan, "
        "report or message")


def add_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config-values", metavar="FILE", help=HELP)


def bind(args: argparse.Namespace) -> None:
    """Read --config-values and tie it to the one stack file the command names (--tenancy, STACK); --program
    takes it in collect_plans. One line when the file is bad or names no single stack."""
    from gcbase import configvalues
    from gcbase.synth import stack_file

    file = getattr(args, "config_values", None)
    if not file or getattr(args, "program", None):
        return
    stacks = list(getattr(args, "stacks", None) or [])
    target = getattr(args, "tenancy", None) or getattr(args, "stack", None) or (stacks[0] if len(stacks) == 1 else None)
    if target is None:
        raise GcbaseError.one(file, "", "--config-values resolves one stack file's environments: name one STACK "
                                        "(or --tenancy STACK, or --program DIR with --config FILE)")
    configvalues.bind(stack_file(target), configvalues.read(file))


def for_program(args: argparse.Namespace, program: Path) -> Any:
    """The --config-values for a --program (project's namespace for bare keys; gcbase.configvalues.ConfigValues),
    or None; a --config file importing ESC environments with no values gets its one line as a warning."""
    import sys

    from gcbase import configvalues
    from gcbase.synth.program import read_project
    from gcbase.yamlio import load_yaml

    file = getattr(args, "config_values", None)
    if not file:
        config = getattr(args, "config", None)
        names = configvalues.environments(load_yaml(config, "stack config file")) if config else []
        if names:
            print(f"warning: {configvalues.unresolved(str(config), names)}", file=sys.stderr)
        return None
    return configvalues.read(file, read_project(program)[0])
