"""PartyRoles with vendors: a vendor's own accounts, a vendor that is both ASP and 運用管理補助者, and
the 統合運用管理補助者 role that exists only where the municipality appoints one."""

from __future__ import annotations

import pulumi
import pytest

from helpers import policy, synth, test_provider
from modules.identity import PartyRoles, PartyRolesArgs

ACCT, IDENTITY, GOVERNANCE, VENDOR_ACCOUNT = "210000000101", "210000000009", "900000000001", "410000000001"
SYSTEMS = [{"id": "juki", "vendor": "vendor-a", "tier": "mynumber"}, {"id": "zei", "vendor": "vendor-b", "tier": "mynumber"}]
ROLE = "aws:iam/role:Role"


def _roles(operators=None, vendor_accounts=None):
    def program():
        PartyRoles("roles", PartyRolesArgs(
            name_prefix="gc131121-prod", account_id=ACCT, is_shared_account=False, identity_account_id=IDENTITY,
            governance_account_id=GOVERNANCE, systems=SYSTEMS, operators=operators or {},
            vendor_accounts=vendor_accounts or {}), pulumi.ResourceOptions(provider=test_provider(ACCT)))
    return synth(program)


@pytest.fixture(scope="module")
def plan():
    return _roles({"account-operator": "vendor-a", "integrated-operator": "vendor-z"},
                  {"vendor-a": ([VENDOR_ACCOUNT], "ext-vendor-a")})


def _role(plan, name):
    found = [r for r in plan.of_type(ROLE) if r.inputs["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_integrated_operator_role_exists_only_when_appointed(plan):
    assert "gcbase-integrated-operator" not in {r.inputs["name"] for r in _roles().of_type(ROLE)}
    role = _role(plan, "gcbase-integrated-operator")
    assert role.inputs["tags"]["gcbase:party"] == "integrated-operator"
    assert role.inputs["tags"]["gcbase:vendor"] == "vendor-z"


def test_a_vendor_both_asp_and_operator_gets_two_roles_each_requiring_its_own_party_tag(plan):
    asp, operator = _role(plan, "gcbase-asp-juki"), _role(plan, "gcbase-account-operator")
    for role, party in ((asp, "asp"), (operator, "account-operator")):
        statements = policy(role, "assumeRolePolicy")["Statement"]
        assert [s["Sid"] for s in statements][1] == "VendorAccountWithExternalIdMfaAndTags"
        for st in statements:
            assert st["Condition"]["StringEquals"]["aws:PrincipalTag/gcbase:party"] == party
            assert st["Condition"]["StringEquals"]["aws:PrincipalTag/gcbase:vendor"] == "vendor-a"
            assert st["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert asp.inputs["permissionsBoundary"] and "permissionsBoundary" not in operator.inputs


def test_vendor_account_statement_carries_external_id_and_names_only_the_vendors_account(plan):
    st = policy(_role(plan, "gcbase-asp-juki"), "assumeRolePolicy")["Statement"][1]
    assert st["Principal"] == {"AWS": [f"arn:aws:iam::{VENDOR_ACCOUNT}:root"]}
    assert st["Condition"]["StringEquals"]["sts:ExternalId"] == "ext-vendor-a"


def test_roles_of_other_vendors_do_not_trust_the_vendor_account(plan):
    for name in ("gcbase-asp-zei", "gcbase-auditor", "gcbase-break-glass", "gcbase-integrated-operator"):
        text = _role(plan, name).inputs["assumeRolePolicy"]
        assert VENDOR_ACCOUNT not in text and "ExternalId" not in text, name
