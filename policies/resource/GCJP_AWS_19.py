"""GCJP_AWS_19: CloudWatch Logs keep logs at least the profile's online retention."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class LogGroupRetention(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_19", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_cloudwatch_log_group"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["retention_in_days"]
        minimum = int(c.profile_minimum(c.params(__file__)["profile_key"]))
        days = c.as_int(c.value(conf, "retention_in_days", 0)) or 0
        if days == 0 or days >= minimum:  # 0: never expire
            return CheckResult.PASSED
        self.details.append(f"retention_in_days is {days}, below the profile's {minimum}")
        return CheckResult.FAILED


check = LogGroupRetention()
