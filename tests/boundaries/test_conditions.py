"""Condition operators iamprover lacks, rewritten for concrete requests (gcbase/boundaries/conditions.py).

Each case follows the IAM User Guide, "IAM JSON policy elements: Condition operators" (and its
sections "...IfExists condition operators", "Condition operator to check existence of condition
keys" for Null, "Numeric condition operators", "Single-valued vs. multivalued context keys").
"""

from __future__ import annotations

import pytest

from gcbase.boundaries.evaluator import Evaluator, Request
from gcbase.boundaries.model import AuthzModel, Doc, Role

A = "111111111111"
ROLE = f"arn:aws:iam::{A}:role/app"


def decide_with(condition: dict, ctx: dict, effect: str = "Allow") -> bool:
    """Allowed? for one statement carrying `condition` (Deny cases sit beside an Allow-all)."""
    statements = [{"Effect": effect, "Action": "*", "Resource": "*", "Condition": condition}]
    if effect == "Deny":
        statements.append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    m = AuthzModel("plan", "900000000001")
    m.roles[ROLE] = Role(ROLE, "app", A, policies=[Doc("identity", "p", {"Statement": statements})])
    return Evaluator(m).evaluate(Request(ROLE, "ec2:RunInstances", "*", tuple(ctx.items()))).allowed


# "If the key ... is not present in the request context, the values do not match and the
# condition is false. If the policy condition requires that the key is not matched, such as
# StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
@pytest.mark.parametrize("op,expected", [("StringEquals", False), ("StringLike", False), ("Bool", False),
                                         ("StringNotEquals", True), ("ArnNotLike", True)])
def test_missing_key(op, expected):
    assert decide_with({op: {"aws:SomeKey": "x"}}, {}) is expected


@pytest.mark.parametrize("ctx,expected", [({}, True), ({"aws:MultiFactorAuthPresent": "true"}, True),
                                          ({"aws:MultiFactorAuthPresent": "false"}, False)])
def test_bool_if_exists_true_when_absent(ctx, expected):
    """IfExists: "If the policy key is present ... evaluate as specified; if absent, true"."""
    assert decide_with({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, ctx) is expected


@pytest.mark.parametrize("ctx,expected", [({}, False), ({"aws:ResourceTag/s": "juki"}, False),
                                          ({"aws:ResourceTag/s": "zei"}, True)])
def test_null_false_means_present(ctx, expected):
    """Null "false": the key exists. With StringNotEquals: denies other systems' tagged resources only
    (this is the ASP boundary's DenyOtherSystemsResources; here written as an Allow to observe it)."""
    cond = {"StringNotEquals": {"aws:ResourceTag/s": "juki"}, "Null": {"aws:ResourceTag/s": "false"}}
    assert decide_with(cond, ctx) is expected


def test_null_true_means_absent():
    assert decide_with({"Null": {"aws:RequestTag/s": "true"}}, {}) is True
    assert decide_with({"Null": {"aws:RequestTag/s": "true"}}, {"aws:RequestTag/s": "x"}) is False


@pytest.mark.parametrize("age,expected", [("300", True), ("3600", True), ("3601", False)])
def test_numeric_less_than_equals(age, expected):
    assert decide_with({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}},
                       {"aws:MultiFactorAuthAge": age}) is expected


def test_numeric_on_missing_key_is_false_and_if_exists_true():
    assert decide_with({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {}) is False
    assert decide_with({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}, {}) is True


def test_for_any_value_on_a_deny():
    """ForAnyValue: true if any request value matches; false when the key is absent (empty set)."""
    cond = {"ForAnyValue:StringEquals": {"aws:TagKeys": "gcbase:system"}}
    assert decide_with(cond, {"aws:TagKeys": "gcbase:system"}, effect="Deny") is False
    assert decide_with(cond, {}, effect="Deny") is True


def test_unsupported_operator_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        decide_with({"StringEqualsIgnoreCase": {"aws:SomeKey": "x"}}, {"aws:SomeKey": "X"})
