"""三層の対策 on the Transit Gateway: which tier an attachment and a route table belong to."""

from __future__ import annotations

from typing import Optional

from gcbase.check.planindex import PlanIndex, PlanResource

TIER_TAG = "gcbase:tier"
ROUTE_TABLE_TAGS = ("gcbase:route-table", TIER_TAG)
ONPREM = "onprem"  # the town hall side: Direct Connect and VPN attachments
ONPREM_TYPES = ("aws_dx_gateway_association", "aws_dx_gateway", "aws_vpn_connection")


def attachment_kind(plan: PlanIndex, res: PlanResource) -> tuple[Optional[str], str]:
    """(tier or "onprem", what it is) of the attachment a propagation or association names."""
    targets = plan.targets(res, "transit_gateway_attachment_id")
    if not targets:
        return None, "attachment not in this plan"
    att = targets[0]
    if att.type in ONPREM_TYPES:
        return ONPREM, att.address
    if att.type in ("aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_vpc_attachment_accepter"):
        return plan.tier(att, TIER_TAG), att.address
    return None, f"{att.address} ({att.type}) has no tier"


def route_table_kind(plan: PlanIndex, res: PlanResource) -> tuple[Optional[str], str]:
    targets = plan.targets(res, "transit_gateway_route_table_id", ("aws_ec2_transit_gateway_route_table",))
    if not targets:
        return None, "route table not in this plan"
    tags = targets[0].tags
    kind = next((tags[t] for t in ROUTE_TABLE_TAGS if t in tags), None)
    return kind, targets[0].address
