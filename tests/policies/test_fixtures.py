"""Every custom check on its own Terraform-plan fixtures: the exact resources it passes and fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gcbase.check import load_catalogue, run_tfplan
from gcbase.intent import Intent

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
CASES = [(cid, fname) for cid, files in EXPECTED.items() for fname in files]


def outcome(check_id: str, fixture: Path) -> tuple[set[str], set[str]]:
    """Passed and failed resources; a network check's plans are judged against the stack in intent.json."""
    judge = fixture.with_name("intent.json")
    intent = Intent.from_dict(json.loads(judge.read_text(encoding="utf-8"))) if judge.is_file() else None
    report = run_tfplan(json.loads(fixture.read_text(encoding="utf-8")), only=[check_id], waivers=(), intent=intent)
    assert {f.check_id for f in report.findings} <= {check_id}
    return ({f.resource for f in report.findings if f.result == "PASSED"},
            {f.resource for f in report.findings if f.result == "FAILED"})


@pytest.mark.parametrize("check_id,fixture", CASES, ids=[f"{c}/{f}" for c, f in CASES])
def test_exact_passing_and_failing_resources(check_id, fixture):
    passed, failed = outcome(check_id, FIXTURES / check_id / fixture)
    want = EXPECTED[check_id][fixture]
    assert passed == set(want["passed"])
    assert failed == set(want["failed"])


def test_every_custom_check_has_a_passing_and_a_failing_fixture():
    custom = {m.id for m in load_catalogue().custom()}
    assert custom == set(EXPECTED), "expected.yaml must cover exactly the custom checks"
    for cid in sorted(custom):
        files = EXPECTED[cid]
        assert files.get("pass.json", {}).get("passed") and not files["pass.json"]["failed"], cid
        assert files.get("fail.json", {}).get("failed"), cid
        on_disk = {p.name for p in (FIXTURES / cid).glob("*.json")} - {"intent.json"}
        assert on_disk == set(files), f"{cid}: fixtures on disk {on_disk} vs expected {set(files)}"


def test_failures_say_why():
    """A plan-level or resource check's failure carries one sentence naming the problem."""
    report = run_tfplan(json.loads((FIXTURES / "GCJP_AWS_6" / "fail.json").read_text()), only=["GCJP_AWS_6"], waivers=())
    details = {f.resource: f.details for f in report.findings}
    assert details["aws_s3_bucket_object_lock_configuration.one_year"] == [
        "default retention is 365 days, below the profile's 2557"]
    assert "GOVERNANCE" in details["aws_s3_bucket_object_lock_configuration.governance"][0]
