"""TransitHub: the shared account's network hub joining the town hall to every workload VPC.

Town hall network (LGWAN or a carrier's closed network) -> Direct Connect transit VIFs ->
Direct Connect gateway -> Transit Gateway, with an optional Site-to-Site VPN as backup.
三層の対策 holds on the hub, not only in each VPC: every tier the town hall connects has its own
VLAN on each line, its own transit VIFs and Direct Connect gateway (and VPN), so its town-hall
segment enters the Transit Gateway through its own attachments. Route tables: one per tier (per
member municipality in shared use) and one per connected tier's town-hall segment; which
attachment associates with and propagates into which table is data (baselines/network/routing.yaml).
The TGW is shared with the system accounts through RAM, inside the organization only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import BASELINES
from gcbase.errors import GcbaseError
from gcbase.settings import DEPRECATED_CONNECTIONS, TIERS
from gcbase.yamlio import load_yaml

ONPREM = "onprem"
ROUTING_FILE = BASELINES / "network" / "routing.yaml"
NETWORK_FILE = BASELINES / "network" / "network.yaml"
_MAX_2BYTE_ASN = 2_147_483_647  # CustomerGateway.bgp_asn takes up to this; above it bgp_asn_extended


@lru_cache(maxsize=None)
def routing_rules() -> dict[str, tuple[str, ...]]:
    """tier -> what its attachments may reach (tier names, "onprem"), checked against the `never` pairs."""
    data = load_yaml(ROUTING_FILE)
    reaches = {k: tuple(v["reaches"]) for k, v in (data.get("tiers") or {}).items()}
    if set(reaches) != set(TIERS):
        raise GcbaseError.one(str(ROUTING_FILE), "tiers", f"must define exactly {list(TIERS)}")
    for kind, targets in reaches.items():
        unknown = set(targets) - {*TIERS, ONPREM}
        if unknown:
            raise GcbaseError.one(str(ROUTING_FILE), f"tiers.{kind}.reaches", f"unknown {sorted(unknown)}")
    for src, dst in data.get("never", []):
        if dst in reaches[src] or src in reaches[dst]:
            raise GcbaseError.one(str(ROUTING_FILE), f"tiers.{src}.reaches", f"{src} and {dst} must never reach each other")
    return reaches


@lru_cache(maxsize=None)
def network_defaults() -> dict:
    return load_yaml(NETWORK_FILE)


def table_key(tier: str, member: Optional[str] = None) -> str:
    """Route table key: "mynumber" (the stack's own), "mynumber@363022" (a member's), "onprem-mynumber"."""
    return f"{tier}@{member}" if member else tier


def onprem_key(tier: str) -> str:
    return f"{ONPREM}-{tier}"


@dataclass
class TransitHubArgs:
    name_prefix: str
    connection: str  # "lgwan" | "closed-network" (or the deprecated "connection-service", kept in names so that
    #                  a deployed connection is not replaced; tags and reports use the current name)
    lines: list[dict] = field(default_factory=list)  # {connection_id, vlans: {tier: vlan}, location}
    vpn_backup: bool = False
    customer_gateway_ip: Optional[str] = None
    vpn_preshared_key: Optional[pulumi.Input[str]] = None  # secret; AWS generates one if None
    amazon_side_asn: int = 64512
    customer_asn: int = 65000
    cidr_pool: str = ""
    on_premises: dict[str, list[str]] = field(default_factory=dict)  # tier -> town-hall ranges
    # (tier, member or None for the stack's own) -> CIDRs of that group's VPCs
    vpc_groups: dict[tuple[str, Optional[str]], list[str]] = field(default_factory=dict)
    share_with_account_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class TransitHub(pulumi.ComponentResource):
    transit_gateway_id: pulumi.Output[str]
    route_table_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: TransitHubArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:network:TransitHub", name, None, opts)
        self._name = name
        self._args = args
        self._hub = network_defaults()["hub"]
        self.cidr_pool = args.cidr_pool
        self.connected = tuple(t for t in TIERS if args.on_premises.get(t))
        self.tgw = self._create_transit_gateway()
        self.transit_gateway_id = self.tgw.id
        self.route_tables = {key: self._create_route_table(key, tier, member)
                             for (tier, member) in args.vpc_groups for key in [table_key(tier, member)]}
        self.route_tables.update({onprem_key(t): self._create_route_table(onprem_key(t), t, None, onprem=True)
                                  for t in self.connected})
        self.route_table_ids = {key: rt.id for key, rt in self.route_tables.items()}
        self.dx: dict[str, tuple[aws.directconnect.Gateway, aws.directconnect.GatewayAssociation]] = {}
        self.vifs: list[aws.directconnect.TransitVirtualInterface] = []
        self.vpns: dict[str, aws.ec2.VpnConnection] = {}
        cgw = self._create_customer_gateway() if args.vpn_backup and self.connected else None
        for i, tier in enumerate(self.connected):
            gateway, association = self._create_direct_connect(tier, i)
            self.dx[tier] = (gateway, association)
            self._tag_attachment(f"{name}-dx-{tier}", association.transit_gateway_attachment_id, tier)
            self.attach_onprem(f"{name}-dx-{tier}", tier, association.transit_gateway_attachment_id)
            if cgw is not None:
                vpn = self._create_vpn(tier, cgw)
                self.vpns[tier] = vpn
                self.attach_onprem(f"{name}-vpn-{tier}", tier, vpn.transit_gateway_attachment_id)
        self.resource_share = self._create_share()
        self.register_outputs({
            "transitGatewayId": self.transit_gateway_id,
            "routeTableIds": self.route_table_ids,
            "dxGatewayIds": {t: gw.id for t, (gw, _) in self.dx.items()},
            "dxAttachmentIds": {t: a.transit_gateway_attachment_id for t, (_, a) in self.dx.items()},
            "vpnAttachmentIds": {t: v.transit_gateway_attachment_id for t, v in self.vpns.items()},
            "resourceShareArn": self.resource_share.arn,
        })

    # -- public: used by WorkloadVpc ---------------------------------------------------------
    def destinations(self, tier: str, member: Optional[str], own_cidr: str) -> list[str]:
        """What a VPC of (tier, member) routes to the TGW: its tier's town-hall ranges, and the CIDRs
        of the other VPCs it may reach (same member, tiers its rules list). Nothing else: no pool,
        no default route, so a destination the rules do not name has no route at all."""
        reaches = routing_rules()[tier]
        dests = list(self._args.on_premises.get(tier, [])) if ONPREM in reaches else []
        for (other_tier, other_member), cidrs in self._args.vpc_groups.items():
            if other_tier in reaches and other_member == member:
                dests += [c for c in cidrs if c != own_cidr]
        return dests

    def attach_vpc(self, name: str, tier: str, member: Optional[str], attachment_id: pulumi.Input[str],
                   opts: pulumi.ResourceOptions) -> list[pulumi.CustomResource]:
        """Associate a VPC attachment with its (tier, member) table; propagate it into the tables of
        the same member's tiers that reach it and into its tier's town-hall table (hub account)."""
        into = [table_key(t, m) for (t, m) in self._args.vpc_groups if m == member and tier in routing_rules()[t]]
        if tier in self.connected and ONPREM in routing_rules()[tier]:
            into.append(onprem_key(tier))
        return self._place(name, table_key(tier, member), attachment_id, into, opts)

    def attach_onprem(self, name: str, tier: str, attachment_id: pulumi.Input[str]) -> list[pulumi.CustomResource]:
        """A town-hall attachment of one tier: associated with that tier's town-hall table, its learned
        routes propagated into that tier's tables only (every member's: the connection is shared)."""
        into = [table_key(t, m) for (t, m) in self._args.vpc_groups if t == tier and ONPREM in routing_rules()[t]]
        return self._place(name, onprem_key(tier), attachment_id, into, pulumi.ResourceOptions(parent=self))

    # -- private ---------------------------------------------------------------------------
    def _place(self, name: str, associate: str, attachment_id: pulumi.Input[str], propagate: list[str],
               opts: pulumi.ResourceOptions) -> list[pulumi.CustomResource]:
        created: list[pulumi.CustomResource] = [aws.ec2transitgateway.RouteTableAssociation(
            f"{name}-assoc-{associate}",
            transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=self.route_table_ids[associate],
            opts=opts,
        )]
        for table in propagate:
            created.append(aws.ec2transitgateway.RouteTablePropagation(
                f"{name}-prop-{table}",
                transit_gateway_attachment_id=attachment_id,
                transit_gateway_route_table_id=self.route_table_ids[table],
                opts=opts,
            ))
        return created

    def _create_transit_gateway(self) -> aws.ec2transitgateway.TransitGateway:
        a = self._args
        return aws.ec2transitgateway.TransitGateway(
            f"{self._name}-tgw",
            description=f"{a.name_prefix} hub ({DEPRECATED_CONNECTIONS.get(a.connection, a.connection)})",
            amazon_side_asn=a.amazon_side_asn,
            default_route_table_association="disable",  # every attachment is placed by the tier rules
            default_route_table_propagation="disable",
            auto_accept_shared_attachments="disable",  # CKV_AWS_331: attachments are accepted explicitly
            dns_support="enable",
            vpn_ecmp_support="enable",
            multicast_support="disable",
            tags={**a.tags, "Name": f"{a.name_prefix}-tgw"},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_route_table(self, key: str, tier: str, member: Optional[str],
                            onprem: bool = False) -> aws.ec2transitgateway.RouteTable:
        tags = {**self._args.tags, "Name": f"{self._args.name_prefix}-tgw-{key.replace('@', '-')}",
                "gcbase:route-table": ONPREM if onprem else tier, "gcbase:tier": tier}
        if member:
            tags["gcbase:member"] = member
        return aws.ec2transitgateway.RouteTable(
            f"{self._name}-rt-{key.replace('@', '-')}",
            transit_gateway_id=self.tgw.id,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _dx_gateway_asn(self, index: int) -> int:
        """A private ASN per Direct Connect gateway: TGW ASN + offset + index, never the customer's."""
        a = self._args
        first = a.amazon_side_asn + int(self._hub["dxGatewayAsnOffset"])
        asn = [n for n in range(first, first + index + 2) if n != a.customer_asn][index]
        if not (64512 <= asn <= 65534 or 4_200_000_000 <= asn <= 4_294_967_294):
            raise GcbaseError.one("gcbase:network", "amazonSideAsn",
                                  f"leaves no private ASN for the Direct Connect gateway (got {asn})")
        return asn

    def _create_direct_connect(self, tier: str, index: int):
        a = self._args
        dxgw = aws.directconnect.Gateway(
            f"{self._name}-dxgw-{tier}",
            name=f"{a.name_prefix}-dxgw-{tier}",
            amazon_side_asn=str(self._dx_gateway_asn(index)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        advertised = sorted({c for (t, _), cidrs in a.vpc_groups.items() if t == tier for c in cidrs})
        association = aws.directconnect.GatewayAssociation(
            f"{self._name}-dxgw-{tier}-tgw",
            dx_gateway_id=dxgw.id,
            associated_gateway_id=self.tgw.id,
            allowed_prefixes=advertised,  # only this tier's VPCs are advertised to this tier's segment
            opts=pulumi.ResourceOptions(parent=self),
        )
        for i, line in enumerate(a.lines, start=1):
            tags = {**a.tags, "gcbase:connection": DEPRECATED_CONNECTIONS.get(a.connection, a.connection), "gcbase:tier": tier}
            if line.get("location"):
                tags["gcbase:location"] = str(line["location"])
            self.vifs.append(aws.directconnect.TransitVirtualInterface(
                f"{self._name}-vif-{tier}-{i}",
                name=f"{a.name_prefix}-{a.connection}-{tier}-vif{i}",
                connection_id=line["connection_id"],
                vlan=int(line["vlans"][tier]),
                dx_gateway_id=dxgw.id,
                address_family=self._hub["vifAddressFamily"],
                bgp_asn=a.customer_asn,
                mtu=int(self._hub["vifMtu"]),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            ))
        return dxgw, association

    def _tag_attachment(self, name: str, attachment_id: pulumi.Input[str], tier: str) -> None:
        """A Direct Connect gateway's TGW attachment is created by AWS (no tags argument): tag it with
        its tier, so a live account shows which town-hall segment enters through it."""
        for key, value in (("gcbase:tier", tier), ("Name", f"{self._args.name_prefix}-dx-{tier}")):
            aws.ec2.Tag(f"{name}-tag-{key.split(':')[-1].lower()}", resource_id=attachment_id, key=key, value=value,
                        opts=pulumi.ResourceOptions(parent=self))

    def _create_customer_gateway(self) -> aws.ec2.CustomerGateway:
        a = self._args
        if not a.customer_gateway_ip:
            raise GcbaseError.one("gcbase:network", "customerGatewayIp", "is required when vpnBackup is true")
        asn = {"bgp_asn": str(a.customer_asn)} if a.customer_asn <= _MAX_2BYTE_ASN \
            else {"bgp_asn_extended": str(a.customer_asn)}
        return aws.ec2.CustomerGateway(
            f"{self._name}-cgw",
            ip_address=a.customer_gateway_ip,
            type="ipsec.1",
            device_name=f"{a.name_prefix}-townhall",
            tags={**a.tags, "Name": f"{a.name_prefix}-cgw"},
            opts=pulumi.ResourceOptions(parent=self),
            **asn,
        )

    def _create_vpn(self, tier: str, cgw: aws.ec2.CustomerGateway) -> aws.ec2.VpnConnection:
        """One VPN per connected tier (its own tunnels, like its own VIFs), as backup to Direct Connect."""
        a = self._args
        suite = {key: list(values) for key, values in self._hub["vpn"].items()}
        tunnel = {f"{t}_{key}": values for t in ("tunnel1", "tunnel2") for key, values in suite.items()}
        if a.vpn_preshared_key is not None:  # a secret: it stays an Output, masked in every plan
            psk = pulumi.Output.secret(a.vpn_preshared_key)
            tunnel.update(tunnel1_preshared_key=psk, tunnel2_preshared_key=psk)
        return aws.ec2.VpnConnection(
            f"{self._name}-vpn-{tier}",
            customer_gateway_id=cgw.id,
            transit_gateway_id=self.tgw.id,
            type="ipsec.1",
            static_routes_only=False,  # BGP, like the Direct Connect path
            tags={**a.tags, "Name": f"{a.name_prefix}-vpn-{tier}", "gcbase:tier": tier},
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=[
                "tunnel1_preshared_key", "tunnel2_preshared_key"]),
            **tunnel,
        )

    def _create_share(self) -> aws.ram.ResourceShare:
        a = self._args
        share = aws.ram.ResourceShare(
            f"{self._name}-share",
            name=f"{a.name_prefix}-tgw",
            allow_external_principals=False,  # only accounts of the organization
            tags=a.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ram.ResourceAssociation(
            f"{self._name}-share-tgw",
            resource_arn=self.tgw.arn,
            resource_share_arn=share.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for account in a.share_with_account_ids:
            aws.ram.PrincipalAssociation(
                f"{self._name}-share-{account}",
                principal=account,
                resource_share_arn=share.arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return share
