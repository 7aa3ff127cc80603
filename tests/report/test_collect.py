"""From check results (gcbase.check's shapes) to the Report: statuses, locations, waivers merged
across stacks, checks not run on any stack, the boundary matrix, the time stamp."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace as NS

from gcbase.report.collect import StackResult, build, timestamp
from gcbase.waivers import Waiver, apply_waivers
from report_fixtures import STACK, plan

SHARED = Waiver("GCJP_AWS_12", "aws_flow_log.*", "flow logs of test VPCs only", "CISO", "2099-03-31")
OLD = Waiver("GCJP_AWS_20", "aws_internet_gateway.*", "migration in progress", "CISO", "2020-03-31")


def finding(check, resource, result, urn="", severity="high", details=()):
    return NS(check_id=check, resource=resource, result=result, severity=severity, requirements=["E.7.1.1"],
              title_ja="", title_en=f"{check} title", remediation={"ja": "直す", "en": "fix it", "pulumi": "x = 1"},
              urn=urn, details=list(details), waiver=None)


def catalogue():
    return NS(
        categories={"A": {"ja": "可用性", "en": "Availability"}, "E": {"ja": "セキュリティ", "en": "Security"}},
        sources={"nfr": {"ja": "非機能要件の標準", "en": "NFR standard"}},
        requirements={"E.7.1.1": NS(id="E.7.1.1", category="E", ja="ログ", en="Logs", source="nfr", mandatory="never"),
                      "A.1.5.1": NS(id="A.1.5.1", category="A", ja="稼働率", en="Availability", source="nfr",
                                    mandatory="never")},
        checks={"GCJP_AWS_40": NS(title_ja="バックアップ", title_en="Backup"), "GCJP_AWS_41": NS(title_ja="", title_en="DR")},
        checks_of=lambda rid: [])


def matrix(status="MISMATCH"):
    ok = NS(ok=True, account="210000000101", decision=NS(deciding="identity: Allow"))
    bad = NS(ok=False, account="210000000102", decision=NS(deciding="key policy: AllowAll"))
    cell = NS(cell=NS(party="asp", expect="deny", ja="他事業者", en="other ASP"), status=status,
              checks=[ok, bad] if status == "MISMATCH" else [ok])
    na = NS(cell=NS(party="network-operator", expect="deny", ja="-", en="-"), status="n/a", checks=[])
    row = NS(row=NS(id="decrypt-other", title_ja="他鍵で復号", title_en="Decrypt other", action="kms:Decrypt"),
             cells=[cell, na])
    return NS(rows=[row], parties=["asp", "network-operator"], notes=["a note"])


def result(stack_plan, findings, not_run, waivers, boundaries=None, today=date(2025, 4, 1)):
    check = NS(findings=findings, not_run=not_run, not_checked=[{"urn": "u", "type": "aws:foo/bar:Baz"}])
    return StackResult(stack_plan, check, apply_waivers(findings, waivers, today=today), boundaries)


def test_build_maps_statuses_locations_and_waivers():
    p = plan()
    vpc = next(r for r in p.resources if r.name == "t-juki-vpc")
    findings = [finding("GCJP_AWS_12", "aws_flow_log.t_juki", "FAILED"),
                finding("GCJP_AWS_20", "aws_internet_gateway.x", "FAILED", urn=vpc.urn, severity="low",
                        details=["IGW in a mynumber VPC", ""]),
                finding("GCJP_AWS_30", "aws_dx.x", "PASSED"),
                finding("GCJP_AWS_31", "(plan)", "FAILED")]
    rep = build([result(p, findings, ["GCJP_AWS_40", "GCJP_AWS_41"], [SHARED, OLD], matrix())], catalogue(),
                fail_on="medium", now=datetime(2025, 4, 1, 9, 0, tzinfo=timezone.utc))
    got = {(f.check_id, f.status) for f in rep.findings}
    assert got == {("GCJP_AWS_12", "waived"), ("GCJP_AWS_20", "fail"), ("GCJP_AWS_30", "pass"), ("GCJP_AWS_31", "fail")}
    igw = next(f for f in rep.findings if f.check_id == "GCJP_AWS_20")
    assert igw.expired_waiver and igw.waiver == OLD
    assert igw.message == "IGW in a mynumber VPC" and igw.resource_type == "aws:ec2/vpc:Vpc"
    assert (igw.location.file, igw.location.key, igw.location.line) == ("stacks/Pulumi.131121-prod.yaml", "gcbase:systems[0]", 31)
    assert igw.title == {"en": "GCJP_AWS_20 title"}  # no Japanese title: none made up (writers mark it English only)
    plan_wide = next(f for f in rep.findings if f.check_id == "GCJP_AWS_31")
    assert (plan_wide.location.key, plan_wide.location.line) == ("", 1)
    assert plan_wide.resource_type == ""
    nfr = {"ja": "非機能要件の標準", "en": "NFR standard"}
    assert [(r.id, r.category, r.source) for r in rep.requirements] == [("E.7.1.1", "E", nfr), ("A.1.5.1", "A", nfr)]
    assert rep.categories == {"A": {"ja": "可用性", "en": "Availability"}, "E": {"ja": "セキュリティ", "en": "Security"}}
    assert rep.checks_not_run == [("GCJP_AWS_40", {"ja": "バックアップ", "en": "Backup"}),
                                  ("GCJP_AWS_41", {"en": "DR"})]
    assert rep.types_not_checked == ["aws:foo/bar:Baz"]
    assert [(u.waiver, u.state) for u in rep.waivers] == [(SHARED, "active"), (OLD, "expired")]
    assert rep.generated_at == "2025-04-01T18:00:00+09:00"  # the run's time in JST
    # gate: the high plan-wide failure and the expired waiver (low, counted anyway), plus the boundary mismatch
    assert [f.check_id for f in rep.gate_failures()] == ["GCJP_AWS_31", "GCJP_AWS_20"]
    assert not rep.passed


def test_boundary_matrix_and_notes():
    p = plan()
    rep = build([result(p, [], [], [], matrix())], catalogue())
    (row,) = rep.boundaries
    assert (row.stack, row.id, row.title, row.action) == (STACK, "decrypt-other", {"ja": "他鍵で復号", "en": "Decrypt other"},
                                                         "kms:Decrypt")
    asp, na = row.cells
    assert (asp.party, asp.expected, asp.status, asp.deciding) == ("asp", "deny", "mismatch",
                                                                   "key policy: AllowAll (210000000102)")
    assert (na.status, na.deciding) == ("n/a", "")
    assert rep.parties == ["asp", "network-operator"] and rep.notes == ["a note"]
    assert len(rep.boundary_violations()) == 1 and not rep.passed
    clean = build([result(p, [], [], [], matrix("ok"))], catalogue())
    assert clean.boundaries[0].cells[0].deciding == "identity: Allow (210000000101)" and clean.passed
    assert build([result(p, [], [], [])], catalogue()).boundaries is None


def test_several_stacks_merge_waivers_and_intersect_checks_not_run():
    p = plan()
    other = type(p)(project=p.project, stack="131121-stg", source=p.source, resources=p.resources,
                    config_file="stacks/Pulumi.131121-stg.yaml", meta={})
    used = result(p, [finding("GCJP_AWS_12", "aws_flow_log.a", "FAILED")], ["GCJP_AWS_40", "GCJP_AWS_41"], [SHARED])
    unused_here = result(other, [finding("GCJP_AWS_12", "aws_vpc.a", "FAILED")], ["GCJP_AWS_41"], [SHARED])
    rep = build([used, unused_here], catalogue())
    assert [(u.waiver, u.matched, u.state) for u in rep.waivers] == [(SHARED, 1, "active")]
    assert [c for c, _ in rep.checks_not_run] == ["GCJP_AWS_41"]
    assert [s.stack for s in rep.stacks] == [STACK, "131121-stg"]
    nowhere = build([result(p, [], [], [SHARED]), result(other, [], [], [SHARED])], catalogue())
    assert [(u.matched, u.state) for u in nowhere.waivers] == [(0, "unused")]


def test_timestamp_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1743465600")
    assert timestamp() == "2025-04-01T09:00:00+09:00"  # JST
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert datetime.fromisoformat(timestamp()).tzinfo is not None


def test_a_checkov_check_not_run_gets_checkovs_english_name():
    """The catalogue keeps a Japanese title only for the Checkov built-ins it maps; the English report
    takes Checkov's own name for a check that did not run rather than showing the Japanese one."""
    from gcbase.check.runner import _checkov

    _checkov()  # a run has loaded Checkov's registries
    cat = catalogue()
    cat.checks = {"CKV_AWS_20": NS(title_ja="S3バケットを公開しない", title_en="")}
    rep = build([result(plan(), [], ["CKV_AWS_20", "CKV_AWS_9999"], [])], cat)
    (cid, title), (unknown, fallback) = rep.checks_not_run
    assert cid == "CKV_AWS_20" and title["ja"] == "S3バケットを公開しない"
    assert title["en"] and title["en"].isascii() and "S3" in title["en"]
    assert (unknown, fallback) == ("CKV_AWS_9999", {"ja": "CKV_AWS_9999", "en": "CKV_AWS_9999"})
