"""Capture plans: run Pulumi programs under mocks, or import what the Pulumi CLI printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gcbase.baselines import ROOT
from gcbase.errors import GcbaseError
from gcbase.model import Plan

STACKS_DIR = ROOT / "stacks"


def display(path: Path) -> Path:
    """A path as users typed it: relative to the working directory when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def stack_file(ref: str | Path) -> Path:
    """A stack given as a file path or as a stack name (131121-prod) -> its config file."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or "/" in str(ref):
        return p
    candidate = STACKS_DIR / f"Pulumi.{ref}.yaml"
    if candidate.is_file():
        return display(candidate)
    names = ", ".join(sorted(f.name[len("Pulumi."):-len(".yaml")] for f in STACKS_DIR.glob("Pulumi.*.yaml")))
    raise GcbaseError.one(str(ref), "", f"no stack config stacks/Pulumi.{ref}.yaml; known stacks: {names}")


def all_stack_files() -> list[Path]:
    return sorted(display(p) for p in STACKS_DIR.glob("Pulumi.*.yaml"))


def synth_stack(ref: str | Path) -> Plan:
    """Validate a gcbase stack config, then run the gcbase program for it under the mocks."""
    from gcbase.configvalues import for_file, mask
    from gcbase.synth.program import synth_program
    from gcbase.validate import load_settings

    path = stack_file(ref)
    settings = load_settings(path)  # one clear line per problem before anything runs
    given = for_file(path)  # what its ESC environments resolve to (--config-values), over its own config
    plan = synth_program(ROOT, config_file=path, stack=settings.stack, source="synth", **extra_config(given))
    mask(plan, given)
    plan.meta.update(_meta(settings, str(path)))
    return plan


def extra_config(given: Any) -> dict[str, Any]:
    """synth_program's keyword arguments for --config-values (gcbase.configvalues.ConfigValues), as `pulumi config
    set [--secret]` would add them; none without."""
    return {"extra_config": dict(given.config), "extra_secret_keys": sorted(given.secret)} if given else {}


def synth_values(stack: str, config: dict[str, Any], file: str = "") -> Plan:
    """synth_stack for a config given as values ({"gcbase:<key>": value}, such as the fleet
    generator's) instead of a file; `file` names it in error messages (default Pulumi.<stack>.yaml)."""
    import pulumi

    from gcbase.synth import mocks
    from gcbase.synth.program import read_project
    from gcbase.validate import NAMESPACE, settings_from_values

    file = file or f"Pulumi.{stack}.yaml"
    ours = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith(f"{NAMESPACE}:")}
    settings = settings_from_values(ours, file, stack)
    project, main_file, _ = read_project(ROOT)
    try:
        plan = mocks.run_file(main_file, project=project, stack=stack, config=config, source="synth")
    except pulumi.RunError as err:
        raise GcbaseError.one(file, "", str(err).replace("\n", "; ")) from None
    plan.meta.update(_meta(settings, file))
    return plan


def _meta(settings: Any, file: str) -> dict[str, Any]:
    from gcbase.intent import intent_of

    m = settings.municipality
    return {"municipality": m.code, "municipalityName": m.name, "prefecture": m.prefecture,
            "environment": settings.environment, "intent": intent_of(settings, file).to_dict()}
