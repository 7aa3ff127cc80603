"""A small tenancy shaped like gcbase's (three tiers, one Direct Connect gateway per town-hall segment,
tier route tables on the Transit Gateway) as a Terraform plan, and the Intent it is judged against.
Tests add one weakening at a time and check which invariant catches it, with which path.
"""

from __future__ import annotations

from typing import Optional

from gcbase.intent import Intent, SystemIntent
from tests.network.builder import Ref, Tf

HUB, JUKI, SENKYO, WEB, OUTSIDER = "210000000001", "210000000101", "210000000103", "210000000104", "999999999999"
MEMBER_ACCOUNT = "210000000105"
CIDRS = {"juki": "10.20.0.0/22", "senkyo": "10.20.8.0/22", "web": "10.20.12.0/22"}
TIER = {"juki": "mynumber", "senkyo": "lgwan", "web": "internet"}
ACCOUNT = {"juki": JUKI, "senkyo": SENKYO, "web": WEB}
TOWN_HALL = {"mynumber": "172.16.0.0/20", "lgwan": "172.16.16.0/20", "internet": "172.16.32.0/20"}


def intent(**kw) -> Intent:
    systems = [SystemIntent(s, {"juki": "juki", "senkyo": "senkyo", "web": "denshi-shinsei"}[s], "vendor-a", TIER[s],
                            CIDRS[s], ACCOUNT[s], "131121") for s in CIDRS]
    systems += kw.pop("extra_systems", [])
    base = dict(stack="131121-prod", municipality="131121", file="stacks/Pulumi.131121-prod.yaml", shared_account=HUB,
                identity_account=None, governance_account="900000000001",
                regions=("ap-northeast-1", "ap-northeast-3"), cidr_pool="10.20.0.0/16", systems=tuple(systems),
                on_premises={t: (c,) for t, c in TOWN_HALL.items()}, members=("131121",))
    base.update(kw)
    return Intent(**base)


class Tenancy:
    """The passing tenancy; attributes name the addresses tests weaken."""

    def __init__(self, systems: tuple[str, ...] = ("juki", "senkyo", "web")) -> None:
        self.tf = tf = Tf()
        self.tgw = tf.r("aws_ec2_transit_gateway", "hub", account=HUB, default_route_table_association="disable",
                        default_route_table_propagation="disable", auto_accept_shared_attachments="disable")
        self.tables = {t: tf.r("aws_ec2_transit_gateway_route_table", f"rt_{t}", transit_gateway_id=Ref(self.tgw),
                               tags={"gcbase:route-table": t, "gcbase:tier": t}) for t in TIER.values()}
        self.onprem_tables = {t: tf.r("aws_ec2_transit_gateway_route_table", f"rt_onprem_{t}",
                                      transit_gateway_id=Ref(self.tgw), tags={"gcbase:route-table": "onprem",
                                                                              "gcbase:tier": t}) for t in TIER.values()}
        self.vpcs: dict[str, str] = {}
        self.route_tables: dict[str, str] = {}
        self.attachments: dict[str, str] = {}
        self.dx: dict[str, str] = {}
        for tier in TIER.values():
            self._town_hall(tier)
        for system in systems:
            self._system(system)

    def _town_hall(self, tier: str) -> None:
        tf = self.tf
        gw = tf.r("aws_dx_gateway", f"dxgw_{tier}", name=f"dxgw-{tier}", amazon_side_asn="64513")
        assoc = tf.r("aws_dx_gateway_association", f"dxgw_{tier}_tgw", dx_gateway_id=Ref(gw),
                     associated_gateway_id=Ref(self.tgw), allowed_prefixes=[CIDRS[s] for s in TIER if TIER[s] == tier])
        for line in (1, 2):
            tf.r("aws_dx_transit_virtual_interface", f"vif_{tier}_{line}", dx_gateway_id=Ref(gw),
                 connection_id=f"dxcon-line{line}", vlan=100 + line, tags={"gcbase:tier": tier})
        tf.r("aws_ec2_tag", f"dx_{tier}_tier", resource_id=Ref(assoc, "transit_gateway_attachment_id"),
             key="gcbase:tier", value=tier)
        self.dx[tier] = assoc
        self.associate(f"dx_{tier}", assoc, self.onprem_tables[tier], "transit_gateway_attachment_id")
        self.propagate(f"dx_{tier}_into_{tier}", assoc, self.tables[tier], "transit_gateway_attachment_id")

    def _system(self, system: str) -> None:
        tf, tier, account = self.tf, TIER[system], ACCOUNT[system]
        tags = {"gcbase:tier": tier, "gcbase:system": system}
        vpc = tf.r("aws_vpc", system, account=account, cidr_block=CIDRS[system], tags=tags)
        subnet = tf.r("aws_subnet", f"{system}_private", account=account, vpc_id=Ref(vpc),
                      cidr_block=CIDRS[system].replace("/22", "/24"), map_public_ip_on_launch=False, tags=tags)
        table = tf.r("aws_route_table", f"{system}_private", account=account, vpc_id=Ref(vpc), tags=tags)
        tf.r("aws_route_table_association", f"{system}_private", subnet_id=Ref(subnet), route_table_id=Ref(table))
        att = tf.r("aws_ec2_transit_gateway_vpc_attachment", system, account=account, transit_gateway_id=Ref(self.tgw),
                   vpc_id=Ref(vpc), subnet_ids=[Ref(subnet)], tags=tags)
        accepter = tf.r("aws_ec2_transit_gateway_vpc_attachment_accepter", f"{system}_accept",
                        transit_gateway_attachment_id=Ref(att), transit_gateway_default_route_table_association=False,
                        transit_gateway_default_route_table_propagation=False, tags=tags)
        self.associate(system, accepter, self.tables[tier])
        self.propagate(f"{system}_into_{tier}", accepter, self.tables[tier])
        self.propagate(f"{system}_into_onprem_{tier}", accepter, self.onprem_tables[tier])
        self.route(f"{system}_town_hall", table, TOWN_HALL[tier], transit_gateway_id=Ref(self.tgw))
        if tier == "internet":
            igw = tf.r("aws_internet_gateway", f"{system}_igw", vpc_id=Ref(vpc))
            public = tf.r("aws_subnet", f"{system}_public", account=account, vpc_id=Ref(vpc),
                          cidr_block=CIDRS[system].replace(".0/22", ".0/24").replace("12.0", "13.0"),
                          map_public_ip_on_launch=False)
            public_rt = tf.r("aws_route_table", f"{system}_public", account=account, vpc_id=Ref(vpc))
            tf.r("aws_route_table_association", f"{system}_public", subnet_id=Ref(public), route_table_id=Ref(public_rt))
            self.route(f"{system}_public_default", public_rt, "0.0.0.0/0", gateway_id=Ref(igw))
            eip = tf.r("aws_eip", f"{system}_nat", domain="vpc")
            nat = tf.r("aws_nat_gateway", f"{system}_nat", subnet_id=Ref(public), allocation_id=Ref(eip))
            self.route(f"{system}_default", table, "0.0.0.0/0", nat_gateway_id=Ref(nat))
        self.vpcs[system], self.route_tables[system], self.attachments[system] = vpc, table, accepter

    # -- helpers tests use to weaken -----------------------------------------------------------
    def route(self, name: str, table: str, dest: Optional[str], **target) -> str:
        attrs = {"route_table_id": Ref(table), **target}
        if dest is not None:
            attrs["destination_cidr_block"] = dest
        return self.tf.r("aws_route", name, **attrs)

    def associate(self, name: str, attachment: str, table: str, attr: str = "id") -> str:
        return self.tf.r("aws_ec2_transit_gateway_route_table_association", name,
                         transit_gateway_attachment_id=Ref(attachment, attr), transit_gateway_route_table_id=Ref(table))

    def propagate(self, name: str, attachment: str, table: str, attr: str = "id") -> str:
        return self.tf.r("aws_ec2_transit_gateway_route_table_propagation", name,
                         transit_gateway_attachment_id=Ref(attachment, attr), transit_gateway_route_table_id=Ref(table))

    def static(self, name: str, table: str, dest: str, attachment: Optional[str], attr: str = "id") -> str:
        attrs = {"destination_cidr_block": dest, "transit_gateway_route_table_id": Ref(table)}
        if attachment is None:
            attrs["blackhole"] = True
        else:
            attrs["transit_gateway_attachment_id"] = Ref(attachment, attr)
        return self.tf.r("aws_ec2_transit_gateway_route", name, **attrs)

    def vpn(self, name: str, tier: str, peer: str) -> str:
        """A Site-to-Site VPN on the hub to `peer`, tagged and placed like a town-hall attachment of `tier`."""
        cgw = self.tf.r("aws_customer_gateway", f"{name}_cgw", bgp_asn="65000", ip_address=peer, type="ipsec.1")
        vpn = self.tf.r("aws_vpn_connection", name, customer_gateway_id=Ref(cgw), transit_gateway_id=Ref(self.tgw),
                        type="ipsec.1")
        self.tf.r("aws_ec2_tag", f"{name}_tier", resource_id=Ref(vpn, "transit_gateway_attachment_id"),
                  key="gcbase:tier", value=tier)
        self.associate(f"{name}_assoc", vpn, self.onprem_tables[tier], "transit_gateway_attachment_id")
        self.propagate(f"{name}_into_{tier}", vpn, self.tables[tier], "transit_gateway_attachment_id")
        return vpn

    def plan(self) -> dict:
        return self.tf.plan()
