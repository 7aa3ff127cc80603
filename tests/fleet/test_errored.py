"""Fleet results with a check that raised (ERRORED): never counted as passed, in rates, severities,
the failing-check list and the per-stack progress line."""

from __future__ import annotations

from gcbase.fleet.merge import build
from gcbase.fleet.run import summary_line

CHECK = {"severity": "high", "requirements": ["GL.3T.1"], "categories": ["G"], "title": {"ja": "x", "en": "x"}}


def _result(outcomes: list[tuple[str, str]]) -> dict:
    return {"schema": "gcbase-fleet-result/1", "stack": "011002-prod", "status": "ok", "errors": [],
            "meta": {"municipality": "011002", "prefecture": "北海道"}, "resources": 2,
            "checks": {"GCJP_AWS_28": CHECK},
            "findings": sorted(["GCJP_AWS_28", res, outcome, None] for res, outcome in outcomes),
            "notRun": [], "typesNotChecked": [], "boundaries": None}


def test_errored_results_count_as_not_passed():
    errored = _result([("aws_internet_gateway.a", "PASSED"), ("aws_internet_gateway.b", "ERRORED")])
    report = build(["011002-prod"], [("011002-prod", errored)], {"G": {"ja": "G", "en": "G"}})
    row = report["rows"][0]
    assert row["categories"]["G"] == {"passed": 1, "failed": 1, "waived": 0, "rate": 0.5}
    assert row["errored"] == 1 and row["failedBySeverity"] == {"high": 1}
    assert [(f["checkId"], f["resources"]) for f in report["findings"]] == [("GCJP_AWS_28", 1)]
    assert report["totals"]["G"]["rate"] == 0.5

    clean = _result([("aws_internet_gateway.a", "PASSED"), ("aws_internet_gateway.b", "PASSED")])
    report = build(["011002-prod"], [("011002-prod", clean)], {"G": {"ja": "G", "en": "G"}})
    assert report["rows"][0]["categories"]["G"]["rate"] == 1.0 and report["findings"] == []
    assert "errored" not in report["rows"][0]


def test_summary_line_names_errored_results():
    line = summary_line(_result([("a", "PASSED"), ("b", "ERRORED")]))
    assert line == "2 resources, 2 results, 0 failed, 1 errored (check raised)"
    assert summary_line(_result([("a", "PASSED")])) == "2 resources, 1 results, 0 failed"
