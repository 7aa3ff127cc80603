"""GCJP_AWS_34: the town hall connection is redundant: at least two transit VIFs on different connections."""

from gcbase.check.catalogue import parameters
from gcbase.check.plancheck import PlanCheck


class RedundantConnection(PlanCheck):
    id = "GCJP_AWS_34"
    supported_resources = ("aws_dx_gateway",)

    def scan(self, res, plan):
        minimum = int(parameters(__file__)["min_lines"])
        vifs = plan.referrers(res, ("aws_dx_transit_virtual_interface",), "dx_gateway_id")
        lines = {str(v.values.get("connection_id")) for v in vifs if v.values.get("connection_id")}
        if len(vifs) >= minimum and len(lines) >= minimum:
            return True, f"{len(vifs)} transit VIFs on {len(lines)} connections"
        return False, (f"{len(vifs)} transit VIF(s) on {len(lines)} connection(s); at least {minimum} "
                       "on different connections are needed so that one line can fail")


check = RedundantConnection()
