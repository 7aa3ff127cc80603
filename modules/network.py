"""TransitHub: the shared account's network hub joining the town hall to every workload VPC.

Town hall network (LGWAN or a carrier's closed network) -> Direct Connect transit VIFs ->
Direct Connect gateway -> Transit Gateway, with an optional Site-to-Site VPN as backup.
三層の対策 is enforced by TGW route tables, one per tier plus "onprem"; which attachment
associates with and propagates into which table is data (baselines/network/routing.yaml).
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
from gcbase.settings import TIERS
from gcbase.yamlio import load_yaml

ONPREM = "onprem"
ROUTE_TABLES: tuple[str, ...] = (*TIERS, ONPREM)
ROUTING_FILE = BASELINES / "network" / "routing.yaml"
NETWORK_FILE = BASELINES / "network" / "network.yaml"
_MAX_2BYTE_ASN = 2_147_483_647  # CustomerGateway.bgp_asn takes up to this; above it bgp_asn_extended


@dataclass(frozen=True)
class AttachmentRouting:
    """Where an attachment of one kind (a tier or "onprem") is associated and propagated."""

    associate: str
    propagate_to: tuple[str, ...]
    reaches: tuple[str, ...]  # kinds reachable from an attachment of this kind


@lru_cache(maxsize=None)
def routing_rules() -> dict[str, AttachmentRouting]:
    """Tier routing rules from baselines/network/routing.yaml, checked against its `never` pairs."""
    data = load_yaml(ROUTING_FILE)
    reaches = {k: tuple(v["reaches"]) for k, v in data["routeTables"].items()}
    if set(reaches) != set(ROUTE_TABLES):
        raise GcbaseError.one(str(ROUTING_FILE), "routeTables", f"must define exactly {list(ROUTE_TABLES)}")
    for kind, targets in reaches.items():
        unknown = set(targets) - set(ROUTE_TABLES)
        if unknown:
            raise GcbaseError.one(str(ROUTING_FILE), f"routeTables.{kind}.reaches", f"unknown {sorted(unknown)}")
    for src, dst in data.get("never", []):
        if dst in reaches[src]:
            raise GcbaseError.one(str(ROUTING_FILE), f"routeTables.{src}.reaches", f"{src} must never reach {dst}")
    return {
        kind: AttachmentRouting(
            associate=kind,
            propagate_to=tuple(t for t in ROUTE_TABLES if kind in reaches[t]),
            reaches=reaches[kind],
        )
        for kind in ROUTE_TABLES
    }


@lru_cache(maxsize=None)
def network_defaults() -> dict:
    return load_yaml(NETWORK_FILE)


@dataclass
class TransitHubArgs:
    name_prefix: str
    connection: str  # "lgwan" | "connection-service"
    lines: list[dict] = field(default_factory=list)  # {connection_id, vlan, location}
    vpn_backup: bool = False
    customer_gateway_ip: Optional[str] = None
    vpn_preshared_key: Optional[pulumi.Input[str]] = None  # secret; AWS generates one if None
    amazon_side_asn: int = 64512
    customer_asn: int = 65000
    cidr_pool: str = ""
    on_premises_cidrs: list[str] = field(default_factory=list)
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
        self.on_premises_cidrs = list(args.on_premises_cidrs)
        self.tgw = self._create_transit_gateway()
        self.transit_gateway_id = self.tgw.id
        self.route_tables = {
            kind: aws.ec2transitgateway.RouteTable(
                f"{name}-rt-{kind}",
                transit_gateway_id=self.tgw.id,
                tags={**args.tags, "Name": f"{args.name_prefix}-tgw-{kind}", "gcbase:route-table": kind},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for kind in ROUTE_TABLES
        }
        self.route_table_ids = {kind: rt.id for kind, rt in self.route_tables.items()}
        self.dx_gateway, self.dx_association, self.vifs = self._create_direct_connect()
        self.dx_attachment_id = self.dx_association.transit_gateway_attachment_id
        self.attach(f"{name}-dx", ONPREM, self.dx_attachment_id, pulumi.ResourceOptions(parent=self))
        self.vpn: Optional[aws.ec2.VpnConnection] = self._create_vpn() if args.vpn_backup else None
        self.vpn_attachment_id = self.vpn.transit_gateway_attachment_id if self.vpn else None
        if self.vpn is not None:
            self.attach(f"{name}-vpn", ONPREM, self.vpn_attachment_id, pulumi.ResourceOptions(parent=self))
        self.resource_share = self._create_share()
        self.register_outputs({
            "transitGatewayId": self.transit_gateway_id,
            "routeTableIds": self.route_table_ids,
            "dxGatewayId": self.dx_gateway.id,
            "dxAttachmentId": self.dx_attachment_id,
            "vpnAttachmentId": self.vpn_attachment_id,
            "resourceShareArn": self.resource_share.arn,
        })

    # -- public: used by WorkloadVpc for its TGW attachment -------------------------------
    @staticmethod
    def routing(kind: str) -> AttachmentRouting:
        """Which route table an attachment of `kind` associates with and propagates into."""
        return routing_rules()[kind]

    def attach(self, name: str, kind: str, attachment_id: pulumi.Input[str],
               opts: pulumi.ResourceOptions) -> list[pulumi.CustomResource]:
        """Associate an attachment with its table and propagate it per the rules (hub account)."""
        rule = self.routing(kind)
        created: list[pulumi.CustomResource] = [aws.ec2transitgateway.RouteTableAssociation(
            f"{name}-assoc-{rule.associate}",
            transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=self.route_table_ids[rule.associate],
            opts=opts,
        )]
        for table in rule.propagate_to:
            created.append(aws.ec2transitgateway.RouteTablePropagation(
                f"{name}-prop-{table}",
                transit_gateway_attachment_id=attachment_id,
                transit_gateway_route_table_id=self.route_table_ids[table],
                opts=opts,
            ))
        return created

    # -- private ---------------------------------------------------------------------------
    def _create_transit_gateway(self) -> aws.ec2transitgateway.TransitGateway:
        a = self._args
        return aws.ec2transitgateway.TransitGateway(
            f"{self._name}-tgw",
            description=f"{a.name_prefix} hub ({a.connection})",
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

    def _dx_gateway_asn(self) -> int:
        a = self._args
        asn = a.amazon_side_asn + int(self._hub["dxGatewayAsnOffset"])
        if asn == a.customer_asn:
            asn += 1
        if not (64512 <= asn <= 65534 or 4_200_000_000 <= asn <= 4_294_967_294):
            raise GcbaseError.one("gcbase:network", "amazonSideAsn",
                                  f"leaves no private ASN for the Direct Connect gateway (got {asn})")
        return asn

    def _create_direct_connect(self):
        a = self._args
        dxgw = aws.directconnect.Gateway(
            f"{self._name}-dxgw",
            name=f"{a.name_prefix}-dxgw",
            amazon_side_asn=str(self._dx_gateway_asn()),
            opts=pulumi.ResourceOptions(parent=self),
        )
        association = aws.directconnect.GatewayAssociation(
            f"{self._name}-dxgw-tgw",
            dx_gateway_id=dxgw.id,
            associated_gateway_id=self.tgw.id,
            allowed_prefixes=[a.cidr_pool],  # only the system CIDR pool is advertised to the town hall
            opts=pulumi.ResourceOptions(parent=self),
        )
        vifs = []
        for i, line in enumerate(a.lines, start=1):
            tags = {**a.tags, "gcbase:connection": a.connection}
            if line.get("location"):
                tags["gcbase:location"] = str(line["location"])
            vifs.append(aws.directconnect.TransitVirtualInterface(
                f"{self._name}-vif{i}",
                name=f"{a.name_prefix}-{a.connection}-vif{i}",
                connection_id=line["connection_id"],
                vlan=int(line["vlan"]),
                dx_gateway_id=dxgw.id,
                address_family=self._hub["vifAddressFamily"],
                bgp_asn=a.customer_asn,
                mtu=int(self._hub["vifMtu"]),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            ))
        return dxgw, association, vifs

    def _create_vpn(self) -> aws.ec2.VpnConnection:
        a = self._args
        if not a.customer_gateway_ip:
            raise GcbaseError.one("gcbase:network", "customerGatewayIp", "is required when vpnBackup is true")
        asn = {"bgp_asn": str(a.customer_asn)} if a.customer_asn <= _MAX_2BYTE_ASN \
            else {"bgp_asn_extended": str(a.customer_asn)}
        cgw = aws.ec2.CustomerGateway(
            f"{self._name}-cgw",
            ip_address=a.customer_gateway_ip,
            type="ipsec.1",
            device_name=f"{a.name_prefix}-townhall",
            tags={**a.tags, "Name": f"{a.name_prefix}-cgw"},
            opts=pulumi.ResourceOptions(parent=self),
            **asn,
        )
        suite = {key: list(values) for key, values in self._hub["vpn"].items()}
        tunnel = {f"{t}_{key}": values for t in ("tunnel1", "tunnel2") for key, values in suite.items()}
        if a.vpn_preshared_key is not None:  # a secret: it stays an Output, masked in every plan
            psk = pulumi.Output.secret(a.vpn_preshared_key)
            tunnel.update(tunnel1_preshared_key=psk, tunnel2_preshared_key=psk)
        return aws.ec2.VpnConnection(
            f"{self._name}-vpn",
            customer_gateway_id=cgw.id,
            transit_gateway_id=self.tgw.id,
            type="ipsec.1",
            static_routes_only=False,  # BGP, like the Direct Connect path
            tags={**a.tags, "Name": f"{a.name_prefix}-vpn-backup"},
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
