"""Waiver files: validation with one line per problem, stack scoping, expiry and unused waivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

import pytest

from gcbase import waivers as W
from gcbase.errors import GcbaseError

GOOD = """\
# shared waivers
- check: CKV_AWS_144
  resource: "aws_s3_bucket.*access_logs*"
  reason: Access-log buckets are not replicated; they hold no resident data.
  approver: CISO 山田太郎
  expires: 2026-03-31
- check: GCJP_AWS_12
  resource: aws_flow_log.x
  reason: "  Flow logs of a decommissioned VPC,
    removed next quarter. "
  approver: 情報政策課長
  expires: "2030-01-15"
  stacks: [131121-prod]
"""


@dataclass
class F:  # what apply_waivers needs of a gcbase.check finding
    check_id: str
    resource: str
    result: str
    waiver: Optional[W.Waiver] = None


LATER = date(2029, 6, 1)  # a run date from which GOOD's 2030-01-15 lies within the longest lifetime


def write(tmp_path, text: str, name: str = "waivers.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(GcbaseError) as err:
        W.load_waivers(path)
    return [str(p).removeprefix(f"{path}: ") for p in err.value.problems]


def test_loads_entries_with_their_lines(tmp_path):
    path = write(tmp_path, GOOD)
    first, second = W.load_waivers(path, today=LATER)
    assert first == W.Waiver("CKV_AWS_144", "aws_s3_bucket.*access_logs*",
                             "Access-log buckets are not replicated; they hold no resident data.",
                             "CISO 山田太郎", "2026-03-31", (), str(path), 2)
    assert second.reason == "Flow logs of a decommissioned VPC, removed next quarter."
    assert (second.expires, second.stacks, second.line) == ("2030-01-15", ("131121-prod",), 7)
    assert second.id == "GCJP_AWS_12:aws_flow_log.x"
    assert not second.expired(date(2030, 1, 15)) and second.expired(date(2030, 1, 16))
    assert not W.Waiver("GCJP_AWS_1", "*", "built in code, no expiry").expired(date(2999, 1, 1))


def test_every_problem_is_one_line(tmp_path):
    text = """\
- check: CKV_AWS_1x
  resource: "*"
  reason: short
  approver: someone
  expires: 31/03/2026
  owner: me
- check: GCJP_AWS_3
  resource: "*"
  reason: a reason that is certainly long enough
  expires: 2026-03-31
  stacks: 131121-prod
- just a string
- check: GCJP_AWS_3
  resource: "*"
  reason: a reason that is certainly long enough
  approver: someone
  expires: 2026-03-31
  stacks: [a, b]
  scope: all
- check: GCJP_AWS_3
  resource: "*"
  reason: a reason that is certainly long enough, again
  approver: someone else
  expires: 2027-03-31
  stacks: [a, b]
  scope: all
"""
    assert problems(tmp_path, text) == [
        "[0].owner: unknown key; allowed keys here: check, resource, reason, approver, expires, stacks, scope",
        "[1].approver: required key is missing",
        "[2]: expected a mapping with check, resource, reason, approver, expires",
        "[4]: GCJP_AWS_3 * is a duplicate of [3]",
    ]
    text = """\
- check: CKV_AWS_1x
  resource: "*"
  reason: short
  approver: someone
  expires: 31/03/2026
  stacks: 131121-prod
  scope: all
"""
    assert problems(tmp_path, text) == [
        "[0].check: 'CKV_AWS_1x' is not a check id; expected CKV_AWS_n, CKV2_AWS_n, GCJP_AWS_n or GCJP2_AWS_n",
        "[0].reason: too short; say why the failure is acceptable (20 visible characters or more)",
        "[0].expires: '31/03/2026' is not a date; expected YYYY-MM-DD such as 2026-03-31",
        "[0].stacks: expected a list of stack names such as [131121-prod]",
    ]


def test_file_level_problems(tmp_path):
    assert problems(tmp_path, "check: CKV_AWS_1\n") == [
        "expected a list of waivers, each with check, resource, reason, approver, expires"]
    assert problems(tmp_path, "- check: CKV_AWS_1\n  expires: 2026-02-30\n") == [
        "malformed YAML: day is out of range for month"]
    assert problems(tmp_path, "- [unclosed\n")[0].startswith("malformed YAML: line 2 column 1:")
    assert W.load_waivers(write(tmp_path, "# nothing waived yet\n")) == ()
    with pytest.raises(GcbaseError) as err:
        W.load_waivers(tmp_path / "missing.yaml")
    assert str(err.value) == f"{tmp_path / 'missing.yaml'}: waiver file not found"


def test_shared_stack_and_extra_files(tmp_path, monkeypatch):
    shared = write(tmp_path, GOOD)
    (tmp_path / "stacks").mkdir()
    own = write(tmp_path / "stacks", GOOD.replace("CKV_AWS_144", "CKV_AWS_145"), "131121-prod.yaml")
    extra = write(tmp_path, GOOD.replace("CKV_AWS_144", "CKV_AWS_21"), "extra.yaml")
    monkeypatch.setattr(W, "SHARED_FILE", shared)
    monkeypatch.setattr(W, "STACK_DIR", tmp_path / "stacks")
    assert W.waiver_files("131121-prod", [extra]) == [shared, own, extra]
    assert W.waiver_files("363421-prod") == [shared]
    got = W.waivers_for("131121-prod", [extra], today=LATER)
    assert [(w.check, w.file) for w in got] == [
        ("CKV_AWS_144", str(shared)), ("GCJP_AWS_12", str(shared)), ("CKV_AWS_145", str(own)),
        ("GCJP_AWS_12", str(own)), ("CKV_AWS_21", str(extra)), ("GCJP_AWS_12", str(extra))]
    # GCJP_AWS_12 is scoped to 131121-prod: another stack does not get it
    assert [w.check for w in W.waivers_for("131121-stg", today=LATER)] == ["CKV_AWS_144"]
    # problems of every file at once
    write(tmp_path, "- check: nope\n", "extra.yaml")
    write(tmp_path / "stacks", "- {}\n", "131121-prod.yaml")
    with pytest.raises(GcbaseError) as err:
        W.waivers_for("131121-prod", [extra], today=LATER)
    files = [p.file for p in err.value.problems]
    assert str(own) in files and str(extra) in files


def test_apply_waives_current_keeps_expired_failing_and_reports_unused():
    current = W.Waiver("GCJP_AWS_12", "aws_flow_log.*", "r" * 20, "CISO", "2026-03-31")
    expired = W.Waiver("GCJP_AWS_20", "aws_internet_gateway.juki*", "r" * 20, "CISO", "2025-03-31")
    unused = W.Waiver("CKV_AWS_1", "*", "r" * 20, "CISO", "2026-03-31")
    findings = [F("GCJP_AWS_12", "aws_flow_log.a", "FAILED"), F("GCJP_AWS_12", "aws_flow_log.b", "PASSED"),
                F("GCJP_AWS_12", "aws_vpc.a", "FAILED"), F("GCJP_AWS_20", "aws_internet_gateway.juki_igw", "FAILED"),
                F("GCJP_AWS_21", "aws_flow_log.a", "FAILED")]
    applied = W.apply_waivers(findings, [current, expired, unused], today=date(2025, 4, 1))
    assert [(f.result, f.waiver) for f in findings] == [
        ("SKIPPED", current), ("PASSED", None), ("FAILED", None), ("FAILED", expired), ("FAILED", None)]
    assert [(u.waiver.check, u.matched, u.state) for u in applied.uses] == [
        ("GCJP_AWS_12", 1, "active"), ("GCJP_AWS_20", 1, "expired"), ("CKV_AWS_1", 0, "unused")]
    assert applied.unused == [unused]


def test_last_day_still_applies_and_a_current_waiver_wins_over_an_expired_one():
    old = W.Waiver("GCJP_AWS_12", "*", "r" * 20, "CISO", "2025-03-31")
    renewed = W.Waiver("GCJP_AWS_12", "aws_flow_log.*", "r" * 20, "CISO", "2026-03-31")
    f = F("GCJP_AWS_12", "aws_flow_log.a", "FAILED")
    W.apply_waivers([f], [old, renewed], today=date(2026, 3, 31))
    assert (f.result, f.waiver) == ("SKIPPED", renewed)
    g = F("GCJP_AWS_12", "aws_flow_log.a", "FAILED")
    W.apply_waivers([g], [renewed], today=date(2026, 4, 1))
    assert (g.result, g.waiver) == ("FAILED", renewed)
