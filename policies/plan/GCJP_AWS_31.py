"""GCJP_AWS_31: no route table in a My Number tier VPC has a default route (0.0.0.0/0 or ::/0)."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck

DEFAULTS = ("0.0.0.0/0", "::/0")


class NoDefaultRouteInMyNumber(PlanCheck):
    id = "GCJP_AWS_31"
    supported_resources = ("aws_route", "aws_route_table", "aws_default_route_table")

    def scan(self, res, plan):
        if plan.tier(res, c.TIER_TAG) != c.MYNUMBER:
            return None
        if res.type == "aws_route":
            dests = [res.values.get("destination_cidr_block"), res.values.get("destination_ipv6_cidr_block")]
        else:
            dests = res.all("route.cidr_block") + res.all("route.ipv6_cidr_block")
        bad = [d for d in dests if d in DEFAULTS]
        if bad:
            return False, f"default route {', '.join(bad)} in a My Number tier VPC"
        return True, "no default route"


check = NoDefaultRouteInMyNumber()
