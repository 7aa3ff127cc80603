"""The policy pack gives `gcbase check`'s verdicts: on every example stack and on mutants of each
weakening class (plan, stack config, source; guardrails, network paths, zone of trust, escalation,
absence), driven through the pack's own analyzer servicer as the Pulumi engine drives it.

Every mutant is compared by scripts/pack-equivalence (docs/POLICYPACK.md); this test takes the
first of each class (prefix and kind) so CI stays short."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from gcbase.check import load_catalogue
from gcbase.policypack.options import from_config
from gcbase.report.collect import build
from gcbase.report.pipeline import check_plan
from tests.mutation.harness import Harness
from tests.mutation.mutations import MUTATIONS
from tests.policypack import engine

EXAMPLES = ("131121-prod", "131121-stg", "363421-prod")
ID = re.compile(r"^\[([A-Za-z0-9_.]+)\]")


def gcbase_verdict(plan):
    """`gcbase check`'s state and its unwaived failures (check id, URN), with the default options."""
    report = build([check_plan(plan, from_config({}, env={}))], load_catalogue())
    return report.state, {(f.check_id, f.urn) for f in report.failures()}


def pack_verdict(plan, baseline=None):
    response = engine.analyze(plan, baseline=baseline)
    blocked = bool(engine.mandatory(response))
    findings = set()
    for d in engine.advisory(response):
        found = ID.match(d.message.split("\n", 1)[1])
        assert found, d.message
        findings.add((found.group(1), d.urn))
    return blocked, findings


def same(plan, baseline=None) -> None:
    state, failures = gcbase_verdict(plan)
    blocked, findings = pack_verdict(plan, baseline)
    assert blocked == (state in ("fail", "error")), (state, blocked)
    assert findings == failures


@pytest.fixture(scope="module")
def harness():
    return Harness()


@pytest.mark.parametrize("stack", EXAMPLES)
def test_examples_same_verdict(harness, stack):
    plan = harness.plan(stack)
    state, _ = gcbase_verdict(plan)
    assert state in ("pass", "findings")
    same(plan)


def sample():
    by_class = defaultdict(list)
    for m in MUTATIONS:
        by_class[(m.id.split("-", 1)[0], m.kind)].append(m)
    return [ms[0] for ms in by_class.values()]


@pytest.fixture(scope="module")
def sampled():
    """Every sampled mutant's two verdicts, computed over the machine's CPUs (equivalence.run_parallel)."""
    from tests.policypack.equivalence import run_parallel

    return run_parallel(sample())


@pytest.mark.parametrize("mutation", sample(), ids=lambda m: m.id)
def test_mutant_same_verdict(sampled, mutation):
    got = sampled[mutation.id]
    if got[0] == "refused":
        pytest.skip("the stack config's validation refuses it before any plan exists (exit 2)")
    if got[0] == "error":
        pytest.fail(f"mutation no longer applies: {got[1]}")
    _, state, failures, blocked, findings = got
    assert state in ("fail", "error"), "the mutant must fail gcbase check's gate"
    assert blocked == (state in ("fail", "error")), (state, blocked)
    assert findings == failures
