"""Network weakenings (issue: 三層分離 and tenant separation proven over paths): each adds or changes a
path, an exposure, a link outside the tenancy or a filter, as a vendor could in the plan, the stack
config or the program's source. Every one must be killed, by a network invariant (with its path) or,
for a config, by validation.
"""

from __future__ import annotations

from gcbase.model import Plan, Resource
from tests.mutation.edits import add, drop, find, one, set_input
from tests.mutation.harness import Mutation, MutationError

STG, PROD, KAMIYAMA = "131121-stg", "131121-prod", "363421-prod"
OUTSIDER = "999999999999"
NETWORK_MUTATIONS: list[Mutation] = []

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
RT = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
TGW = "aws:ec2transitgateway/transitGateway:TransitGateway"
TGW_RT = "aws:ec2transitgateway/routeTable:RouteTable"
TGW_ROUTE = "aws:ec2transitgateway/route:Route"
TGW_PROP = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"
TGW_ASSOC = "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"
ACCEPTER = "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter"
ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
DX_ASSOC = "aws:directconnect/gatewayAssociation:GatewayAssociation"
VIF = "aws:directconnect/transitVirtualInterface:TransitVirtualInterface"
PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
SG = "aws:ec2/securityGroup:SecurityGroup"


def plan_mutation(mid: str, stack: str = STG):
    def register(fn):
        NETWORK_MUTATIONS.append(Mutation(mid, stack, (fn.__doc__ or "").strip(), fn))
        return fn
    return register


def config_mutation(mid: str, stack: str = PROD):
    def register(fn):
        NETWORK_MUTATIONS.append(Mutation(mid, stack, (fn.__doc__ or "").strip(), fn, kind="config"))
        return fn
    return register


def source_mutation(mid: str, description: str, file: str, old: str, new: str, stack: str = PROD) -> None:
    NETWORK_MUTATIONS.append(Mutation(mid, stack, description, lambda _: None, kind="source", edit=(file, old, new)))


# -- helpers -----------------------------------------------------------------------------------
def _route(p: Plan, table: Resource, name: str, dest: str, **target: Resource | str) -> Resource:
    inputs: dict = {"routeTableId": table.id, "destinationCidrBlock": dest}
    deps = {"routeTableId": table}
    for key, value in target.items():
        if isinstance(value, Resource):
            inputs[key] = value.outputs.get("transitGatewayAttachmentId") if key == "transitGatewayAttachmentId" \
                else value.id
            deps[key] = value
        else:
            inputs[key] = value
    return add(p, table, ROUTE, name, inputs, deps, "r-")


def _tgw_static(p: Plan, table: Resource, name: str, dest: str, accepter: Resource) -> Resource:
    att = accepter.inputs["transitGatewayAttachmentId"]
    return add(p, table, TGW_ROUTE, name, {"transitGatewayRouteTableId": table.id, "destinationCidrBlock": dest,
                                           "transitGatewayAttachmentId": att},
               {"transitGatewayRouteTableId": table, "transitGatewayAttachmentId": accepter}, "tgw-rtb-r-")


def _private_rt(p: Plan, system: str, i: int = 0) -> Resource:
    return one(p, RT, f"-{system}-rt-private-{i}")


def _vpc(p: Plan, system: str) -> Resource:
    return one(p, VPC, f"-{system}-vpc")


def _cidr(p: Plan, system: str) -> str:
    return _vpc(p, system).inputs["cidrBlock"]


def _accepter(p: Plan, system: str) -> Resource:
    return one(p, ACCEPTER, f"-{system}-tgw-accept")


def _table(p: Plan, key: str) -> Resource:
    found = [r for r in find(p, TGW_RT) if r.name.endswith(f"-hub-rt-{key}")]
    if not found:
        raise MutationError(f"no TGW route table {key}")
    return found[0]


def _both_private_tables(p: Plan, system: str, name: str, dest: str, **target) -> None:
    for i in (0, 1):
        _route(p, _private_rt(p, system, i), f"mutant-{name}-{i}", dest, **target)


# -- paths between tiers (plan) -----------------------------------------------------------------
@plan_mutation("net-tgw-static-route-mynumber-to-internet-tier", PROD)
def _(p):
    """A static TGW route in the My Number table to the internet tier's attachment, and a VPC route to use it."""
    _tgw_static(p, _table(p, "mynumber"), "mutant-tgw-mynumber-to-shinsei", _cidr(p, "shinsei"), _accepter(p, "shinsei"))
    _both_private_tables(p, "juki", "juki-to-shinsei", _cidr(p, "shinsei"), transitGatewayId=one(p, TGW))


@plan_mutation("net-mynumber-default-route-through-internet-nat", PROD)
def _(p):
    """The My Number VPC sends everything to the TGW, whose My Number table sends it to the internet tier (its NAT)."""
    _tgw_static(p, _table(p, "mynumber"), "mutant-tgw-mynumber-default", "0.0.0.0/0", _accepter(p, "shinsei"))
    _both_private_tables(p, "juki", "juki-default", "0.0.0.0/0", transitGatewayId=one(p, TGW))


@plan_mutation("net-internet-tier-propagates-into-mynumber-table", PROD)
def _(p):
    """The internet tier's attachment propagates into the My Number table; zei routes the internet tier's CIDR to it."""
    acc, rt = _accepter(p, "shinsei"), _table(p, "mynumber")
    add(p, acc, TGW_PROP, "mutant-shinsei-prop-mynumber",
        {"transitGatewayAttachmentId": acc.inputs["transitGatewayAttachmentId"], "transitGatewayRouteTableId": rt.id},
        {"transitGatewayAttachmentId": acc, "transitGatewayRouteTableId": rt})
    _both_private_tables(p, "zei", "zei-to-shinsei", _cidr(p, "shinsei"), transitGatewayId=one(p, TGW))


@plan_mutation("net-mynumber-attachment-moved-to-lgwan-table", PROD)
def _(p):
    """The My Number attachment is associated with the LGWAN table, and routes the LGWAN VPC's CIDR there."""
    rt = _table(p, "lgwan")
    set_input(one(p, TGW_ASSOC, "-juki-tgw-assoc-mynumber"), "transitGatewayRouteTableId", rt.id, rt)
    _both_private_tables(p, "juki", "juki-to-senkyo", _cidr(p, "senkyo"), transitGatewayId=one(p, TGW))


@plan_mutation("net-peering-mynumber-lgwan", PROD)
def _(p):
    """VPC peering between the My Number and the LGWAN VPC, routed."""
    juki, senkyo = _vpc(p, "juki"), _vpc(p, "senkyo")
    pcx = add(p, juki, PEERING, "mutant-juki-senkyo-pcx", {"vpcId": juki.id, "peerVpcId": senkyo.id,
                                                            "peerOwnerId": "210000000103"},
              {"vpcId": juki, "peerVpcId": senkyo}, "pcx-")
    _both_private_tables(p, "juki", "juki-pcx", _cidr(p, "senkyo"), vpcPeeringConnectionId=pcx)


@plan_mutation("net-peering-mynumber-to-another-municipality")
def _(p):
    """VPC peering from the My Number VPC to another municipality's account, routed."""
    juki = _vpc(p, "juki")
    pcx = add(p, juki, PEERING, "mutant-juki-neighbour-pcx", {"vpcId": juki.id, "peerVpcId": "vpc-0neighbour00000",
                                                              "peerOwnerId": OUTSIDER}, {"vpcId": juki}, "pcx-")
    _both_private_tables(p, "juki", "juki-neighbour", "10.99.0.0/16", vpcPeeringConnectionId=pcx)


@plan_mutation("net-lgwan-vpc-routes-to-internet-tier", PROD)
def _(p):
    """The LGWAN table gets a static route to the internet tier's attachment."""
    _tgw_static(p, _table(p, "lgwan"), "mutant-tgw-lgwan-to-shinsei", _cidr(p, "shinsei"), _accepter(p, "shinsei"))
    _both_private_tables(p, "senkyo", "senkyo-to-shinsei", _cidr(p, "shinsei"), transitGatewayId=one(p, TGW))


# -- internet edge (plan) -------------------------------------------------------------------------
@plan_mutation("net-igw-and-nat-in-lgwan-vpc", PROD)
def _(p):
    """An internet gateway and a NAT gateway appear in the LGWAN tier's VPC, with a default route."""
    vpc, subnet = _vpc(p, "senkyo"), one(p, SUBNET, "-senkyo-private-0")
    add(p, vpc, "aws:ec2/internetGateway:InternetGateway", "mutant-senkyo-igw", {"vpcId": vpc.id}, {"vpcId": vpc}, "igw-")
    nat = add(p, subnet, "aws:ec2/natGateway:NatGateway", "mutant-senkyo-nat", {"subnetId": subnet.id},
              {"subnetId": subnet}, "nat-")
    _both_private_tables(p, "senkyo", "senkyo-default", "0.0.0.0/0", natGatewayId=nat)


@plan_mutation("net-igw-route-in-mynumber-main-table")
def _(p):
    """An internet gateway in the My Number VPC, routed from its main route table."""
    vpc = _vpc(p, "juki")
    igw = add(p, vpc, "aws:ec2/internetGateway:InternetGateway", "mutant-juki-igw", {"vpcId": vpc.id}, {"vpcId": vpc}, "igw-")
    add(p, vpc, ROUTE, "mutant-juki-main-default", {"routeTableId": vpc.outputs.get("mainRouteTableId", "rtb-main"),
                                                    "destinationCidrBlock": "0.0.0.0/0", "gatewayId": igw.id},
        {"gatewayId": igw}, "r-")


@plan_mutation("net-public-ip-instance-in-lgwan", PROD)
def _(p):
    """An instance with a public IP address in the LGWAN VPC."""
    subnet = one(p, SUBNET, "-senkyo-private-0")
    add(p, subnet, "aws:ec2/instance:Instance", "mutant-senkyo-bastion",
        {"subnetId": subnet.id, "associatePublicIpAddress": True, "ami": "ami-0123456789abcdef0",
         "instanceType": "t3.micro"}, {"subnetId": subnet}, "i-")


@plan_mutation("net-eip-on-mynumber-instance")
def _(p):
    """An Elastic IP on an instance in the My Number VPC."""
    subnet = one(p, SUBNET, "-juki-private-0")
    inst = add(p, subnet, "aws:ec2/instance:Instance", "mutant-juki-app", {
        "subnetId": subnet.id, "ami": "ami-0123456789abcdef0", "instanceType": "t3.micro"}, {"subnetId": subnet}, "i-")
    add(p, subnet, "aws:ec2/eip:Eip", "mutant-juki-eip", {"instance": inst.id, "domain": "vpc"}, {"instance": inst}, "eipalloc-")


@plan_mutation("net-egress-only-gateway-v6-in-mynumber")
def _(p):
    """An egress-only internet gateway and an IPv6 default route in the My Number VPC."""
    vpc = _vpc(p, "juki")
    eigw = add(p, vpc, "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "mutant-juki-eigw",
               {"vpcId": vpc.id}, {"vpcId": vpc}, "eigw-")
    table = _private_rt(p, "juki")
    add(p, table, ROUTE, "mutant-juki-v6", {"routeTableId": table.id, "destinationIpv6CidrBlock": "::/0",
                                            "egressOnlyGatewayId": eigw.id}, {"routeTableId": table, "egressOnlyGatewayId": eigw}, "r-")


@plan_mutation("net-route-to-appliance-eni")
def _(p):
    """The My Number VPC's default route points at a network interface (an appliance that forwards anywhere)."""
    _both_private_tables(p, "juki", "juki-appliance", "0.0.0.0/0", networkInterfaceId="eni-0appliance000000")


@plan_mutation("net-vgw-propagation-in-mynumber")
def _(p):
    """A virtual private gateway on the My Number VPC, with its BGP routes propagated into the route table."""
    vpc, table = _vpc(p, "juki"), _private_rt(p, "juki")
    vgw = add(p, vpc, "aws:ec2/vpnGateway:VpnGateway", "mutant-juki-vgw", {"vpcId": vpc.id}, {"vpcId": vpc}, "vgw-")
    add(p, table, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation", "mutant-juki-vgw-prop",
        {"vpnGatewayId": vgw.id, "routeTableId": table.id}, {"vpnGatewayId": vgw, "routeTableId": table})


# -- town hall segments (plan) ------------------------------------------------------------------------
@plan_mutation("net-mynumber-routes-lgwan-town-hall", PROD)
def _(p):
    """The My Number VPC routes the LGWAN segment's range to the TGW, and the table sends it to the LGWAN DX."""
    dx = one(p, DX_ASSOC, "-hub-dxgw-lgwan-tgw")
    rt = _table(p, "mynumber")
    add(p, rt, TGW_ROUTE, "mutant-tgw-mynumber-to-lgwan-hall", {
        "transitGatewayRouteTableId": rt.id, "destinationCidrBlock": "172.16.16.0/20",
        "transitGatewayAttachmentId": dx.outputs["transitGatewayAttachmentId"]},
        {"transitGatewayRouteTableId": rt, "transitGatewayAttachmentId": dx}, "tgw-rtb-r-")
    _both_private_tables(p, "juki", "juki-to-lgwan-hall", "172.16.16.0/20", transitGatewayId=one(p, TGW))


@plan_mutation("net-lgwan-segment-associated-with-mynumber-onprem-table", PROD)
def _(p):
    """The LGWAN segment's Direct Connect attachment uses the My Number segment's table (reaches My Number VPCs)."""
    rt = _table(p, "onprem-mynumber")
    set_input(one(p, TGW_ASSOC, "-hub-dx-lgwan-assoc-onprem-lgwan"), "transitGatewayRouteTableId", rt.id, rt)


@plan_mutation("net-mynumber-vpc-propagates-into-lgwan-segment-table", PROD)
def _(p):
    """The My Number VPC's attachment propagates into the LGWAN segment's table."""
    acc, rt = _accepter(p, "juki"), _table(p, "onprem-lgwan")
    add(p, acc, TGW_PROP, "mutant-juki-prop-onprem-lgwan",
        {"transitGatewayAttachmentId": acc.inputs["transitGatewayAttachmentId"], "transitGatewayRouteTableId": rt.id},
        {"transitGatewayAttachmentId": acc, "transitGatewayRouteTableId": rt})


@plan_mutation("net-dx-attachment-loses-its-tier", PROD)
def _(p):
    """The My Number segment's attachment and VIFs lose their tier tags (it may carry any segment)."""
    drop(p, *[t for t in find(p, "aws:ec2/tag:Tag", "-hub-dx-mynumber-tag-")])
    for vif in find(p, VIF, "-hub-vif-mynumber-"):
        vif.inputs["tags"] = {k: v for k, v in vif.inputs["tags"].items() if k != "gcbase:tier"}


@plan_mutation("net-undeclared-vpn-tagged-as-mynumber-segment", PROD)
def _(p):
    """A Site-to-Site VPN on the hub to an internet host the stack does not declare (it declares no VPN), tagged
    gcbase:tier=mynumber and placed like the My Number segment's town-hall attachment (review G-2)."""
    tgw = one(p, TGW)
    cgw = add(p, tgw, "aws:ec2/customerGateway:CustomerGateway", "mutant-rogue-cgw",
              {"bgpAsn": "65000", "ipAddress": "198.51.100.7", "type": "ipsec.1"}, id_prefix="cgw-")
    vpn = add(p, tgw, "aws:ec2/vpnConnection:VpnConnection", "mutant-rogue-vpn",
              {"customerGatewayId": cgw.id, "transitGatewayId": tgw.id, "type": "ipsec.1",
               "tags": {"gcbase:tier": "mynumber"}}, {"customerGatewayId": cgw, "transitGatewayId": tgw}, "vpn-")
    vpn.outputs["transitGatewayAttachmentId"] = "tgw-attach-0mutantrogue01"
    for key, kind in (("onprem-mynumber", TGW_ASSOC), ("mynumber", TGW_PROP)):
        rt = _table(p, key)
        add(p, rt, kind, f"mutant-rogue-vpn-{kind.rsplit(':', 1)[1].lower()}-{key}",
            {"transitGatewayAttachmentId": vpn.outputs["transitGatewayAttachmentId"], "transitGatewayRouteTableId": rt.id},
            {"transitGatewayAttachmentId": vpn, "transitGatewayRouteTableId": rt})


@plan_mutation("net-mynumber-endpoint-to-third-party-privatelink-service", PROD)
def _(p):
    """An interface endpoint in the My Number VPC to another account's PrivateLink service; its endpoint policy
    names only the tenancy (review G-4)."""
    vpc = _vpc(p, "juki")
    add(p, vpc, "aws:ec2/vpcEndpoint:VpcEndpoint", "mutant-juki-third-party-endpoint",
        {"vpcId": vpc.id, "vpcEndpointType": "Interface",
         "serviceName": "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0",
         "policy": '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210000000101:root"},'
                   '"Action":"*","Resource":"*"}]}'}, {"vpcId": vpc}, "vpce-")


@plan_mutation("net-mynumber-vpc-joins-outside-lattice-service-network", PROD)
def _(p):
    """The My Number VPC is associated with an outside account's VPC Lattice service network (review G-5)."""
    vpc = _vpc(p, "juki")
    add(p, vpc, "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation", "mutant-juki-lattice",
        {"vpcIdentifier": vpc.id, "serviceNetworkIdentifier":
         f"arn:aws:vpc-lattice:ap-northeast-1:{OUTSIDER}:servicenetwork/sn-0123456789abcdef0"}, {"vpcIdentifier": vpc})


@plan_mutation("net-mynumber-default-route-to-town-hall")
def _(p):
    """The My Number VPC sends everything to the TGW (the town hall may route it anywhere)."""
    _both_private_tables(p, "juki", "juki-default-tgw", "0.0.0.0/0", transitGatewayId=one(p, TGW))


# -- outside the tenancy (plan) ------------------------------------------------------------------------
@plan_mutation("net-ram-share-allows-external-principals")
def _(p):
    """The TGW's RAM share allows external principals."""
    one(p, "aws:ram/resourceShare:ResourceShare").inputs["allowExternalPrincipals"] = True


@plan_mutation("net-ram-share-with-outside-account")
def _(p):
    """The TGW is shared with an account outside the tenancy."""
    share = one(p, "aws:ram/resourceShare:ResourceShare")
    add(p, share, "aws:ram/principalAssociation:PrincipalAssociation", "mutant-share-outsider",
        {"principal": OUTSIDER, "resourceShareArn": share.outputs["arn"]}, {"resourceShareArn": share})


@plan_mutation("net-ram-share-with-organization")
def _(p):
    """The TGW is shared with the whole organization (every municipality's accounts)."""
    share = one(p, "aws:ram/resourceShare:ResourceShare")
    add(p, share, "aws:ram/principalAssociation:PrincipalAssociation", "mutant-share-org",
        {"principal": "arn:aws:organizations::900000000001:organization/o-gcorg00001", "resourceShareArn": share.outputs["arn"]},
        {"resourceShareArn": share})


@plan_mutation("net-tgw-peering-to-outside-account")
def _(p):
    """The hub's TGW is peered with a TGW in an account outside the tenancy."""
    tgw = one(p, TGW)
    add(p, tgw, "aws:ec2transitgateway/peeringAttachment:PeeringAttachment", "mutant-tgw-peering", {
        "transitGatewayId": tgw.id, "peerTransitGatewayId": "tgw-0prefecture0000", "peerAccountId": OUTSIDER,
        "peerRegion": "ap-northeast-1"}, {"transitGatewayId": tgw}, "tgw-attach-")


@plan_mutation("net-outside-vpc-attached-to-hub")
def _(p):
    """An accepter in the hub accepts an attachment that is not in the plan (an unknown VPC and account)."""
    acc = _accepter(p, "juki")
    add(p, acc, ACCEPTER, "mutant-accept-stranger", {"transitGatewayAttachmentId": "tgw-attach-0stranger000000",
                                                      "transitGatewayDefaultRouteTableAssociation": False,
                                                      "transitGatewayDefaultRouteTablePropagation": False})


@plan_mutation("net-undeclared-vpc-with-igw")
def _(p):
    """A VPC the stack does not declare, with an internet gateway, in the system account."""
    vpc = add(p, _vpc(p, "juki"), VPC, "mutant-sandbox-vpc", {"cidrBlock": "10.121.0.0/16"}, {}, "vpc-")
    add(p, vpc, "aws:ec2/internetGateway:InternetGateway", "mutant-sandbox-igw", {"vpcId": vpc.id}, {"vpcId": vpc}, "igw-")


@plan_mutation("net-secondary-cidr-outside-the-system")
def _(p):
    """The My Number VPC gets a secondary CIDR outside its system's declared range."""
    vpc = _vpc(p, "juki")
    add(p, vpc, "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation", "mutant-juki-cidr2",
        {"vpcId": vpc.id, "cidrBlock": "10.121.4.0/22"}, {"vpcId": vpc})


@plan_mutation("net-vpc-tag-claims-another-tier", PROD)
def _(p):
    """The internet tier's VPC is tagged as My Number tier (the stack still says internet)."""
    _vpc(p, "shinsei").inputs["tags"]["gcbase:tier"] = "mynumber"


# -- shared use (plan) --------------------------------------------------------------------------------
@plan_mutation("net-members-peered", KAMIYAMA)
def _(p):
    """Two member municipalities' resident-register VPCs are peered and routed."""
    a, b = _vpc(p, "juki"), _vpc(p, "juki-kamikatsu")
    pcx = add(p, a, PEERING, "mutant-members-pcx", {"vpcId": a.id, "peerVpcId": b.id, "peerOwnerId": "310000000103"},
              {"vpcId": a, "peerVpcId": b}, "pcx-")
    _both_private_tables(p, "juki", "juki-to-kamikatsu", _cidr(p, "juki-kamikatsu"), vpcPeeringConnectionId=pcx)


@plan_mutation("net-member-propagates-into-lead-table", KAMIYAMA)
def _(p):
    """上勝町's attachment propagates into 神山町's My Number table, and 神山町 routes to it."""
    acc, rt = _accepter(p, "juki-kamikatsu"), _table(p, "mynumber")
    add(p, acc, TGW_PROP, "mutant-kamikatsu-prop-lead",
        {"transitGatewayAttachmentId": acc.inputs["transitGatewayAttachmentId"], "transitGatewayRouteTableId": rt.id},
        {"transitGatewayAttachmentId": acc, "transitGatewayRouteTableId": rt})
    _both_private_tables(p, "juki", "juki-to-kamikatsu", _cidr(p, "juki-kamikatsu"), transitGatewayId=one(p, TGW))


# -- filters (plan) ----------------------------------------------------------------------------------
@plan_mutation("net-sg-open-in-two-halves-as-rule-resources")
def _(p):
    """The endpoints security group is opened with two separate ingress rules, 0.0.0.0/1 and 128.0.0.0/1."""
    sg = one(p, SG, "-juki-endpoints-sg")
    for i, half in enumerate(("0.0.0.0/1", "128.0.0.0/1")):
        add(p, sg, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", f"mutant-half-{i}",
            {"securityGroupId": sg.id, "cidrIpv4": half, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443},
            {"securityGroupId": sg}, "sgr-")


@plan_mutation("net-sg-rule-resource-open-to-ipv6")
def _(p):
    """A separate security group rule admits ::/0 on 22."""
    sg = one(p, SG, "-juki-endpoints-sg")
    add(p, sg, "aws:ec2/securityGroupRule:SecurityGroupRule", "mutant-ssh-v6", {
        "type": "ingress", "securityGroupId": sg.id, "ipv6CidrBlocks": ["::/0"], "protocol": "tcp",
        "fromPort": 22, "toPort": 22}, {"securityGroupId": sg}, "sgr-")


@plan_mutation("net-sg-open-to-most-of-the-internet")
def _(p):
    """The endpoints security group admits three quarters of the IPv4 space (never 0.0.0.0/0 literally)."""
    sg = one(p, SG, "-juki-endpoints-sg")
    sg.inputs["ingress"] = [*sg.inputs["ingress"], {"protocol": "tcp", "fromPort": 443, "toPort": 443,
                                                    "cidrBlocks": ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"]}]


# -- stack config (validation refuses them) ---------------------------------------------------------------
@config_mutation("cfg-town-hall-ranges-without-tiers")
def _(c):
    """The town-hall ranges are given as one untiered list (every tier's VPC would route to every range)."""
    c["network"]["onPremisesCidrs"] = [str(r) for t in c["network"]["onPremisesCidrs"].values() for r in t]


@config_mutation("cfg-resident-register-in-internet-tier")
def _(c):
    """住民記録 (a My Number business) is declared in the internet tier."""
    c["systems"][0]["tier"] = "internet"


@config_mutation("cfg-town-hall-range-covers-most-of-the-internet")
def _(c):
    """The internet segment's town-hall range covers half of the internet."""
    c["network"]["onPremisesCidrs"]["internet"] = ["128.0.0.0/1"]


@config_mutation("cfg-town-hall-range-in-two-tiers")
def _(c):
    """The LGWAN segment's range overlaps the My Number segment's."""
    c["network"]["onPremisesCidrs"]["lgwan"] = list(c["network"]["onPremisesCidrs"]["mynumber"])


@config_mutation("cfg-one-vlan-for-every-tier")
def _(c):
    """One VLAN carries every tier on the first line (the segments share one VIF)."""
    line = c["network"]["lines"][0]
    c["network"]["lines"][0] = {"connectionId": line["connectionId"], "vlan": 101}


@config_mutation("cfg-member-system-in-lead-account", KAMIYAMA)
def _(c):
    """上勝町's system is moved into 神山町's account although separation is by account."""
    c["systems"][2]["account"] = c["systems"][0]["account"]


# -- program source (modules/) ----------------------------------------------------------------------
source_mutation(
    "src-vpc-routes-the-whole-pool", "A workload VPC routes the whole CIDR pool to the TGW (every tier's VPCs).",
    "modules/workload_vpc.py", "dests = self._args.hub.destinations(self._args.tier, self._args.member, self._args.cidr)",
    "dests = [*self._args.hub.destinations(self._args.tier, self._args.member, self._args.cidr), self._args.hub.cidr_pool]")
source_mutation(
    "src-vpc-propagates-into-every-table", "Each VPC attachment propagates into every route table of the hub.",
    "modules/network.py", "        into = [table_key(t, m) for (t, m) in self._args.vpc_groups if m == member and tier in routing_rules()[t]]",
    "        into = [table_key(t, m) for (t, m) in self._args.vpc_groups]")
source_mutation(
    "src-town-hall-feeds-every-tier", "Each town-hall segment's routes propagate into every tier's table.",
    "modules/network.py", "        into = [table_key(t, m) for (t, m) in self._args.vpc_groups if t == tier and ONPREM in routing_rules()[t]]",
    "        into = [table_key(t, m) for (t, m) in self._args.vpc_groups]")
source_mutation(
    "src-every-tier-gets-an-internet-edge", "Every workload VPC gets the internet tier's gateway and NAT.",
    "modules/workload_vpc.py", 'self._internet = args.tier == "internet"', "self._internet = True")
source_mutation(
    "src-destinations-every-town-hall-segment", "A VPC routes every segment's town-hall ranges, not only its tier's.",
    "modules/network.py", "        dests = list(self._args.on_premises.get(tier, [])) if ONPREM in reaches else []",
    "        dests = [c for cidrs in self._args.on_premises.values() for c in cidrs]")
source_mutation(
    "src-ram-share-external", "The TGW's RAM share allows external principals.",
    "modules/network.py", "allow_external_principals=False,  # only accounts of the organization",
    "allow_external_principals=True,", stack=STG)
source_mutation(
    "src-dx-onprem-in-tier-table", "A town-hall segment's attachment is associated with its tier's VPC table.",
    "modules/network.py", "        return self._place(name, onprem_key(tier), attachment_id, into, pulumi.ResourceOptions(parent=self))",
    "        return self._place(name, table_key(tier, None), attachment_id, into, pulumi.ResourceOptions(parent=self))")
