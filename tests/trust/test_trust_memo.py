"""The zone-of-trust memo (gcbase/trust/memo.py) gives back exactly what asking Z3 gives, on stacks whose
memo other stacks filled, and never an answer for a document, zone or resource it was not computed for."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from gcbase import diskcache
from gcbase.check.planindex import PlanIndex
from gcbase.fleet.generate import generate
from gcbase.intent import Intent
from gcbase.synth import synth_values
from gcbase.tfplan import export
from gcbase.trust import Analysis
from gcbase.trust import memo
from gcbase.trust.zone import zone_of
from helpers import plan_of

EXAMPLES = ["131121-prod", "131121-stg", "363421-prod"]


def _index(plan) -> PlanIndex:
    return PlanIndex(export(plan), Intent.from_dict(plan.meta["intent"]))


def _verdicts(index: PlanIndex) -> list[tuple]:
    return [(v.resource, v.check, v.passed, v.detail) for v in Analysis(index).verdicts]


@pytest.fixture(scope="module")
def indexes():
    found = {stack: _index(plan_of(stack)) for stack in EXAMPLES}
    for stack, config in generate(["011002", "052043", "282057"]):  # other codes, systems and connections
        found[stack] = _index(synth_values(stack, config))
    return found


@pytest.fixture(autouse=True)
def memo_on(monkeypatch):
    monkeypatch.setenv(memo.ENV_SWITCH, "1")


def test_memo_answers_equal_z3s_on_every_stack(indexes, tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.ENV_SWITCH, "0")
    fresh = {stack: _verdicts(ix) for stack, ix in indexes.items()}
    monkeypatch.setenv(diskcache.ENV_SWITCH, "1")
    monkeypatch.setenv(diskcache.ENV_DIR, str(tmp_path))
    # filled in one order, read in the other: each stack's answers may come from another stack's entries
    filled = {stack: _verdicts(indexes[stack]) for stack in indexes}
    stored = len(list((tmp_path / memo.KIND).rglob("*.json")))
    assert stored > 0
    reread = {stack: _verdicts(indexes[stack]) for stack in reversed(list(indexes))}
    assert len(list((tmp_path / memo.KIND).rglob("*.json"))) == stored  # every answer came from the memo
    for stack in indexes:
        assert filled[stack] == fresh[stack], stack
        assert reread[stack] == fresh[stack], stack


def _role_doc(principal: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                                                     "Action": "sts:AssumeRole"}]}


def test_the_key_names_document_zone_resource_and_kind(indexes):
    zone = zone_of(indexes["131121-stg"])
    doc = _role_doc("arn:aws:iam::210000000001:root")
    base = memo.key(doc, zone, "arn:aws:iam::210000000001:role/r", "trust")
    other_zone = copy.deepcopy(zone)
    other_zone.tenancy = (*zone.tenancy, "999999999999")
    reordered = {"Statement": doc["Statement"], "Version": doc["Version"]}
    assert len({base,
                memo.key(_role_doc("arn:aws:iam::999999999999:root"), zone, "arn:aws:iam::210000000001:role/r", "trust"),
                memo.key(doc, other_zone, "arn:aws:iam::210000000001:role/r", "trust"),
                memo.key(doc, zone, "arn:aws:iam::210000000001:role/s", "trust"),
                memo.key(doc, zone, "arn:aws:iam::210000000001:role/r", ""),
                memo.key(reordered, zone, "arn:aws:iam::210000000001:role/r", "trust")}) == 6


def test_an_outside_grant_is_found_with_a_filled_memo(indexes, tmp_path, monkeypatch):
    """A plan whose only change is a trust policy admitting another account fails, memo or not."""
    monkeypatch.setenv(diskcache.ENV_DIR, str(tmp_path))
    ix = indexes["131121-stg"]
    assert all(v[2] for v in _verdicts(ix))  # fills the memo
    changed = copy.deepcopy(ix)
    role = changed.of_type("aws_iam_role")[0]
    role.values["assume_role_policy"] = json.dumps(_role_doc("arn:aws:iam::999999999999:root"))
    failed = [v for v in _verdicts(changed) if not v[2]]
    assert [v[0] for v in failed] == [role.address]
    assert "999999999999" in failed[0][3]


def test_undecided_answers_are_never_stored(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.ENV_DIR, str(tmp_path))
    calls = []

    def undecided() -> list[str]:
        calls.append(1)
        raise ValueError("unreadable")

    zone = zone_of(_index(plan_of("131121-stg")))
    for _ in range(2):
        with pytest.raises(ValueError):
            memo.exposure_texts(_role_doc("*"), zone, None, "", undecided)
    assert len(calls) == 2 and not (tmp_path / memo.KIND).exists()


def test_a_damaged_entry_is_asked_again(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.ENV_DIR, str(tmp_path))
    zone = zone_of(_index(plan_of("131121-stg")))
    doc = _role_doc("arn:aws:iam::999999999999:root")
    assert memo.exposure_texts(doc, zone, None, "", lambda: ["found"]) == ["found"]
    entry = next((tmp_path / memo.KIND).rglob("*.json"))
    entry.write_bytes(entry.read_bytes().replace(b"found", b"fixed"))  # digest no longer matches
    assert memo.exposure_texts(doc, zone, None, "", lambda: ["asked again"]) == ["asked again"]


def test_a_run_answered_by_the_memo_does_not_import_z3(indexes, tmp_path):
    """The point of the memo for a cold `gcbase check`: Z3 and iamprover are not even imported."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(export(plan_of("131121-stg"))), encoding="utf-8")
    intent = json.dumps(plan_of("131121-stg").meta["intent"])
    code = ("import json, sys\n"
            "from gcbase.check.planindex import PlanIndex\nfrom gcbase.intent import Intent\n"
            "from gcbase.trust import Analysis\n"
            f"ix = PlanIndex(json.load(open({str(plan)!r})), Intent.from_dict(json.loads({intent!r})))\n"
            "v = Analysis(ix).verdicts\n"
            "print(len(v), all(x.passed for x in v), 'z3' in sys.modules, 'iamprover' in sys.modules)\n")
    env = {**__import__("os").environ, diskcache.ENV_DIR: str(tmp_path / "cache"), memo.ENV_SWITCH: "1"}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    n, passed, z3_first, _ = first.stdout.split()
    assert passed == "True" and z3_first == "True"
    assert second.stdout.split() == [n, "True", "False", "False"]


def test_the_switch_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.ENV_DIR, str(tmp_path))
    monkeypatch.setenv(memo.ENV_SWITCH, "0")
    zone = zone_of(_index(plan_of("131121-stg")))
    for answer in (["one"], ["two"]):
        assert memo.exposure_texts(_role_doc("*"), zone, None, "", lambda: answer) == answer
    assert not (tmp_path / memo.KIND).exists()
