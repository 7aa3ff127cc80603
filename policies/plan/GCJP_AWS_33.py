"""GCJP_AWS_33: each attachment is associated with its own tier's route table (a town-hall segment's with its
own segment's table)."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.tiers import ONPREM, attachment_kind, route_table_kind


class TgwAssociationMatchesTier(PlanCheck):
    id = "GCJP_AWS_33"
    supported_resources = ("aws_ec2_transit_gateway_route_table_association",)

    def scan(self, res, plan):
        kind, att, segment = attachment_kind(plan, res)
        table, rt, table_tier = route_table_kind(plan, res)
        if kind is None or table is None:
            return False, f"cannot tell the tiers ({att}; {rt})"
        if kind != table:
            return False, f"{kind} attachment {att} uses the {table} route table {rt}: it reaches what that tier reaches"
        if kind == ONPREM and table_tier is not None and segment != table_tier:
            return False, (f"town-hall attachment {att} ({segment or 'no tier: any segment'}) uses the {table_tier} "
                           f"segment's table {rt}")
        return True, f"{kind} attachment uses the {table} route table" + (f" ({table_tier})" if table_tier else "")


check = TgwAssociationMatchesTier()
