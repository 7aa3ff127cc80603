"""GCJP_AWS_32: a tier's attachment propagates its routes only into its own tier's tables (its VPC table and
its town-hall segment's table); a town-hall segment's attachment only into its own tier's VPC tables."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.tiers import ONPREM, attachment_kind, route_table_kind


class TgwPropagationIsolated(PlanCheck):
    id = "GCJP_AWS_32"
    supported_resources = ("aws_ec2_transit_gateway_route_table_propagation",)

    def scan(self, res, plan):
        kind, att, segment = attachment_kind(plan, res)
        table, rt, table_tier = route_table_kind(plan, res)
        if kind is None or table is None:
            return False, f"cannot tell the tiers ({att}; {rt}): an untiered propagation may join tiers"
        if kind == ONPREM:
            if table == ONPREM:
                return False, f"town-hall attachment {att} propagates into town-hall table {rt}: segments join"
            if segment is None:
                return False, (f"town-hall attachment {att} has no tier (it may carry any segment) and propagates into "
                               f"the {table} table {rt}")
            if segment != table:
                return False, f"the {segment} segment's attachment {att} propagates into the {table} table {rt}"
            return True, f"the {segment} segment's routes go into the {table} table"
        if kind == table:
            return True, f"{kind} routes into the {table} route table"
        if table == ONPREM and table_tier in (None, kind):
            return True, f"{kind} routes into the {table_tier or 'town-hall'} segment's table"
        where = f"the {table_tier} segment's table" if table == ONPREM else f"the {table} route table"
        return False, f"{kind} tier attachment {att} propagates into {where} {rt}: tiers can reach each other"


check = TgwPropagationIsolated()
