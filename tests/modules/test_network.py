"""TransitHub under the mocks: TGW isolation settings, tier route tables, one Direct Connect gateway,
VIFs and VPN per connected tier, RAM sharing inside the organization."""

from __future__ import annotations

import pulumi
import pytest

from helpers import one, synth, test_provider
from gcbase.errors import GcbaseError
from modules import network
from modules.network import TransitHub, TransitHubArgs, routing_rules

HUB_ACCOUNT = "210000000001"
LINES = [
    {"connection_id": "dxcon-fgk3a9x1", "vlans": {"mynumber": 101, "lgwan": 111}, "location": "Equinix TY2"},
    {"connection_id": "dxcon-fh7b2m4q", "vlans": {"mynumber": 102, "lgwan": 112}, "location": None},
]
ONPREM = {"mynumber": ["172.16.0.0/20"], "lgwan": ["172.16.16.0/20"]}
GROUPS = {("mynumber", None): ["10.20.0.0/22", "10.20.4.0/22"], ("lgwan", None): ["10.20.8.0/22"],
          ("internet", None): ["10.20.12.0/22"], ("mynumber", "363022"): ["10.20.16.0/22"]}
STRONG_ENC = {"AES256", "AES256-GCM-16"}
STRONG_INT = {"SHA2-256", "SHA2-384", "SHA2-512"}


def hub_args(**kw) -> TransitHubArgs:
    base = dict(
        name_prefix="gc131121-prod", connection="lgwan", lines=LINES, vpn_backup=False,
        customer_gateway_ip=None, vpn_preshared_key=None, amazon_side_asn=64512, customer_asn=65101,
        cidr_pool="10.20.0.0/16", on_premises=ONPREM, vpc_groups=GROUPS,
        share_with_account_ids=["210000000101", "210000000102"], tags={"gcbase:municipality": "131121"},
    )
    base.update(kw)
    return TransitHubArgs(**base)


def hub_plan(**kw):
    def program():
        TransitHub("hub", hub_args(**kw), pulumi.ResourceOptions(provider=test_provider(HUB_ACCOUNT)))
    return synth(program)


def tables_by_id(plan) -> dict[str, str]:
    """TGW route table id -> key (mynumber, mynumber-363022, onprem-lgwan, ...)."""
    return {r.id: r.name.removeprefix("hub-rt-") for r in plan.of_type("aws:ec2transitgateway/routeTable:RouteTable")}


def placement(plan, attachment_id: str) -> tuple[list[str], set[str]]:
    """(associated tables, propagated tables) of one TGW attachment, as keys."""
    kinds = tables_by_id(plan)
    assoc = [kinds[r.inputs["transitGatewayRouteTableId"]]
             for r in plan.of_type("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
             if r.inputs["transitGatewayAttachmentId"] == attachment_id]
    prop = {kinds[r.inputs["transitGatewayRouteTableId"]]
            for r in plan.of_type("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation")
            if r.inputs["transitGatewayAttachmentId"] == attachment_id}
    return assoc, prop


@pytest.fixture(scope="module")
def plan():
    return hub_plan()


@pytest.fixture(scope="module")
def vpn_plan():
    return hub_plan(vpn_backup=True, customer_gateway_ip="203.0.113.10",
                    vpn_preshared_key=pulumi.Output.secret("Psk.for_tests_1"), connection="connection-service")


def test_transit_gateway_places_every_attachment_explicitly(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    assert tgw.inputs["amazonSideAsn"] == 64512
    assert tgw.inputs["defaultRouteTableAssociation"] == "disable"
    assert tgw.inputs["defaultRouteTablePropagation"] == "disable"
    assert tgw.inputs["autoAcceptSharedAttachments"] == "disable"
    assert tgw.inputs["dnsSupport"] == "enable"
    assert plan.account_of(tgw) == HUB_ACCOUNT


def test_one_route_table_per_tier_and_member_and_per_connected_town_hall_segment(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    tables = plan.of_type("aws:ec2transitgateway/routeTable:RouteTable")
    assert sorted(tables_by_id(plan).values()) == sorted(
        ["mynumber", "lgwan", "internet", "mynumber-363022", "onprem-mynumber", "onprem-lgwan"])
    assert {t.inputs["transitGatewayId"] for t in tables} == {tgw.id}
    tags = {t.name.removeprefix("hub-rt-"): t.inputs["tags"] for t in tables}
    assert tags["onprem-lgwan"]["gcbase:route-table"] == "onprem" and tags["onprem-lgwan"]["gcbase:tier"] == "lgwan"
    assert tags["mynumber-363022"]["gcbase:member"] == "363022"
    assert tags["mynumber"]["gcbase:route-table"] == "mynumber" and "gcbase:member" not in tags["mynumber"]


def test_routing_rules_isolate_the_my_number_tier():
    rules = routing_rules()
    assert set(rules["mynumber"]) == {"mynumber", "onprem"}
    assert "internet" not in rules["mynumber"] and "mynumber" not in rules["internet"]
    assert "lgwan" not in rules["mynumber"]


def test_routing_rules_refuse_an_edit_that_breaks_a_never_pair(tmp_path, monkeypatch):
    bad = tmp_path / "routing.yaml"
    bad.write_text(network.ROUTING_FILE.read_text().replace(
        "reaches: [internet, onprem]", "reaches: [internet, onprem, mynumber]"), encoding="utf-8")
    monkeypatch.setattr(network, "ROUTING_FILE", bad)
    routing_rules.cache_clear()
    try:
        with pytest.raises(GcbaseError, match="mynumber and internet must never reach each other"):
            routing_rules()
    finally:
        routing_rules.cache_clear()


def test_one_direct_connect_gateway_per_connected_tier_advertising_only_that_tier(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    gateways = {g.inputs["name"]: g for g in plan.of_type("aws:directconnect/gateway:Gateway")}
    assert set(gateways) == {"gc131121-prod-dxgw-mynumber", "gc131121-prod-dxgw-lgwan"}
    assert [gateways[f"gc131121-prod-dxgw-{t}"].inputs["amazonSideAsn"] for t in ("mynumber", "lgwan")] == ["64513", "64514"]
    for tier, prefixes in (("mynumber", ["10.20.0.0/22", "10.20.16.0/22", "10.20.4.0/22"]), ("lgwan", ["10.20.8.0/22"])):
        assoc = one(plan, "aws:directconnect/gatewayAssociation:GatewayAssociation", f"dxgw-{tier}-tgw")
        assert assoc.inputs["dxGatewayId"] == gateways[f"gc131121-prod-dxgw-{tier}"].id
        assert assoc.inputs["associatedGatewayId"] == tgw.id
        assert assoc.inputs["allowedPrefixes"] == prefixes


def test_dx_gateway_asn_skips_the_customer_asn():
    plan = hub_plan(customer_asn=64513)
    assert sorted(g.inputs["amazonSideAsn"] for g in plan.of_type("aws:directconnect/gateway:Gateway")) == ["64514", "64515"]


def test_each_line_carries_one_vif_per_tier_on_its_vlan(plan):
    vifs = sorted(plan.of_type("aws:directconnect/transitVirtualInterface:TransitVirtualInterface"), key=lambda r: r.name)
    got = [(v.inputs["tags"]["gcbase:tier"], v.inputs["connectionId"], v.inputs["vlan"]) for v in vifs]
    assert got == [("lgwan", "dxcon-fgk3a9x1", 111), ("lgwan", "dxcon-fh7b2m4q", 112),
                   ("mynumber", "dxcon-fgk3a9x1", 101), ("mynumber", "dxcon-fh7b2m4q", 102)]
    gateways = {g.id: g.inputs["name"] for g in plan.of_type("aws:directconnect/gateway:Gateway")}
    for vif in vifs:
        tier = vif.inputs["tags"]["gcbase:tier"]
        assert gateways[vif.inputs["dxGatewayId"]] == f"gc131121-prod-dxgw-{tier}"
        assert vif.inputs["name"].startswith(f"gc131121-prod-lgwan-{tier}-vif")
        assert vif.inputs["bgpAsn"] == 65101 and vif.inputs["addressFamily"] == "ipv4" and vif.inputs["mtu"] == 8500
    assert vifs[0].inputs["tags"]["gcbase:location"] == "Equinix TY2"
    assert "gcbase:location" not in vifs[1].inputs["tags"]


def test_a_tiers_town_hall_attachment_sits_in_its_table_and_feeds_only_its_tier(plan):
    for tier, feeds in (("mynumber", {"mynumber", "mynumber-363022"}), ("lgwan", {"lgwan"})):
        assoc = one(plan, "aws:directconnect/gatewayAssociation:GatewayAssociation", f"dxgw-{tier}-tgw")
        attachment = assoc.outputs["transitGatewayAttachmentId"]
        assert attachment.startswith("tgw-attach-")
        assert placement(plan, attachment) == ([f"onprem-{tier}"], feeds)
        tags = {t.inputs["key"]: t.inputs["value"] for t in plan.of_type("aws:ec2/tag:Tag")
                if t.inputs["resourceId"] == attachment}
        assert tags == {"gcbase:tier": tier, "Name": f"gc131121-prod-dx-{tier}"}


def test_destinations_are_the_tiers_town_hall_and_its_same_member_vpcs():
    def program():
        hub = TransitHub("hub", hub_args(), pulumi.ResourceOptions(provider=test_provider(HUB_ACCOUNT)))
        assert hub.destinations("mynumber", None, "10.20.0.0/22") == ["172.16.0.0/20", "10.20.4.0/22"]
        assert hub.destinations("mynumber", "363022", "10.20.16.0/22") == ["172.16.0.0/20"]
        assert hub.destinations("internet", None, "10.20.12.0/22") == []  # no town-hall range for internet here
        assert hub.destinations("lgwan", None, "10.20.8.0/22") == ["172.16.16.0/20"]
    synth(program)


def test_no_vpn_unless_asked(plan):
    assert plan.of_type("aws:ec2/customerGateway:CustomerGateway") == []
    assert plan.of_type("aws:ec2/vpnConnection:VpnConnection") == []


def test_vpn_backup_per_tier_is_ikev2_with_strong_suites_and_secret_keys(vpn_plan):
    tgw = one(vpn_plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    cgw = one(vpn_plan, "aws:ec2/customerGateway:CustomerGateway")
    assert cgw.inputs["bgpAsn"] == "65101"
    assert cgw.inputs["ipAddress"] == "203.0.113.10"
    assert cgw.inputs["type"] == "ipsec.1"
    vpns = {v.inputs["tags"]["gcbase:tier"]: v for v in vpn_plan.of_type("aws:ec2/vpnConnection:VpnConnection")}
    assert set(vpns) == {"mynumber", "lgwan"}
    for tier, vpn in vpns.items():
        assert vpn.inputs["customerGatewayId"] == cgw.id
        assert vpn.inputs["transitGatewayId"] == tgw.id
        assert vpn.inputs["staticRoutesOnly"] is False
        for t in ("tunnel1", "tunnel2"):
            assert vpn.inputs[f"{t}IkeVersions"] == ["ikev2"]
            for phase in ("Phase1", "Phase2"):
                assert set(vpn.inputs[f"{t}{phase}EncryptionAlgorithms"]) <= STRONG_ENC
                assert set(vpn.inputs[f"{t}{phase}IntegrityAlgorithms"]) <= STRONG_INT
                assert min(vpn.inputs[f"{t}{phase}DhGroupNumbers"]) >= 14
            assert vpn.inputs[f"{t}PresharedKey"] == "[secret]"
        feeds = {"mynumber", "mynumber-363022"} if tier == "mynumber" else {"lgwan"}
        assert placement(vpn_plan, vpn.outputs["transitGatewayAttachmentId"]) == ([f"onprem-{tier}"], feeds)
    assert "Psk.for_tests_1" not in repr(vpn_plan.to_dict())
    assert one(vpn_plan, "aws:directconnect/transitVirtualInterface:TransitVirtualInterface", "vif-mynumber-1") \
        .inputs["name"] == "gc131121-prod-connection-service-mynumber-vif1"


def test_plain_string_psk_is_still_kept_secret():
    plan = hub_plan(vpn_backup=True, customer_gateway_ip="203.0.113.10", vpn_preshared_key="plain.Text_psk9")
    for vpn in plan.of_type("aws:ec2/vpnConnection:VpnConnection"):
        assert vpn.inputs["tunnel1PresharedKey"] == vpn.inputs["tunnel2PresharedKey"] == "[secret]"
    assert "plain.Text_psk9" not in repr(plan.to_dict())


def test_vpn_without_psk_lets_aws_generate_it():
    plan = hub_plan(vpn_backup=True, customer_gateway_ip="203.0.113.10")
    for vpn in plan.of_type("aws:ec2/vpnConnection:VpnConnection"):
        assert "tunnel1PresharedKey" not in vpn.inputs and "tunnel2PresharedKey" not in vpn.inputs


def test_vpn_backup_needs_the_customer_gateway_ip():
    with pytest.raises(GcbaseError, match="customerGatewayIp: is required when vpnBackup is true"):
        hub_plan(vpn_backup=True)


def test_transit_gateway_is_shared_inside_the_organization_only(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    share = one(plan, "aws:ram/resourceShare:ResourceShare")
    assert share.inputs["allowExternalPrincipals"] is False
    assert share.inputs["name"] == "gc131121-prod-tgw"
    res = one(plan, "aws:ram/resourceAssociation:ResourceAssociation")
    assert res.inputs == {"resourceArn": tgw.outputs["arn"], "resourceShareArn": share.outputs["arn"]}
    principals = plan.of_type("aws:ram/principalAssociation:PrincipalAssociation")
    assert sorted(p.inputs["principal"] for p in principals) == ["210000000101", "210000000102"]
    assert {p.inputs["resourceShareArn"] for p in principals} == {share.outputs["arn"]}
