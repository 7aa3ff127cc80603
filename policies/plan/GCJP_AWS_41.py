"""GCJP_AWS_41: each Transit Gateway VPC attachment spans at least two Availability Zones."""

from gcbase.check.catalogue import parameters
from gcbase.check.plancheck import PlanCheck


class TgwAttachmentMultiAz(PlanCheck):
    id = "GCJP_AWS_41"
    supported_resources = ("aws_ec2_transit_gateway_vpc_attachment",)

    def scan(self, res, plan):
        minimum = int(parameters(__file__)["min_azs"])
        subnets = plan.targets(res, "subnet_ids", ("aws_subnet",))
        azs = {s.values.get("availability_zone_id") or s.values.get("availability_zone") for s in subnets}
        azs.discard(None)
        count = len(azs) if subnets else len(res.values.get("subnet_ids") or res.refs.get("subnet_ids", [])[::2])
        if count >= minimum:
            return True, f"{count} Availability Zones"
        return False, f"{count} Availability Zone(s): one zone's outage cuts the VPC off the Transit Gateway"


check = TgwAttachmentMultiAz()
