"""Boundaries on the synthesized example stacks: the model, the matrix and its deciding statements."""

from __future__ import annotations

import json

import pytest

from gcbase.boundaries import evaluate
from gcbase.boundaries.from_plan import INHERITED_LEVEL, from_plan
from gcbase.cli import main
from helpers import plan_of, settings_of

STACKS = ["131121-prod", "131121-stg", "363421-prod"]
SHARED, JUKI, ZEI = "210000000001", "210000000101", "210000000102"
# Reported to the identity module's owner: PowerUserAccess + the key policy's root delegation let an
# ASP schedule deletion of its own system's data key. Strict: this test fails once it is fixed.

_RESULTS: dict = {}


def result_of(stack: str):
    """The matrix of an unchanged example stack, evaluated once per session."""
    if stack not in _RESULTS:
        _RESULTS[stack] = evaluate(plan_of(stack), settings_of(stack))
    return _RESULTS[stack]


def cell(result, row_id: str, party: str):
    row = next(r for r in result.rows if r.row.id == row_id)
    return next(c for c in row.cells if c.cell.party == party)


@pytest.fixture(scope="module")
def prod():
    return result_of("131121-prod")


def test_model_from_plan_has_roles_boundaries_scps_and_resource_policies():
    s = settings_of("131121-prod")
    m = from_plan(plan_of("131121-prod"), s.accounts.governance, list(s.account_ids))
    asp = m.roles[f"arn:aws:iam::{JUKI}:role/gcbase-asp-juki"]
    assert asp.boundary is not None and asp.boundary.name == "gcbase-asp-boundary-juki"
    assert {d.name for d in asp.policies} >= {"PowerUserAccess"}
    assert asp.trust.document["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::210000000009:root"}
    levels = m.scp_levels[JUKI]
    assert [lvl.target for lvl in levels] == [INHERITED_LEVEL, f"account {JUKI}"]
    assert {d.name for d in levels[0].policies} >= {"FullAWSAccess", "gc-protect-security-services",
                                                   "gc-deny-outside-allowed-regions", "gc-protect-log-archive"}
    assert "gc-mynumber-deny-internet" in {d.name for d in levels[1].policies}  # juki is My Number tier
    assert "gc-mynumber-deny-internet" not in {d.name for d in m.scp_levels["210000000104"][1].policies}
    bucket = f"arn:aws:s3:::gc131121-prod-log-archive-{SHARED}"
    assert m.resource_policies[bucket].kind == "bucket" and m.resource_accounts[bucket] == SHARED
    assert m.key_by_alias(JUKI, "alias/gc131121-prod-juki-data") in m.resource_policies


@pytest.mark.parametrize("row,party,decision,deciding", [
    ("stop-cloudtrail", "break-glass", False, "SCP gc-protect-security-services: ProtectCloudTrail"),
    ("stop-cloudtrail", "governance", True, "AdministratorAccess: statement 1"),
    ("act-outside-japan", "network-operator", False, "SCP gc-deny-outside-allowed-regions: DenyOutsideAllowedRegions"),
    ("delete-log-object", "governance", False,
     f"bucket policy gc131121-prod-log-archive-{SHARED}: DenyDeleteAndRetentionChanges"),
    ("asp-other-system-same-account", "asp", False, "boundary gcbase-asp-boundary-juki: DenyOtherSystemsResources"),
    ("asp-shared-network-route", "asp", False, "boundary gcbase-asp-boundary-juki: DenySharedNetwork"),
    ("asp-deploy-own-vpc", "asp", True, "PowerUserAccess: statement 1"),
    ("edit-scp", "break-glass", False, "AWS Organizations: management account only (not callable from a member account)"),
    ("break-glass-without-mfa", "break-glass", False,
     "trust policy of gcbase-break-glass: implicit deny (no statement admits this caller)"),
    ("break-glass-with-mfa", "break-glass", True, "trust policy of gcbase-break-glass: IdentityAccountWithRecentMfaOnly"),
])
def test_deciding_statements_on_prod(prod, row, party, decision, deciding):
    c = cell(prod, row, party)
    assert c.checks and c.status == "ok"
    first = c.checks[0]
    assert (first.decision.allowed, first.decision.deciding) == (decision, deciding)


def test_other_systems_data_key_is_out_of_reach(prod):
    c = cell(prod, "use-other-data-key", "asp")
    assert len(c.checks) == 4 and c.status == "ok"
    juki = next(x for x in c.checks if x.system == "juki")
    assert juki.request.resource.startswith(f"arn:aws:kms:ap-northeast-1:{ZEI}:key/")
    assert juki.decision.deciding.startswith("key policy gc131121-prod-zei-data: ")


@pytest.mark.parametrize("stack", STACKS)
def test_matrix_holds_on_every_example_stack(stack):
    result = result_of(stack)
    assert [(row.id, c.party) for row, c, _ in result.mismatches()] == []
    assert result.ok
    assert result.summary()["checks"] >= 100


def test_asp_cannot_destroy_its_data_key_without_the_boundary_deny():
    """The boundary's data-key deny is what stops PowerUserAccess scheduling key deletion."""
    import json

    plan = plan_of("131121-stg")
    for res in plan.of_type("aws:iam/policy:Policy"):
        if res.name.endswith("-boundary"):
            doc = json.loads(res.inputs["policy"])
            doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "NeverDestroyOrReassignDataKeys"]
            res.inputs["policy"] = json.dumps(doc)
    result = evaluate(plan, settings_of("131121-stg"))
    assert ("schedule-data-key-deletion", "asp") in {(row.id, c.party) for row, c, _ in result.mismatches()}


def test_removing_the_boundary_is_caught():
    plan = plan_of("131121-stg")
    for res in plan.of_type("aws:iam/role:Role"):
        res.inputs.pop("permissionsBoundary", None)
    result = evaluate(plan, settings_of("131121-stg"))
    broken = {(row.id, c.party) for row, c, _ in result.mismatches()}
    assert {("asp-other-system-same-account", "asp"), ("asp-shared-network-route", "asp"),
            ("asp-transit-gateway-attachment", "asp")} <= broken
    assert ("create-workload-role", "asp") not in broken  # PowerUserAccess alone already excludes iam:*


def test_dropping_the_region_scp_is_caught():
    plan = plan_of("131121-stg")
    plan.resources = [r for r in plan.resources if not r.name.endswith("-region-allowlist")]
    result = evaluate(plan, settings_of("131121-stg"))
    broken = {(row.id, c.party) for row, c, _ in result.mismatches()}
    assert ("act-outside-japan", "break-glass") in broken and ("act-outside-japan", "network-operator") in broken


def test_json_form_is_complete(prod):
    data = json.loads(json.dumps(prod.to_dict(), ensure_ascii=False))
    assert data["source"] == "plan" and data["stack"] == "131121-prod"
    assert data["summary"]["cells"] >= 40
    row = next(r for r in data["rows"] if r["id"] == "stop-cloudtrail")
    bg = next(c for c in row["cells"] if c["party"] == "break-glass")
    assert bg["reason"]["ja"] and bg["reason"]["en"] and bg["expect"] == "deny"
    assert {x["deciding"] for x in bg["checks"]} == {"SCP gc-protect-security-services: ProtectCloudTrail"}


def test_cli_prints_matrix_writes_json_and_exits_by_result(tmp_path, capsys):
    out = tmp_path / "b.json"
    rc = main(["boundaries", "131121-stg", "--json", str(out)])
    text = capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert rc == (0 if data["ok"] else 1)
    assert "stop-cloudtrail" in text and "SCP gc-protect-security-services: ProtectCloudTrail" in text
    assert text.splitlines()[2].split() == ["action", "governance", "auditor", "account-operator",
                                            "network-operator", "asp", "break-glass", "integrated-operator"]


@pytest.mark.parametrize("argv", [["boundaries"], ["boundaries", "nope"], ["boundaries", "131121-stg", "--profile", "p"]])
def test_cli_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) if len(argv) == 1 else _no_raise():
        assert main(argv) == 2


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
