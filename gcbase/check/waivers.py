"""Waivers for the check runner: the format, validation, expiry and stack scoping live in
gcbase/waivers.py (the final format of the reports issue); these are the runner's entry points.

A failure that matches a current waiver becomes SKIPPED and carries it; one that matches an
expired waiver stays FAILED and carries it; a waiver that matched nothing is reported as unused.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from gcbase.check.findings import Finding, Waiver
from gcbase.waivers import MIN_REASON, SHARED_FILE, load_waivers as _load, apply_waivers as _apply

WAIVERS_FILE = SHARED_FILE


def load_waivers(path: Path = WAIVERS_FILE) -> tuple[Waiver, ...]:
    return _load(path)


@lru_cache(maxsize=1)
def default_waivers() -> tuple[Waiver, ...]:
    """The shared waivers that apply to every stack (stack-scoped ones come with gcbase check STACK)."""
    return tuple(w for w in load_waivers() if not w.stacks)


def apply_waivers(findings: list[Finding], waivers: tuple[Waiver, ...]) -> list[Waiver]:
    """Mark matching failures with their waiver; return the waivers that matched nothing."""
    return _apply(findings, waivers).unused


__all__ = ["MIN_REASON", "WAIVERS_FILE", "load_waivers", "default_waivers", "apply_waivers"]
