"""Stack config validation: file -> typed Settings, or every problem of the file at once.

Used by `gcbase validate`, by synth, and by the Pulumi program itself (through
gcbase.stackconfig), so `pulumi up` and the offline tools accept exactly the same configs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from gcbase import baselines, configvalues, rules
from gcbase.errors import GcbaseError, Problem
from gcbase.settings import ALLOWED_REGIONS, Settings, StackConfig, secret_keys
from gcbase.yamlio import load_yaml

NAMESPACE = "gcbase"
STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>[A-Za-z0-9_.-]+)\.ya?ml$")
# Keys a Pulumi stack file may carry besides config (pulumi/pulumi sdk/go/common/workspace/project.go ProjectStack).
STACK_FILE_KEYS = {"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"}


def _key_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return f"{NAMESPACE}:" + "".join(parts)


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The camelCase keys allowed at loc's parent (for 'unknown key' messages)."""
    current: Any = model
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        fields = {(f.alias or n): f for n, f in current.model_fields.items()}
        field = fields.get(item)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args] + [a for arg in args for a in getattr(arg, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return []
    return sorted((f.alias or n) for n, f in current.model_fields.items())


HIDDEN = "the value (a secret, not shown)"


def _shape_problems(file: str, err: ValidationError, secrets: frozenset[str] = frozenset()) -> list[Problem]:
    """One line per pydantic error; never the value of a key in `secrets` (nor anything below it)."""
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        key = _key_path(loc)
        given = e.get("input")
        shown = repr(given) if not isinstance(given, (dict, list)) else type(given).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        if loc and str(loc[0]) in secrets:  # an unquoted all-digit key is an int: its repr is the secret
            shown = HIDDEN
        kind = e["type"]
        if kind == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(StackConfig, loc))
            msg = f"unknown key; allowed keys here: {allowed}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            msg = f"{shown} is not allowed; expected one of {expected}"
        elif kind == "string_pattern_mismatch":
            pattern = e.get("ctx", {}).get("pattern", "")
            hint = "a 12-digit AWS account id" if "{12}" in pattern and "ou-" not in pattern else f"text matching {pattern}"
            msg = f"{shown} is not allowed; expected {hint}"
        elif kind.startswith("ip_v4_network"):
            msg = f"{shown} is not a valid IPv4 CIDR (such as 10.20.0.0/16) with no host bits set"
        elif kind in ("untiered_onprem", "vlan_range", "account_id", "code_number"):
            msg = e["msg"]
        elif kind == "too_short":
            msg = "must list at least one entry"
        else:
            msg = f"{shown}: {e['msg']}"
        if loc and str(loc[0]) in secrets and kind not in ("extra_forbidden", "missing"):
            msg = f"{HIDDEN}: {e['msg']}"  # pydantic's own words never quote the input; ours might
        problems.append(Problem(file, key, msg))
    return problems


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _scrubbed(problems: list[Problem], values: dict[str, Any], secret: frozenset[str]) -> list[Problem]:
    """Rule messages quote what they judge: under a secret key, every value it holds is replaced."""
    out = []
    for p in problems:
        top = p.key.removeprefix(f"{NAMESPACE}:").split(".")[0].split("[")[0]
        message = p.message
        if top in secret:
            for leaf in sorted(_leaves(values.get(top)), key=len, reverse=True):
                message = message.replace(leaf, "[secret]") if leaf else message
        out.append(Problem(p.file, p.key, message))
    return out


def settings_from_values(values: dict[str, Any], file: str, stack: str | None = None,
                         secret: Iterable[str] = ()) -> Settings:
    """Validate the gcbase: namespace (keys without the prefix) and resolve it to Settings. No message
    shows the value of a key the schema says holds a secret, or of a key in `secret` (marked secret in
    the config: `pulumi up` hands the program their plaintext)."""
    if not isinstance(values, dict):
        raise GcbaseError.one(file, "gcbase", "expected a mapping of gcbase: keys")
    try:
        cfg = StackConfig.model_validate(values)
    except ValidationError as err:
        raise GcbaseError(_shape_problems(file, err, secret_keys() | frozenset(secret))) from None
    problems, muni, prof = rules.problems_of(file, stack, cfg)
    if problems:
        raise GcbaseError(_scrubbed(problems, values, secret_keys() | frozenset(secret)))
    assert muni is not None and prof is not None
    data = cfg.model_dump(exclude={"municipality", "profile", "vpn_preshared_key"})
    return Settings(
        stack=stack or f"{cfg.municipality}-{cfg.environment}",
        municipality=muni,
        profile=prof,
        business_names={k: v["ja"] for k, v in baselines.businesses().items()},
        deprecations=tuple(str(d) for d in rules.deprecations(file, cfg)),
        **data,
    )


def read_stack_file(path: Path | str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Parse a Pulumi.<stack>.yaml file: (stack name, gcbase values, other namespaces' values).

    `secure:` values are kept as {"secure": ciphertext} so the caller can treat them as secrets. Values
    bound to this file with `--config-values` (what its Pulumi ESC environments resolve to,
    gcbase.configvalues) are merged over its own config.
    """
    path = Path(path)
    file = str(path)
    m = STACK_FILE.match(path.name)
    if not m:
        raise GcbaseError.one(file, "", "stack config files are named Pulumi.<code>-<env>.yaml, such as Pulumi.131121-prod.yaml")
    doc = load_yaml(path, "stack config file")
    if not isinstance(doc, dict):
        raise GcbaseError.one(file, "", "expected a mapping with a 'config:' key at the top")
    problems = [Problem(file, str(k), f"unknown top-level key; allowed: {', '.join(sorted(STACK_FILE_KEYS))}")
                for k in doc if k not in STACK_FILE_KEYS]
    config = doc.get("config")
    if config is None and "environment" in doc:  # all of its config may come from its ESC environments
        config = {}
    if not isinstance(config, dict):
        problems.append(Problem(file, "config", "missing or not a mapping; expected 'config:' with gcbase: keys"))
        raise GcbaseError(problems)
    ours: dict[str, Any] = {}
    others: dict[str, Any] = {}
    given = configvalues.for_file(path)
    for key, value in list(config.items()) + list(given.config.items() if given else ()):
        key = str(key)
        ns, sep, name = key.partition(":")
        if not sep:
            problems.append(Problem(file, key, "config keys are namespaced; expected gcbase:<key>"))
        elif ns == NAMESPACE:
            ours[name] = value
        else:
            others[key] = value
    region = others.get("aws:region")
    if region is not None and region not in ALLOWED_REGIONS:
        hidden = given is not None and "aws:region" in given.secret
        shown = repr(region) if isinstance(region, str) and not hidden else "the value"  # never a secret's
        problems.append(Problem(file, "aws:region", f"{shown} is outside Japan; allowed: {', '.join(ALLOWED_REGIONS)}"))
    if problems:
        raise GcbaseError(problems)
    return m.group("stack"), ours, others


def plain_values(values: dict[str, Any], file: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Split secure: values out: (values with secrets masked, {key: ciphertext})."""
    from gcbase.model import SECRET_MASK

    plain: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            secrets[key] = str(value["secure"])
            plain[key] = SECRET_MASK
        else:
            plain[key] = value
    return plain, secrets


def unresolved_environments(path: Path | str) -> Problem | None:
    """The one line for a stack file that imports Pulumi ESC environments when no --config-values resolves
    them (None when it imports none, or they are resolved)."""
    if configvalues.for_file(path) is not None:
        return None
    names = configvalues.environments(load_yaml(path, "stack config file"))
    return configvalues.unresolved(str(path), names) if names else None


_TOLD: set[str] = set()


def load_settings(path: Path | str) -> Settings:
    """Read and validate one stack config file (raises GcbaseError with every problem).

    A file importing ESC environments that --config-values does not resolve: when its own config is
    incomplete, the one line saying so and how to pass the values replaces the missing-key lines it
    causes; when complete (the environments held, say, credentials only), the line is printed once as a
    warning on stderr and the file's own values are used."""
    stack, ours, _ = read_stack_file(path)
    plain, _secrets = plain_values(ours, str(path))
    given = configvalues.for_file(path)
    try:
        settings = settings_from_values(plain, str(path), stack, given.of(NAMESPACE)[1] if given else ())
    except GcbaseError as err:
        esc = unresolved_environments(path)
        if esc is None:
            raise
        first = err.problems[0]
        more = f" and {len(err.problems) - 1} more" if len(err.problems) > 1 else ""
        raise GcbaseError([Problem(esc.file, esc.key, f"{esc.message} (without them: {first.key or 'the file'}: "
                                                      f"{first.message}{more})")]) from None
    esc = unresolved_environments(path)
    if esc is not None and str(esc) not in _TOLD:
        import sys

        _TOLD.add(str(esc))
        print(f"warning: {esc}; using the file's own values", file=sys.stderr)
    return settings
