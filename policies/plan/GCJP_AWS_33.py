"""GCJP_AWS_33: each attachment is associated with its own tier's route table (the town hall's with "onprem")."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.tiers import attachment_kind, route_table_kind


class TgwAssociationMatchesTier(PlanCheck):
    id = "GCJP_AWS_33"
    supported_resources = ("aws_ec2_transit_gateway_route_table_association",)

    def scan(self, res, plan):
        kind, att = attachment_kind(plan, res)
        table, rt = route_table_kind(plan, res)
        if kind is None or table is None:
            return False, f"cannot tell the tiers ({att}; {rt})"
        if kind == table:
            return True, f"{kind} attachment uses the {table} route table"
        return False, f"{kind} attachment {att} uses the {table} route table {rt}: it reaches what that tier reaches"


check = TgwAssociationMatchesTier()
