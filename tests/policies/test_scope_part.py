"""--scope part: a plan that is one part of a tenancy (a vendor's program) is not failed for what
another part may hold (a declared system's backup, VPC, an account's trail); what it does hold is
still judged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcbase.check import run_tfplan
from gcbase.intent import Intent

FIXTURES = Path(__file__).parent / "fixtures"


def _failed(check_id: str, scope: str) -> list[str]:
    folder = FIXTURES / check_id
    intent = Intent.from_dict(json.loads((folder / "intent.json").read_text(encoding="utf-8")))
    report = run_tfplan(json.loads((folder / "fail.json").read_text(encoding="utf-8")), only=[check_id], waivers=(),
                        intent=intent, meta={"scope": scope})
    return [f.resource for f in report.findings if f.result == "FAILED"]


@pytest.mark.parametrize("check_id", ["GCJP_AWS_70", "GCJP_AWS_71"])
def test_absence_fails_the_whole_tenancy_only(check_id):
    assert _failed(check_id, "tenancy")
    assert _failed(check_id, "part") == []


def test_a_vpc_no_system_declares_still_fails_in_part_scope():
    failed = _failed("GCJP_AWS_50", "part")
    assert failed and not any(r.startswith("system:") for r in failed)
