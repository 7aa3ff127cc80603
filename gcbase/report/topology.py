"""The tenancy's network as an inline SVG, drawn from a captured Plan (no outside resources).

Left to right: the town hall network (LGWAN or a carrier's closed network), the Direct
Connect lines and the VPN backup, the shared account with the Direct Connect gateway and the
Transit Gateway, then the workload VPCs in three bands, one per 三層 tier, each VPC with its
system, CIDR, account and whether it has an internet gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Optional

from gcbase.report.sanitize import clean
from gcbase.model import Plan, Resource
from gcbase.report.i18n import Texts
from gcbase.settings import TIERS

VPC = "aws:ec2/vpc:Vpc"
IGW = "aws:ec2/internetGateway:InternetGateway"
TGW = "aws:ec2transitgateway/transitGateway:TransitGateway"
TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
DX_GATEWAY = "aws:directconnect/gateway:Gateway"
DX_VIF = "aws:directconnect/transitVirtualInterface:TransitVirtualInterface"
VPN = "aws:ec2/vpnConnection:VpnConnection"
UNTIERED = "unknown"
TIER_COLOURS = {"mynumber": "#c62828", "lgwan": "#1565c0", "internet": "#2e7d32", UNTIERED: "#616161"}


@dataclass(frozen=True)
class VpcNode:
    name: str
    system: str
    tier: str
    cidr: str
    account: str
    internet_gateway: bool
    attached: bool  # has a Transit Gateway attachment
    address: str = ""  # its Terraform address (what network findings name)


@dataclass(frozen=True)
class Line:
    name: str
    connection_id: str
    vlan: str
    location: str
    tier: str = ""  # the town-hall segment the VIF carries ("" when untagged)


@dataclass
class Topology:
    stack: str
    connection: str = ""  # lgwan | connection-service | "" (no Direct Connect in the plan)
    hub_account: str = ""
    transit_gateway: str = ""
    dx_gateways: list[tuple[str, str]] = field(default_factory=list)  # (name, tier or "")
    lines: list[Line] = field(default_factory=list)
    vpns: list[str] = field(default_factory=list)  # tier of each VPN ("" when untagged)
    tiers: dict[str, list[VpcNode]] = field(default_factory=dict)

    @property
    def vpcs(self) -> list[VpcNode]:
        return [v for nodes in self.tiers.values() for v in nodes]

    @property
    def vpn(self) -> bool:
        return bool(self.vpns)

    @property
    def dx_gateway(self) -> str:
        return ", ".join(name for name, _ in self.dx_gateways)

    @property
    def segments(self) -> list[str]:
        """The town-hall segments the connection carries, in tier order ("" for an untiered one)."""
        found = {t for _, t in self.dx_gateways} | {line.tier for line in self.lines} | set(self.vpns)
        return [t for t in (*TIERS, "") if t in found]


def _tags(res: Resource) -> dict:
    tags = res.inputs.get("tags")
    return tags if isinstance(tags, dict) else {}


def from_plan(plan: Plan) -> Topology:
    """What the diagram shows, read from the plan's resources (works on imported plans too)."""
    from gcbase.tfplan.export import identifier

    top = Topology(stack=plan.stack)
    tgw = next(iter(plan.of_type(TGW)), None)
    if tgw is not None:
        top.transit_gateway = _tags(tgw).get("Name") or tgw.name
        top.hub_account = plan.account_of(tgw) or ""
    vif_tiers: dict[str, set[str]] = {}
    for vif in plan.of_type(DX_VIF):
        tags = _tags(vif)
        tier = str(tags.get("gcbase:tier", "")) if tags.get("gcbase:tier") in TIERS else ""
        vif_tiers.setdefault(str(vif.inputs.get("dxGatewayId")), set()).add(tier)
        top.connection = top.connection or str(tags.get("gcbase:connection", ""))
        top.lines.append(Line(str(vif.inputs.get("name") or vif.name), str(vif.inputs.get("connectionId", "")),
                              str(vif.inputs.get("vlan", "")), str(tags.get("gcbase:location", "")), tier))
    for dxgw in plan.of_type(DX_GATEWAY):
        tiers = vif_tiers.get(str(dxgw.id), set())
        top.dx_gateways.append((str(dxgw.inputs.get("name") or dxgw.name), next(iter(tiers)) if len(tiers) == 1 else ""))
    top.dx_gateways.sort(key=lambda g: (TIERS.index(g[1]) if g[1] in TIERS else len(TIERS), g[0]))
    top.lines.sort(key=lambda l: (TIERS.index(l.tier) if l.tier in TIERS else len(TIERS), l.connection_id))
    top.vpns = sorted((str(_tags(v).get("gcbase:tier", "")) if _tags(v).get("gcbase:tier") in TIERS else ""
                       for v in plan.of_type(VPN)), key=lambda t: TIERS.index(t) if t in TIERS else len(TIERS))
    with_igw = {r.inputs.get("vpcId") for r in plan.of_type(IGW)}
    attached = {r.inputs.get("vpcId") for r in plan.of_type(TGW_ATTACHMENT)}
    top.tiers = {tier: [] for tier in TIERS}
    for vpc in plan.of_type(VPC):
        tags = _tags(vpc)
        tier = tags.get("gcbase:tier") if tags.get("gcbase:tier") in TIERS else UNTIERED
        vpc_id = vpc.id or vpc.name
        top.tiers.setdefault(tier, []).append(VpcNode(
            name=str(tags.get("Name") or vpc.name), system=str(tags.get("gcbase:system", "")), tier=tier,
            cidr=str(vpc.inputs.get("cidrBlock", "")), account=plan.account_of(vpc) or "",
            internet_gateway=vpc_id in with_igw, attached=vpc_id in attached,
            address=f"aws_vpc.{identifier(vpc.name)}"))
    for nodes in top.tiers.values():
        nodes.sort(key=lambda v: (v.system, v.name))
    return top


# -- drawing ---------------------------------------------------------------------------------
_W, _PAD = 1000, 16
_TOWN_X, _TOWN_W = _PAD, 170
_HUB_X, _HUB_W = 330, 230
_BAND_X, _BAND_W = 620, 1000 - 620 - _PAD
_VPC_H, _VPC_GAP, _BAND_HEAD = 46, 8, 26
PATH_COLOUR = "#d50000"


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x, y, w, h, fill="#fff", stroke="#455a64", dash=False, rx=6, cls="", width=1.5) -> None:
        extra = ' stroke-dasharray="6 4"' if dash else ""
        extra += f' class="{cls}"' if cls else ""
        self.parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" '
                          f'stroke="{stroke}" stroke-width="{width}"{extra}/>')

    def text(self, x, y, s: str, size=12, weight="normal", fill="#212121", anchor="start") -> None:
        self.parts.append(f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
                          f'text-anchor="{anchor}">{escape(clean(s))}</text>')  # names from the plan: no bidi, no controls

    def line(self, x1, y1, x2, y2, stroke="#455a64", dash=False, width=1.5) -> None:
        extra = ' stroke-dasharray="5 4"' if dash else ""
        self.parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" stroke-width="{width}"{extra}/>')

    def polyline(self, points: list[tuple[int, int]], stroke: str, cls: str) -> None:
        pts = " ".join(f"{x},{y}" for x, y in points)
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{stroke}" stroke-width="3" '
                          f'stroke-dasharray="8 4" class="{cls}"/>')


def _band_height(nodes: list[VpcNode]) -> int:
    return _BAND_HEAD + max(len(nodes), 1) * (_VPC_H + _VPC_GAP) + _VPC_GAP


def render_svg(top: Topology, t: Texts, paths: Optional[list[tuple[str, list[dict]]]] = None) -> str:
    """One inline <svg> element (HTML gives it the SVG namespace); every text escaped, nothing external.
    `paths`: (label, hops) of network findings to draw in red, each from its source to its destination."""
    paths = paths or []
    bands = [(tier, nodes) for tier, nodes in top.tiers.items() if tier != UNTIERED or nodes]
    height = max(sum(_band_height(n) + 12 for _, n in bands) + 2 * _PAD + 20, 360)
    svg = _Svg()
    anchors: dict[tuple[str, str], tuple[int, int]] = {}  # (kind, key) -> point where a path touches it
    flagged = {(h["kind"], h["address"]) for _, hops in paths for h in (hops[:1] + hops[-1:])}
    # town hall: one box per connected segment (its tier's colour)
    segments = top.segments or [""]
    seg_h = 44
    town_top = max(_PAD + 40, height // 2 - (len(segments) * (seg_h + 8)) // 2)
    svg.rect(_TOWN_X - 6, town_top - 36, _TOWN_W + 12, len(segments) * (seg_h + 8) + 44, fill="#fff8e1")
    conn_label = t(f"topology.connection.{top.connection}") if top.connection else t("topology.connection.none")
    svg.text(_TOWN_X + _TOWN_W // 2, town_top - 18, t("topology.townhall"), 14, "bold", anchor="middle")
    svg.text(_TOWN_X + _TOWN_W // 2, town_top - 4, conn_label, 11, anchor="middle")
    seg_y: dict[str, int] = {}
    for i, tier in enumerate(segments):
        y = town_top + 4 + i * (seg_h + 8)
        colour = TIER_COLOURS.get(tier or UNTIERED, "#616161")
        hit = ("onprem", tier) in flagged
        svg.rect(_TOWN_X, y, _TOWN_W, seg_h, fill="#fff", stroke=PATH_COLOUR if hit else colour, width=3 if hit else 1.5,
                 cls=f"segment-{tier or 'untiered'}")
        svg.text(_TOWN_X + 8, y + 18, t(f"tier.{tier}") if tier else t("topology.segment_untiered"), 11, "bold", fill=colour)
        seg_y[tier] = y + seg_h // 2
        anchors[("onprem", tier)] = (_TOWN_X + _TOWN_W, y + seg_h // 2)
    # shared account: Direct Connect gateways (one per segment), the Transit Gateway
    hub_top = _PAD + 56
    hub_h = height - hub_top - _PAD
    svg.rect(_HUB_X - 12, hub_top, _HUB_W + 24, hub_h, fill="#eceff1", dash=True)
    svg.text(_HUB_X, hub_top + 18, t("topology.hub_account", account=top.hub_account or "?"), 12, "bold")
    tgw_y = hub_top + hub_h - 70
    dx_y: dict[str, int] = {}
    for i, (name, tier) in enumerate(top.dx_gateways):
        y = hub_top + 30 + i * 50
        svg.rect(_HUB_X, y, _HUB_W, 42, fill="#fff", stroke=TIER_COLOURS.get(tier or UNTIERED, "#455a64"))
        svg.text(_HUB_X + 10, y + 17, t("topology.dx_gateway") + (f" — {t('tier.' + tier)}" if tier else ""), 11, "bold")
        svg.text(_HUB_X + 10, y + 33, name, 10, fill="#455a64")
        dx_y[tier] = y + 21
        svg.line(_HUB_X + _HUB_W // 2, y + 42, _HUB_X + _HUB_W // 2, tgw_y)
    svg.rect(_HUB_X, tgw_y, _HUB_W, 50, fill="#fff", stroke="#37474f")
    svg.text(_HUB_X + 10, tgw_y + 20, t("topology.transit_gateway"), 13, "bold")
    svg.text(_HUB_X + 10, tgw_y + 38, top.transit_gateway or t("topology.missing"), 11, fill="#455a64")
    tgw_point = (_HUB_X + _HUB_W // 2, tgw_y + 25)
    # internet (top of the hub column) and what lies outside the plan
    internet_y = _PAD
    svg.rect(_HUB_X, internet_y, _HUB_W, 32, fill="#e8f5e9", stroke="#2e7d32", cls="internet")
    svg.text(_HUB_X + _HUB_W // 2, internet_y + 21, t("topology.internet"), 12, "bold", fill="#2e7d32", anchor="middle")
    anchors[("internet", "")] = (_HUB_X + _HUB_W // 2, internet_y + 32)
    anchors[("outside", "")] = (_TOWN_X + _TOWN_W // 2, _PAD + 8)
    # connection lines: one per transit VIF, from its segment to its gateway; VPNs dashed
    for i, line in enumerate(top.lines):
        y_from = seg_y.get(line.tier, next(iter(seg_y.values()))) - 8 + 6 * (i % 3)
        y_to = dx_y.get(line.tier, next(iter(dx_y.values()), tgw_y))
        svg.line(_TOWN_X + _TOWN_W, y_from, _HUB_X, y_to, stroke="#6a1b9a", width=2.5)
    for i, line in enumerate(top.lines):
        label = f"DX{i + 1} {line.connection_id} VLAN {line.vlan}" + (f" ({line.location})" if line.location else "")
        svg.text(_TOWN_X, height - _PAD - 15 * (len(top.lines) - i - 1) - 15 * len(top.vpns), label, 10, fill="#6a1b9a")
    for i, tier in enumerate(top.vpns):
        y_from = seg_y.get(tier, next(iter(seg_y.values()))) + 10
        svg.line(_TOWN_X + _TOWN_W, y_from, _HUB_X, tgw_y + 40, stroke="#ef6c00", dash=True, width=2)
        svg.text(_TOWN_X, height - _PAD - 15 * (len(top.vpns) - i - 1), t("topology.vpn_backup")
                 + (f" — {t('tier.' + tier)}" if tier else ""), 10, fill="#ef6c00")
    # tier bands with their VPCs
    y = _PAD
    for tier, nodes in bands:
        colour = TIER_COLOURS[tier]
        bh = _band_height(nodes)
        svg.rect(_BAND_X, y, _BAND_W, bh, fill="#fafafa", stroke=colour, cls=f"tier-{tier}")
        svg.text(_BAND_X + 10, y + 18, t(f"tier.{tier}"), 13, "bold", fill=colour)
        vy = y + _BAND_HEAD
        if not nodes:
            svg.text(_BAND_X + 16, vy + 26, t("topology.no_vpc"), 11, fill="#757575")
        for node in nodes:
            hit = ("vpc", node.address) in flagged
            svg.rect(_BAND_X + 10, vy, _BAND_W - 20, _VPC_H, fill="#fff", stroke=PATH_COLOUR if hit else colour,
                     width=3 if hit else 1.5)
            svg.text(_BAND_X + 20, vy + 18, f"{node.system or node.name}  {node.cidr}", 12, "bold")
            svg.text(_BAND_X + 20, vy + 36, t("topology.vpc_account", account=node.account or "?"), 11, fill="#455a64")
            if node.internet_gateway:
                svg.text(_BAND_X + _BAND_W - 20, vy + 18, t("topology.internet_gateway"), 11, "bold",
                         fill="#2e7d32", anchor="end")
            if node.attached and top.transit_gateway:
                svg.line(_HUB_X + _HUB_W, tgw_y + 25, _BAND_X + 10, vy + _VPC_H // 2, stroke=colour)
            anchors[("vpc", node.address)] = (_BAND_X + 10, vy + _VPC_H // 2)
            vy += _VPC_H + _VPC_GAP
        y += bh + 12
    # offending paths, in red, numbered as in the findings
    for label, hops in paths:
        points = []
        for hop in hops:
            key = (hop["kind"], hop["address"]) if hop["kind"] in ("vpc", "onprem") else \
                ("internet", "") if hop["kind"] == "internet" else None
            if hop["kind"] == "tgw-route-table":
                points.append(tgw_point)
            elif key in anchors:
                points.append(anchors[key])
        if hops and hops[-1]["kind"] not in ("vpc", "onprem", "internet"):
            points.append(anchors[("outside", "")])
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(points) >= 2:
            svg.polyline(points, PATH_COLOUR, "violation")
            svg.text(points[0][0] + 4, points[0][1] - 6, label, 11, "bold", fill=PATH_COLOUR)
    title = escape(t("topology.title", stack=top.stack))
    return (f'<svg viewBox="0 0 {_W} {height}" width="100%" '
            f'role="img" aria-label="{title}" font-family="sans-serif"><title>{title}</title>'
            + "".join(svg.parts) + "</svg>")


def topology_svg(plan: Plan, t: Texts, top: Optional[Topology] = None,
                 paths: Optional[list[tuple[str, list[dict]]]] = None) -> str:
    return render_svg(top or from_plan(plan), t, paths)
