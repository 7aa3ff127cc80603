"""GCJP_AWS_30: nothing in a My Number tier VPC gets a public IP address."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck

PUBLIC_IP = {  # resource type -> attribute that gives it a public address
    "aws_subnet": "map_public_ip_on_launch",
    "aws_instance": "associate_public_ip_address",
    "aws_launch_template": "network_interfaces.associate_public_ip_address",
    "aws_eip": "",
}


class NoPublicIpInMyNumber(PlanCheck):
    id = "GCJP_AWS_30"
    supported_resources = tuple(PUBLIC_IP)

    def scan(self, res, plan):
        if res.type == "aws_eip":
            owners = plan.targets(res, "instance", ("aws_instance",)) + plan.targets(
                res, "network_interface", ("aws_network_interface",))
            if any(plan.tier(o, c.TIER_TAG) == c.MYNUMBER for o in owners):
                return False, "Elastic IP associated with a My Number tier instance or interface"
            return None
        if plan.tier(res, c.TIER_TAG) != c.MYNUMBER:
            return None
        attr = PUBLIC_IP[res.type]
        if any(c.is_true(v) for v in res.all(attr)):
            return False, f"{attr} is true in a My Number tier VPC"
        return True, f"{attr} is not set"


check = NoPublicIpInMyNumber()
