"""GCJP_AWS_29: no NAT gateway in a My Number tier VPC."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


class NoNatInMyNumber(PlanCheck):
    id = "GCJP_AWS_29"
    supported_resources = ("aws_nat_gateway",)

    def scan(self, res, plan):
        tier = plan.tier(res, c.TIER_TAG)
        if tier == c.MYNUMBER:
            return False, "NAT gateway in a My Number tier subnet: a path to the internet"
        return True, f"subnet tier {tier or 'unknown'}"


check = NoNatInMyNumber()
