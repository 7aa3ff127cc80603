"""Mutation testing of the checks: weaken an example stack one way at a time, check it, and require
that some check reports a failure the unmutated plan does not have.

Three kinds of weakening, as a vendor could make them:
- plan (most): a deep copy of the synthesized gcbase Plan with one edit (tests/mutation/mutations.py),
  as a `pulumi preview`/state export of a changed program would show it;
- config: an edit of the stack config's gcbase: values, synthesized again; a config the validation
  refuses (one line, exit 2) is killed by "validate";
- source: a textual edit of one file under modules/ (the program itself), synthesized in a separate
  process against a copy of modules/ with the edit (so the edited module is what runs).

Every mutant is exported to Terraform plan JSON and run through the same checks and waivers as
`gcbase check`. A mutant is killed when the set of unwaived FAILED (check, resource) pairs gains a
member. A mutation that no longer finds what it weakens (a module changed) is an error, never a
silent pass.

    uv run python -m tests.mutation.harness [MUTATION_ID ...]   # or scripts/mutation-test
"""

from __future__ import annotations

import copy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from gcbase.check import run_plan
from gcbase.errors import GcbaseError
from gcbase.model import Plan


class MutationError(Exception):
    """The mutation could not find what it weakens in the plan."""


class RefusedConfig(Exception):
    """The mutated stack config was refused by validation: the weakening cannot be deployed."""


@dataclass(frozen=True)
class Mutation:
    id: str
    stack: str
    description: str
    apply: Callable[[Any], None]  # plan: edits the Plan; config: edits the gcbase values (keys without "gcbase:")
    kind: str = "plan"  # plan | config | source
    edit: tuple[str, str, str] = ("", "", "")  # source: (file under the repository, old text, new text)


def synth_with_source_edit(stack: str, edit: tuple[str, str, str]) -> Plan:
    """Synthesize a stack with one file of modules/ edited, in a separate process that imports the
    edited copy (modules/ shadowed through PYTHONPATH), and read its Plan back."""
    import json
    import os
    import shutil
    import subprocess
    import tempfile

    from gcbase.baselines import ROOT

    rel, old, new = edit
    with tempfile.TemporaryDirectory(prefix="gcbase-mutant-") as tmp:
        shutil.copytree(ROOT / "modules", Path(tmp) / "modules")
        target = Path(tmp) / rel
        text = target.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise MutationError(f"{rel}: the text to replace occurs {text.count(old)} times, expected once")
        target.write_text(text.replace(old, new), encoding="utf-8")
        # "" (the working directory) leaves the path: synth runs the program from the project directory
        # (as the language host does), where "" would put the unedited modules/ first
        code = ("import json, sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
                "from gcbase.synth import synth_stack; print(json.dumps(synth_stack(sys.argv[1]).to_dict()))")
        env = {**os.environ, "PYTHONPATH": tmp + os.pathsep + os.environ.get("PYTHONPATH", "")}
        proc = subprocess.run([sys.executable, "-c", code, stack], capture_output=True, text=True, env=env,
                              cwd=tmp, timeout=300)  # not ROOT: "" (the cwd) comes first on sys.path
        if proc.returncode != 0:
            raise MutationError(f"the edited program did not synthesize: {proc.stderr.strip().splitlines()[-1:]}")
        return Plan.from_dict(json.loads(proc.stdout))


@dataclass
class Outcome:
    mutation: Mutation
    killed_by: list[tuple[str, str]] = field(default_factory=list)  # (check id, resource)
    error: Optional[str] = None
    seconds: float = 0.0
    gate: str = ""  # the mutant's gate state (pass | findings | fail | error); a weakening must fail it

    @property
    def killed(self) -> bool:
        return bool(self.killed_by) and self.error is None


def _declared(plan: Plan) -> list[tuple[str, str]]:
    """What the program declared, to tell whether a source edit ran at all."""
    import json

    return sorted((r.urn, json.dumps(r.inputs, sort_keys=True, default=str)) for r in plan.resources)


def _check(plan: Plan):
    from gcbase.waivers import waivers_for

    return run_plan(plan, waivers=waivers_for(plan.stack))


def _failures(plan: Plan, report=None) -> set[tuple[str, str]]:
    report = report or _check(plan)
    return {(f.check_id, f.resource) for f in report.findings if f.result == "FAILED"}


def gate_state(plan: Plan, report, boundaries=None) -> str:
    """What `gcbase check` would say of the mutant (default --fail-on high, whole-tenancy scope), with the
    responsibility matrix when it was evaluated."""
    from gcbase.check import load_catalogue
    from gcbase.report.collect import StackResult, build
    from gcbase.waivers import uses_of

    return build([StackResult(plan, report, uses_of(report.findings, ()), boundaries)], load_catalogue()).state


def _boundaries(plan: Plan):
    """The responsibility matrix (hand-written and generated rows), as `gcbase check` evaluates it."""
    from gcbase.boundaries import evaluate

    return evaluate(plan) if plan.config_file else None


def _boundary_mismatches(result) -> set[tuple[str, str]]:
    """What `gcbase check` also gates on: each mismatch with the request and its deciding statement."""
    if result is None:
        return set()
    return {(f"boundaries:{row.id}", f"{cell.party}: {x.request.principal} {x.request.action} {x.request.resource}"
                                     f" -> {x.decision.deciding}") for row, cell, x in result.mismatches()}


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
        try:
            mutant = self.mutant(mutation)
        except MutationError as err:
            return Outcome(mutation, error=f"did not apply: {err}", seconds=time.perf_counter() - start)
        except (RefusedConfig, GcbaseError) as refused:  # the validation refuses the weakened config
            return Outcome(mutation, killed_by=[("validate", str(refused).splitlines()[0])],
                           seconds=time.perf_counter() - start, gate="fail")
        report = _check(mutant)
        new = sorted(_failures(mutant, report) - self.baseline[mutation.stack])
        boundaries = None
        if not new:  # the gate also fails on a responsibility-boundary mismatch (the examples have none)
            boundaries = _boundaries(mutant)
            new = sorted(_boundary_mismatches(boundaries))
        return Outcome(mutation, killed_by=new, seconds=time.perf_counter() - start,
                       gate=gate_state(mutant, report, boundaries))

    def mutant(self, mutation: Mutation) -> Plan:
        """The weakened plan (MutationError: it no longer applies; RefusedConfig or GcbaseError: the
        stack config's validation refuses it)."""
        self.plan(mutation.stack)  # the baseline
        if mutation.kind == "config":
            return self._config_mutant(mutation)
        if mutation.kind == "source":
            mutant = synth_with_source_edit(mutation.stack, mutation.edit)
            if _declared(mutant) == _declared(self.plan(mutation.stack)):  # the edited file did not run
                raise MutationError(f"{mutation.edit[0]}: the edit did not change the plan (was the edited copy run?)")
            return mutant
        mutant = copy.deepcopy(self.plan(mutation.stack))
        mutation.apply(mutant)
        return mutant

    @staticmethod
    def _config_mutant(mutation: Mutation) -> Plan:
        from gcbase.errors import GcbaseError
        from gcbase.synth import stack_file, synth_values
        from gcbase.validate import plain_values, read_stack_file

        path = stack_file(mutation.stack)
        _, ours, others = read_stack_file(path)
        values = copy.deepcopy(plain_values(ours, str(path))[0])
        mutation.apply(values)
        try:
            return synth_values(mutation.stack, {**others, **{f"gcbase:{k}": v for k, v in values.items()}})
        except GcbaseError as err:
            raise RefusedConfig(str(err).splitlines()[0]) from None

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
                print(f"{status:8} {m.id:40} {m.stack:12} {o.seconds:5.1f}s  gate {o.gate or '-':8} {by}", file=out)
        return outcomes


def _run_ids(ids: list[str]) -> tuple[dict[str, list], list[tuple]]:
    """In a worker process: run these mutations with a Harness of its own (what run_parallel hands back)."""
    from tests.mutation.mutations import MUTATIONS

    by_id = {m.id: m for m in MUTATIONS}
    harness = Harness()
    done = harness.run([by_id[i] for i in ids])
    return ({stack: sorted(found) for stack, found in harness.baseline.items()},
            [(o.mutation.id, o.killed_by, o.error, o.seconds, o.gate) for o in done])


def over_workers(mutations: list[Mutation], work: Callable[[list[str]], Any], workers: Optional[int] = None) -> list:
    """work(ids) on shares of the mutations, one share per process (default: the machine's CPUs, at most 4;
    spawned, each its own Harness), the slow source mutants spread alike; in this process when one share does.
    Returns each share's result."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or min(4, os.cpu_count() or 1)
    ordered = sorted(mutations, key=lambda m: (m.kind != "source", m.id))
    shares = [[m.id for m in ordered[i::workers]] for i in range(workers) if ordered[i::workers]]
    if len(shares) < 2:
        return [work([m.id for m in ordered])]
    with ProcessPoolExecutor(len(shares), mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(work, shares))


def run_parallel(mutations: list[Mutation], workers: Optional[int] = None) -> tuple[dict[str, set], list[Outcome]]:
    """The mutations over the machine's CPUs (over_workers), outcomes in the given order. Every mutant is still
    synthesized and checked exactly as Harness.run does it; only where changes."""
    baseline: dict[str, set] = {}
    got: dict[str, tuple] = {}
    for found, rows in over_workers(mutations, _run_ids, workers):
        for stack, failures in found.items():
            baseline.setdefault(stack, set()).update(tuple(f) for f in failures)
        for row in rows:
            got[row[0]] = row
    outcomes = [Outcome(m, [tuple(k) for k in got[m.id][1]], got[m.id][2], got[m.id][3], got[m.id][4])
                for m in mutations]
    return baseline, outcomes


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
    from tests.mutation.harness import main as _main  # the module's own classes (edits.py raises those), not __main__'s

    sys.exit(_main(sys.argv[1:]))
