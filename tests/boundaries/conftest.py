"""Plans of the example stacks, synthesized once per test session (each takes a few seconds)."""

from __future__ import annotations

import copy

import pytest

from gcbase.synth import STACKS_DIR, synth_stack
from gcbase.validate import load_settings

_PLANS: dict = {}


def plan_of(stack: str):
    """A private copy of the stack's plan (tests may mutate it)."""
    if stack not in _PLANS:
        _PLANS[stack] = synth_stack(stack)
    return copy.deepcopy(_PLANS[stack])


def settings_of(stack: str):
    return load_settings(STACKS_DIR / f"Pulumi.{stack}.yaml")


@pytest.fixture
def plans():
    return plan_of
