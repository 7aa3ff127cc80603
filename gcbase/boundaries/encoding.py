"""iamprover's Z3 encodings built once per evaluator and reused across concrete requests.

Building the formula (iamprover's `allowed()`, `statement_matches()`) was most of the cost of a
request, and a stack asks hundreds of requests of the same few roles and policies. So the
formulas are built over symbolic variables for the action and the resource, keyed by the
(rewritten) policy statements they encode, and each request pins those variables, as it pins
every condition key, in one solver call:

    decision <-> allowed(...)         iamprover's formula for the request's layers
    match_i  <-> statement_matches_i  each statement that may decide it (for the report)
    action = "...", resource = "...", every condition key = its value or ABSENT

Every variable of these formulas is pinned, so each Boolean has exactly one value and the
model gives it: the same answers as one satisfiability query per formula (docs/PERFORMANCE.md,
"Boundaries"). Z3 still decides every request; only the construction is shared.

Roles in different accounts share most statements (SCPs, managed policies, boundaries), so
while `allowed()` builds a formula, iamprover's `statement_matches` is memoized per statement
for the symbolic action and resource: Z3 terms are hash-consed, so a memoized term is the very
term iamprover would build again.
"""

from __future__ import annotations

from typing import Callable, Hashable, Mapping, Sequence

import iamprover.engine.encoder as iamprover_encoder
import z3
from iamprover.engine.context import Context
from iamprover.engine.encoder import statement_matches
from iamprover.model import Statement

from gcbase.boundaries.conditions import ABSENT

ACTION = z3.String("gcbase:request:action")
RESOURCE = z3.String("gcbase:request:resource")
# The pins are equations var = constant: solve-eqs substitutes them, and the SMT core then only
# rewrites ground terms (about a quarter faster than z3.Solver()'s default strategy here).
SOLVER = z3.Then("solve-eqs", "smt")


class Undecided(Exception):
    """Z3 gave no answer (timeout, resource limit): the request is neither allowed nor denied."""


class Encoded:
    """One formula over ACTION, RESOURCE and the condition keys it reads."""

    def __init__(self, expr: z3.BoolRef, ctx: Context):
        if ctx.ip_var is not None:
            raise ValueError("aws:SourceIp conditions need a pinned source address; none is modelled")
        self.expr = expr
        self.keys = dict(ctx.string_vars)


class Encodings:
    def __init__(self, timeout_ms: int):
        self.timeout_ms = timeout_ms
        self._formulas: dict[Hashable, Encoded] = {}
        self._statements: dict[str, tuple[z3.BoolRef, Context]] = {}

    def formula(self, key: Hashable, build: Callable[[z3.SeqRef, z3.SeqRef, Context], z3.BoolRef]) -> Encoded:
        """build(action, resource, ctx) once per key: the key must name everything build reads."""
        if key not in self._formulas:
            ctx = Context()
            iamprover_encoder.statement_matches = self._statement_matches
            try:
                expr = build(ACTION, RESOURCE, ctx)
            finally:
                iamprover_encoder.statement_matches = statement_matches
            self._formulas[key] = Encoded(expr, ctx)
        return self._formulas[key]

    def _statement_matches(self, stmt: Statement, action: z3.SeqRef, resource: z3.SeqRef, ctx: Context) -> z3.BoolRef:
        """iamprover's statement_matches, memoized for ACTION and RESOURCE; registers the keys it reads in ctx."""
        if not (action.eq(ACTION) and resource.eq(RESOURCE)):
            return statement_matches(stmt, action, resource, ctx)
        expr, own = self._statement(stmt)
        for key in own.string_vars:
            ctx.string(key)
        if own.ip_var is not None:
            ctx.source_ip()
        return expr

    def _statement(self, stmt: Statement) -> tuple[z3.BoolRef, Context]:
        key = repr(stmt)  # dataclasses: effect, actions, resources, conditions, principals
        if key not in self._statements:
            ctx = Context()
            self._statements[key] = (statement_matches(stmt, ACTION, RESOURCE, ctx), ctx)
        return self._statements[key]

    def statement(self, stmt: Statement) -> Encoded:
        return Encoded(*self._statement(stmt))

    def solve(self, decision: Encoded, statements: Sequence[Statement], action: str, resource: str,
              pins: Mapping[str, str]) -> tuple[bool, list[bool]]:
        """(decision, whether each statement matches) of one concrete request, in one solver call."""
        matches = [self.statement(s) for s in statements]
        solver = SOLVER.solver()
        solver.set("timeout", self.timeout_ms)
        verdict = z3.Bool("gcbase:decision")
        flags = [z3.Bool(f"gcbase:match:{i}") for i in range(len(matches))]
        solver.add(verdict == decision.expr)
        for flag, enc in zip(flags, matches):
            solver.add(flag == enc.expr)
        solver.add(ACTION == z3.StringVal(action), RESOURCE == z3.StringVal(resource))
        keys = dict(decision.keys)
        for enc in matches:
            keys.update(enc.keys)
        for key, var in keys.items():
            solver.add(var == z3.StringVal(pins.get(key, ABSENT)))
        answer = solver.check()
        if answer == z3.unknown:  # not a deny: reading it as one would pass every deny expectation
            raise Undecided(solver.reason_unknown() or "unknown")
        if answer != z3.sat:
            raise AssertionError("a request with every variable pinned cannot be unsatisfiable")
        model = solver.model()

        def value(b: z3.BoolRef) -> bool:
            return z3.is_true(model.eval(b, model_completion=True))

        return value(verdict), [value(f) for f in flags]
