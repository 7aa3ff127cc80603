"""TransitHub under the mocks: TGW isolation settings, tier route tables, DX, VPN backup, RAM."""

from __future__ import annotations

import pulumi
import pytest

from helpers import one, synth, test_provider
from gcbase.errors import GcbaseError
from gcbase.settings import TIERS
from modules import network
from modules.network import TransitHub, TransitHubArgs, routing_rules

HUB_ACCOUNT = "210000000001"
LINES = [
    {"connection_id": "dxcon-fgk3a9x1", "vlan": 101, "location": "Equinix TY2"},
    {"connection_id": "dxcon-fh7b2m4q", "vlan": 102, "location": None},
]
STRONG_ENC = {"AES256", "AES256-GCM-16"}
STRONG_INT = {"SHA2-256", "SHA2-384", "SHA2-512"}


def hub_args(**kw) -> TransitHubArgs:
    base = dict(
        name_prefix="gc131121-prod", connection="lgwan", lines=LINES, vpn_backup=False,
        customer_gateway_ip=None, vpn_preshared_key=None, amazon_side_asn=64512, customer_asn=65101,
        cidr_pool="10.20.0.0/16", on_premises_cidrs=["172.16.0.0/16"],
        share_with_account_ids=["210000000101", "210000000102"], tags={"gcbase:municipality": "131121"},
    )
    base.update(kw)
    return TransitHubArgs(**base)


def hub_plan(**kw):
    def program():
        TransitHub("hub", hub_args(**kw), pulumi.ResourceOptions(provider=test_provider(HUB_ACCOUNT)))
    return synth(program)


def tables_by_id(plan) -> dict[str, str]:
    """TGW route table id -> kind (mynumber, lgwan, internet, onprem)."""
    return {r.id: r.name.removeprefix("hub-rt-") for r in plan.of_type("aws:ec2transitgateway/routeTable:RouteTable")}


def placement(plan, attachment_id: str) -> tuple[list[str], set[str]]:
    """(associated tables, propagated tables) of one TGW attachment, as kinds."""
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


def test_one_route_table_per_tier_and_onprem(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    tables = plan.of_type("aws:ec2transitgateway/routeTable:RouteTable")
    assert sorted(tables_by_id(plan).values()) == sorted([*TIERS, "onprem"])
    assert {t.inputs["transitGatewayId"] for t in tables} == {tgw.id}
    assert {t.inputs["tags"]["Name"] for t in tables} == {f"gc131121-prod-tgw-{k}" for k in (*TIERS, "onprem")}


def test_routing_rules_isolate_the_my_number_tier():
    rules = routing_rules()
    assert rules["mynumber"].associate == "mynumber"
    assert set(rules["mynumber"].propagate_to) == {"mynumber", "onprem"}
    assert set(rules["mynumber"].reaches) == {"mynumber", "onprem"}
    assert "internet" not in rules["mynumber"].propagate_to
    assert "mynumber" not in rules["internet"].propagate_to
    assert "internet" not in rules["mynumber"].reaches and "mynumber" not in rules["internet"].reaches
    assert set(rules["onprem"].propagate_to) == set(TIERS)


def test_routing_rules_refuse_an_edit_that_breaks_a_never_pair(tmp_path, monkeypatch):
    bad = tmp_path / "routing.yaml"
    bad.write_text(network.ROUTING_FILE.read_text().replace(
        "reaches: [mynumber, onprem]", "reaches: [mynumber, onprem, internet]"), encoding="utf-8")
    monkeypatch.setattr(network, "ROUTING_FILE", bad)
    routing_rules.cache_clear()
    try:
        with pytest.raises(GcbaseError, match="mynumber must never reach internet"):
            routing_rules()
    finally:
        routing_rules.cache_clear()


def test_direct_connect_gateway_has_its_own_asn_and_only_the_pool(plan):
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    dxgw = one(plan, "aws:directconnect/gateway:Gateway")
    assert dxgw.inputs["name"] == "gc131121-prod-dxgw"
    assert dxgw.inputs["amazonSideAsn"] == "64513"
    assoc = one(plan, "aws:directconnect/gatewayAssociation:GatewayAssociation")
    assert assoc.inputs["dxGatewayId"] == dxgw.id
    assert assoc.inputs["associatedGatewayId"] == tgw.id
    assert assoc.inputs["allowedPrefixes"] == ["10.20.0.0/16"]


def test_dx_gateway_asn_skips_the_customer_asn():
    plan = hub_plan(customer_asn=64513)
    assert one(plan, "aws:directconnect/gateway:Gateway").inputs["amazonSideAsn"] == "64514"


def test_two_lines_give_two_transit_vifs_with_their_vlans(plan):
    dxgw = one(plan, "aws:directconnect/gateway:Gateway")
    vifs = sorted(plan.of_type("aws:directconnect/transitVirtualInterface:TransitVirtualInterface"), key=lambda r: r.name)
    assert [(v.inputs["connectionId"], v.inputs["vlan"]) for v in vifs] == [("dxcon-fgk3a9x1", 101), ("dxcon-fh7b2m4q", 102)]
    for i, vif in enumerate(vifs, start=1):
        assert vif.inputs["name"] == f"gc131121-prod-lgwan-vif{i}"
        assert vif.inputs["dxGatewayId"] == dxgw.id
        assert vif.inputs["bgpAsn"] == 65101
        assert vif.inputs["addressFamily"] == "ipv4"
        assert vif.inputs["mtu"] == 8500
    assert vifs[0].inputs["tags"]["gcbase:location"] == "Equinix TY2"
    assert "gcbase:location" not in vifs[1].inputs["tags"]


def test_dx_attachment_sits_in_onprem_and_feeds_every_tier(plan):
    assoc = one(plan, "aws:directconnect/gatewayAssociation:GatewayAssociation")
    attachment = assoc.outputs["transitGatewayAttachmentId"]
    assert attachment.startswith("tgw-attach-")
    assert placement(plan, attachment) == (["onprem"], set(TIERS))


def test_no_vpn_unless_asked(plan):
    assert plan.of_type("aws:ec2/customerGateway:CustomerGateway") == []
    assert plan.of_type("aws:ec2/vpnConnection:VpnConnection") == []


def test_vpn_backup_is_ikev2_with_strong_suites_and_secret_keys(vpn_plan):
    tgw = one(vpn_plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    cgw = one(vpn_plan, "aws:ec2/customerGateway:CustomerGateway")
    assert cgw.inputs["bgpAsn"] == "65101"
    assert cgw.inputs["ipAddress"] == "203.0.113.10"
    assert cgw.inputs["type"] == "ipsec.1"
    vpn = one(vpn_plan, "aws:ec2/vpnConnection:VpnConnection")
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
    assert "Psk.for_tests_1" not in repr(vpn_plan.to_dict())
    assert placement(vpn_plan, vpn.outputs["transitGatewayAttachmentId"]) == (["onprem"], set(TIERS))
    assert one(vpn_plan, "aws:directconnect/transitVirtualInterface:TransitVirtualInterface", "vif1") \
        .inputs["name"] == "gc131121-prod-connection-service-vif1"


def test_plain_string_psk_is_still_kept_secret():
    plan = hub_plan(vpn_backup=True, customer_gateway_ip="203.0.113.10", vpn_preshared_key="plain.Text_psk9")
    vpn = one(plan, "aws:ec2/vpnConnection:VpnConnection")
    assert vpn.inputs["tunnel1PresharedKey"] == vpn.inputs["tunnel2PresharedKey"] == "[secret]"
    assert "plain.Text_psk9" not in repr(plan.to_dict())


def test_vpn_without_psk_lets_aws_generate_it():
    plan = hub_plan(vpn_backup=True, customer_gateway_ip="203.0.113.10")
    vpn = one(plan, "aws:ec2/vpnConnection:VpnConnection")
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
