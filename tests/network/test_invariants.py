"""The network invariants on a small gcbase-shaped tenancy: it passes as built, and every weakening of
routes, tables, gateways, peering, sharing and filters fails the invariant that must catch it, with the
path shown. One test per route kind and per soundness rule (unknown is never a pass)."""

from __future__ import annotations

import pytest

from gcbase.check.planindex import PlanIndex
from gcbase.intent import SystemIntent
from gcbase.network.from_plan import from_plan
from gcbase.network.invariants import Analysis, load
from tests.network.builder import Ref, Unknown
from tests.network.scenarios import (CIDRS, HUB, JUKI, MEMBER_ACCOUNT, OUTSIDER, SENKYO, TOWN_HALL, WEB, Tenancy,
                                     intent)

INVARIANTS = {i.id for i in load()[1]}


def analyse(t: Tenancy, judge=None, no_intent: bool = False) -> Analysis:
    judge = None if no_intent else (judge or intent())
    index = PlanIndex(t.plan(), judge)
    return Analysis(from_plan(index, judge), judge)


def failures(a: Analysis) -> dict[str, dict[str, str]]:
    """invariant id -> {resource: detail} of every failed verdict."""
    return {inv: {v.resource: v.detail for v in verdicts if not v.passed} for inv, verdicts in a.all().items()}


def only(a: Analysis, *wanted: str) -> dict[str, dict[str, str]]:
    """The failures, asserting that no invariant outside `wanted` failed."""
    got = {k: v for k, v in failures(a).items() if v}
    assert set(got) <= set(wanted), got
    return got


# -- the tenancy as built -------------------------------------------------------------------------
def test_the_tenancy_as_built_holds_every_invariant():
    a = analyse(Tenancy())
    assert only(a) == {}
    passed = {inv: {v.resource for v in verdicts if v.passed} for inv, verdicts in a.all().items()}
    assert passed["no-path-mynumber-internet"] == {"aws_vpc.juki", "aws_vpc.web"}
    assert passed["town-hall-same-tier"] == {"aws_vpc.juki", "aws_vpc.senkyo", "aws_vpc.web", "town-hall:mynumber",
                                             "town-hall:lgwan", "town-hall:internet"}
    assert passed["vpcs-declared"] == {"aws_vpc.juki", "aws_vpc.senkyo", "aws_vpc.web"}


def test_reaches_of_the_tenancy_are_exactly_the_designed_ones():
    a = analyse(Tenancy())
    got = {(r.src, r.dst): str(r.addresses) for r in a.reaches if not r.possible}
    assert got[(("vpc", "aws_vpc.juki"), ("onprem", "mynumber"))] == "IPSet(['172.16.0.0/20'])"
    assert got[(("onprem", "lgwan"), ("vpc", "aws_vpc.senkyo"))] == "IPSet(['10.20.8.0/22'])"
    assert (("internet", ""), ("vpc", "aws_vpc.web")) in got
    assert not any(r.possible for r in a.reaches)
    assert {d for (s, d) in got if s == ("vpc", "aws_vpc.juki")} == {("onprem", "mynumber")}


# -- VPC route kinds --------------------------------------------------------------------------------
def test_a_default_route_to_the_tgw_reaches_the_town_hall_beyond_the_tiers_ranges_possibly():
    t = Tenancy()
    t.route("juki_default", t.route_tables["juki"], "0.0.0.0/0", transit_gateway_id=Ref(t.tgw))
    got = only(analyse(t), "no-path-mynumber-internet", "no-path-mynumber-lgwan", "town-hall-same-tier")
    detail = got["town-hall-same-tier"]["aws_vpc.juki -> town-hall:undeclared"]
    assert "possibly" in detail and "any other prefix the town hall advertises over BGP" in detail


def test_a_static_tgw_route_from_one_tiers_table_to_another_tiers_attachment():
    t = Tenancy()
    t.route("juki_to_web", t.route_tables["juki"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_to_web", t.tables["mynumber"], CIDRS["web"], t.attachments["web"])
    got = only(analyse(t), "no-path-mynumber-internet")
    detail = got["no-path-mynumber-internet"]["aws_vpc.juki -> aws_vpc.web"]
    assert "aws_ec2_transit_gateway_route.mynumber_to_web" in detail and "Path: VPC aws_vpc.juki → route table " \
        "aws_route_table.juki_private" in detail


def test_a_more_specific_route_wins_longest_prefix_match():
    t = Tenancy()
    # the town-hall /20 goes to the TGW, but a more specific /24 inside it to an internet gateway: that piece leaks
    igw = t.tf.r("aws_internet_gateway", "juki_igw_late", vpc_id=Ref(t.vpcs["juki"]))
    t.route("juki_leak", t.route_tables["juki"], "172.16.1.0/24", gateway_id=Ref(igw))
    a = analyse(t)
    internet = next(r for r in a.reaches if r.src == ("vpc", "aws_vpc.juki") and r.dst == ("internet", ""))
    assert str(internet.addresses) == "IPSet(['172.16.1.0/24'])"
    town = next(r for r in a.reaches if r.src == ("vpc", "aws_vpc.juki") and r.dst == ("onprem", "mynumber"))
    assert "172.16.1.0/24" not in [str(c) for c in town.addresses.iter_cidrs()] and town.addresses.size == 4096 - 256


def test_a_blackhole_static_route_drops_what_it_covers():
    t = Tenancy()
    t.route("juki_to_web", t.route_tables["juki"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_to_web", t.tables["mynumber"], "10.20.12.0/22", t.attachments["web"])
    t.static("mynumber_web_black", t.tables["mynumber"], "10.20.12.0/23", None)  # more specific blackhole
    a = analyse(t)
    leak = next(r for r in a.reaches if r.src == ("vpc", "aws_vpc.juki") and r.dst == ("vpc", "aws_vpc.web"))
    assert str(leak.addresses) == "IPSet(['10.20.14.0/23'])"


def test_static_beats_propagated_on_the_same_prefix():
    t = Tenancy()
    t.route("juki_to_senkyo", t.route_tables["juki"], CIDRS["senkyo"], transit_gateway_id=Ref(t.tgw))
    t.propagate("senkyo_into_mynumber", t.attachments["senkyo"], t.tables["mynumber"])
    t.static("mynumber_senkyo_black", t.tables["mynumber"], CIDRS["senkyo"], None)
    assert only(analyse(t)) == {}


def test_an_internet_gateway_and_nat_in_the_lgwan_vpc():
    t = Tenancy()
    igw = t.tf.r("aws_internet_gateway", "senkyo_igw", vpc_id=Ref(t.vpcs["senkyo"]))
    nat = t.tf.r("aws_nat_gateway", "senkyo_nat", subnet_id=Ref("aws_subnet.senkyo_private"))
    t.route("senkyo_default", t.route_tables["senkyo"], "0.0.0.0/0", nat_gateway_id=Ref(nat))
    got = only(analyse(t), "no-internet-edge", "no-path-lgwan-internet")
    assert "internet gateway attached (aws_internet_gateway.senkyo_igw)" in got["no-internet-edge"]["aws_vpc.senkyo"]
    assert "public NAT gateway (aws_nat_gateway.senkyo_nat)" in got["no-internet-edge"]["aws_vpc.senkyo"]
    assert set(got["no-path-lgwan-internet"]) == {"aws_vpc.senkyo -> internet", "internet -> aws_vpc.senkyo"}
    assert igw


def test_egress_only_gateway_on_ipv6_is_an_internet_path():
    t = Tenancy()
    eigw = t.tf.r("aws_egress_only_internet_gateway", "juki_eigw", vpc_id=Ref(t.vpcs["juki"]))
    t.tf.r("aws_route", "juki_v6", route_table_id=Ref(t.route_tables["juki"]), destination_ipv6_cidr_block="::/0",
           egress_only_gateway_id=Ref(eigw))
    got = only(analyse(t), "no-internet-edge", "no-path-mynumber-internet")
    assert "aws_vpc.juki -> internet" in got["no-path-mynumber-internet"]


def test_transit_through_the_internet_tiers_nat_is_a_path_to_the_internet():
    t = Tenancy()
    t.route("juki_default", t.route_tables["juki"], "0.0.0.0/0", transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_default", t.tables["mynumber"], "0.0.0.0/0", t.attachments["web"])
    got = only(analyse(t), "no-path-mynumber-internet", "no-path-mynumber-lgwan", "town-hall-same-tier",
               "no-internet-edge")
    assert "reaches the internet" in got["no-internet-edge"]["aws_vpc.juki"]
    path = got["no-path-mynumber-internet"]["aws_vpc.juki -> internet"]
    assert "into VPC aws_vpc.web" in path and "→ nat aws_nat_gateway.web_nat" in path


def test_private_nat_forwards_by_its_subnets_table():
    t = Tenancy()
    nat = t.tf.r("aws_nat_gateway", "juki_private_nat", subnet_id=Ref("aws_subnet.juki_private"),
                 connectivity_type="private")
    t.route("juki_via_private_nat", t.route_tables["juki"], CIDRS["web"], nat_gateway_id=Ref(nat))
    t.route("juki_to_web", t.route_tables["juki"], "10.20.12.0/23", transit_gateway_id=Ref(t.tgw))
    t.static("mynumber_to_web", t.tables["mynumber"], CIDRS["web"], t.attachments["web"])
    assert "aws_vpc.juki -> aws_vpc.web" in only(analyse(t), "no-path-mynumber-internet")["no-path-mynumber-internet"]


def test_vpc_peering_to_another_tier_and_no_transit_beyond_the_peer():
    t = Tenancy()
    pcx = t.tf.r("aws_vpc_peering_connection", "juki_web", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
                 peer_vpc_id=Ref(t.vpcs["web"]), peer_owner_id=WEB)
    t.route("juki_to_pcx", t.route_tables["juki"], "0.0.0.0/0", vpc_peering_connection_id=Ref(pcx))
    a = analyse(t)
    got = only(a, "no-path-mynumber-internet")
    assert set(got["no-path-mynumber-internet"]) == {"aws_vpc.juki -> aws_vpc.web"}  # not onward to the internet
    leak = next(r for r in a.reaches if r.dst == ("vpc", "aws_vpc.web") and r.src == ("vpc", "aws_vpc.juki"))
    assert str(leak.addresses) == "IPSet(['10.20.12.0/22'])"


def test_vpc_peering_with_another_municipality_is_a_link_outside_the_tenancy():
    t = Tenancy()
    pcx = t.tf.r("aws_vpc_peering_connection", "juki_neighbour", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
                 peer_vpc_id="vpc-0neighbour", peer_owner_id=OUTSIDER)
    t.route("juki_to_neighbour", t.route_tables["juki"], "10.99.0.0/16", vpc_peering_connection_id=Ref(pcx))
    got = only(analyse(t), "no-outside-links", "no-path-mynumber-internet", "no-path-mynumber-lgwan")
    assert "with account 999999999999, outside the tenancy" in got["no-outside-links"]["aws_vpc_peering_connection.juki_neighbour"]
    assert any("external:VPC vpc-0neighbour of account 999999999999" in k for k in got["no-outside-links"])


def test_a_peering_whose_peer_account_is_unknown_is_not_a_pass():
    t = Tenancy()
    t.tf.r("aws_vpc_peering_connection", "juki_q", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
           peer_vpc_id=Ref("aws_vpc.not_here"), peer_owner_id=Unknown())
    got = only(analyse(t), "no-outside-links")
    assert "unknown at plan time" in got["no-outside-links"]["aws_vpc_peering_connection.juki_q"]


def test_a_route_to_an_appliance_may_forward_anywhere():
    t = Tenancy()
    t.route("juki_appliance", t.route_tables["juki"], "0.0.0.0/0", network_interface_id="eni-0appliance")
    got = only(analyse(t), "no-path-mynumber-internet", "no-path-mynumber-lgwan")
    assert any("may forward anywhere" in d and "possibly" in d for d in got["no-path-mynumber-internet"].values())


def test_a_route_whose_destination_is_unknown_may_capture_anything():
    t = Tenancy()
    t.route("juki_unknown_dest", t.route_tables["juki"], None, transit_gateway_id=Ref(t.tgw))
    t.tf.resources[-1]["values"].pop("destination_cidr_block", None)
    t.tf.changes[-1]["change"]["after_unknown"]["destination_cidr_block"] = True
    got = failures(analyse(t))
    assert not got["town-hall-same-tier"] == {}, "an unknown destination must not pass"


def test_a_route_whose_target_is_unknown_is_a_possible_path_anywhere():
    t = Tenancy()
    t.tf.r("aws_route", "juki_unknown_target", route_table_id=Ref(t.route_tables["juki"]),
           destination_cidr_block="0.0.0.0/0", gateway_id=Ref("aws_internet_gateway.elsewhere"))
    got = failures(analyse(t))
    assert got["no-path-mynumber-internet"], "an unresolvable gateway is treated as the internet, never a pass"


def test_the_main_route_table_decides_for_subnets_without_an_association():
    t = Tenancy()
    t.tf.r("aws_subnet", "juki_loose", account=JUKI, vpc_id=Ref(t.vpcs["juki"]), cidr_block="10.20.3.0/24",
           map_public_ip_on_launch=False)
    igw = t.tf.r("aws_internet_gateway", "juki_igw", vpc_id=Ref(t.vpcs["juki"]))
    t.tf.r("aws_route", "juki_main_default", route_table_id=Ref(t.vpcs["juki"], "main_route_table_id"),
           destination_cidr_block="0.0.0.0/0", gateway_id=Ref(igw))
    got = only(analyse(t), "no-internet-edge", "no-path-mynumber-internet")
    path = got["no-path-mynumber-internet"]["aws_vpc.juki -> internet"]
    assert "route table aws_vpc.juki.main_route_table" in path


def test_a_secondary_cidr_outside_the_declared_system_makes_the_tier_unknown():
    t = Tenancy()
    t.tf.r("aws_vpc_ipv4_cidr_block_association", "juki_more", vpc_id=Ref(t.vpcs["juki"]), cidr_block="10.20.16.0/22")
    got = only(analyse(t), "vpcs-declared", "no-path-mynumber-internet", "no-path-lgwan-internet",
               "no-path-mynumber-lgwan", "town-hall-same-tier", "no-internet-edge")
    assert "reach outside system juki's 10.20.0.0/22" in got["vpcs-declared"]["aws_vpc.juki"]


def test_a_prefix_list_route_uses_its_entries_and_an_unknown_list_is_anything():
    t = Tenancy()
    pl = t.tf.r("aws_ec2_managed_prefix_list", "partners", entry=[{"cidr": "198.51.100.0/24"}], max_entries=5)
    igw = t.tf.r("aws_internet_gateway", "juki_igw2", vpc_id=Ref(t.vpcs["juki"]))
    t.tf.r("aws_route", "juki_partners", route_table_id=Ref(t.route_tables["juki"]),
           destination_prefix_list_id=Ref(pl), gateway_id=Ref(igw))
    a = analyse(t)
    leak = next(r for r in a.reaches if r.src == ("vpc", "aws_vpc.juki") and r.dst == ("internet", ""))
    assert str(leak.addresses) == "IPSet(['198.51.100.0/24'])" and not leak.possible


# -- Transit Gateway ----------------------------------------------------------------------------------
def test_an_attachment_associated_with_another_tiers_table():
    t = Tenancy()
    t.route("juki_to_web", t.route_tables["juki"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    t.associate("juki_on_internet", t.attachments["juki"], t.tables["internet"])
    # (still associated with its own table too: what that table does not route may go to the town hall over BGP)
    got = only(analyse(t), "no-path-mynumber-internet", "no-path-mynumber-lgwan", "town-hall-same-tier")
    assert "aws_vpc.juki -> aws_vpc.web" in got["no-path-mynumber-internet"]


def test_a_propagation_into_another_tiers_table_with_a_route_to_use_it():
    t = Tenancy()
    t.propagate("web_into_mynumber", t.attachments["web"], t.tables["mynumber"])
    t.route("juki_to_web", t.route_tables["juki"], CIDRS["web"], transit_gateway_id=Ref(t.tgw))
    assert "aws_vpc.juki -> aws_vpc.web" in only(analyse(t), "no-path-mynumber-internet")["no-path-mynumber-internet"]


def test_default_route_table_association_and_propagation_join_every_tier():
    t = Tenancy()
    t.tf.resources[0]["values"].update(default_route_table_association="enable", default_route_table_propagation="enable")
    for r in t.tf.resources:
        if r["type"] == "aws_ec2_transit_gateway_vpc_attachment_accepter":
            r["values"].update(transit_gateway_default_route_table_association=True,
                               transit_gateway_default_route_table_propagation=True)
    # juki's explicit association removed: it lands in the default table, where every attachment propagates
    t.tf.resources = [r for r in t.tf.resources
                      if r["address"] != "aws_ec2_transit_gateway_route_table_association.juki"]
    t.route("juki_pool", t.route_tables["juki"], "10.20.0.0/16", transit_gateway_id=Ref(t.tgw))
    got = failures(analyse(t))
    assert "aws_vpc.juki -> aws_vpc.web" in got["no-path-mynumber-internet"]
    assert "aws_vpc.juki -> aws_vpc.senkyo" in got["no-path-mynumber-lgwan"]
    assert "aws_ec2_transit_gateway.hub.default_route_table" in got["no-path-mynumber-internet"]["aws_vpc.juki -> aws_vpc.web"]


def test_an_untiered_town_hall_attachment_carries_every_segment():
    t = Tenancy()
    for r in list(t.tf.resources):
        if r["type"] == "aws_ec2_tag" and r["address"] == "aws_ec2_tag.dx_mynumber_tier":
            t.tf.resources.remove(r)
    for r in t.tf.resources:
        if r["type"] == "aws_dx_transit_virtual_interface" and r["name"].startswith("vif_mynumber"):
            r["values"]["tags"] = {}
    got = only(analyse(t), "no-path-mynumber-internet", "no-path-mynumber-lgwan", "town-hall-same-tier")
    assert "town-hall:lgwan -> aws_vpc.juki" in got["town-hall-same-tier"]
    assert "town-hall:internet -> aws_vpc.juki" in got["no-path-mynumber-internet"]


def test_an_attachment_of_an_outside_account_and_an_unknown_accepted_attachment():
    t = Tenancy()
    vpc = t.tf.r("aws_vpc", "stranger", account=OUTSIDER, cidr_block="10.99.0.0/16")
    t.tf.r("aws_ec2_transit_gateway_vpc_attachment", "stranger", account=OUTSIDER, transit_gateway_id=Ref(t.tgw),
           vpc_id=Ref(vpc))
    t.tf.r("aws_ec2_transit_gateway_vpc_attachment_accepter", "ghost", transit_gateway_attachment_id="tgw-attach-0ghost")
    got = only(analyse(t), "no-outside-links", "vpcs-declared")
    assert "outside the tenancy" in got["no-outside-links"]["aws_ec2_transit_gateway_vpc_attachment.stranger"]
    assert "not in the plan" in got["no-outside-links"]["aws_ec2_transit_gateway_vpc_attachment_accepter.ghost"]
    assert "not a system of stack 131121-prod" in got["vpcs-declared"]["aws_vpc.stranger"]


def test_tgw_peering_to_an_outside_account():
    t = Tenancy()
    peer = t.tf.r("aws_ec2_transit_gateway_peering_attachment", "to_pref", transit_gateway_id=Ref(t.tgw),
                  peer_transit_gateway_id="tgw-0prefecture", peer_account_id=OUTSIDER, peer_region="ap-northeast-1")
    t.static("mynumber_to_pref", t.tables["mynumber"], "10.200.0.0/16", peer)
    t.route("juki_to_pref", t.route_tables["juki"], "10.200.0.0/16", transit_gateway_id=Ref(t.tgw))
    got = only(analyse(t), "no-outside-links", "no-path-mynumber-internet", "no-path-mynumber-lgwan")
    assert "Transit Gateway peering with account 999999999999" in \
        got["no-outside-links"]["aws_ec2_transit_gateway_peering_attachment.to_pref"]


# -- RAM, filters --------------------------------------------------------------------------------------
def test_ram_shares_outside_the_tenancy():
    t = Tenancy()
    share = t.tf.r("aws_ram_resource_share", "tgw", allow_external_principals=True)
    t.tf.r("aws_ram_principal_association", "outsider", principal=OUTSIDER, resource_share_arn=Ref(share, "arn"))
    t.tf.r("aws_ram_principal_association", "org", resource_share_arn=Ref(share, "arn"),
           principal="arn:aws:organizations::900000000001:organization/o-abc123")
    t.tf.r("aws_ram_principal_association", "inside", principal=JUKI, resource_share_arn=Ref(share, "arn"))
    got = only(analyse(t), "no-outside-links")["no-outside-links"]
    assert set(got) == {"aws_ram_resource_share.tgw", "aws_ram_principal_association.outsider",
                        "aws_ram_principal_association.org"}
    assert "whole organization or an OU" in got["aws_ram_principal_association.org"]


def test_a_security_group_open_to_the_world_in_two_halves_and_as_separate_rules():
    t = Tenancy()
    sg = t.tf.r("aws_security_group", "web_alb", vpc_id=Ref(t.vpcs["web"]), ingress=[], egress=[])
    for i, half in enumerate(("0.0.0.0/1", "128.0.0.0/1")):
        t.tf.r("aws_vpc_security_group_ingress_rule", f"half{i}", security_group_id=Ref(sg), cidr_ipv4=half,
               from_port=443, to_port=443, ip_protocol="tcp")
    got = only(analyse(t), "not-open-to-the-world")["not-open-to-the-world"]
    assert "admits 3,702,258,688 public addresses" in got["aws_security_group.web_alb"]


def test_town_hall_ranges_do_not_count_as_the_world():
    t = Tenancy()
    t.tf.r("aws_security_group", "juki_app", vpc_id=Ref(t.vpcs["juki"]), egress=[],
           ingress=[{"cidr_blocks": [TOWN_HALL["mynumber"], "203.0.113.0/28"], "from_port": 443, "to_port": 443,
                     "protocol": "tcp"}])
    assert only(analyse(t)) == {}


# -- stack intent ---------------------------------------------------------------------------------------
def test_a_tag_cannot_move_a_vpc_into_another_tier():
    t = Tenancy()
    for r in t.tf.resources:
        if r["address"] == "aws_vpc.web":
            r["values"]["tags"] = {"gcbase:tier": "mynumber", "gcbase:system": "web"}
    a = analyse(t)
    assert a.model.vpcs["aws_vpc.web"].tiers == frozenset({"internet"})
    assert "tagged gcbase:tier=mynumber but the stack declares web in internet" in a.model.vpcs["aws_vpc.web"].tier_note
    assert "vpcs-declared" in {k for k, v in failures(a).items() if v}


def test_a_missing_system_vpc_is_a_failure():
    a = analyse(Tenancy(systems=("juki", "senkyo")))
    got = only(a, "vpcs-declared")
    assert "declared by the stack but no VPC of it is in the plan (missing)" in got["vpcs-declared"]["system:web"]


def test_without_a_stack_every_vpc_fails_the_declaration_and_no_town_hall_range_is_known():
    a = analyse(Tenancy(), no_intent=True)
    got = failures(a)
    assert set(got["vpcs-declared"]) == {"aws_vpc.juki", "aws_vpc.senkyo", "aws_vpc.web"}
    assert {v.tiers for v in a.model.vpcs.values()} == {frozenset({t}) for t in ("mynumber", "lgwan", "internet")}
    # no stack, no declared town-hall ranges: whatever a tier sends to its segment is an undeclared range
    assert "aws_vpc.juki -> town-hall:undeclared" in got["town-hall-same-tier"]


def test_shared_use_members_are_isolated_and_accounts_not_shared():
    t = Tenancy()
    vpc = t.tf.r("aws_vpc", "juki_member", account=MEMBER_ACCOUNT, cidr_block="10.20.4.0/22",
                 tags={"gcbase:tier": "mynumber"})
    pcx = t.tf.r("aws_vpc_peering_connection", "juki_member", account=JUKI, vpc_id=Ref(t.vpcs["juki"]),
                 peer_vpc_id=Ref(vpc), peer_owner_id=MEMBER_ACCOUNT)
    t.route("juki_to_member", t.route_tables["juki"], "10.20.4.0/22", vpc_peering_connection_id=Ref(pcx))
    member = SystemIntent("juki-member", "juki", "vendor-a", "mynumber", "10.20.4.0/22", MEMBER_ACCOUNT, "363022")
    judge = intent(extra_systems=[member], usage_mode="shared", separation="network", members=("131121", "363022"))
    got = only(analyse(t, judge), "members-isolated")
    assert "members 131121 and 363022" in got["members-isolated"]["aws_vpc.juki -> aws_vpc.juki_member"]
    same_account = SystemIntent("juki-member", "juki", "vendor-a", "mynumber", "10.20.4.0/22", JUKI, "363022")
    t2 = Tenancy()
    t2.tf.r("aws_vpc", "juki_member", account=JUKI, cidr_block="10.20.4.0/22")
    judge2 = intent(extra_systems=[same_account], usage_mode="shared", separation="account", members=("131121", "363022"))
    got2 = only(analyse(t2, judge2), "members-isolated")
    assert "account 210000000101 hosts VPCs of 131121, 363022" in got2["members-isolated"]["account:210000000101"]


def test_single_use_has_no_member_verdicts():
    assert analyse(Tenancy()).all()["members-isolated"] == []


@pytest.mark.parametrize("inv", sorted(INVARIANTS))
def test_every_invariant_is_evaluated_on_the_tenancy(inv):
    verdicts = analyse(Tenancy()).all()[inv]
    if inv not in ("members-isolated", "not-open-to-the-world"):  # single use; no security group
        assert verdicts and all(v.passed for v in verdicts)


def test_hub_and_accounts_are_as_declared():
    a = analyse(Tenancy())
    assert a.model.tgws["aws_ec2_transit_gateway.hub"].account == HUB
    assert a.model.vpcs["aws_vpc.senkyo"].account == SENKYO


def test_each_invariant_is_data_reported_by_one_check_that_serves_its_requirement():
    from gcbase.check.catalogue import load_catalogue
    from gcbase.check.netcheck import InvariantCheck
    from gcbase.check.plancheck import plan_checks

    catalogue = load_catalogue()
    for inv in load()[1]:
        meta = catalogue.checks[inv.check]
        assert inv.requirement in meta.requirements, inv.id
    network_checks = {c.id for c in plan_checks() if isinstance(c, InvariantCheck)}
    assert network_checks == {i.check for i in load()[1]}
    assert catalogue.checks["GCJP_AWS_43"].waivable is False


def test_a_route_to_a_gateway_load_balancer_endpoint_may_forward_anywhere():
    t = Tenancy()
    t.route("juki_gwlb", t.route_tables["juki"], "0.0.0.0/0", vpc_endpoint_id="vpce-0gwlb0000000000")
    got = failures(analyse(t))
    assert any("Gateway Load Balancer endpoint" in d and "possibly" in d for d in got["no-path-mynumber-internet"].values())


def test_an_association_with_a_tgw_table_the_plan_does_not_show_may_lead_anywhere():
    t = Tenancy()
    t.tf.resources = [r for r in t.tf.resources if r["address"] != "aws_ec2_transit_gateway_route_table_association.juki"]
    t.tf.r("aws_ec2_transit_gateway_route_table_association", "juki_elsewhere",
           transit_gateway_attachment_id=Ref(t.attachments["juki"]), transit_gateway_route_table_id="tgw-rtb-0elsewhere")
    got = failures(analyse(t))
    assert any("possibly" in d for d in got["no-path-mynumber-internet"].values())


def test_a_gateway_endpoint_reaches_only_its_service():
    t = Tenancy()
    t.tf.r("aws_vpc_endpoint", "juki_s3", vpc_id=Ref(t.vpcs["juki"]), vpc_endpoint_type="Gateway",
           service_name="com.amazonaws.ap-northeast-1.s3", route_table_ids=[Ref(t.route_tables["juki"])])
    assert only(analyse(t)) == {}


# -- Site-to-Site VPN: a town-hall link only when the stack declares its peer (review G-2) ---------------
TOWN_HALL_PEER = "203.0.113.10"


def test_an_undeclared_vpn_tagged_like_the_town_hall_is_a_path_to_the_internet():
    t = Tenancy()
    t.vpn("rogue", "mynumber", "198.51.100.7")
    got = only(analyse(t), "no-path-mynumber-internet", "no-internet-edge", "no-outside-links")
    pair = got["no-path-mynumber-internet"]["internet -> aws_vpc.juki"]
    assert "198.51.100.7" in pair and "the stack declares no town-hall VPN" in pair
    assert "aws_vpn_connection.rogue" in pair and "aws_vpc.juki" in pair
    assert "aws_vpc.juki" in got["no-internet-edge"]
    assert "198.51.100.7" in got["no-outside-links"]["aws_vpn_connection.rogue"]


def test_a_vpn_to_another_address_than_the_declared_peer_is_not_the_town_hall():
    t = Tenancy()
    t.vpn("rogue", "mynumber", "198.51.100.7")
    got = only(analyse(t, intent(vpn_peers=(TOWN_HALL_PEER,))), "no-path-mynumber-internet", "no-internet-edge",
               "no-outside-links")
    assert f"the stack declares the town hall's VPN peer {TOWN_HALL_PEER}" in \
        got["no-outside-links"]["aws_vpn_connection.rogue"]


def test_the_declared_vpn_is_the_town_hall_segment():
    t = Tenancy()
    t.vpn("backup", "mynumber", TOWN_HALL_PEER)
    a = analyse(t, intent(vpn_peers=(TOWN_HALL_PEER,)))
    assert only(a) == {}
    links = {v.resource: v.passed for v in a.evaluate(next(i for i in load()[1] if i.id == "no-outside-links"))}
    assert links["aws_vpn_connection.backup"] is True


def test_a_vpn_whose_customer_gateway_is_not_in_the_plan_is_outside():
    t = Tenancy()
    vpn = t.tf.r("aws_vpn_connection", "elsewhere", customer_gateway_id="cgw-0123456789abcdef0",
                 transit_gateway_id=Ref(t.tgw), type="ipsec.1")
    t.associate("elsewhere_assoc", vpn, t.onprem_tables["mynumber"], "transit_gateway_attachment_id")
    got = only(analyse(t, intent(vpn_peers=(TOWN_HALL_PEER,))), "no-path-mynumber-internet", "no-internet-edge",
               "no-outside-links")
    assert "not in the plan" in got["no-outside-links"]["aws_vpn_connection.elsewhere"]


def test_an_undeclared_vpn_on_a_virtual_private_gateway_reaches_its_vpc_from_the_internet():
    t = Tenancy()
    vgw = t.tf.r("aws_vpn_gateway", "juki_vgw", vpc_id=Ref(t.vpcs["juki"]))
    cgw = t.tf.r("aws_customer_gateway", "juki_cgw", bgp_asn="65000", ip_address="198.51.100.7", type="ipsec.1")
    t.tf.r("aws_vpn_connection", "juki_vpn", customer_gateway_id=Ref(cgw), vpn_gateway_id=Ref(vgw), type="ipsec.1")
    got = failures(analyse(t))
    assert "internet -> aws_vpc.juki" in got["no-path-mynumber-internet"]
    assert "aws_vpn_connection.juki_vpn" in got["no-outside-links"]


# -- PrivateLink and VPC Lattice: the other side must be of the tenancy (review G-4, G-5) ------------------
def _endpoint(t: Tenancy, name: str, service_name) -> str:
    return t.tf.r("aws_vpc_endpoint", name, vpc_id=Ref(t.vpcs["juki"]), vpc_endpoint_type="Interface",
                  subnet_ids=[Ref("aws_subnet.juki_private")], service_name=service_name,
                  policy='{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210000000101:root"},'
                         '"Action":"*","Resource":"*"}]}')


def test_an_interface_endpoint_to_another_accounts_privatelink_service_is_a_link_outside():
    t = Tenancy()
    _endpoint(t, "third_party", "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0")
    got = only(analyse(t), "no-outside-links")
    detail = got["no-outside-links"]["aws_vpc_endpoint.third_party"]
    assert "not an AWS service" in detail and "aws_vpc.juki" in detail


def test_an_endpoint_to_an_aws_service_or_to_the_tenancys_own_service_is_no_outside_link():
    t = Tenancy()
    _endpoint(t, "ssm", "com.amazonaws.ap-northeast-1.ssm")
    svc = t.tf.r("aws_vpc_endpoint_service", "senkyo_api", account=SENKYO, acceptance_required=True,
                 allowed_principals=[f"arn:aws:iam::{JUKI}:root"])
    _endpoint(t, "own_service", Ref(svc, "service_name"))
    a = analyse(t)
    assert only(a) == {}
    links = {v.resource: v.passed for v in a.evaluate(next(i for i in load()[1] if i.id == "no-outside-links"))}
    assert links["aws_vpc_endpoint.own_service"] is True and "aws_vpc_endpoint.ssm" not in links


def test_an_endpoint_service_of_an_outside_account_in_the_plan_and_an_unknown_service_name():
    t = Tenancy()
    svc = t.tf.r("aws_vpc_endpoint_service", "outsider", account=OUTSIDER, acceptance_required=False)
    _endpoint(t, "to_outsider", Ref(svc, "service_name"))
    t.tf.r("aws_vpc_endpoint", "unknown_service", vpc_id=Ref(t.vpcs["juki"]), vpc_endpoint_type="Interface",
           service_name=Unknown())
    got = only(analyse(t), "no-outside-links")["no-outside-links"]
    assert OUTSIDER in got["aws_vpc_endpoint.to_outsider"]
    assert "known only after apply" in got["aws_vpc_endpoint.unknown_service"]


def test_a_lattice_association_with_an_outside_accounts_service_network():
    t = Tenancy()
    t.tf.r("aws_vpclattice_service_network_vpc_association", "juki_outside", vpc_identifier=Ref(t.vpcs["juki"]),
           service_network_identifier=f"arn:aws:vpc-lattice:ap-northeast-1:{OUTSIDER}:servicenetwork/sn-0123456789abcdef0")
    t.tf.r("aws_vpclattice_service_network_vpc_association", "juki_by_id", vpc_identifier=Ref(t.vpcs["juki"]),
           service_network_identifier="sn-0123456789abcdef0")
    own = t.tf.r("aws_vpclattice_service_network", "own", account=JUKI, name="juki")
    t.tf.r("aws_vpclattice_service_network_vpc_association", "juki_own", vpc_identifier=Ref(t.vpcs["juki"]),
           service_network_identifier=Ref(own))
    a = analyse(t)
    got = only(a, "no-outside-links")["no-outside-links"]
    assert OUTSIDER in got["aws_vpclattice_service_network_vpc_association.juki_outside"]
    assert "not in the plan" in got["aws_vpclattice_service_network_vpc_association.juki_by_id"]
    assert "aws_vpclattice_service_network_vpc_association.juki_own" not in got
