"""External access, policy by policy: who outside the zone of trust gets in, and which statement lets them.

Each case is one resource-based policy and the exact exposure (or none) the analysis must report; the
vendor cases check the conditions a vendor's own account must carry (ExternalId, MFA, its tags)."""

from __future__ import annotations

import pytest

from gcbase.trust.external import exposures
from gcbase.trust.zone import VendorRole, Zone

OWN, SYSTEM, GOV, VENDOR, OTHER = "210000000001", "210000000101", "900000000001", "410000000001", "999900000000"
ASP_ROLE = f"arn:aws:iam::{SYSTEM}:role/gcbase-asp-juki"
REQUIRED = (("sts:ExternalId", "ext"), ("aws:MultiFactorAuthPresent", "true"),
            ("aws:PrincipalTag/gcbase:party", "asp"), ("aws:PrincipalTag/gcbase:vendor", "vendor-a"))
ZONE = Zone("stack", (OWN, SYSTEM), (GOV,), {VENDOR: "vendor-a"},
            {"vendor-a": [VendorRole(ASP_ROLE, "asp", "vendor-a", REQUIRED)]})


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal, action="s3:GetObject", condition=None, sid="S", **extra):
    st = {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}
    if condition:
        st["Condition"] = condition
    return st


VENDOR_TRUST = {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"sts:ExternalId": "ext", "aws:PrincipalTag/gcbase:party": "asp",
                                 "aws:PrincipalTag/gcbase:vendor": "vendor-a"}}


@pytest.mark.parametrize("name,policy,resource,kind,who", [
    ("another account's root gets kms:*", doc(allow({"AWS": f"arn:aws:iam::{OTHER}:root"}, "kms:*", sid="Other")),
     f"arn:aws:kms:ap-northeast-1:{SYSTEM}:key/k", "", f"account {OTHER} (outside the zone of trust)"),
    ("anyone in the organization", doc(allow("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-gov"}})),
     None, "", "a principal of an account outside the zone of trust"),
    ("NotPrincipal naming the tenancy", doc({"Sid": "NP", "Effect": "Allow", "NotPrincipal": {"AWS": OWN},
                                            "Action": "s3:GetObject", "Resource": "*"}),
     None, "", "a principal of an account outside the zone of trust"),
    ("a service with no source condition", doc(allow({"Service": "events.amazonaws.com"}, "sns:Publish")),
     None, "", "AWS service events.amazonaws.com acting for a resource outside the zone of trust"),
    ("a log group ARN in any account", doc(allow({"Service": "logs.amazonaws.com"}, "kms:Decrypt", {"ArnLike": {
        "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:*:log-group:*"}})),
     None, "", "AWS service logs.amazonaws.com acting for a resource outside the zone of trust"),
    ("an unknown operator is not a guard", doc(allow("*", condition={"NumericLessThan": {"s3:max-keys": "10"}})),
     None, "", "a principal of an account outside the zone of trust"),
    ("the vendor account on a role it does not take", doc(allow({"AWS": f"arn:aws:iam::{VENDOR}:root"},
                                                               "sts:AssumeRole", VENDOR_TRUST)),
     f"arn:aws:iam::{SYSTEM}:role/gcbase-break-glass", "trust", f"account {VENDOR} (vendor vendor-a)"),
    ("a named account in a condition is still outside", doc(allow("*", condition={
        "StringEquals": {"aws:PrincipalAccount": [OWN, OTHER]}})),
     None, "", f"a principal of account {OTHER} outside the zone of trust"),
])
def test_exposed(name, policy, resource, kind, who):
    found = exposures(policy, ZONE, resource, kind)
    assert len(found) == 1, name
    assert found[0].caller.startswith(who), found[0].caller
    assert found[0].sid == policy["Statement"][0]["Sid"]


@pytest.mark.parametrize("name,policy,resource,kind", [
    ("the account's own root", doc(allow({"AWS": f"arn:aws:iam::{SYSTEM}:root"}, "kms:*")), None, ""),
    ("Digital Agency's governance account", doc(allow({"AWS": f"arn:aws:iam::{GOV}:root"}, "sts:AssumeRole")), None, ""),
    ("anyone, but only principals of the tenancy", doc(allow("*", condition={
        "StringEquals": {"aws:PrincipalAccount": [OWN, SYSTEM]}})), None, ""),
    ("a service for the tenancy's account", doc(allow({"Service": "events.amazonaws.com"}, "sns:Publish",
                                                      {"StringEquals": {"aws:SourceAccount": OWN}})), None, ""),
    ("a service for the tenancy's log group", doc(allow({"Service": "logs.amazonaws.com"}, "kms:Decrypt", {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:*:{OWN}:log-group:*"}})), None, ""),
    ("anyone, denied unless a tenancy role", doc(
        allow("*", "kms:Decrypt"),
        {"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{SYSTEM}:role/*"}}}), None, ""),
    ("the vendor with every condition", doc(allow({"AWS": f"arn:aws:iam::{VENDOR}:root"}, "sts:AssumeRole",
                                                  VENDOR_TRUST)), ASP_ROLE, "trust"),
])
def test_inside_the_zone(name, policy, resource, kind):
    assert exposures(policy, ZONE, resource, kind) == [], name


@pytest.mark.parametrize("dropped,missing", [
    ("sts:ExternalId", "sts:ExternalId = ext"),
    ("aws:PrincipalTag/gcbase:party", "aws:PrincipalTag/gcbase:party = asp"),
])
def test_vendor_trust_lacking_one_condition_names_it(dropped, missing):
    condition = {"Bool": dict(VENDOR_TRUST["Bool"]),
                 "StringEquals": {k: v for k, v in VENDOR_TRUST["StringEquals"].items() if k != dropped}}
    found = exposures(doc(allow({"AWS": f"arn:aws:iam::{VENDOR}:root"}, "sts:AssumeRole", condition, sid="V")),
                      ZONE, ASP_ROLE, "trust")
    assert [e.missing for e in found] == [(missing,)]
    assert f"without {missing}" in found[0].text() and "deciding statement V" in found[0].text()


def test_vendor_trust_without_mfa_is_reported():
    condition = {"StringEquals": dict(VENDOR_TRUST["StringEquals"])}
    found = exposures(doc(allow({"AWS": f"arn:aws:iam::{VENDOR}:root"}, "sts:AssumeRole", condition)), ZONE, ASP_ROLE,
                      "trust")
    assert found[0].missing == ("aws:MultiFactorAuthPresent = true",)


def test_the_finding_names_principal_action_condition_and_statement():
    policy = doc(allow({"AWS": f"arn:aws:iam::{OTHER}:root"}, ["kms:Decrypt", "kms:Encrypt"], sid="LetThemIn",
                       condition={"Bool": {"aws:SecureTransport": "true"}}))
    text = exposures(policy, ZONE, None)[0].text()
    assert text.startswith(f"account {OTHER} (outside the zone of trust) may kms:")
    assert "deciding statement LetThemIn: kms:Decrypt, kms:Encrypt" in text
    assert 'condition {"Bool":{"aws:SecureTransport":"true"}}' in text


def test_explicit_deny_of_outsiders_closes_a_wildcard_grant():
    policy = doc(allow("*", "s3:*"), {"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                                      "Condition": {"StringNotEquals": {"aws:PrincipalAccount": [OWN]}}})
    assert exposures(policy, ZONE, "arn:aws:s3:::b") == []
