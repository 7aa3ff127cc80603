"""Topology diagram: what it reads from a plan and what the SVG shows, in both languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gcbase.model import Plan, Resource
from gcbase.report.i18n import Texts
from gcbase.report.topology import UNTIERED, from_plan, render_svg, topology_svg
from report_fixtures import plan


def texts_of(svg: str) -> list[str]:
    return ["".join(el.itertext()) for el in ET.fromstring(svg).iter("text")]


def test_reads_accounts_tiers_hub_and_lines_from_the_plan():
    top = from_plan(plan())
    assert top.hub_account == "210000000001"
    assert top.transit_gateway == "131121-prod-tgw"
    assert top.dx_gateways == [("131121-prod-dxgw-mynumber", "mynumber")]
    assert top.connection == "lgwan"
    assert [(l.connection_id, l.vlan, l.location, l.tier) for l in top.lines] == [
        ("dxcon-fgk3a9x1", "101", "Equinix TY2", "mynumber"), ("dxcon-fh7b2m4q", "102", "AT Tokyo CC1", "mynumber")]
    assert top.vpn is True and top.vpns == ["mynumber"] and top.segments == ["mynumber"]
    shown = {tier: [(v.system, v.cidr, v.account, v.internet_gateway, v.attached) for v in nodes]
             for tier, nodes in top.tiers.items()}
    assert shown == {
        "mynumber": [("juki", "10.20.0.0/22", "210000000101", False, True)],
        "lgwan": [("senkyo", "10.20.4.0/22", "210000000103", False, True)],
        "internet": [("shinsei", "10.20.8.0/22", "210000000104", True, True)],
    }


def test_svg_groups_vpcs_by_tier_and_draws_each_connection():
    svg = topology_svg(plan(), Texts("ja"))
    root = ET.fromstring(svg)
    assert root.tag == "svg" and root.find("title").text == "構成図: 131121-prod"
    bands = [r.get("class") for r in root.iter("rect") if (r.get("class") or "").startswith("tier-")]
    assert bands == ["tier-mynumber", "tier-lgwan", "tier-internet"]
    segments = [r.get("class") for r in root.iter("rect") if (r.get("class") or "").startswith("segment-")]
    assert segments == ["segment-mynumber"]
    texts = texts_of(svg)
    for label in ("マイナンバー利用事務系", "LGWAN接続系", "インターネット接続系", "庁内ネットワーク",
                  "共有アカウント 210000000001", "Transit Gateway", "VPN（予備回線） — マイナンバー利用事務系",
                  "juki  10.20.0.0/22", "アカウント 210000000101", "DX2 dxcon-fh7b2m4q VLAN 102 (AT Tokyo CC1)"):
        assert label in texts, label
    # only the internet-tier VPC is marked as having an internet exit
    assert texts.count("インターネット出口あり") == 1
    lines = list(root.iter("line"))
    solid_dx = [l for l in lines if l.get("stroke") == "#6a1b9a"]
    vpn = [l for l in lines if l.get("stroke-dasharray") and l.get("stroke") == "#ef6c00"]
    attachments = [l for l in lines if l.get("stroke") in ("#c62828", "#1565c0", "#2e7d32")]
    assert (len(solid_dx), len(vpn), len(attachments)) == (2, 1, 3)
    assert not list(root.iter("polyline"))  # no finding, no path drawn


def test_offending_paths_are_drawn_in_red_from_source_to_destination():
    top = from_plan(plan())
    juki = next(v for v in top.vpcs if v.system == "juki")
    shinsei = next(v for v in top.vpcs if v.system == "shinsei")
    hops = [{"kind": "vpc", "address": juki.address, "text": "VPC juki"},
            {"kind": "route-table", "address": "aws_route_table.x", "text": "route table"},
            {"kind": "tgw-route-table", "address": "aws_ec2_transit_gateway_route_table.y", "text": "TGW table"},
            {"kind": "vpc", "address": shinsei.address, "text": "into VPC shinsei"},
            {"kind": "internet", "address": "", "text": "the internet"}]
    svg = render_svg(top, Texts("en"), paths=[("P1", hops)])
    root = ET.fromstring(svg)
    (line,) = list(root.iter("polyline"))
    assert line.get("class") == "violation" and line.get("stroke") == "#d50000"
    points = [tuple(map(int, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 4  # juki, the Transit Gateway, shinsei, the internet
    assert "P1" in texts_of(svg) and "The internet" in texts_of(svg)
    flagged = [r for r in root.iter("rect") if r.get("stroke") == "#d50000"]
    assert len(flagged) == 1  # the source (juki); the internet is the destination box


def test_english_labels():
    texts = texts_of(topology_svg(plan(), Texts("en")))
    for label in ("My Number tier", "LGWAN tier", "Internet tier", "Town hall network", "VPN (backup) — My Number tier",
                  "Shared account 210000000001", "Account 210000000104", "Internet gateway"):
        assert label in texts, label
    assert not any("系" in t for t in texts)


def test_empty_plan_still_renders_every_tier_and_says_what_is_missing():
    svg = render_svg(from_plan(Plan(project="p", stack="s", source="synth")), Texts("en"))
    texts = texts_of(svg)
    assert texts.count("No VPC in this tier") == 3
    assert "(not in the plan)" in texts and "No Direct Connect" in texts
    assert not list(ET.fromstring(svg).iter("line"))
    assert "No tier (every tier)" in texts  # no segment known: one untiered town-hall box


def test_untagged_vpc_lands_in_its_own_band_and_names_are_escaped():
    vpc = Resource(urn="urn:pulumi:s::p::aws:ec2/vpc:Vpc::v", type="aws:ec2/vpc:Vpc", name="v", id="vpc-1",
                   inputs={"cidrBlock": "10.0.0.0/16", "tags": {"Name": '<img src="http://x">&'}})
    top = from_plan(Plan(project="p", stack="s", source="synth", resources=[vpc]))
    assert [v.name for v in top.tiers[UNTIERED]] == ['<img src="http://x">&']
    svg = render_svg(top, Texts("ja"))
    assert "<img" not in svg and "&lt;img src=&quot;http://x&quot;&gt;&amp;" in svg
    assert "区分なし" in texts_of(svg)
