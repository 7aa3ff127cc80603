"""GCJP_AWS_32: a tier's attachment propagates its routes only into its own tier's or the town hall's route table."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.tiers import ONPREM, attachment_kind, route_table_kind


class TgwPropagationIsolated(PlanCheck):
    id = "GCJP_AWS_32"
    supported_resources = ("aws_ec2_transit_gateway_route_table_propagation",)

    def scan(self, res, plan):
        kind, att = attachment_kind(plan, res)
        table, rt = route_table_kind(plan, res)
        if kind is None or table is None:
            return False, f"cannot tell the tiers ({att}; {rt}): an untiered propagation may join tiers"
        if kind == table or ONPREM in (kind, table):
            return True, f"{kind} routes into the {table} route table"
        return False, f"{kind} tier attachment {att} propagates into the {table} route table {rt}: tiers can reach each other"


check = TgwPropagationIsolated()
