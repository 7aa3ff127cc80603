"""Conditions on ARN-valued keys (aws:SourceArn, aws:PrincipalArn, encryption-context ARNs), decided for
"any ARN in an account outside the zone" without the string solver.

Z3's regular-expression reasoning took minutes to intersect "an ARN whose account field is outside the
zone" with a policy's ArnLike patterns. But only the account field matters here, and ArnLike/ArnEquals
compare the six colon-separated fields one by one (IAM User Guide, "Amazon Resource Name (ARN)
condition operators"), so whether some ARN of such an account satisfies a condition is decided per
pattern, in Python. Each condition on such a key is replaced by a constant, chosen so that what is
allowed can only grow:

  in an Allow: true when SOME value of the key's domain satisfies it, else the statement is dropped;
  in a Deny:   true when EVERY value of the domain satisfies it, else the statement is dropped.

A key's domain: absent, and/or ARNs whose account is a given one (a named caller) or any 12-digit
account outside the zone. Conditions are decided one by one (two conditions on one key in one statement
may each pick a different value), which again can only add findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Optional

from iamprover.model import Statement

ACCOUNT = re.compile(r"^[0-9]{12}$")
_POSITIVE = ("StringEquals", "StringLike", "ArnEquals", "ArnLike")
_NEGATIVE = ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike")


@dataclass(frozen=True)
class Domain:
    """The values a key may take for one caller."""

    absent: bool  # the key may be missing from the request
    account: str = ""  # ARNs in this account; "" = in any account outside `zone`
    zone: frozenset[str] = frozenset()
    present: bool = True  # the key may be present


def _glob(pattern: str, value: str) -> bool:
    return fnmatchcase(value, pattern.replace("[", "[[]"))


def _account_pattern(op: str, pattern: str) -> Optional[str]:
    """The account field a pattern requires, or None when its shape leaves the account open."""
    parts = pattern.split(":", 5)
    if op.startswith("Arn"):
        return parts[4] if len(parts) == 6 else None
    if any("*" in p for p in parts[:4]) or len(parts) < 6:
        return None  # a string glob whose '*' may shift the fields
    return parts[4]


def _can_match(op: str, pattern: str, d: Domain) -> bool:
    """Whether some ARN of the domain's account(s) matches the pattern."""
    acct = _account_pattern(op, pattern)
    if acct is None:
        return True
    if d.account:
        return _glob(acct, d.account) if ("Like" in op or op.startswith("Arn")) else acct == d.account
    if not any(c in acct for c in "*?"):
        return bool(ACCOUNT.match(acct)) and acct not in d.zone
    if "*" in acct:
        return True
    if len(acct) != 12 or any(c not in "0123456789?" for c in acct):
        return False
    return 10 ** acct.count("?") > sum(1 for a in d.zone if _glob(acct, a))


def _universal(op: str, pattern: str) -> bool:
    """Whether a pattern matches every ARN (so every value of a present key)."""
    if "Like" not in op and not op.startswith("Arn"):
        return False
    return pattern == "*" or (op.startswith("Arn") and all(f == "*" for f in pattern.split(":", 5)[1:]) and
                              pattern.startswith(("arn:*", "*")))


def _truth(op: str, values: list[str], d: Domain, every: bool) -> Optional[bool]:
    """Whether some (every=False) or every (every=True) value of the domain satisfies the condition;
    None for an operator this module does not decide (left to the solver)."""
    if_exists = op.endswith("IfExists")
    base = op[: -len("IfExists")] if if_exists else op
    if ":" in base:
        base = base.split(":", 1)[1]  # ForAnyValue:/ForAllValues: - one value per request here
    if base == "Null":
        want_absent = str(values[0]).lower() == "true"
        if every:
            return (want_absent and not d.present) or (not want_absent and not d.absent)
        return (want_absent and d.absent) or (not want_absent and d.present)
    if base in _POSITIVE:
        on_absent = if_exists
        some = d.present and any(_can_match(base, v, d) for v in values)
        all_ = d.present and any(_universal(base, v) for v in values)
    elif base in _NEGATIVE:
        positive = base.replace("Not", "", 1)
        on_absent = True
        some = d.present and not any(_universal(positive, v) for v in values)
        all_ = d.present and not any(_can_match(positive, v, d) for v in values)
    else:
        return None
    if every:
        return (not d.absent or on_absent) and (not d.present or all_)
    return (d.absent and on_absent) or some


def decide(stmt: Statement, domains: dict[str, Domain]) -> Optional[Statement]:
    """The statement with its conditions on the domains' keys decided; None when it can never apply."""
    kept = []
    for cond in stmt.conditions:
        d = domains.get(cond.key.lower())
        truth = None if d is None else _truth(cond.operator, [str(v) for v in cond.values], d,
                                               every=stmt.effect == "Deny")
        if truth is None:
            kept.append(cond)
        elif not truth:
            return None
    return Statement(stmt.effect, stmt.actions, stmt.not_actions, stmt.resources, stmt.not_resources, kept,
                     stmt.principals)
