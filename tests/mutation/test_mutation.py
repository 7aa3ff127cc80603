"""Every weakening mutation of the example stacks is caught by at least one check (kill rate 100%)."""

from __future__ import annotations

import pytest

from tests.mutation.harness import Harness, kill_rate, run_parallel
from tests.mutation.mutations import MUTATIONS


def test_at_least_sixty_distinct_mutations():
    ids = [m.id for m in MUTATIONS]
    assert len(ids) >= 60
    assert len(ids) == len(set(ids))
    assert all(m.description for m in MUTATIONS)


def test_at_least_thirty_network_weakenings_in_plan_config_and_source():
    from tests.mutation.network_mutations import NETWORK_MUTATIONS

    assert len(NETWORK_MUTATIONS) >= 30
    assert {m.kind for m in NETWORK_MUTATIONS} == {"plan", "config", "source"}
    assert all(m in MUTATIONS for m in NETWORK_MUTATIONS)


@pytest.fixture(scope="module")
def outcomes():
    """Every mutant, over the machine's CPUs (tests/mutation/harness.py run_parallel: each worker its own
    Harness; the same synth, checks and gate per mutant as Harness.run)."""
    baseline, result = run_parallel(list(MUTATIONS))
    harness = Harness()
    harness.baseline = baseline
    return harness, result


def test_example_stacks_pass_before_mutation(outcomes):
    harness, _ = outcomes
    assert harness.baseline and all(not failed for failed in harness.baseline.values()), harness.baseline


def test_every_mutant_is_killed(outcomes, capsys):
    _, result = outcomes
    errors = [f"{o.mutation.id}: {o.error}" for o in result if o.error]
    survivors = [o.mutation.id for o in result if not o.error and not o.killed]
    with capsys.disabled():
        print(f"\nmutation kill rate: {sum(o.killed for o in result)}/{len(result)} = {kill_rate(result):.1%}")
    assert not errors, errors
    assert not survivors, survivors
    assert kill_rate(result) == 1.0


def test_every_mutant_fails_the_gate(outcomes):
    """Killed is not enough: `gcbase check` (default --fail-on high, the whole tenancy) must fail on every
    weakening, through a failure at or above high or a mandatory requirement (whatever its checks' severity)."""
    _, result = outcomes
    passing = [(o.mutation.id, o.gate) for o in result if o.gate != "fail"]
    assert not passing, passing
