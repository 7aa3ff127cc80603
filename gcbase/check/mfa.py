"""Trust policies of roles people assume: MFA required on every statement that admits a person."""

from __future__ import annotations

from typing import Any, Optional

from gcbase.check.policydoc import condition_values, document, principals, statements

_NUMERIC_MAX = ("NumericLessThan", "NumericLessThanEquals")


def mfa_problems(policy: Any, max_age: Optional[int] = None) -> list[str]:
    """Why a trust policy lets someone in without MFA (or with too old an MFA); [] when fine."""
    doc = document(policy)
    if doc is None:
        return ["trust policy missing or not JSON"]
    problems: list[str] = []
    for st in statements(doc):
        if st.get("Effect") != "Allow":
            continue
        people = [p for p in principals(st) if not p.endswith(".amazonaws.com")]
        if not people:
            continue  # a service principal: no person signs in
        sid = st.get("Sid", "?")
        if [v.lower() for v in condition_values(st, "Bool", "aws:MultiFactorAuthPresent")] != ["true"]:
            problems.append(f"statement {sid} admits {', '.join(people)} without aws:MultiFactorAuthPresent=true")
            continue
        if max_age is not None:
            ages = [int(v) for op in _NUMERIC_MAX for v in condition_values(st, op, "aws:MultiFactorAuthAge")
                    if str(v).isdigit()]
            if not ages or min(ages) > max_age:
                problems.append(f"statement {sid} does not limit aws:MultiFactorAuthAge to {max_age} seconds")
    return problems
