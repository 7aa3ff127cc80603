"""The network model: what decides where a packet can go, built from a plan (from_plan.py) or a
deployed account (live.py) and read the same way by the reachability analysis (reach.py).

Addresses are the plan's Terraform addresses (or AWS ids, live); every object keeps the address
of the resource that declared it, so a path names what to change. A value unknown at plan time
is kept as unknown (None destination, "unknown" target), never dropped or guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from netaddr import IPSet

# Route target kinds (AWS route targets and Transit Gateway next hops)
LOCAL, IGW, EIGW, NAT, PRIVATE_NAT, TGW, VGW, PCX, VPCE, ENI, INSTANCE, CARRIER, LGW, CORE, UNKNOWN, BLACKHOLE = (
    "local", "igw", "eigw", "nat", "private-nat", "tgw", "vgw", "pcx", "vpce", "eni", "instance", "carrier",
    "local-gateway", "core-network", "unknown", "blackhole")
# A gateway endpoint's prefix-list route (S3, DynamoDB): reaches an AWS service only. A route whose target is a
# VPC endpoint id (VPCE) is a Gateway Load Balancer endpoint: an appliance that may forward anywhere.
SERVICE = "service"
INTERNET_TARGETS = (IGW, EIGW, NAT, CARRIER)
# Transit Gateway attachment kinds
VPC_ATT, DX_ATT, VPN_ATT, PEERING_ATT, CONNECT_ATT, UNKNOWN_ATT = "vpc", "dx", "vpn", "peering", "connect", "unknown"
ONPREM_ATTS = (DX_ATT, VPN_ATT, CONNECT_ATT)


@dataclass
class Route:
    dest: Optional[IPSet]  # None: the destination is unknown at plan time (it may capture any address)
    prefixlen: int  # longest-prefix-match rank (0 for a default route)
    target: str  # one of the kinds above
    ref: Optional[str]  # address of the target (gateway, attachment, peering, ...), None if unknown
    source: str  # address of the resource that declares the route (aws_route, inline route, TGW route, ...)
    dest_text: str = ""  # as written: 10.20.0.0/22, pl-1234, (unknown)
    propagated: bool = False  # a TGW route learned from an attachment (static routes win on equal prefixes)
    possible: bool = False  # may exist (BGP may advertise it), not certain
    fallback: bool = False  # a possible route that only takes what no certain route carries (BGP leftovers)

    @property
    def certain(self) -> bool:
        return self.dest is not None and not self.possible


@dataclass
class RouteTable:
    address: str
    label: str
    vpc: Optional[str]
    routes: list[Route] = field(default_factory=list)
    main: bool = False


@dataclass
class Subnet:
    address: str
    vpc: Optional[str]
    cidr: Optional[IPSet]
    route_table: Optional[str] = None  # explicit association; None: the VPC's main table
    public_ip_on_launch: Optional[bool] = False  # None: unknown


@dataclass
class Vpc:
    address: str
    label: str
    account: Optional[str]
    region: Optional[str]
    cidrs: IPSet  # known CIDRs (primary and secondary)
    cidrs_unknown: bool = False  # a CIDR is unknown at plan time (IPAM, reference)
    tiers: frozenset[str] = frozenset()  # the declared tier, or every tier when unknown
    tier_source: str = "unknown"  # stack | tag | unknown
    tier_note: str = ""  # why (tag disagrees with the stack, not declared, ...)
    system: Optional[str] = None
    member: Optional[str] = None  # shared use: the member municipality it serves
    subnets: list[str] = field(default_factory=list)
    route_tables: list[str] = field(default_factory=list)
    main_table: Optional[str] = None
    exposures: list[tuple[str, str]] = field(default_factory=list)  # (address, what): IGW, NAT, public IP, EIP
    is_default: bool = False

    @property
    def tier_known(self) -> bool:
        return len(self.tiers) == 1


@dataclass
class Attachment:
    address: str
    label: str
    kind: str  # vpc | dx | vpn | peering | connect | unknown
    tgw: Optional[str]
    vpc: Optional[str] = None  # VPC attachments
    subnets: list[str] = field(default_factory=list)  # VPC attachments: the subnets its ENIs sit in
    account: Optional[str] = None  # the attaching side's account (VPC owner, peer TGW owner)
    tiers: frozenset[str] = frozenset()  # on-premises attachments: town-hall tiers it carries (all if unknown)
    tier_source: str = "unknown"
    peer: Optional[str] = None  # peering: the peer TGW (address) when in the plan
    peer_account: Optional[str] = None
    default_association: Optional[bool] = True  # None: unknown (treated as possibly associated)
    default_propagation: Optional[bool] = True
    resources: list[str] = field(default_factory=list)  # every address that stands for it (attachment, accepter)
    # a VPN whose far end the stack does not declare as the town hall: why (its far end is the internet)
    outside: str = ""


@dataclass
class TgwRouteTable:
    address: str
    label: str
    tgw: Optional[str]
    static: list[Route] = field(default_factory=list)
    propagations: list[tuple[str, str]] = field(default_factory=list)  # (attachment, declaring resource)
    associations: list[tuple[str, str]] = field(default_factory=list)  # (attachment, declaring resource)
    default: bool = False  # the TGW's default route table (AWS creates it)


@dataclass
class TransitGateway:
    address: str
    label: str
    account: Optional[str]
    default_association: Optional[bool]  # None: unknown
    default_propagation: Optional[bool]
    auto_accept: Optional[bool]
    default_table: Optional[str] = None  # address of its (synthetic) default route table


@dataclass
class Peering:
    address: str
    vpc: Optional[str]  # requester VPC (address) when in the plan
    peer_vpc: Optional[str]  # accepter VPC (address) when in the plan
    peer_account: Optional[str]  # peer_owner_id as given (None: unknown, or the same account)
    peer_vpc_id: Optional[str] = None  # as given, when the peer VPC is not in the plan
    peer_region: Optional[str] = None


@dataclass
class Share:
    """A RAM resource share and who it is shared with."""

    address: str
    external_allowed: Optional[bool]  # allow_external_principals (None: unknown)
    principals: list[tuple[str, Optional[str]]] = field(default_factory=list)  # (association address, principal)
    resources: list[str] = field(default_factory=list)  # shared resource addresses / ARNs


@dataclass
class Link:
    """A private link that is neither routing nor sharing: an interface endpoint to a PrivateLink service, a
    VPC Lattice service network association. The other side must be of the tenancy."""

    address: str
    what: str
    vpc: Optional[str]  # the VPC it joins (address) when known
    account: Optional[str]  # the other side's owner; None: unknown (not in the plan, or known only after apply)
    why: str = ""  # when account is None: why it is unknown


@dataclass
class FilterRule:
    """One ingress rule of a security group or network ACL, with the address set it admits."""

    owner: str  # security group / NACL address
    source: str  # address of the resource declaring the rule
    admits: Optional[IPSet]  # None: unknown at plan time (a reference, a prefix list not in the plan)
    ports: str
    what: str  # "security group" | "network ACL"
    text: str  # as written


@dataclass
class NetworkModel:
    source: str  # plan | live
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    tgws: dict[str, TransitGateway] = field(default_factory=dict)
    tgw_tables: dict[str, TgwRouteTable] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    peerings: dict[str, Peering] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    vgws: dict[str, Optional[str]] = field(default_factory=dict)  # virtual private gateway -> VPC it is attached to
    # virtual private gateway -> (VPN, why) for a VPN on it whose far end the stack does not declare (the internet)
    vgw_outside: dict[str, tuple[str, str]] = field(default_factory=dict)
    nat_subnets: dict[str, Optional[str]] = field(default_factory=dict)  # NAT address -> subnet address
    nat_private: dict[str, bool] = field(default_factory=dict)
    ingress: list[FilterRule] = field(default_factory=list)
    filter_owners: dict[str, str] = field(default_factory=dict)  # every security group / NACL -> what it is
    on_premises: dict[str, IPSet] = field(default_factory=dict)  # tier -> town-hall ranges (from the stack)
    notes: list[str] = field(default_factory=list)

    def attachment_of(self, vpc: str, tgw: Optional[str]) -> list[Attachment]:
        """The VPC attachments of a VPC (on one TGW when known)."""
        return [a for a in self.attachments.values()
                if a.kind == VPC_ATT and a.vpc == vpc and (tgw is None or a.tgw is None or a.tgw == tgw)]

    def tables_for(self, vpc: Vpc, subnets: Optional[list[str]] = None) -> list[str]:
        """Route tables that route traffic leaving the given subnets (all of the VPC's when None)."""
        names = subnets if subnets is not None else vpc.subnets
        out: list[str] = []
        for s in names:
            sub = self.subnets.get(s)
            table = sub.route_table if sub and sub.route_table else vpc.main_table
            if table and table not in out:
                out.append(table)
        if not names:  # no subnet known: any of the VPC's tables may be in use
            out = list(dict.fromkeys([*vpc.route_tables, *([vpc.main_table] if vpc.main_table else [])]))
        return out
