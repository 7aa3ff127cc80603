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


@dataclass(frozen=True)
class Line:
    name: str
    connection_id: str
    vlan: str
    location: str


@dataclass
class Topology:
    stack: str
    connection: str = ""  # lgwan | connection-service | "" (no Direct Connect in the plan)
    hub_account: str = ""
    transit_gateway: str = ""
    dx_gateway: str = ""
    lines: list[Line] = field(default_factory=list)
    vpn: bool = False
    tiers: dict[str, list[VpcNode]] = field(default_factory=dict)

    @property
    def vpcs(self) -> list[VpcNode]:
        return [v for nodes in self.tiers.values() for v in nodes]


def _tags(res: Resource) -> dict:
    tags = res.inputs.get("tags")
    return tags if isinstance(tags, dict) else {}


def from_plan(plan: Plan) -> Topology:
    """What the diagram shows, read from the plan's resources (works on imported plans too)."""
    top = Topology(stack=plan.stack)
    tgw = next(iter(plan.of_type(TGW)), None)
    if tgw is not None:
        top.transit_gateway = _tags(tgw).get("Name") or tgw.name
        top.hub_account = plan.account_of(tgw) or ""
    dxgw = next(iter(plan.of_type(DX_GATEWAY)), None)
    if dxgw is not None:
        top.dx_gateway = str(dxgw.inputs.get("name") or dxgw.name)
    for vif in plan.of_type(DX_VIF):
        tags = _tags(vif)
        top.connection = top.connection or str(tags.get("gcbase:connection", ""))
        top.lines.append(Line(str(vif.inputs.get("name") or vif.name), str(vif.inputs.get("connectionId", "")),
                              str(vif.inputs.get("vlan", "")), str(tags.get("gcbase:location", ""))))
    top.vpn = bool(plan.of_type(VPN))
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
            internet_gateway=vpc_id in with_igw, attached=vpc_id in attached))
    for nodes in top.tiers.values():
        nodes.sort(key=lambda v: (v.system, v.name))
    return top


# -- drawing ---------------------------------------------------------------------------------
_W, _PAD = 1000, 16
_TOWN_X, _TOWN_W = _PAD, 170
_HUB_X, _HUB_W = 330, 230
_BAND_X, _BAND_W = 620, 1000 - 620 - _PAD
_VPC_H, _VPC_GAP, _BAND_HEAD = 46, 8, 26


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x, y, w, h, fill="#fff", stroke="#455a64", dash=False, rx=6, cls="") -> None:
        extra = ' stroke-dasharray="6 4"' if dash else ""
        extra += f' class="{cls}"' if cls else ""
        self.parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" '
                          f'stroke="{stroke}" stroke-width="1.5"{extra}/>')

    def text(self, x, y, s: str, size=12, weight="normal", fill="#212121", anchor="start") -> None:
        self.parts.append(f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
                          f'text-anchor="{anchor}">{escape(s)}</text>')

    def line(self, x1, y1, x2, y2, stroke="#455a64", dash=False, width=1.5) -> None:
        extra = ' stroke-dasharray="5 4"' if dash else ""
        self.parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{stroke}" stroke-width="{width}"{extra}/>')


def _band_height(nodes: list[VpcNode]) -> int:
    return _BAND_HEAD + max(len(nodes), 1) * (_VPC_H + _VPC_GAP) + _VPC_GAP


def render_svg(top: Topology, t: Texts) -> str:
    """One inline <svg> element (HTML gives it the SVG namespace); every text escaped, nothing external."""
    bands = [(tier, nodes) for tier, nodes in top.tiers.items() if tier != UNTIERED or nodes]
    height = max(sum(_band_height(n) + 12 for _, n in bands) + 2 * _PAD + 20, 260)
    svg = _Svg()
    mid = height // 2
    # town hall
    conn_label = t(f"topology.connection.{top.connection}") if top.connection else t("topology.connection.none")
    svg.rect(_TOWN_X, mid - 50, _TOWN_W, 100, fill="#fff8e1")
    svg.text(_TOWN_X + _TOWN_W // 2, mid - 20, t("topology.townhall"), 14, "bold", anchor="middle")
    svg.text(_TOWN_X + _TOWN_W // 2, mid + 2, conn_label, 12, anchor="middle")
    # shared account with DX gateway and TGW
    hub_top, hub_h = mid - 120, 240
    svg.rect(_HUB_X - 12, hub_top, _HUB_W + 24, hub_h, fill="#eceff1", dash=True)
    svg.text(_HUB_X, hub_top + 18, t("topology.hub_account", account=top.hub_account or "?"), 12, "bold")
    tgw_y = mid + 20
    if top.dx_gateway:
        svg.rect(_HUB_X, mid - 80, _HUB_W, 44, fill="#fff")
        svg.text(_HUB_X + 10, mid - 62, t("topology.dx_gateway"), 12, "bold")
        svg.text(_HUB_X + 10, mid - 46, top.dx_gateway, 11, fill="#455a64")
        svg.line(_HUB_X + _HUB_W // 2, mid - 36, _HUB_X + _HUB_W // 2, tgw_y)
    svg.rect(_HUB_X, tgw_y, _HUB_W, 50, fill="#fff", stroke="#37474f")
    svg.text(_HUB_X + 10, tgw_y + 20, t("topology.transit_gateway"), 13, "bold")
    svg.text(_HUB_X + 10, tgw_y + 38, top.transit_gateway or t("topology.missing"), 11, fill="#455a64")
    # connection lines: one per Direct Connect line, the VPN dashed
    n = len(top.lines)
    for i, line in enumerate(top.lines):
        y_from = mid - 30 + (60 * (i + 1)) // (n + 1)
        svg.line(_TOWN_X + _TOWN_W, y_from, _HUB_X, mid - 58, stroke="#6a1b9a", width=2.5)
        label = f"DX{i + 1} {line.connection_id} VLAN {line.vlan}" + (f" ({line.location})" if line.location else "")
        svg.text(_TOWN_X, mid - 60 - 15 * (n - i - 1), label, 10, fill="#6a1b9a")
    if top.vpn:
        svg.line(_TOWN_X + _TOWN_W, mid + 40, _HUB_X, tgw_y + 40, stroke="#ef6c00", dash=True, width=2)
        svg.text(_TOWN_X + _TOWN_W + 6, mid + 64, t("topology.vpn_backup"), 10, fill="#ef6c00")
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
            svg.rect(_BAND_X + 10, vy, _BAND_W - 20, _VPC_H, fill="#fff", stroke=colour)
            svg.text(_BAND_X + 20, vy + 18, f"{node.system or node.name}  {node.cidr}", 12, "bold")
            svg.text(_BAND_X + 20, vy + 36, t("topology.vpc_account", account=node.account or "?"), 11, fill="#455a64")
            if node.internet_gateway:
                svg.text(_BAND_X + _BAND_W - 20, vy + 18, t("topology.internet_gateway"), 11, "bold",
                         fill="#2e7d32", anchor="end")
            if node.attached and top.transit_gateway:
                svg.line(_HUB_X + _HUB_W, tgw_y + 25, _BAND_X + 10, vy + _VPC_H // 2, stroke=colour)
            vy += _VPC_H + _VPC_GAP
        y += bh + 12
    title = escape(t("topology.title", stack=top.stack))
    return (f'<svg viewBox="0 0 {_W} {height}" width="100%" '
            f'role="img" aria-label="{title}" font-family="sans-serif"><title>{title}</title>'
            + "".join(svg.parts) + "</svg>")


def topology_svg(plan: Plan, t: Texts, top: Optional[Topology] = None) -> str:
    return render_svg(top or from_plan(plan), t)
