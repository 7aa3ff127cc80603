"""A network violation shows its path in every format: console detail, JSON (path), SARIF (codeFlows, valid
against the OASIS schema), JUnit (one line per hop), Markdown (the detail) and HTML (an ordered list, and the
path drawn in red on the topology)."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from gcbase.check import load_catalogue, run_plan
from gcbase.report import render
from gcbase.report.collect import StackResult, build
from gcbase.waivers import uses_of
from helpers import plan_of
from tests.mutation.network_mutations import NETWORK_MUTATIONS

SCHEMA = json.loads((Path(__file__).parent.parent / "report" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report():
    plan = plan_of("131121-prod")
    mutation = next(m for m in NETWORK_MUTATIONS if m.id == "net-tgw-static-route-mynumber-to-internet-tier")
    mutation.apply(plan)
    checked = run_plan(plan, waivers=())
    return build([StackResult(plan, checked, uses_of(checked.findings, ()), None)], load_catalogue(), fail_on="high")


def test_the_violation_carries_its_path(report):
    (f,) = [f for f in report.failures() if f.check_id == "GCJP_AWS_43"]
    assert f.resource == "aws_vpc.gc131121_prod_juki_vpc -> aws_vpc.gc131121_prod_shinsei_vpc"
    kinds = [h["kind"] for h in f.path]
    assert kinds[0] == "vpc" and kinds[-1] == "vpc" and "tgw-route-table" in kinds
    assert any("aws_ec2_transit_gateway_route.mutant_tgw_mynumber_to_shinsei" in h["text"] for h in f.path)
    assert "Path: VPC aws_vpc.gc131121_prod_juki_vpc → route table" in f.message


def test_json_sarif_junit_markdown_and_html_show_it(report):
    doc = json.loads(render(report, "json", "en"))
    (f,) = [f for f in doc["findings"] if f["checkId"] == "GCJP_AWS_43" and f["status"] == "fail"]
    assert f["path"][0] == {"kind": "vpc", "address": "aws_vpc.gc131121_prod_juki_vpc",
                            "text": "VPC aws_vpc.gc131121_prod_juki_vpc"}
    sarif = json.loads(render(report, "sarif", "en"))
    assert [e.message for e in jsonschema.Draft4Validator(SCHEMA).iter_errors(sarif)] == []
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "GCJP_AWS_43"]
    hops = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(hops) == len(f["path"]) and hops[0]["location"]["message"]["text"] == "VPC aws_vpc.gc131121_prod_juki_vpc"
    junit = ET.fromstring(render(report, "junit", "en"))
    failure = next(c.find("failure") for c in junit.iter("testcase") if "GCJP_AWS_43" in c.get("name", "")
                   and c.find("failure") is not None)
    assert "Path hop 1: VPC aws_vpc.gc131121_prod_juki_vpc" in failure.text
    md = render(report, "md", "en")
    assert "### Paths (source → destination)" in md
    assert "VPC aws\\_vpc.gc131121\\_prod\\_juki\\_vpc → route table" in md
    html = render(report, "html", "ja")
    assert '<b class="path-label">P1</b> <ol class="path">' in html
    assert 'class="violation"' in html and "赤の破線は" in html
