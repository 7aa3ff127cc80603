"""Which requirements a tenancy must meet (the requirement-level gate): the catalogue's `mandatory`
conditions (baselines/requirements.yaml) applied to what the stack declares (gcbase.intent).

A mandatory requirement that is 不適合 fails the gate whatever the severity of the checks behind it; one
whose checks found nothing to check is 不適合 as "missing" (absence is a failure). A requirement no check
serves is not gated: it cannot be verified from a plan (the report says why).
"""

from __future__ import annotations

from typing import Any, Optional

from gcbase.check.catalogue import Catalogue


def condition_holds(condition: str, intent: Optional[Any]) -> bool:
    """Whether a `mandatory` condition applies to a stack (intent None: a plan judged without a stack)."""
    if condition == "always":
        return True
    if condition == "never":
        return False
    if intent is None:  # the scope is unknown: what needs data is required; what only a stack declares is not
        return condition in ("systems", "mynumber-tier")
    if condition == "systems":
        return bool(intent.systems)
    if condition == "mynumber-tier":
        return any(s.tier == "mynumber" for s in intent.systems)
    if condition == "dual-lines":
        return intent.redundancy == "dual"
    if condition == "shared-separated":
        return intent.usage_mode == "shared" and intent.separation in ("account", "network")
    return True  # an unknown condition: required (the loader refuses unknown ones anyway)


def mandatory_requirements(catalogue: Catalogue, intent: Optional[Any]) -> list[str]:
    """The requirement ids the stack must meet and a plan can show (at least one check serves each)."""
    return [r.id for r in catalogue.requirements.values()
            if catalogue.checks_of(r.id) and condition_holds(r.mandatory, intent)]


__all__ = ["condition_holds", "mandatory_requirements"]
