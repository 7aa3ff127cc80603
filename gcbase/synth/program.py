"""Synthesize any Pulumi Python program (ours or a user's) from its directory and stack config.

Reads Pulumi.yaml (name, main, stackConfigDir) and a Pulumi.<stack>.yaml the way the CLI
does, sets the config (structured values as JSON, `secure:` values masked and marked
secret, since only the CLI's secrets provider can decrypt them), and runs the program
under gcbase's mocks as the language host would: from the project directory, with the
program's own environment (venv.py, capture.py), as a preview or as an update (preview.py),
a failure reported in one line at the program's own line (failure.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from gcbase.errors import GcbaseError
from gcbase.model import SECRET_MASK, Plan
# gcbase.synth.capture (the Pulumi SDK's host), .venv and gcbase.validate (pydantic's settings) are imported by
# the functions that use them: `gcbase check --plan` asks read_project() only for the project's name.
from gcbase.yamlio import load_yaml

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
MODES = ("preview", "up")


def project_document(program_dir: Path) -> tuple[Path, Any]:
    """(Pulumi.yaml path, its parsed content) of a Pulumi project directory."""
    program_dir = Path(program_dir)
    project_file = next((program_dir / n for n in PROJECT_FILES if (program_dir / n).is_file()), None)
    if project_file is None:
        if not program_dir.is_dir():
            raise GcbaseError.one(str(program_dir), "", "program directory not found")
        raise GcbaseError.one(str(program_dir), "", "no Pulumi.yaml here; expected a Pulumi project directory")
    return project_file, load_yaml(project_file, "Pulumi project file")


def read_project(program_dir: Path) -> tuple[str, Path, Path]:
    """(project name, program main file, stack config dir) from a Pulumi project directory."""
    program_dir = Path(program_dir)
    project_file, doc = project_document(program_dir)
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
    from gcbase.validate import STACK_FILE

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


@dataclass
class Prepared:
    """A program ready to run: its environment (None: gcbase's own), run_file's arguments, its config."""
    site_packages: Optional[Path]
    request: dict[str, Any]
    config_file: Optional[Path | str]


def synth_program(
    program_dir: Path | str,
    config_file: Optional[Path | str] = None,
    stack: Optional[str] = None,
    extra_config: Optional[dict[str, Any]] = None,
    extra_secret_keys: Optional[list[str]] = None,
    source: str = "program",
    mode: str = "up",
    venv: Optional[Path | str] = None,
) -> Plan:
    """Run a Pulumi Python program under the mocks, as the language host runs it, and return its Plan
    (the arguments are prepare()'s)."""
    prepared = prepare(program_dir, config_file, stack, extra_config, extra_secret_keys, source, mode, venv)
    if prepared.site_packages is not None:  # the program's own packages: in a child process (capture.py)
        from gcbase.synth.capture import run_in_child

        plan = run_in_child(prepared.site_packages, prepared.request)
    else:
        from gcbase.synth import mocks  # here, not at the top: read_project (check --plan, waivers) needs no Pulumi SDK

        request = dict(prepared.request)
        main_file, cwd = Path(request.pop("main_file")), Path(request.pop("cwd"))
        try:
            plan = mocks.run_file(main_file, cwd=cwd, **request)
        except GcbaseError:
            raise
        except Exception as err:  # a user program failed: name where, in one line
            from gcbase.synth.failure import locate

            where, message = locate(err, cwd, main_file)
            raise GcbaseError.one(where, "", message) from None
    plan.config_file = str(prepared.config_file) if prepared.config_file else None
    return plan


def prepare(
    program_dir: Path | str,
    config_file: Optional[Path | str] = None,
    stack: Optional[str] = None,
    extra_config: Optional[dict[str, Any]] = None,
    extra_secret_keys: Optional[list[str]] = None,
    source: str = "program",
    mode: str = "up",
    venv: Optional[Path | str] = None,
) -> Prepared:
    """Read a Pulumi Python program's project, stack config and environment, as the language host does.

    extra_config / extra_secret_keys add values as `pulumi config set [--secret]` would
    (used by tests to plant known secrets). mode "preview": computed values stay unknown, as under
    `pulumi preview` (the CLI's default for --program); "up": the mocks' deterministic values.
    venv: an existing environment to use instead of the one Pulumi.yaml declares (gcbase/synth/venv.py).
    """
    if mode not in MODES:
        raise GcbaseError.one("--mode", "", f"{mode!r} is not a mode; allowed: {', '.join(MODES)}")
    program_dir = Path(program_dir)
    project, main_file, config_dir = read_project(program_dir)
    project_file, doc = project_document(program_dir)
    from gcbase.synth.venv import environment

    site_packages = environment(program_dir, doc, project_file, Path(venv) if venv else None)
    config: dict[str, Any] = {}
    secret_keys: list[str] = []
    if config_file is None and stack is not None:
        candidate = config_dir / f"Pulumi.{stack}.yaml"
        config_file = candidate if candidate.is_file() else None
    elif config_file is None:  # like a project with one stack: use its only stack config
        found = sorted(config_dir.glob("Pulumi.*.yaml")) if config_dir.is_dir() else []
        from gcbase.validate import STACK_FILE

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
    request = {"project": project, "stack": stack, "config": config, "secret_keys": secret_keys,
               "source": source, "preview_mode": mode == "preview", "main_file": str(main_file),
               "cwd": str(program_dir)}
    return Prepared(site_packages, request, config_file)
