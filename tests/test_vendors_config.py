"""gcbase:vendors and gcbase:operators: one test per rule, each with its exact one-line message,
and what they become in Intent (the zone of trust reads them there)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gcbase.errors import GcbaseError
from gcbase.intent import intent_of
from gcbase.validate import load_settings

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "stacks" / "Pulumi.131121-prod.yaml").read_text(encoding="utf-8"))


def problems(tmp_path: Path, mutate) -> list[str]:
    config = copy.deepcopy(BASE["config"])
    mutate(config)
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    return [str(p)[len(f"{path}: "):] for p in info.value.problems]


def _vendor(c):
    return c["gcbase:vendors"][0]


@pytest.mark.parametrize("mutate,expected", [
    (lambda c: _vendor(c).update(accounts=["210000000101"]),
     "gcbase:vendors[0].accounts[0]: 210000000101 is one of the tenancy's own accounts; a vendor's accounts are its own, outside the tenancy"),
    (lambda c: _vendor(c).update(accounts=["900000000001"]),
     "gcbase:vendors[0].accounts[0]: 900000000001 is Digital Agency's governance account (gcbase:accounts.governance)"),
    (lambda c: _vendor(c).update(accounts=["12345"]),
     "gcbase:vendors[0].accounts: '12345' is not a 12-digit AWS account id"),
    (lambda c: _vendor(c).update(accounts=[]), "gcbase:vendors[0].accounts: must list at least one entry"),
    (lambda c: _vendor(c).pop("externalId"), "gcbase:vendors[0].externalId: required key is missing"),
    (lambda c: _vendor(c).update(externalId="has space"),
     "gcbase:vendors[0].externalId: 'has space' is not allowed; expected text matching ^[A-Za-z0-9_+=,.@:/-]{2,1224}$"),
    (lambda c: _vendor(c).update(id="vendor-q"),
     "gcbase:vendors[0].id: 'vendor-q' runs no system and takes no operating role (gcbase:systems[].vendor, "
     "gcbase:operators); its accounts would be trusted for nothing: remove it"),
    (lambda c: c["gcbase:vendors"].append(dict(_vendor(c), accounts=["410000000002"])),
     "gcbase:vendors[1].id: 'vendor-a' is a duplicate of gcbase:vendors[0]"),
    (lambda c: c["gcbase:vendors"].append({"id": "vendor-b", "accounts": ["410000000001"], "externalId": "xx"}),
     "gcbase:vendors[1].accounts[0]: 410000000001 is already declared for vendor 'vendor-a'; an account belongs to one vendor"),
    (lambda c: c["gcbase:operators"].update(security="vendor-a"),
     "gcbase:operators.security: unknown key; allowed keys here: account, integrated, network"),
])
def test_vendor_rules(tmp_path, mutate, expected):
    assert problems(tmp_path, mutate) == [expected]


def test_intent_carries_vendors_operators_and_the_profile_retention():
    intent = intent_of(load_settings(ROOT / "stacks" / "Pulumi.131121-prod.yaml"))
    assert [(v.id, v.accounts, v.external_id) for v in intent.vendors] == [
        ("vendor-a", ("410000000001",), "gc131121-prod-vendor-a")]
    assert intent.operators == {"account-operator": "vendor-a", "network-operator": "vendor-n",
                                "integrated-operator": "vendor-z"}
    assert intent.log_retention_days == 2557
    again = type(intent).from_dict(intent.to_dict())
    assert again == intent


def test_a_stack_without_vendors_has_an_empty_zone_beyond_the_tenancy():
    intent = intent_of(load_settings(ROOT / "stacks" / "Pulumi.131121-stg.yaml"))
    assert intent.vendors == () and intent.operators == {}
