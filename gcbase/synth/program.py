"""Synthesize any Pulumi Python program (ours or a user's) from its directory and stack config.

Reads Pulumi.yaml (name, main, stackConfigDir) and a Pulumi.<stack>.yaml the way the CLI
does, sets the config (structured values as JSON, `secure:` values masked and marked
secret, since only the CLI's secrets provider can decrypt them), and runs the program
under gcbase's mocks.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Optional

from gcbase.errors import GcbaseError
from gcbase.model import SECRET_MASK, Plan
from gcbase.validate import STACK_FILE
from gcbase.yamlio import load_yaml

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


def read_project(program_dir: Path) -> tuple[str, Path, Path]:
    """(project name, program main file, stack config dir) from a Pulumi project directory."""
    program_dir = Path(program_dir)
    project_file = next((program_dir / n for n in PROJECT_FILES if (program_dir / n).is_file()), None)
    if project_file is None:
        if not program_dir.is_dir():
            raise GcbaseError.one(str(program_dir), "", "program directory not found")
        raise GcbaseError.one(str(program_dir), "", "no Pulumi.yaml here; expected a Pulumi project directory")
    doc = load_yaml(project_file, "Pulumi project file")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise GcbaseError.one(str(project_file), "name", "missing; a Pulumi.yaml needs a project name")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise GcbaseError.one(str(project_file), "runtime", f"{runtime_name!r} is not supported; gcbase runs Python programs (runtime: python)")
    for key in ("main", "stackConfigDir"):
        value = doc.get(key)
        if value is not None and (not isinstance(value, str) or "\x00" in value):
            raise GcbaseError.one(str(project_file), key, "expected a relative path inside the project directory")
    root = program_dir.resolve()
    try:
        main = program_dir / (doc.get("main") or ".")
        main_file = main / "__main__.py" if main.is_dir() or not main.suffix else main
        if not main_file.is_file():
            raise GcbaseError.one(str(project_file), "main", f"program entry {main_file} not found")
        if root not in main_file.resolve().parents:
            raise GcbaseError.one(str(project_file), "main", "points outside the project directory; not allowed")
        config_dir = program_dir / (doc.get("stackConfigDir") or ".")
        if config_dir.resolve() != root and root not in config_dir.resolve().parents:
            raise GcbaseError.one(str(project_file), "stackConfigDir", "points outside the project directory; not allowed")
    except OSError as err:  # a name too long, a loop of links
        raise GcbaseError.one(str(project_file), "main", f"not a usable path: {err.strerror}") from None
    return doc["name"], main_file, config_dir


def read_config(config_file: Path, project: str) -> tuple[str, dict[str, Any], list[str]]:
    """(stack name, flat config {ns:key: value}, secret keys) from a Pulumi.<stack>.yaml."""
    config_file = Path(config_file)
    m = STACK_FILE.match(config_file.name)
    if not m:
        raise GcbaseError.one(str(config_file), "", "stack config files are named Pulumi.<stack>.yaml")
    doc = load_yaml(config_file, "stack config file") or {}
    if not isinstance(doc, dict):
        raise GcbaseError.one(str(config_file), "", "expected a mapping with a 'config:' key at the top")
    raw = doc.get("config") or {}
    if not isinstance(raw, dict):
        raise GcbaseError.one(str(config_file), "config", "expected a mapping of config keys")
    flat: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in raw.items():
        key = str(key)
        full = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            flat[full] = SECRET_MASK
            secrets.append(full)
        else:
            flat[full] = value
    return m.group(1), flat, secrets


def synth_program(
    program_dir: Path | str,
    config_file: Optional[Path | str] = None,
    stack: Optional[str] = None,
    extra_config: Optional[dict[str, Any]] = None,
    extra_secret_keys: Optional[list[str]] = None,
    source: str = "program",
) -> Plan:
    """Run a Pulumi Python program under the mocks and return its Plan.

    extra_config / extra_secret_keys add values as `pulumi config set [--secret]` would
    (used by tests to plant known secrets).
    """
    import pulumi  # here, not at the top: read_project (gcbase check --plan, waivers) needs no Pulumi SDK

    from gcbase.synth import mocks

    program_dir = Path(program_dir)
    project, main_file, config_dir = read_project(program_dir)
    config: dict[str, Any] = {}
    secret_keys: list[str] = []
    if config_file is None and stack is not None:
        candidate = config_dir / f"Pulumi.{stack}.yaml"
        config_file = candidate if candidate.is_file() else None
    elif config_file is None:  # like a project with one stack: use its only stack config
        found = sorted(config_dir.glob("Pulumi.*.yaml")) if config_dir.is_dir() else []
        found = [f for f in found if STACK_FILE.match(f.name)]
        if len(found) == 1:
            config_file = found[0]
        elif len(found) > 1:
            names = ", ".join(f.name for f in found)
            raise GcbaseError.one(str(program_dir), "", f"several stack configs ({names}); choose one with --config FILE")
    if config_file is not None:
        stack_from_file, config, secret_keys = read_config(Path(config_file), project)
        stack = stack or stack_from_file
    config.update(extra_config or {})
    secret_keys += list(extra_secret_keys or [])
    stack = stack or "dev"
    try:
        plan = mocks.run_file(main_file, project=project, stack=stack, config=config,
                              secret_keys=secret_keys, source=source)
    except pulumi.RunError as err:
        raise GcbaseError.one(str(config_file or main_file), "", str(err).replace("\n", "; ")) from None
    except GcbaseError:
        raise
    except Exception as err:  # a user program failed: name where, in one line
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if Path(f.filename).resolve().is_relative_to(program_dir.resolve())]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(main_file)
        raise GcbaseError.one(where, "", f"program failed: {type(err).__name__}: {err}") from None
    plan.config_file = str(config_file) if config_file else None
    return plan
