"""The pack's options: the same as `gcbase check`'s, from the policy config Pulumi hands the gate
policy (`pulumi preview --policy-pack DIR --policy-pack-config FILE`, or a Pulumi Cloud policy
group's config) or, when absent, from GCBASE_* environment variables.

    config key            environment                      gcbase check option
    tenancy               GCBASE_TENANCY                   --tenancy STACK
    scope                 GCBASE_SCOPE                     --scope tenancy|part
    failOn                GCBASE_FAIL_ON                   --fail-on SEV
    waivers               GCBASE_WAIVERS (os.pathsep list) --waivers FILE ...
    noBaselineWaivers     GCBASE_NO_BASELINE_WAIVERS=1     --no-baseline-waivers
    allowUncheckedTypes   GCBASE_ALLOW_UNCHECKED_TYPES=1   --allow-unchecked-types
    noBoundaries          GCBASE_NO_BOUNDARIES=1           --no-boundaries

A bad value is one GcbaseError line naming the key and what is allowed, never a silent default.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, Mapping, Optional

from gcbase.check.findings import SEVERITIES  # gcbase check --fail-on's choices
from gcbase.errors import GcbaseError

SCOPES = ("tenancy", "part")
_FLAGS = {"noBaselineWaivers": ("GCBASE_NO_BASELINE_WAIVERS", "no_baseline_waivers"),
          "allowUncheckedTypes": ("GCBASE_ALLOW_UNCHECKED_TYPES", "allow_unchecked_types"),
          "noBoundaries": ("GCBASE_NO_BOUNDARIES", "no_boundaries")}
SOURCE = "policy pack config"

# the JSON schema Pulumi validates the gate policy's config against (PolicyConfigSchema.properties)
SCHEMA: dict[str, Any] = {
    "tenancy": {"type": "string", "description": "gcbase stack whose declared tenancy the plan is judged against"},
    "scope": {"type": "string", "enum": list(SCOPES)},
    "failOn": {"type": "string", "enum": list(SEVERITIES)},
    "waivers": {"type": "array", "items": {"type": "string"}},
    **{k: {"type": "boolean"} for k in _FLAGS},
}


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("1", "true"):
        return True
    if value in ("", "0", "false", None):
        return False
    raise GcbaseError.one(SOURCE, key, f"{value!r} is not allowed; expected true or false")


def from_config(config: Optional[Mapping[str, Any]], env: Optional[Mapping[str, str]] = None) -> argparse.Namespace:
    """`gcbase check`'s options for the pack, config first, then the environment."""
    env = os.environ if env is None else env
    config = dict(config or {})
    unknown = sorted(set(config) - set(SCHEMA) - {"enforcementLevel"})
    if unknown:
        raise GcbaseError.one(SOURCE, unknown[0], f"is not an option; allowed: {', '.join(sorted(SCHEMA))}")

    def pick(key: str, var: str) -> Any:
        return config[key] if key in config else env.get(var) or None

    scope = pick("scope", "GCBASE_SCOPE") or "tenancy"
    if scope not in SCOPES:
        raise GcbaseError.one(SOURCE, "scope", f"{scope!r} is not allowed; expected one of {', '.join(SCOPES)}")
    fail_on = pick("failOn", "GCBASE_FAIL_ON") or "high"
    if fail_on not in SEVERITIES:
        raise GcbaseError.one(SOURCE, "failOn", f"{fail_on!r} is not allowed; expected one of {', '.join(SEVERITIES)}")
    waivers = config.get("waivers")
    if waivers is None:
        waivers = [w for w in (env.get("GCBASE_WAIVERS") or "").split(os.pathsep) if w]
    if not isinstance(waivers, list) or not all(isinstance(w, str) and w for w in waivers):
        raise GcbaseError.one(SOURCE, "waivers", "expected a list of waiver file paths")
    tenancy = pick("tenancy", "GCBASE_TENANCY")
    if tenancy is not None and (not isinstance(tenancy, str) or not tenancy):
        raise GcbaseError.one(SOURCE, "tenancy", "expected a gcbase stack name or stack config file")
    ns = argparse.Namespace(tenancy=tenancy, scope=scope, fail_on=fail_on, waivers=list(waivers), program=None)
    for key, (var, attr) in _FLAGS.items():
        setattr(ns, attr, _flag(config[key], key) if key in config else _flag(env.get(var), var))
    return ns
