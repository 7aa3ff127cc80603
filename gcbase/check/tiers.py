"""三層の対策 on the Transit Gateway: which tier an attachment and a route table belong to.

Kinds: a tier name (a VPC attachment, or a tier's VPC table), or "onprem" (a town-hall attachment or
table) with the segment's tier when known. The tiers of attachments come from the network model
(gcbase/network/from_plan.py: the stack for VPCs, tags for town-hall segments), so every check reads
them one way.
"""

from __future__ import annotations

from typing import Optional

from gcbase.check.planindex import PlanIndex, PlanResource

TIER_TAG = "gcbase:tier"
ROUTE_TABLE_TAGS = ("gcbase:route-table", TIER_TAG)
ONPREM = "onprem"  # the town hall side: Direct Connect and VPN attachments
ONPREM_TYPES = ("aws_dx_gateway_association", "aws_dx_gateway", "aws_vpn_connection")


def _model_tier(plan: PlanIndex, address: str) -> Optional[str]:
    """The one tier the network model gives an attachment (None: untiered, or carries several)."""
    from gcbase.network import analysis

    att = analysis(plan).model.attachments.get(address)
    return next(iter(att.tiers)) if att is not None and len(att.tiers) == 1 else None


def attachment_kind(plan: PlanIndex, res: PlanResource) -> tuple[Optional[str], str, Optional[str]]:
    """(tier or "onprem", what it is, the town-hall segment's tier) of the attachment a propagation or
    association names; the segment is None for a VPC attachment or an untiered town-hall attachment."""
    targets = plan.targets(res, "transit_gateway_attachment_id")
    if not targets:
        return None, "attachment not in this plan", None
    att = targets[0]
    if att.type in ONPREM_TYPES:
        return ONPREM, att.address, _model_tier(plan, att.address)
    if att.type in ("aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_vpc_attachment_accepter"):
        return plan.tier(att, TIER_TAG), att.address, None
    return None, f"{att.address} ({att.type}) has no tier", None


def route_table_kind(plan: PlanIndex, res: PlanResource) -> tuple[Optional[str], str, Optional[str]]:
    """(tier or "onprem", the table, its tier) of the route table a propagation or association names."""
    targets = plan.targets(res, "transit_gateway_route_table_id", ("aws_ec2_transit_gateway_route_table",))
    if not targets:
        return None, "route table not in this plan", None
    tags = targets[0].tags
    kind = next((tags[t] for t in ROUTE_TABLE_TAGS if t in tags), None)
    return kind, targets[0].address, tags.get(TIER_TAG)
