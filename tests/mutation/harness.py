"""Mutation testing of the checks: weaken an example stack's plan one way at a time, check it,
and require that some check reports a failure the unmutated plan does not have.

Each example stack is synthesized once; every mutant is a deep copy of that gcbase Plan with
one weakening applied (tests/mutation/mutations.py), exported to Terraform plan JSON and run
through the same checks and waivers as `gcbase check`. A mutant is killed when the set of
unwaived FAILED (check, resource) pairs gains a member. A mutation that no longer finds what it
weakens (a module changed) is an error, never a silent pass.

    uv run python -m tests.mutation.harness [MUTATION_ID ...]   # or scripts/mutation-test
"""

from __future__ import annotations

import copy
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from gcbase.check import run_plan
from gcbase.errors import GcbaseError
from gcbase.model import Plan


class MutationError(Exception):
    """The mutation could not find what it weakens in the plan."""


@dataclass(frozen=True)
class Mutation:
    id: str
    stack: str
    description: str
    apply: Callable[[Plan], None]


@dataclass
class Outcome:
    mutation: Mutation
    killed_by: list[tuple[str, str]] = field(default_factory=list)  # (check id, resource)
    error: Optional[str] = None
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return bool(self.killed_by) and self.error is None


def _failures(plan: Plan) -> set[tuple[str, str]]:
    from gcbase.waivers import waivers_for

    report = run_plan(plan, waivers=waivers_for(plan.stack))
    return {(f.check_id, f.resource) for f in report.findings if f.result == "FAILED"}


def _boundary_mismatches(plan: Plan) -> set[tuple[str, str]]:
    """What `gcbase check` also gates on: the responsibility matrix (hand-written and generated rows), each
    mismatch with the request and its deciding statement."""
    from gcbase.boundaries import evaluate

    if not plan.config_file:
        return set()
    return {(f"boundaries:{row.id}", f"{cell.party}: {x.request.principal} {x.request.action} {x.request.resource}"
                                     f" -> {x.decision.deciding}") for row, cell, x in evaluate(plan).mismatches()}


class Harness:
    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}
        self.baseline: dict[str, set[tuple[str, str]]] = {}

    def plan(self, stack: str) -> Plan:
        if stack not in self.plans:
            from gcbase.synth import synth_stack

            self.plans[stack] = synth_stack(stack)
            self.baseline[stack] = _failures(self.plans[stack])
        return self.plans[stack]

    def run_one(self, mutation: Mutation) -> Outcome:
        start = time.perf_counter()
        mutant = copy.deepcopy(self.plan(mutation.stack))
        try:
            mutation.apply(mutant)
        except MutationError as err:
            return Outcome(mutation, error=f"did not apply: {err}", seconds=time.perf_counter() - start)
        except GcbaseError as err:  # a config mutation the stack config's validation rejects: caught
            return Outcome(mutation, killed_by=[("validate", str(err).splitlines()[0])], seconds=time.perf_counter() - start)
        new = sorted(_failures(mutant) - self.baseline[mutation.stack])
        if not new:  # the gate also fails on a responsibility-boundary mismatch (the examples have none)
            new = sorted(_boundary_mismatches(mutant))
        return Outcome(mutation, killed_by=new, seconds=time.perf_counter() - start)

    def run(self, mutations: Iterable[Mutation], out=None) -> list[Outcome]:
        outcomes = []
        for m in mutations:
            o = self.run_one(m)
            outcomes.append(o)
            if out is not None:
                status = "killed" if o.killed else ("ERROR" if o.error else "SURVIVED")
                by = ", ".join(sorted({c for c, _ in o.killed_by})) or o.error or "no new failure"
                if o.killed_by and o.killed_by[0][0].startswith(("boundaries:", "validate")):
                    by += f"  [{o.killed_by[0][1][:160]}]"  # the deciding statement, or the validation line
                print(f"{status:8} {m.id:40} {m.stack:12} {o.seconds:5.1f}s  {by}", file=out)
        return outcomes


def kill_rate(outcomes: list[Outcome]) -> float:
    return sum(o.killed for o in outcomes) / len(outcomes) if outcomes else 0.0


def main(argv: list[str]) -> int:
    from tests.mutation.mutations import MUTATIONS

    wanted = [m for m in MUTATIONS if not argv or m.id in argv]
    if argv and len(wanted) != len(set(argv)):
        print(f"unknown mutation ids: {sorted(set(argv) - {m.id for m in MUTATIONS})}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    harness = Harness()
    outcomes = harness.run(wanted, out=sys.stdout)
    rate = kill_rate(outcomes)
    baseline = {s: len(f) for s, f in harness.baseline.items()}
    print(f"kill rate: {sum(o.killed for o in outcomes)}/{len(outcomes)} = {rate:.1%} "
          f"({time.perf_counter() - start:.0f}s; unwaived failures before mutation: {baseline})")
    return 0 if rate == 1.0 else 1


if __name__ == "__main__":
    # run the module the mutations import (tests.mutation.harness), not this __main__ copy: else its
    # MutationError is another class and a mutation that no longer applies stops the run with a traceback
    from tests.mutation import harness

    sys.exit(harness.main(sys.argv[1:]))
