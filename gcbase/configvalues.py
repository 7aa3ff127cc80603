"""Stack config values from outside the stack file: what Pulumi ESC resolves (`--config-values FILE`).

A stack file may import Pulumi ESC environments (`environment: [myorg/gc-131121-prod]`). Their values live in
Pulumi Cloud and are resolved only by the Pulumi CLI or `esc`, never offline, so gcbase would otherwise read
the file as if the imported keys were missing. The user runs one of these where they are logged in and gives
gcbase the output:

- `esc open <env>` (JSON, the default; or `--format yaml`): the environment's values; gcbase reads only the
  reserved `pulumiConfig` property (what Pulumi merges into the stack's config), never `environmentVariables`
  or `files` (credentials belong there). It does not say which values were secrets (`fn::secret`), so the keys
  gcbase's schema marks secret (`settings.secret_keys()`) and every key of another namespace except
  `aws:region` are treated as secrets; for any program but gcbase's (`--program`), whose secrets gcbase
  cannot know, it is refused in favour of the next;
- `pulumi config --show-secrets --json`: `{"ns:key": {"value": text, "objectValue": parsed, "secret": bool}}`
  (pulumi/pulumi pkg/cmd/pulumi/config, configValueJSON), the stack's own config with its environments
  merged; `secret: true` is honoured.

The values go over the stack file's own `config:` as Pulumi merges them (the stack file wins over an
environment in Pulumi; here the file holds what Pulumi printed after that merge, so it wins). Secrets reach
the program marked secret (the capture masks them) and never an error message: a bad file is one line naming
the file and the key, never a value.

`bind(stack_file, values)` ties a values file to the one stack file it resolves (the CLI does it once per run
for the stack it names); `for_file(path)` is how the readers of stack files find it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from gcbase.errors import GcbaseError, Problem

WHAT = "a config values file (`esc open ENV` or `pulumi config --show-secrets --json` output)"
HOW = ("pass the values with --config-values FILE: the output of `esc open <env>` (JSON or --format yaml) "
       "or of `pulumi config --show-secrets --json`")
NOT_SECRET_ELSEWHERE = frozenset({"aws:region"})  # another namespace's key esc open may print that is no secret
ESC_RESERVED = ("pulumiConfig", "environmentVariables", "files")


@dataclass(frozen=True)
class ConfigValues:
    file: str
    config: dict[str, Any] = field(default_factory=dict)  # full key (ns:key) -> value
    secret: frozenset[str] = frozenset()  # full keys whose values are secrets

    def of(self, namespace: str) -> tuple[dict[str, Any], frozenset[str]]:
        """(values of one namespace without the prefix, those of them that are secret)."""
        prefix = f"{namespace}:"
        ours = {k[len(prefix):]: v for k, v in self.config.items() if k.startswith(prefix)}
        return ours, frozenset(k[len(prefix):] for k in self.secret if k.startswith(prefix))


def _parse(path: Path) -> Any:
    """JSON or YAML; a parse error keeps its position but never quotes the text (it may be a secret)."""
    from gcbase.yamlio import MAX_BYTES, parse_yaml
    from gcbase import inputs

    text = inputs.read_text(path, WHAT, MAX_BYTES)
    try:
        if text.lstrip().startswith(("{", "[")):
            return inputs.parse_json(text, str(path), WHAT)
        return parse_yaml(text, str(path))
    except GcbaseError as err:
        first = err.problems[0]
        message = first.message if "number" not in first.message else "a number too long to be a config value"
        raise GcbaseError.one(str(path), first.key, message) from None


def _full(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _from_pulumi_config(path: Path, doc: dict, project: str) -> ConfigValues:
    config: dict[str, Any] = {}
    secret: set[str] = set()
    for key, entry in doc.items():
        full = _full(str(key), project)
        if entry.get("secret") is True:
            secret.add(full)
        if "objectValue" in entry:
            config[full] = entry["objectValue"]
        elif isinstance(entry.get("value"), str):
            config[full] = entry["value"]
        else:  # pulumi config --json without --show-secrets leaves a secret's value out
            raise GcbaseError.one(str(path), full, "no value (a secret printed without --show-secrets); run "
                                                   "`pulumi config --show-secrets --json`")
    return ConfigValues(str(path), config, frozenset(secret))


def _from_esc(path: Path, doc: dict, project: str) -> ConfigValues:
    from gcbase.settings import secret_keys

    if project != "gcbase":
        raise GcbaseError.one(str(path), "", f"`esc open` output does not say which values are secrets, and only "
                                             f"gcbase's own program is known to gcbase; for project {project} give "
                                             "`pulumi config --show-secrets --json` output, which does")
    pulumi_config = doc.get("pulumiConfig")
    if pulumi_config is None:
        raise GcbaseError.one(str(path), "pulumiConfig", "missing: the environment sets no stack config (ESC's "
                                                          "reserved property pulumiConfig); nothing to merge")
    if not isinstance(pulumi_config, dict):
        raise GcbaseError.one(str(path), "pulumiConfig", "expected a mapping of config keys (ns:key: value)")
    config = {_full(str(k), project): v for k, v in pulumi_config.items()}
    ours = {f"{project}:{k}" for k in secret_keys()}
    secret = {k for k in config if k in ours or (not k.startswith(f"{project}:") and k not in NOT_SECRET_ELSEWHERE)}
    return ConfigValues(str(path), config, frozenset(secret))


def read(path: Path | str, project: str = "gcbase") -> ConfigValues:
    """Read `esc open` or `pulumi config --json` output; keys without a namespace are the project's."""
    path = Path(path)
    doc = _parse(path)
    if not isinstance(doc, dict) or not doc:
        raise GcbaseError.one(str(path), "", f"expected a mapping: {WHAT}")
    entries = list(doc.values())
    if all(isinstance(e, dict) and isinstance(e.get("secret"), bool) for e in entries) and \
            not any(k in doc for k in ESC_RESERVED):
        return _from_pulumi_config(path, doc, project)
    return _from_esc(path, doc, project)


def environments(doc: Any) -> list[str]:
    """The ESC environments a stack file's `environment:` block imports (a list, or {imports: [...]})."""
    block = doc.get("environment") if isinstance(doc, dict) else None
    if block is None:
        return []
    imports = block.get("imports") if isinstance(block, dict) else block
    items = imports if isinstance(imports, list) else [imports]
    names = [str(i) if not isinstance(i, dict) else ", ".join(str(k) for k in i) for i in items if i is not None]
    return names or ["(an empty block)"]


def unresolved(file: str, names: list[str]) -> Problem:
    """The one line for a stack file whose ESC environments were not given."""
    return Problem(file, "environment", f"imports Pulumi ESC environment{'s' if len(names) > 1 else ''} "
                                        f"{', '.join(names)}, which cannot be resolved offline; {HOW}")


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def mask(plan: Any, values: Optional[ConfigValues]) -> Any:
    """Replace, in every resource's inputs and outputs, any text holding a secret of `values` by the mask.

    A program that wraps a secret (`require_secret`, `Output.secret`) is masked by the capture already; this
    also covers one that reads it with a plain `get`, which would otherwise put the plaintext into the plan
    (the `secure:` path cannot: gcbase never has the plaintext there)."""
    from gcbase.model import SECRET_MASK

    texts = sorted({t for k in (values.secret if values else ()) for t in _leaves(values.config.get(k)) if t},
                   key=len, reverse=True)
    if not texts:
        return plan

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            hit = any(t == value or (len(t) >= 6 and t in value) for t in texts)
            return SECRET_MASK if hit else value
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    for res in plan.resources:
        res.inputs = clean(res.inputs)
        res.outputs = clean(res.outputs)
    return plan


_BOUND: dict[str, ConfigValues] = {}


def _key(path: Path | str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def bind(stack_file: Path | str, values: Optional[ConfigValues]) -> None:
    """The values that resolve this stack file's environments for the rest of the run (None: forget them)."""
    if values is None:
        _BOUND.pop(_key(stack_file), None)
    else:
        _BOUND[_key(stack_file)] = values


def for_file(stack_file: Path | str) -> Optional[ConfigValues]:
    return _BOUND.get(_key(stack_file))


def clear() -> None:
    _BOUND.clear()


__all__ = ["ConfigValues", "read", "environments", "unresolved", "mask", "bind", "for_file", "clear", "HOW"]
