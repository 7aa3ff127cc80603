"""GCJP_AWS_27: an SCP denies creating internet paths (gateways, NAT, Elastic IPs) where My Number tier VPCs live."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class MyNumberInternetDenied(ScpProtection, PlanCheck):
    id = "GCJP_AWS_27"
    supported_resources = ("aws_vpc",)
    check_file = __file__

    def applies(self, res):
        return res.tags.get(c.TIER_TAG) == c.MYNUMBER


check = MyNumberInternetDenied()
