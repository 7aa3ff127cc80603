"""GCJP_AWS_9: VPC flow logs capture ALL traffic, accepted and rejected."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class FlowLogAllTraffic(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_9", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_flow_log"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["traffic_type"]
        traffic = c.value(conf, "traffic_type")
        if traffic == "ALL":
            return CheckResult.PASSED
        self.details.append(f"traffic_type is {traffic or 'unset'}, not ALL")
        return CheckResult.FAILED


check = FlowLogAllTraffic()
