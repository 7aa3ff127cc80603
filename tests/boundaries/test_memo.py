"""Proofs shared across stacks (gcbase/boundaries/memo.py, canonical.py): every result equals the run without
the memo, field by field, also when another stack filled the memo; a renaming that could change an answer
keeps that decision out of the memo; no stack's names reach another stack's result."""

from __future__ import annotations

import json

import pytest

from gcbase.boundaries import memo
from gcbase.boundaries.canonical import CLOSE, OPEN, Renaming, hazard, placeholder
from gcbase.boundaries.evaluator import Evaluator, Request
from gcbase.boundaries.from_plan import from_plan
from gcbase.boundaries.model import Doc
from gcbase.boundaries.result import evaluate_model
from helpers import plan_of, settings_of

EXAMPLES = ["131121-prod", "131121-stg", "363421-prod"]
# generated stacks (gcbase.fleet.generate): one system on a closed network and on LGWAN (twice, same template),
# two systems, shared use on LGWAN, shared use of two systems on a closed network
GENERATED = ["011002", "012033", "012041", "012149", "013331", "013340"]


def _generated(code: str):
    from gcbase.fleet.generate import stack_config
    from gcbase.synth import synth_values
    from gcbase.validate import settings_from_values

    stack, config = f"{code}-prod", stack_config(code)
    ours = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("gcbase:")}
    settings = settings_from_values(ours, f"Pulumi.{stack}.yaml", stack)
    return stack, synth_values(stack, config), settings


def _model(plan, settings):
    return from_plan(plan, settings.accounts.governance, list(settings.account_ids))


@pytest.fixture(scope="module")
def stacks():
    out = [_generated(c) for c in GENERATED]
    out += [(s, plan_of(s), settings_of(s)) for s in EXAMPLES]
    return [(name, _model(plan, s), s) for name, plan, s in out]


@pytest.fixture(scope="module")
def runs(stacks):
    """Each stack without the memo, then all of them in one process with it (each after the others before it)."""
    uncached = {name: evaluate_model(m, s, memo=False).to_dict() for name, m, s in stacks}
    memo.reset()
    cached, added = {}, {}
    for name, m, s in stacks:
        before = len(memo.SHARED.decisions)
        cached[name] = evaluate_model(m, s, memo=True).to_dict()
        added[name] = len(memo.SHARED.decisions) - before
    stats = memo.SHARED.stats
    memo.reset()
    return uncached, cached, added, stats


@pytest.mark.parametrize("name", [f"{c}-prod" for c in GENERATED] + EXAMPLES)
def test_the_memo_gives_every_field_of_the_uncached_result(runs, name):
    uncached, cached, _, _ = runs
    assert json.dumps(cached[name], sort_keys=True, ensure_ascii=False) == \
        json.dumps(uncached[name], sort_keys=True, ensure_ascii=False)
    assert cached[name]["summary"]["checks"] > 500


def test_a_stack_from_the_same_templates_is_answered_by_the_memo_another_stack_filled(runs):
    _, cached, added, stats = runs
    # 011002 (closed network), 012033 and 012041 (LGWAN): one system each, other codes, accounts and vendors;
    # the first fills the memo, the other two find every decision there
    assert added["011002-prod"] > 100
    assert added["012033-prod"] == added["012041-prod"] == 0
    assert stats.own == 0 and stats.renamed > 10_000  # no hazard in the templates: every decision renamed


def test_no_name_of_another_stack_and_no_placeholder_reaches_a_result(runs, stacks):
    _, cached, _, _ = runs
    own = {name: {s.municipality.code, *s.account_ids, *(x.vendor for x in s.systems)} for name, _, s in stacks}
    for name, result in cached.items():
        text = json.dumps(result, ensure_ascii=False)
        assert OPEN not in text and CLOSE not in text
        decidings = " ".join(x["deciding"] for r in result["rows"] for c in r["cells"] for x in c["checks"])
        for other, values in own.items():
            foreign = {v for v in values if v not in own[name] and not any(v in mine for mine in own[name])}
            assert not [v for v in foreign if v in decidings and v.isdigit()], (name, other)
    stg = " ".join(x["deciding"] for r in cached["131121-stg"]["rows"] for c in r["cells"] for x in c["checks"])
    assert "220000000001" in stg and "012033" not in stg and "013340" not in stg


# -- the renaming --------------------------------------------------------------------------------------
def _renaming() -> Renaming:
    return Renaming({"123456789012": placeholder("account:shared"), "131121": placeholder("code"),
                     "vendor-a": placeholder("vendor:system:juki")})


def test_renaming_is_undone_exactly_and_keeps_arn_separators():
    r = _renaming()
    for text in ["arn:aws:iam::123456789012:role/gc131121-prod-vendor-a", "131121123456789012", "vendor-ab", "x"]:
        assert r.restore(r.canon(text)) == text
    ph = r.canon("123456789012")
    assert ph != "123456789012" and not set(ph) & set(":/*?$ ")
    assert r.canon("131121000001") == placeholder("code") + "000001"  # not an account of the stack: its code only


@pytest.mark.parametrize("pattern,safe", [
    ("arn:aws:iam::1234*:root", False),                    # a '*' ends inside an account id
    ("arn:aws:iam::*9012:root", False),                    # ... and starts inside one
    ("arn:aws:s3:::*-prod-*", True),                       # no token here ('-prod' is not one)
    ("arn:aws:s3:::gc1311*", False),                       # part of the code
    ("arn:aws:s3:::*121-prod-log", False),                 # the tail of the code
    ("arn:aws:iam::*:role/vendor-*", False),               # a vendor's name cut at its '-'
    ("arn:aws:s3:::gc131121-prod-*", True),                # the whole code, then anything
    ("arn:aws:iam::*:role/gcbase-asp-*", True),
    ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:iam::12345678901?:root", False),             # '?' is never taken
    ("*", True),
])
def test_a_wildcard_pattern_that_may_cut_a_token_is_refused(pattern, safe):
    assert (_renaming().cuts_pattern(pattern) is None) == safe


def _doc(statement: dict) -> Doc:
    return Doc("identity", "hostile", {"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize("statement,safe", [
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::gc131121-prod-*"}, True),
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:iam::1234*:root"}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"StringLike": {"aws:PrincipalAccount": "1234*"}}}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}}, True),
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"NumericLessThan": {"aws:PrincipalAccount": "123456789012"}}}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:PrincipalTag/x": "*131*"}}}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*",
      "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/x": "a"}}}, False),
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/x}/*"}, True),
])
def test_a_document_is_refused_when_renaming_could_change_what_it_decides(statement, safe):
    why, _ = hazard(_doc(statement), _renaming())
    assert (why is None) == safe, why


# -- hostile documents in a real stack ----------------------------------------------------------------
HOSTILE = {"Sid": "Hostile", "Effect": "Deny", "Action": "*", "Resource": "*",
           "Condition": {"StringLike": {"aws:PrincipalAccount": "2200*"}}}


def test_a_hostile_pattern_keeps_its_decisions_out_of_the_memo_and_they_stay_right():
    """juki's ASP in 131121-stg (account 220000000101) gets a deny for accounts "2200*": renamed, the account
    is a placeholder the pattern cannot match, so the renamed model would still allow what the ASP may do."""
    s = settings_of("131121-stg")
    before = evaluate_model(_model(plan_of("131121-stg"), s), s, memo=False)
    allowed = next(x for x in before.checks() if x.decision.allowed and x.request.principal.endswith("/gcbase-asp-juki"))
    model = _model(plan_of("131121-stg"), s)
    asp = model.roles[allowed.request.principal]
    asp.policies.append(_doc(HOSTILE))
    uncached = evaluate_model(model, s, memo=False).to_dict()
    memo.reset()
    try:
        shared = memo.MemoEvaluator(model, s)
        req = allowed.request
        assert "2200*" in (shared.why_not(req) or "")
        real = Evaluator(model).evaluate(req)
        assert not real.allowed and real.deciding.endswith(": Hostile")
        assert shared.ev.evaluate(shared._rename(req)).allowed  # what an unguarded memo would have said
        assert shared.evaluate(req).to_dict() == real.to_dict()
        memo.reset()
        cached = evaluate_model(model, s, memo=True).to_dict()
        stats = memo.SHARED.stats
        assert stats.own > 0 and stats.renamed > stats.own  # only decisions reading the ASP's policies stay out
    finally:
        memo.reset()
    assert cached == uncached


def test_a_hostile_condition_on_an_account_id_is_not_renamed():
    s = settings_of("131121-stg")
    model = _model(plan_of("131121-stg"), s)
    bg = next(r for r in model.roles.values() if r.name == "gcbase-break-glass")
    bg.trust = Doc("trust", bg.trust.name, {"Version": "2012-10-17", "Statement": [
        *bg.trust.document["Statement"],
        {"Sid": "HostileTrust", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
         "Condition": {"StringLike": {"aws:PrincipalAccount": "2200*"}}}]})
    uncached = evaluate_model(model, s, memo=False).to_dict()
    memo.reset()
    try:
        cached = evaluate_model(model, s, memo=True).to_dict()
        reasons = " ".join(memo.SHARED.stats.reasons)
    finally:
        memo.reset()
    assert "2200*" in reasons
    assert cached == uncached
    assert not uncached["ok"]  # the hostile trust lets the ASP in: a mismatch, found either way


def test_the_switches_turn_the_memo_off(monkeypatch):
    assert memo.enabled()
    monkeypatch.setenv("GCBASE_BOUNDARY_MEMO", "0")
    assert not memo.enabled()
    monkeypatch.delenv("GCBASE_BOUNDARY_MEMO")
    monkeypatch.setenv("GCBASE_CACHE", "0")
    assert not memo.enabled()


def test_a_pattern_that_is_not_refused_matches_the_renamed_value_exactly_when_it_matched_the_value():
    """The lemma of docs/BOUNDARIES.md, "Memo across stacks", on random patterns, values and tokens (glob as
    iamprover compiles it: '*' any string, '?' any character, the rest literal)."""
    import random
    import re

    def matches(pattern: str, value: str) -> bool:
        rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.fullmatch(rx, value, re.S) is not None

    rnd, alphabet = random.Random(18), "ab1-:"
    kept = refused = 0
    for _ in range(4000):
        tokens = {"".join(rnd.choice("ab1-") for _ in range(rnd.randint(2, 4))) for _ in range(rnd.randint(1, 3))}
        tokens = {t for t in tokens if t[0] != "-" and t[-1] != "-"}
        r = Renaming({t: placeholder(f"t{i}") for i, t in enumerate(sorted(tokens))})
        for _ in range(20):
            pattern = "".join(rnd.choice(alphabet + "**?") for _ in range(rnd.randint(1, 8)))
            value = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 10)))
            if r.cuts_pattern(pattern) is not None:
                refused += 1
                continue
            kept += 1
            assert matches(pattern, value) == matches(r.canon(pattern), r.canon(value)), (tokens, pattern, value)
    assert kept > 10_000 and refused > 10_000


def test_a_number_or_date_compared_with_a_pinned_value_that_holds_a_token_is_not_renamed():
    """NumericLessThan on a tag whose value is the municipality code: renamed, the value is no number."""
    s = settings_of("131121-stg")
    model = _model(plan_of("131121-stg"), s)
    asp = next(r for r in model.roles.values() if r.name == "gcbase-asp-juki")
    other = next(r for r in model.roles.values() if r.name == "gcbase-auditor")
    asp.policies.append(_doc({"Sid": "Numeric", "Effect": "Deny", "Action": "*", "Resource": "*",
                              "Condition": {"NumericLessThan": {"aws:PrincipalTag/gcbase:number": "200000",
                                                                "aws:MultiFactorAuthAge": "3600"}}}))
    req = Request(asp.arn, "s3:GetObject", "arn:aws:s3:::b/k", (("aws:MultiFactorAuthAge", "300"),))
    shared = memo.MemoEvaluator(model, s)
    assert shared.why_not(req) is None  # the tag is not there: nothing numeric holds a token
    asp.tags["gcbase:number"] = "131121"
    shared = memo.MemoEvaluator(model, s)
    assert "Numeric" in (shared.why_not(req) or "")
    assert shared.why_not(Request(other.arn, "s3:GetObject", "arn:aws:s3:::b/k")) is None  # other roles: renamed
    assert shared.evaluate(req).to_dict() == Evaluator(model).evaluate(req).to_dict()
    del asp.tags["gcbase:number"]
    shared = memo.MemoEvaluator(model, s)
    assert "Numeric" in (shared.why_not(Request(asp.arn, "s3:GetObject", "arn:aws:s3:::b/k",
                                                (("aws:MultiFactorAuthAge", "220000000001"),))) or "")
    memo.reset()


def _with_vendor_named(s, new: str):
    """The settings with their first vendor renamed to `new` (its systems and operator roles follow)."""
    old = s.vendors[0].id
    vendors = [s.vendors[0].model_copy(update={"id": new}), *s.vendors[1:]]
    systems = [x.model_copy(update={"vendor": new}) if x.vendor == old else x for x in s.systems]
    return s.model_copy(update={"vendors": vendors, "systems": systems}), old


@pytest.mark.parametrize("slug", ["ws", "ow", "llow", "true", "ion", "ction", "ring", "eric", "ec2", "s3"])
def test_a_vendor_named_inside_iam_structure_or_an_arn_prefix_is_not_a_token(slug):
    """Review finding: a vendor id that stands inside "Allow", "Action", "arn:aws:", a Null condition's "true"
    or an operator name would rename structure, not data. Such a token is left as it is; answers unchanged."""
    from gcbase.boundaries.canonical import renaming

    s, _ = _with_vendor_named(settings_of("131121-prod"), slug)
    model = _model(plan_of("131121-prod"), settings_of("131121-prod"))
    assert slug not in renaming(s, model).tokens
    assert "vendor-b" in renaming(s, model).tokens  # the other vendor still is


def test_a_model_holding_the_placeholders_alphabet_is_proven_on_its_own():
    """Review finding: a policy whose text is a placeholder (a deny on the literal placeholder of a system's
    account) would equal the renamed account; a Sid of OPEN..CLOSE would not restore. Such a stack is proven on
    its own model: same answers as without the memo, no crash."""
    s = settings_of("131121-stg")
    model = _model(plan_of("131121-stg"), s)
    asp = next(r for r in model.roles.values() if r.name.startswith("gcbase-asp-"))
    asp.policies.append(_doc({"Sid": OPEN + "x" + CLOSE, "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
                              "Condition": {"StringEquals": {"aws:PrincipalAccount": placeholder("account:system:juki")}}}))
    uncached = evaluate_model(model, s, memo=False).to_dict()
    memo.reset()
    try:
        shared = memo.MemoEvaluator(model, s)
        assert shared.whole and "private-use" in shared.whole
        cached = evaluate_model(model, s, memo=True).to_dict()
        assert memo.SHARED.stats.renamed == 0
    finally:
        memo.reset()
    assert cached == uncached
