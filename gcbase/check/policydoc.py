"""Reading IAM-style policy documents (SCPs, bucket, trust and key policies) inside checks.

Values arrive as Checkov gives them (a JSON string, or a dict Checkov already parsed, wrapped
in a list) or as raw plan values; `document()` accepts all of these. Action and resource
matching follows IAM's rules: case-insensitive actions, `*` and `?` wildcards.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Iterable, Optional


def document(value: Any) -> Optional[dict]:
    """A policy document from a JSON string, a dict, or either wrapped in a one-item list."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def statements(doc: Optional[dict]) -> list[dict]:
    if not doc:
        return []
    return [s for s in as_list(doc.get("Statement")) if isinstance(s, dict)]


@lru_cache(maxsize=65536)  # pure; the same (pattern, action) pairs recur for every resource of every plan
def _wild(pattern: str, value: str, fold: bool) -> bool:
    if fold:
        pattern, value = pattern.lower(), value.lower()
    return fnmatchcase(value, pattern.replace("[", "[[]"))


def action_covered(statement: dict, action: str) -> bool:
    """Whether a statement applies to an action (Action wildcards, or not excluded by NotAction)."""
    if "NotAction" in statement:
        return not any(_wild(p, action, True) for p in as_list(statement["NotAction"]) if isinstance(p, str))
    return any(_wild(p, action, True) for p in as_list(statement.get("Action")) if isinstance(p, str))


def resource_covered(statement: dict, arn: str) -> bool:
    if "NotResource" in statement:
        return not any(_wild(p, arn, False) for p in as_list(statement["NotResource"]) if isinstance(p, str))
    return any(_wild(p, arn, False) for p in as_list(statement.get("Resource")) if isinstance(p, str))


def denies(doc: Optional[dict], action: str, resource: str = "*",
           allowed_conditions: Iterable[str] = ()) -> Optional[dict]:
    """The Deny statement that blocks `action` on `resource` for everyone, if any.

    A statement only counts when its only conditions are exemptions: negated operators
    (ArnNotLike, StringNotEquals, ...) on a key in allowed_conditions, e.g. the governance role's
    `aws:PrincipalArn`. A deny that applies only when some condition holds (StringLike
    aws:PrincipalArn = root, a region, ...) does not protect against everyone else.
    """
    allowed = {c.lower() for c in allowed_conditions}
    for st in statements(doc):
        if st.get("Effect") != "Deny" or not action_covered(st, action):
            continue
        if resource != "*" and not resource_covered(st, resource):
            continue
        if resource == "*" and "*" not in as_list(st.get("Resource")) and "NotResource" not in st:
            continue
        conditions = [(op, k.lower()) for op, block in (st.get("Condition") or {}).items()
                      if isinstance(block, dict) for k in block]
        if all("Not" in op and key in allowed for op, key in conditions):
            return st
    return None


def condition_values(statement: dict, operator: str, key: str) -> list[str]:
    """Values of one condition (operator names compared exactly, keys case-insensitively)."""
    block = (statement.get("Condition") or {}).get(operator) or {}
    for k, v in block.items():
        if k.lower() == key.lower():
            return [str(x) for x in as_list(v)]
    return []


def principals(statement: dict) -> list[str]:
    """Every principal a statement names ("*" for Principal: "*")."""
    p = statement.get("Principal")
    if p == "*":
        return ["*"]
    if isinstance(p, dict):
        return [str(x) for v in p.values() for x in as_list(v)]
    return []
