"""Condition operators iamprover does not encode, rewritten into ones it does.

iamprover (engine/conditions.py) encodes String*, Arn*, Bool and IpAddress. Anything else
becomes "unknown": always true in an Allow, always false in a Deny. That over-approximates
what is allowed, which is sound for "must be denied" but can make a "must be allowed" pass
when a Deny with an unsupported operator should have applied. Our policies use a few more
operators, so before handing a statement to iamprover we rewrite them, relying on one fact
of our evaluation: every request is concrete. Each context key is pinned to a value or to
ABSENT, a value no policy names, which gives AWS's missing-key behaviour for free:

  StringEquals / StringLike / ArnLike / Bool on a missing key      -> false
  StringNotEquals / StringNotLike / ArnNotLike on a missing key    -> true
  (IAM User Guide, "Condition operators": "If the key that you specify in a policy condition
   is not present in the request context, the values do not match and the condition is
   false. If the policy condition requires that the key is not matched, such as
   StringNotLike or ArnNotLike, and the right key is not present, the condition is true.")

Rewrites (each tested in tests/boundaries/test_conditions.py with the doc section it follows):

  <Op>IfExists k vs      -> <Op> k vs + [ABSENT]     (positive operators: also true when absent)
  <NotOp>IfExists k vs   -> <NotOp> k vs             (already true when absent)
  Null k "true"          -> StringEquals k [ABSENT]
  Null k "false"         -> StringNotEquals k [ABSENT]
  ForAnyValue:<Op> k vs  -> <Op> k vs                (our requests carry at most one value)
  ForAllValues:<Op> k vs -> <Op> k vs + [ABSENT]     (vacuously true on an empty set)
  Numeric*/Date* k v     -> decided on the pinned value: dropped when true, or replaced by
                            StringEquals k [NEVER] when false
"""

from __future__ import annotations

import operator
from datetime import datetime
from typing import Callable, Mapping

from iamprover.model import Condition, Statement

ABSENT = "\u2205absent"  # no policy names this value
NEVER = "\u2205never"    # never the value of a pinned key

_SUPPORTED = {
    "StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
    "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike", "Bool",
    "IpAddress", "NotIpAddress", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
}
_NEGATED = ("StringNot", "ArnNot", "NotIpAddress", "NumericNot", "DateNot")

_COMPARE: dict[str, Callable] = {
    "Equals": operator.eq, "NotEquals": operator.ne, "LessThan": operator.lt,
    "LessThanEquals": operator.le, "GreaterThan": operator.gt, "GreaterThanEquals": operator.ge,
}


class UnsupportedCondition(ValueError):
    """An operator we neither rewrite nor let iamprover encode; reported, never guessed."""


def _number(text: str) -> float:
    return float(text)


def _date(text: str) -> float:
    if text.isdigit():
        return float(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _decide(op: str, value: str, wanted: list[str]) -> bool:
    """Numeric*/Date* on a concrete value: any of the policy values matches."""
    family, rest = ("Numeric", op[7:]) if op.startswith("Numeric") else ("Date", op[4:])
    parse = _number if family == "Numeric" else _date
    compare = _COMPARE.get(rest)
    if compare is None:
        raise UnsupportedCondition(op)
    if value == ABSENT:
        return rest == "NotEquals"  # negated operators are true on a missing key
    try:
        got = parse(value)
        results = [compare(got, parse(w)) for w in wanted]
    except ValueError:
        return False
    return all(results) if rest == "NotEquals" else any(results)


def _base_operator(op: str) -> str:
    op = op.split(":", 1)[1] if op.startswith(("ForAnyValue:", "ForAllValues:")) else op
    return op[: -len("IfExists")] if op.endswith("IfExists") else op


def rewrite_condition(cond: Condition, pins: Mapping[str, str], free: bool = False) -> list[Condition]:
    """Conditions iamprover encodes exactly, equivalent to cond for the pinned request.

    free: the context is not pinned (the zone of trust asks "is there any request that ..."): an
    operator that needs a concrete value (Numeric*, Date*, *IgnoreCase, anything unsupported) is
    kept as it is, so iamprover treats it as unknown (true in an Allow, false in a Deny), which can
    only widen what is allowed: sound for finding access, never for proving a deny."""
    op = cond.operator
    values = [str(v) for v in cond.values]
    if free:
        base = _base_operator(op)
        if base.startswith(("Numeric", "Date")) or base.endswith("IgnoreCase") or \
                (base not in _SUPPORTED and base != "Null"):
            return [Condition(op, cond.key, values)]
    if op.startswith(("ForAnyValue:", "ForAllValues:")):
        qualifier, base = op.split(":", 1)
        inner = rewrite_condition(Condition(base, cond.key, values), pins, free)
        if qualifier == "ForAllValues" and not base.startswith(_NEGATED):
            inner = [Condition(c.operator, c.key, [*c.values, ABSENT]) if c.key == cond.key else c for c in inner]
        return inner
    if op.endswith("IfExists"):
        base = op[: -len("IfExists")]
        inner = rewrite_condition(Condition(base, cond.key, values), pins, free)
        if base.startswith(_NEGATED) or base.startswith(("Numeric", "Date")):
            if base.startswith(("Numeric", "Date")) and pins.get(cond.key.lower(), ABSENT) == ABSENT:
                return []  # IfExists: true when the key is missing
            return inner
        return [Condition(c.operator, c.key, [*c.values, ABSENT]) for c in inner]
    if op == "Null":
        want_absent = str(values[0]).lower() == "true"
        return [Condition("StringEquals" if want_absent else "StringNotEquals", cond.key, [ABSENT])]
    if op.startswith(("Numeric", "Date")):
        if _decide(op, pins.get(cond.key.lower(), ABSENT), values):
            return []
        return [Condition("StringEquals", cond.key, [NEVER])]
    if op.endswith("IgnoreCase"):
        raise UnsupportedCondition(op)
    if op not in _SUPPORTED:
        raise UnsupportedCondition(op)
    return [Condition(op, cond.key, values)]


def rewrite_statement(stmt: Statement, pins: Mapping[str, str], free: bool = False) -> Statement:
    conditions: list[Condition] = []
    for cond in stmt.conditions:
        conditions.extend(rewrite_condition(cond, pins, free))
    return Statement(
        effect=stmt.effect, actions=list(stmt.actions), not_actions=list(stmt.not_actions),
        resources=list(stmt.resources), not_resources=list(stmt.not_resources),
        conditions=conditions, principals=list(stmt.principals),
    )


def condition_keys(stmt: Statement) -> set[str]:
    return {c.key.lower() for c in stmt.conditions}
