"""GCJP_AWS_28: no internet gateway (or egress-only gateway) is attached to a My Number tier VPC."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


class NoInternetGatewayInMyNumber(PlanCheck):
    id = "GCJP_AWS_28"
    supported_resources = ("aws_internet_gateway", "aws_egress_only_internet_gateway",
                           "aws_internet_gateway_attachment")

    def scan(self, res, plan):
        vpcs = plan.targets(res, "vpc_id", ("aws_vpc",))
        if not vpcs:
            return True, "not attached to a VPC in this plan"
        tiers = {v.address: plan.tier(v, c.TIER_TAG) for v in vpcs}
        bad = sorted(a for a, t in tiers.items() if t == c.MYNUMBER)
        if bad:
            return False, f"attached to My Number tier VPC {', '.join(bad)}: a path to the internet"
        return True, f"VPC tier {', '.join(sorted(str(t) for t in tiers.values()))}"


check = NoInternetGatewayInMyNumber()
