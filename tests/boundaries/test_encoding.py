"""Shared Z3 encodings (gcbase/boundaries/encoding.py): the same decisions and deciding statements
as building iamprover's formulas afresh for every request, at a fraction of the cost."""

from __future__ import annotations

import pytest

from gcbase.boundaries.evaluator import Evaluator, Request
from gcbase.boundaries.expectations import default_catalogue, requests
from gcbase.boundaries.from_plan import from_plan
from gcbase.boundaries.model import AuthzModel, Doc, Role
from helpers import plan_of, settings_of

STACK = "131121-stg"
SHARED, JUKI = "220000000001", "220000000101"


@pytest.fixture(scope="module")
def stg():
    s = settings_of(STACK)
    model = from_plan(plan_of(STACK), s.accounts.governance, list(s.account_ids))
    cat = default_catalogue()
    reqs = [(row.id, cell.party, target.account, req) for row in cat.rows for cell in row.cells
            for target, req in requests(row, cell, s, model, cat)]
    ev = Evaluator(model)
    return model, reqs, ev, [ev.evaluate(req) for *_, req in reqs]


def test_shared_encodings_decide_as_a_fresh_evaluator_per_request(stg):
    """A cache key that missed something the formula reads would give another request's answer."""
    model, reqs, _, shared = stg
    fresh = [Evaluator(model).evaluate(req) for *_, req in reqs]
    assert len(reqs) >= 90
    assert [d.to_dict() for d in shared] == [d.to_dict() for d in fresh]
    assert {d.allowed for d in shared} == {True, False}


def test_formulas_and_statements_are_built_once_and_reused(stg):
    _, reqs, ev, _ = stg
    formulas, statements = len(ev.encodings._formulas), len(ev.encodings._statements)
    assert 0 < formulas < len(reqs), (formulas, len(reqs))  # one per role, action and resource-side policy
    assert 0 < statements
    ev.evaluate(reqs[0][3])  # asking again builds nothing new
    assert (len(ev.encodings._formulas), len(ev.encodings._statements)) == (formulas, statements)


@pytest.mark.parametrize("row,party,account,decision,deciding", [
    ("stop-cloudtrail", "governance", SHARED, "allow", "AdministratorAccess: statement 1"),
    ("stop-cloudtrail", "break-glass", SHARED, "deny", "SCP gc-protect-security-services: ProtectCloudTrail"),
    ("delete-log-object", "governance", SHARED, "deny",
     f"bucket policy gc131121-stg-log-archive-{SHARED}: DenyDeleteAndRetentionChanges"),
    ("overwrite-log-object", "auditor", SHARED, "deny", "gcbase-auditor-deny-write: DenyEveryWrite"),
    ("overwrite-log-object", "account-operator", SHARED, "deny",
     "gcbase-account-operator: implicit deny (no identity policy allows it)"),
    ("asp-read-audit-logs", "asp", JUKI, "deny",
     f"bucket policy gc131121-stg-log-archive-{SHARED}: implicit deny (does not grant this principal)"),
    ("asp-other-system-same-account", "asp", JUKI, "deny",
     "boundary gcbase-asp-boundary-juki: DenyOtherSystemsResources"),
    ("break-glass-without-mfa", "break-glass", SHARED, "deny",
     "trust policy of gcbase-break-glass: implicit deny (no statement admits this caller)"),
    ("break-glass-with-mfa", "break-glass", SHARED, "allow",
     "trust policy of gcbase-break-glass: IdentityAccountWithRecentMfaOnly"),
])
def test_deciding_statement_of_each_layer_is_unchanged(stg, row, party, account, decision, deciding):
    """Pinned from the evaluator before encodings were shared: one cell per layer and direction."""
    _, reqs, _, shared = stg
    got = [d.to_dict() for (r, p, a, _), d in zip(reqs, shared) if (r, p, a) == (row, party, account)]
    assert got, "no such check"
    assert (got[0]["decision"], got[0]["deciding"]) == (decision, deciding)


def test_a_source_ip_condition_is_still_refused():
    arn = "arn:aws:iam::111111111111:role/app"
    m = AuthzModel("plan", "900000000001")
    only_from = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    m.roles[arn] = Role(arn, "app", "111111111111", policies=[Doc("identity", "p", {"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": only_from}]})])
    with pytest.raises(ValueError, match="aws:SourceIp"):
        Evaluator(m).evaluate(Request(arn, "s3:GetObject", "*"))
