"""Reachability over the network model: from every source, every destination a packet can reach,
with the addresses that get there and the path hop by hop.

Semantics (AWS VPC and Transit Gateway routing, as Reachability Analyzer follows it):
- a VPC route table routes by longest prefix match; the local route covers the VPC's CIDRs; a
  subnet without an explicit association uses the VPC's main route table;
- traffic to a Transit Gateway enters through the VPC's attachment and is routed by the TGW route
  table that attachment is associated with (longest prefix; a static route beats a propagated one of
  the same prefix; blackhole drops); it leaves through the next attachment: into a VPC (routed on by
  the route table of the attachment's subnets), to the town hall (Direct Connect, VPN), or to a
  peered TGW;
- VPC peering delivers only to the peer VPC's CIDRs (AWS does not route onward through a peering);
- internet gateways, egress-only gateways, public NAT gateways and carrier gateways lead to the internet;
  a VPC with an internet gateway is reachable from the internet.

Soundness: a route whose destination or target is unknown at plan time may capture any address
and lead anywhere; routes learned over BGP (from the town hall) may carry any prefix; an appliance
(ENI, instance) may forward anywhere. Such reaches are recorded as `possible`, never dropped.
Filters (security groups, network ACLs) are not credited: a route is a path even when a filter
blocks it today, since one rule change opens it (filters are judged separately: invariants.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from netaddr import IPSet

from gcbase.network import addresses as ad
from gcbase.network.model import (BLACKHOLE, CARRIER, CONNECT_ATT, CORE, DX_ATT, EIGW, ENI, IGW, INSTANCE, LGW, LOCAL,
                                  NAT, ONPREM_ATTS, PCX, PEERING_ATT, PRIVATE_NAT, SERVICE, TGW, UNKNOWN, VGW, VPC_ATT, VPCE,
                                  Attachment, NetworkModel, Route, Vpc)
from gcbase.settings import TIERS

# Endpoints: (kind, key). kind: vpc (key: address), onprem (key: tier, or "" for an undeclared town-hall
# address), internet, external (key: what), unknown (key: why), service (key: which)
Endpoint = tuple[str, str]
INTERNET: Endpoint = ("internet", "")


@dataclass(frozen=True)
class Hop:
    kind: str  # vpc, route-table, route, tgw-route-table, attachment, peering, gateway, onprem, internet, ...
    address: str  # the plan address (or AWS id) of what decides this hop
    text: str  # one short phrase for people

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "address": self.address, "text": self.text}


@dataclass
class Reach:
    src: Endpoint
    dst: Endpoint
    addresses: IPSet
    possible: bool  # depends on a value unknown at plan time, a BGP advertisement or an appliance
    path: tuple[Hop, ...]
    why: str = ""  # for a possible reach: what makes it uncertain

    def render(self) -> str:
        return " → ".join(h.text for h in self.path)


def endpoint_text(model: NetworkModel, ep: Endpoint) -> str:
    kind, key = ep
    if kind == "vpc":
        vpc = model.vpcs.get(key)
        tiers = "/".join(sorted(vpc.tiers)) if vpc and vpc.tier_known else "tier unknown"
        return f"VPC {key} ({tiers})"
    if kind == "onprem":
        return f"town hall {key} segment" if key else "town hall (a range no tier declares)"
    if kind == "internet":
        return "the internet"
    return f"{kind}: {key}"


class Reachability:
    """Every reach of a model, computed once (`all()`), grouped per source and destination."""

    MAX_DEPTH = 32  # hops; deeper paths are loops the visited set did not cut

    def __init__(self, model: NetworkModel):
        self.m = model
        self._out: dict[tuple[Endpoint, Endpoint, bool], Reach] = {}

    # -- public ------------------------------------------------------------------------------
    def all(self) -> list[Reach]:
        if not self._out:
            for vpc in self.m.vpcs.values():
                self._from_vpc(vpc)
            for tier in TIERS:
                self._from_onprem(tier)
            self._from_internet()
        return list(self._out.values())

    # -- recording ---------------------------------------------------------------------------
    def _record(self, src: Endpoint, dst: Endpoint, addrs: IPSet, possible: bool, path: tuple[Hop, ...],
                why: str = "") -> None:
        if not addrs and dst[0] not in ("unknown", "external"):
            return
        if dst == src:
            return
        key = (src, dst, possible)
        if key in self._out:
            self._out[key].addresses |= addrs
        else:
            self._out[key] = Reach(src, dst, IPSet(addrs), possible, path, why)

    # -- sources -----------------------------------------------------------------------------
    def _from_vpc(self, vpc: Vpc) -> None:
        src: Endpoint = ("vpc", vpc.address)
        start = (Hop("vpc", vpc.address, f"VPC {vpc.address}"),)
        for table in self.m.tables_for(vpc):
            self._vpc_table(src, table, ad.UNIVERSE - vpc.cidrs, False, start, frozenset(), "")

    def _from_onprem(self, tier: str) -> None:
        src: Endpoint = ("onprem", tier)
        ranges = self.m.on_premises.get(tier)
        label = f"town hall {tier} segment" + (f" ({ad.text(ranges)})" if ranges else "")
        for att in self.m.attachments.values():
            if att.kind in ONPREM_ATTS and tier in att.tiers and not att.outside:
                start = (Hop("onprem", tier, label),
                         Hop("attachment", att.address, f"{att.kind.upper()} attachment {att.address}"))
                why = "" if att.tier_source != "unknown" else f"{att.address} carries every tier (no tier tag)"
                self._tgw_enter(src, att, ad.UNIVERSE, bool(why), start, frozenset(), why)
        for vgw, vpc_addr in self.m.vgws.items():
            if vpc_addr in self.m.vpcs:
                vpc = self.m.vpcs[vpc_addr]
                self._record(src, ("vpc", vpc_addr), vpc.cidrs, False, (
                    Hop("onprem", tier, label), Hop("gateway", vgw, f"virtual private gateway {vgw}"),
                    Hop("vpc", vpc_addr, f"VPC {vpc_addr}")))

    def _from_internet(self) -> None:
        for att in self.m.attachments.values():  # a VPN whose far end is not the declared town hall
            if att.outside:
                start = (Hop("internet", "", "the internet"),
                         Hop("attachment", att.address, f"VPN attachment {att.address} ({att.outside})"))
                self._tgw_enter(INTERNET, att, ad.UNIVERSE, False, start, frozenset(), "")
        for vgw, (vpn, what) in self.m.vgw_outside.items():
            vpc_addr = self.m.vgws.get(vgw)
            vpc = self.m.vpcs.get(vpc_addr or "")
            start = (Hop("internet", "", "the internet"), Hop("attachment", vpn, f"VPN {vpn} ({what})"),
                     Hop("gateway", vgw, f"virtual private gateway {vgw}"))
            if vpc is not None:
                self._record(INTERNET, ("vpc", vpc.address), vpc.cidrs or ad.UNIVERSE, False,
                             start + (Hop("vpc", vpc.address, f"VPC {vpc.address}"),))
            else:
                self._record(INTERNET, ("unknown", f"VPC of {vgw} (not in the plan)"), ad.UNIVERSE, True, start,
                             "the gateway's VPC is not in the plan")
        for vpc in self.m.vpcs.values():
            for address, what in vpc.exposures:
                if "internet gateway attached" in what and "egress-only" not in what or "default VPC" in what:
                    self._record(INTERNET, ("vpc", vpc.address), vpc.cidrs or ad.UNIVERSE, False, (
                        Hop("internet", "", "the internet"), Hop("gateway", address, f"{what} ({address})"),
                        Hop("vpc", vpc.address, f"VPC {vpc.address}")))
                    break

    # -- VPC routing -------------------------------------------------------------------------
    def _vpc_routes(self, table_addr: str) -> tuple[Optional[Vpc], list[Route]]:
        table = self.m.route_tables[table_addr]
        vpc = self.m.vpcs.get(table.vpc or "")
        routes = list(table.routes)
        if vpc is not None:
            for cidr in vpc.cidrs.iter_cidrs():
                routes.append(Route(IPSet([cidr]), cidr.prefixlen, LOCAL, vpc.address, table_addr, str(cidr)))
            if vpc.cidrs_unknown:
                routes.append(Route(None, 0, LOCAL, vpc.address, table_addr, "(VPC CIDR unknown at plan time)"))
        return vpc, routes

    @staticmethod
    def _match(routes: list[Route], dest: IPSet) -> Iterator[tuple[Route, IPSet, bool]]:
        """(route, the part of dest it carries, possible) by longest prefix match; a route with an
        unknown or possible destination may capture any part of dest (possible)."""
        certain = sorted((r for r in routes if r.certain),
                         key=lambda r: (-r.prefixlen, 1 if r.propagated else 0, r.target == BLACKHOLE))
        remaining = dest
        for r in certain:
            if not remaining:
                break
            piece = remaining & r.dest
            if piece:
                remaining = remaining - piece
                yield r, piece, False
        for r in routes:
            if not r.certain:
                base = remaining if r.fallback else dest
                piece = base if r.dest is None else base & r.dest
                if piece:
                    yield r, piece, True

    def _vpc_table(self, src: Endpoint, table_addr: str, dest: IPSet, possible: bool, path: tuple[Hop, ...],
                   seen: frozenset[str], why: str) -> None:
        if table_addr in seen or len(path) > self.MAX_DEPTH:
            return
        seen = seen | {table_addr}
        vpc, routes = self._vpc_routes(table_addr)
        at = path + (Hop("route-table", table_addr, f"route table {table_addr}"),)
        for route, piece, maybe in self._match(routes, dest):
            poss = possible or maybe
            reason = why or (f"{route.source}: {route.dest_text or '(unknown)'}" if maybe else "")
            hop = Hop("route", route.source, f"{route.dest_text} → {route.target}"
                      + (f" {route.ref}" if route.ref and route.target != LOCAL else "")
                      + (f" ({route.source})" if route.source != table_addr else ""))
            self._vpc_target(src, vpc, route, piece, poss, at + (hop,), seen, reason)

    def _vpc_target(self, src: Endpoint, vpc: Optional[Vpc], route: Route, piece: IPSet, poss: bool,
                    path: tuple[Hop, ...], seen: frozenset[str], why: str) -> None:
        t = route.target
        if t == LOCAL:
            if vpc is not None:
                self._record(src, ("vpc", vpc.address), piece, poss, path + (Hop("vpc", vpc.address, f"VPC {vpc.address}"),), why)
        elif t in (IGW, EIGW, NAT, CARRIER):
            self._record(src, INTERNET, piece, poss, path + (Hop("internet", "", "the internet"),), why)
        elif t == PRIVATE_NAT:
            subnet = self.m.nat_subnets.get(route.ref or "")
            if vpc is None or subnet is None:
                self._record(src, ("unknown", f"private NAT {route.ref}"), piece, True, path, why or "NAT subnet unknown")
                return
            for table in self.m.tables_for(vpc, [subnet]):
                self._vpc_table(src, table, piece, poss, path, seen, why)
        elif t == TGW:
            atts = self.m.attachment_of(vpc.address, route.ref) if vpc is not None else []
            if not atts:
                self._record(src, ("unknown", f"Transit Gateway {route.ref or '(unknown)'} without an attachment in "
                                              f"the plan"), piece, True, path, why or "no attachment")
            for att in atts:
                self._tgw_enter(src, att, piece, poss, path + (
                    Hop("attachment", att.address, f"attachment {att.address}"),), seen, why)
        elif t == PCX:
            self._peering(src, vpc, route.ref, piece, poss, path, why)
        elif t == VGW:
            if route.ref in self.m.vgw_outside:
                vpn, what = self.m.vgw_outside[route.ref]
                self._record(src, INTERNET, piece, poss, path + (
                    Hop("gateway", route.ref or "", f"virtual private gateway {route.ref or '(unknown)'}"),
                    Hop("attachment", vpn, f"VPN {vpn} ({what})"), Hop("internet", "", "the internet")), why)
            self._onprem(src, piece, frozenset(TIERS), True if route.possible else poss, path + (
                Hop("gateway", route.ref or "", f"virtual private gateway {route.ref or '(unknown)'}"),),
                why or "a virtual private gateway carries every town-hall tier")
        elif t == SERVICE:
            self._record(src, ("service", route.dest_text), piece, poss, path, why)
        elif t == BLACKHOLE:
            return
        else:  # ENI, instance, GWLB endpoint, local gateway, core network, unknown: may forward anywhere
            what = {ENI: "network interface", INSTANCE: "instance", LGW: "local gateway", CORE: "core network",
                    VPCE: "Gateway Load Balancer endpoint"}.get(t)
            key = f"{what} {route.ref} may forward anywhere" if what else f"route target unknown at plan time ({route.source})"
            self._record(src, ("unknown", key), piece, True, path, why or key)

    def _peering(self, src: Endpoint, vpc: Optional[Vpc], ref: Optional[str], piece: IPSet, poss: bool,
                 path: tuple[Hop, ...], why: str) -> None:
        peering = self.m.peerings.get(ref or "")
        hop = Hop("peering", ref or "", f"VPC peering {ref or '(unknown)'}")
        if peering is None:
            self._record(src, ("external", f"VPC peering {ref or '(unknown)'} (not in the plan)"), piece, True,
                         path + (hop,), why or "peering not in the plan")
            return
        other = peering.peer_vpc if vpc is not None and peering.vpc == vpc.address else peering.vpc
        if other and other in self.m.vpcs:
            peer = self.m.vpcs[other]
            got = piece if peer.cidrs_unknown else piece & peer.cidrs
            self._record(src, ("vpc", other), got, poss or peer.cidrs_unknown, path + (
                hop, Hop("vpc", other, f"VPC {other}")), why)
        else:
            who = f"VPC {peering.peer_vpc_id or '(unknown)'} of account {peering.peer_account or '(unknown)'}"
            self._record(src, ("external", who), piece, poss, path + (hop,), why)

    # -- Transit Gateway routing ---------------------------------------------------------------
    def _tgw_enter(self, src: Endpoint, att: Attachment, dest: IPSet, poss: bool, path: tuple[Hop, ...],
                   seen: frozenset[str], why: str, skip_tgw: Optional[str] = None) -> None:
        tables = [t for t in self.m.tgw_tables.values()
                  if any(a == att.address for a, _ in t.associations) and (skip_tgw is None or t.tgw != skip_tgw)]
        for table in tables:
            self._tgw_table(src, table.address, att, dest, poss, path, seen, why)

    def _tgw_routes(self, table_addr: str) -> list[Route]:
        table = self.m.tgw_tables[table_addr]
        routes = list(table.static)
        for att_addr, source in table.propagations:
            att = self.m.attachments.get(att_addr)
            if att is None:
                continue
            if att.kind == VPC_ATT:
                vpc = self.m.vpcs.get(att.vpc or "")
                if vpc is None or vpc.cidrs_unknown:
                    routes.append(Route(None, 0, TGW, att_addr, source, "(propagated VPC CIDR unknown)", propagated=True))
                if vpc is not None:
                    for cidr in vpc.cidrs.iter_cidrs():
                        routes.append(Route(IPSet([cidr]), cidr.prefixlen, TGW, att_addr, source, str(cidr), propagated=True))
            elif att.outside:
                routes.append(Route(None, 0, TGW, att_addr, source, "(any prefix the VPN's far end advertises over BGP)",
                                    propagated=True, possible=True))
            elif att.kind in (DX_ATT, *ONPREM_ATTS):
                for tier in sorted(att.tiers):
                    for cidr in self.m.on_premises.get(tier, IPSet()).iter_cidrs():
                        routes.append(Route(IPSet([cidr]), cidr.prefixlen, TGW, att_addr, source, str(cidr), propagated=True))
                routes.append(Route(None, 0, TGW, att_addr, source, "(any other prefix the town hall advertises over BGP)",
                                    propagated=True, possible=True, fallback=True))
            elif att.kind != PEERING_ATT:
                routes.append(Route(None, 0, TGW, att_addr, source, "(routes of an attachment not in the plan)",
                                    propagated=True, possible=True))
        return routes

    def _tgw_table(self, src: Endpoint, table_addr: str, came_in: Attachment, dest: IPSet, poss: bool,
                   path: tuple[Hop, ...], seen: frozenset[str], why: str) -> None:
        if table_addr in seen or len(path) > self.MAX_DEPTH:
            return
        seen = seen | {table_addr}
        table = self.m.tgw_tables[table_addr]
        at = path + (Hop("tgw-route-table", table_addr, f"TGW route table {table_addr}"),)
        for route, piece, maybe in self._match(self._tgw_routes(table_addr), dest):
            if route.target == BLACKHOLE:
                continue
            out = self.m.attachments.get(route.ref or "")
            if out is None:  # a next hop the plan or the API does not name: it may lead anywhere
                key = f"TGW route {route.source} to {route.ref or 'an attachment it does not name'}"
                self._record(src, ("unknown", key), piece, True, at, why or key)
                continue
            if out.address == came_in.address:
                continue
            p = poss or maybe
            reason = why or (f"{route.source}: {route.dest_text}" if maybe else "")
            hop = Hop("route", route.source, f"{route.dest_text} → {'propagated from' if route.propagated else 'static to'} "
                                            f"{out.address}" + ("" if route.propagated else f" ({route.source})"))
            self._tgw_exit(src, out, table.tgw, piece, p, at + (hop,), seen, reason)

    def _tgw_exit(self, src: Endpoint, out: Attachment, tgw: Optional[str], piece: IPSet, poss: bool,
                  path: tuple[Hop, ...], seen: frozenset[str], why: str) -> None:
        if out.kind == VPC_ATT:
            vpc = self.m.vpcs.get(out.vpc or "")
            if vpc is None:
                self._record(src, ("unknown", f"VPC of {out.address} (not in the plan)"), piece, True, path,
                             why or "attachment's VPC unknown")
                return
            for table in self.m.tables_for(vpc, out.subnets or None):
                self._vpc_table(src, table, piece, poss, path + (Hop("vpc", vpc.address, f"into VPC {vpc.address}"),),
                                seen, why)
        elif out.outside:
            self._record(src, INTERNET, piece, poss, path + (
                Hop("attachment", out.address, f"VPN {out.address} ({out.outside})"),
                Hop("internet", "", "the internet")), why)
        elif out.kind in (DX_ATT, *ONPREM_ATTS):
            self._onprem(src, piece, out.tiers, poss, path, why)
        elif out.kind == PEERING_ATT:
            if out.peer and out.peer in self.m.tgws:
                self._tgw_enter(src, out, piece, poss, path, seen, why, skip_tgw=tgw)
            else:
                self._record(src, ("external", f"Transit Gateway peering {out.address} to account "
                                               f"{out.peer_account or '(unknown)'}"), piece, poss, path, why)
        else:
            self._record(src, ("unknown", f"attachment {out.address} (not in the plan)"), piece, True, path,
                         why or "attachment not in the plan")

    def _onprem(self, src: Endpoint, piece: IPSet, tiers: frozenset[str], poss: bool, path: tuple[Hop, ...],
                why: str) -> None:
        """Traffic handed to the town hall: classified by the declared ranges it falls in."""
        rest = piece
        for tier in TIERS:
            ranges = self.m.on_premises.get(tier)
            part = piece & ranges if ranges else IPSet()
            if part:
                rest = rest - part
                self._record(src, ("onprem", tier), part, poss, path + (Hop("onprem", tier, f"town hall {tier} segment"),), why)
        if rest:
            self._record(src, ("onprem", ""), rest, poss, path + (
                Hop("onprem", "", "town hall (a range no tier declares)"),), why)


__all__ = ["Reachability", "Reach", "Hop", "Endpoint", "INTERNET", "endpoint_text"]
