"""Build the network model from deployed accounts through the AWS APIs (boto3): the same model the plan
gives (from_plan.py), so the same invariants are proven after deploy (`gcbase network STACK --live`).

One boto3 session per account (the hub's, each system's); what one account cannot see (a peer VPC in
another account, a route table behind an attachment) stays outside the model, which the analysis treats
as unknown, never as a pass. A call the credentials may not make is one error line naming the account
and the API, except RAM's principal listing: without it a share's principals are unknown (a failure).
Addresses in the model are AWS ids (vpc-..., rtb-..., tgw-attach-...).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from netaddr import IPSet

from gcbase.errors import GcbaseError
from gcbase.network import addresses as ad
from gcbase.network.from_plan import ALL_TIERS, TIER_TAG, resolve_tier
from gcbase.network.model import (BLACKHOLE, CARRIER, CONNECT_ATT, CORE, DX_ATT, EIGW, ENI, IGW, INSTANCE, LGW, LOCAL,
                                  NAT, PCX, PEERING_ATT, PRIVATE_NAT, SERVICE, TGW, UNKNOWN, VGW, VPC_ATT, VPCE, VPN_ATT,
                                  Attachment, FilterRule, NetworkModel, Peering, Route, RouteTable, Share, Subnet,
                                  TgwRouteTable, TransitGateway, Vpc)
from gcbase.settings import TIERS

_TARGETS = (("NatGatewayId", NAT), ("TransitGatewayId", TGW), ("VpcPeeringConnectionId", PCX),
            ("EgressOnlyInternetGatewayId", EIGW), ("NetworkInterfaceId", ENI), ("InstanceId", INSTANCE),
            ("CarrierGatewayId", CARRIER), ("LocalGatewayId", LGW), ("CoreNetworkArn", CORE), ("GatewayId", IGW))
_ATT_KINDS = {"vpc": VPC_ATT, "direct-connect-gateway": DX_ATT, "vpn": VPN_ATT, "peering": PEERING_ATT,
              "connect": CONNECT_ATT}


def _tags(item: dict) -> dict[str, str]:
    return {t.get("Key", ""): t.get("Value", "") for t in item.get("Tags") or []}


class _Account:
    """One session's reads, each a single line of error when the credentials may not make it."""

    def __init__(self, session: Any):
        self.session = session
        self.ec2 = session.client("ec2")
        self.account = session.client("sts").get_caller_identity()["Account"]

    def pages(self, client: Any, op: str, key: str, **kw: Any) -> list[dict]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            if client.can_paginate(op):
                return [item for page in client.get_paginator(op).paginate(**kw) for item in page.get(key, [])]
            return list(getattr(client, op)(**kw).get(key, []))
        except (ClientError, BotoCoreError) as err:
            raise GcbaseError.one(f"account {self.account}", op, f"cannot read the network ({err})") from None


class _Collector:
    def __init__(self, intent: Any):
        self.intent = intent
        self.m = NetworkModel(source="live")
        if intent is not None:
            self.m.on_premises = {t: ad.parse(list(c)) or IPSet() for t, c in intent.on_premises.items()}

    # -- per account ----------------------------------------------------------------------------
    def account(self, a: _Account) -> None:
        e = a.ec2
        for v in a.pages(e, "describe_vpcs", "Vpcs"):
            cidrs = [x["CidrBlock"] for x in v.get("CidrBlockAssociationSet") or [{"CidrBlock": v.get("CidrBlock")}]
                     if x.get("CidrBlock") and (x.get("CidrBlockState") or {}).get("State", "associated") == "associated"]
            cidrs += [x["Ipv6CidrBlock"] for x in v.get("Ipv6CidrBlockAssociationSet") or [] if x.get("Ipv6CidrBlock")]
            vpc = Vpc(v["VpcId"], _tags(v).get("Name") or v["VpcId"], v.get("OwnerId") or a.account, None,
                      ad.parse(cidrs) or IPSet(), is_default=bool(v.get("IsDefault")))
            if vpc.is_default:
                vpc.exposures.append((vpc.address, "default VPC"))
            resolve_tier(vpc, _tags(v), self.intent)
            self.m.vpcs[vpc.address] = vpc
        for s in a.pages(e, "describe_subnets", "Subnets"):
            sub = Subnet(s["SubnetId"], s.get("VpcId"), ad.parse(s.get("CidrBlock")),
                         public_ip_on_launch=bool(s.get("MapPublicIpOnLaunch")))
            self.m.subnets[sub.address] = sub
            if sub.vpc in self.m.vpcs:
                self.m.vpcs[sub.vpc].subnets.append(sub.address)
                if sub.public_ip_on_launch:
                    self.m.vpcs[sub.vpc].exposures.append((sub.address, "subnet gives public IPs on launch"))
        for n in a.pages(e, "describe_nat_gateways", "NatGateways"):
            if n.get("State") in ("deleted", "deleting", "failed"):
                continue
            private = n.get("ConnectivityType") == "private"
            self.m.nat_subnets[n["NatGatewayId"]] = n.get("SubnetId")
            self.m.nat_private[n["NatGatewayId"]] = private
            if not private and n.get("VpcId") in self.m.vpcs:
                self.m.vpcs[n["VpcId"]].exposures.append((n["NatGatewayId"], "public NAT gateway"))
        for rt in a.pages(e, "describe_route_tables", "RouteTables"):
            self._route_table(rt)
        for g in a.pages(e, "describe_internet_gateways", "InternetGateways"):
            for att in g.get("Attachments") or []:
                if att.get("VpcId") in self.m.vpcs:
                    self.m.vpcs[att["VpcId"]].exposures.append((g["InternetGatewayId"], "internet gateway attached"))
        for g in a.pages(e, "describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"):
            for att in g.get("Attachments") or []:
                if att.get("VpcId") in self.m.vpcs:
                    self.m.vpcs[att["VpcId"]].exposures.append((g["EgressOnlyInternetGatewayId"],
                                                                 "egress-only internet gateway attached"))
        for i in (i for r in a.pages(e, "describe_instances", "Reservations") for i in r.get("Instances") or []):
            if i.get("PublicIpAddress") and i.get("VpcId") in self.m.vpcs:
                self.m.vpcs[i["VpcId"]].exposures.append((i["InstanceId"], f"public IP address {i['PublicIpAddress']}"))
        for g in a.pages(e, "describe_vpn_gateways", "VpnGateways"):
            vpcs = [x["VpcId"] for x in g.get("VpcAttachments") or [] if x.get("State") == "attached"]
            self.m.vgws[g["VpnGatewayId"]] = vpcs[0] if vpcs else None
        for p in a.pages(e, "describe_vpc_peering_connections", "VpcPeeringConnections"):
            if (p.get("Status") or {}).get("Code") in ("deleted", "rejected", "failed", "expired"):
                continue
            req, acc = p.get("RequesterVpcInfo") or {}, p.get("AccepterVpcInfo") or {}
            self.m.peerings[p["VpcPeeringConnectionId"]] = Peering(
                p["VpcPeeringConnectionId"], req.get("VpcId"), acc.get("VpcId"),
                acc.get("OwnerId") if req.get("OwnerId") == a.account else req.get("OwnerId"),
                acc.get("VpcId"), acc.get("Region"))
        self._tgws(a)
        self._filters(a)
        self._shares(a)

    def _route_table(self, rt: dict) -> None:
        table = RouteTable(rt["RouteTableId"], _tags(rt).get("Name") or rt["RouteTableId"], rt.get("VpcId"))
        for assoc in rt.get("Associations") or []:
            if assoc.get("Main"):
                table.main = True
                if rt.get("VpcId") in self.m.vpcs:
                    self.m.vpcs[rt["VpcId"]].main_table = table.address
            elif assoc.get("SubnetId") in self.m.subnets:
                self.m.subnets[assoc["SubnetId"]].route_table = table.address
        if rt.get("VpcId") in self.m.vpcs:
            self.m.vpcs[rt["VpcId"]].route_tables.append(table.address)
        for r in rt.get("Routes") or []:
            if r.get("GatewayId") == "local":
                continue  # the analysis adds the local route from the VPC's CIDRs
            text = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId") or ""
            dest = ad.parse(text) if not text.startswith("pl-") else None
            plen = int(text.split("/")[1]) if dest is not None and "/" in text else (32 if text.startswith("pl-") else 0)
            target, ref = UNKNOWN, None
            for key, kind in _TARGETS:
                if r.get(key):
                    target, ref = kind, r[key]
                    break
            if target == IGW and str(ref).startswith("vgw-"):
                target = VGW
            elif target == IGW and str(ref).startswith("vpce-"):
                target = VPCE  # a Gateway Load Balancer endpoint: an appliance
            if r.get("DestinationPrefixListId") and target in (IGW, VPCE) and str(ref).startswith("vpce-") \
                    and r.get("Origin") == "CreateRouteTable":
                target = SERVICE  # a gateway endpoint's own route (S3, DynamoDB)
            if target == NAT and self.m.nat_private.get(str(ref)):
                target = PRIVATE_NAT
            if r.get("State") == "blackhole":
                target = BLACKHOLE
            propagated = r.get("Origin") == "EnableVgwRoutePropagation"
            table.routes.append(Route(dest, plen, target, ref, f"{table.address}: {text}", text or "(unknown)",
                                      propagated=propagated))
        self.m.route_tables[table.address] = table

    def _tgws(self, a: _Account) -> None:
        e = a.ec2
        for t in a.pages(e, "describe_transit_gateways", "TransitGateways"):
            if t.get("State") in ("deleted", "deleting"):
                continue
            o = t.get("Options") or {}
            tgw = TransitGateway(t["TransitGatewayId"], _tags(t).get("Name") or t["TransitGatewayId"], t.get("OwnerId"),
                                 o.get("DefaultRouteTableAssociation", "enable") == "enable",
                                 o.get("DefaultRouteTablePropagation", "enable") == "enable",
                                 o.get("AutoAcceptSharedAttachments", "disable") == "enable")
            tgw.default_table = o.get("AssociationDefaultRouteTableId") or o.get("PropagationDefaultRouteTableId")
            self.m.tgws[tgw.address] = tgw
        vpc_atts = {x["TransitGatewayAttachmentId"]: x for x in
                    a.pages(e, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments")}
        vpns = {v.get("TransitGatewayId", "") + v.get("VpnConnectionId", ""): v for v in
                a.pages(e, "describe_vpn_connections", "VpnConnections")}
        for x in a.pages(e, "describe_transit_gateway_attachments", "TransitGatewayAttachments"):
            if x.get("State") in ("deleted", "deleting", "rejected", "failed"):
                continue
            kind = _ATT_KINDS.get(x.get("ResourceType", ""), "unknown")
            att = Attachment(x["TransitGatewayAttachmentId"], _tags(x).get("Name") or x["TransitGatewayAttachmentId"],
                             kind, x.get("TransitGatewayId"), account=x.get("ResourceOwnerId"),
                             resources=[x["TransitGatewayAttachmentId"]])
            if kind == VPC_ATT:
                detail = vpc_atts.get(att.address, {})
                att.vpc = x.get("ResourceId")
                att.subnets = list(detail.get("SubnetIds") or [])
                att.account = detail.get("VpcOwnerId") or att.account
                att.default_association = att.default_propagation = False  # live: what is associated is read below
            elif kind == PEERING_ATT:
                att.peer_account = x.get("ResourceOwnerId")
                att.default_association = att.default_propagation = False
            else:
                tags = _tags(x)
                vpn = next((v for k, v in vpns.items() if x.get("ResourceId") and k.endswith(x["ResourceId"])), {})
                tier = tags.get(TIER_TAG) or _tags(vpn).get(TIER_TAG)
                att.tiers, att.tier_source = (frozenset([tier]), "tag") if tier in TIERS else (ALL_TIERS, "unknown")
                att.default_association = att.default_propagation = False
            self.m.attachments[att.address] = att
        for t in a.pages(e, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables"):
            table = TgwRouteTable(t["TransitGatewayRouteTableId"], _tags(t).get("Name") or t["TransitGatewayRouteTableId"],
                                  t.get("TransitGatewayId"), default=bool(t.get("DefaultAssociationRouteTable")))
            rid = table.address
            for x in a.pages(e, "get_transit_gateway_route_table_associations", "Associations", TransitGatewayRouteTableId=rid):
                table.associations.append((x["TransitGatewayAttachmentId"], f"{rid}: association"))
            for x in a.pages(e, "get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations",
                             TransitGatewayRouteTableId=rid):
                if x.get("State", "enabled") == "enabled":
                    table.propagations.append((x["TransitGatewayAttachmentId"], f"{rid}: propagation"))
            routes = e.search_transit_gateway_routes(TransitGatewayRouteTableId=rid, Filters=[
                {"Name": "type", "Values": ["static"]}]).get("Routes") or []
            for r in routes:
                text = r.get("DestinationCidrBlock") or r.get("PrefixListId") or ""
                dest = ad.parse(text) if "/" in text else None
                plen = int(text.split("/")[1]) if dest is not None else 0
                atts = [x.get("TransitGatewayAttachmentId") for x in r.get("TransitGatewayAttachments") or []]
                if r.get("State") == "blackhole":
                    table.static.append(Route(dest, plen, BLACKHOLE, None, f"{rid}: {text}", text))
                for att_id in atts or ([None] if r.get("State") != "blackhole" else []):
                    if att_id is None:
                        table.static.append(Route(dest, plen, UNKNOWN, None, f"{rid}: {text}", text, possible=True))
                    else:
                        table.static.append(Route(dest, plen, TGW, att_id, f"{rid}: {text}", text))
            self.m.tgw_tables[rid] = table

    def _filters(self, a: _Account) -> None:
        for g in a.pages(a.ec2, "describe_security_groups", "SecurityGroups"):
            self.m.filter_owners[g["GroupId"]] = "security group"
            for perm in g.get("IpPermissions") or []:
                cidrs = [r["CidrIp"] for r in perm.get("IpRanges") or []] + [r["CidrIpv6"] for r in perm.get("Ipv6Ranges") or []]
                ports = f"{perm.get('FromPort', 'all')}-{perm.get('ToPort', 'all')}"
                admits = ad.parse(cidrs) if cidrs else IPSet()
                unknown = bool(perm.get("PrefixListIds"))  # entries of a prefix list are read only when in the plan
                if cidrs or unknown:
                    self.m.ingress.append(FilterRule(g["GroupId"], g["GroupId"], None if unknown else admits, ports,
                                                     "security group", ", ".join(cidrs) or "prefix lists"))
        for acl in a.pages(a.ec2, "describe_network_acls", "NetworkAcls"):
            if acl.get("IsDefault"):
                continue  # the default ACL admits everything; gcbase does not credit filters on paths anyway
            self.m.filter_owners[acl["NetworkAclId"]] = "network ACL"
            for entry in acl.get("Entries") or []:
                if not entry.get("Egress") and entry.get("RuleAction") == "allow":
                    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
                    self.m.ingress.append(FilterRule(acl["NetworkAclId"], f"{acl['NetworkAclId']}#{entry.get('RuleNumber')}",
                                                     ad.parse(cidr), "all", "network ACL", cidr or "(none)"))

    def _shares(self, a: _Account) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        ram = a.session.client("ram")
        for s in a.pages(ram, "get_resource_shares", "resourceShares", resourceOwner="SELF"):
            if s.get("status") in ("DELETED", "DELETING", "FAILED"):
                continue
            share = Share(s["resourceShareArn"], s.get("allowExternalPrincipals"))
            try:
                principals = ram.list_principals(resourceOwner="SELF", resourceShareArns=[share.address]).get("principals") or []
                share.principals = [(f"{share.address}#{p.get('id')}", p.get("id")) for p in principals]
            except (ClientError, BotoCoreError) as err:
                self.m.notes.append(f"{share.address}: principals not readable ({err}); treated as unknown")
                share.principals = [(f"{share.address}#principals", None)]
            self.m.shares[share.address] = share

    def finish(self) -> NetworkModel:
        # a default TGW table named by the TGW's options but not listed: keep placement sound
        for tgw in self.m.tgws.values():
            if tgw.default_table and tgw.default_table not in self.m.tgw_tables:
                self.m.tgw_tables[tgw.default_table] = TgwRouteTable(tgw.default_table, "default route table", tgw.address,
                                                                     default=True)
        for vpc in self.m.vpcs.values():
            if vpc.main_table is None:
                vpc.main_table = f"{vpc.address}.main_route_table"
                table = RouteTable(vpc.main_table, "main route table (not readable)", vpc.address, main=True)
                table.routes.append(Route(None, 0, UNKNOWN, None, vpc.address, "(main route table not read)"))
                self.m.route_tables[vpc.main_table] = table
        return self.m


def collect(sessions: Iterable[Any], intent: Any = None) -> NetworkModel:
    """The network model of the accounts behind the sessions (one per account), judged against intent."""
    c = _Collector(intent)
    accounts: list[_Account] = [_Account(s) for s in sessions]
    if intent is not None:
        outside = [x.account for x in accounts if x.account not in intent.trusted_accounts]
        if outside:
            raise GcbaseError.one("--profile", "", f"account {outside[0]} is not an account of stack {intent.stack} "
                                                    f"(allowed: {', '.join(intent.tenancy_accounts)})")
    for a in accounts:  # VPCs and NAT gateways of every account first: routes refer to them
        c.account(a)
    return c.finish()


__all__ = ["collect"]
