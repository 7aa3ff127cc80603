"""GCJP_AWS_4: CloudTrail writes signed digest files (log file validation)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class TrailLogValidation(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_4", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_cloudtrail"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["enable_log_file_validation"]
        if c.is_true(c.value(conf, "enable_log_file_validation", False)):
            return CheckResult.PASSED
        self.details.append("enable_log_file_validation is not true: log files cannot be proven unaltered")
        return CheckResult.FAILED


check = TrailLogValidation()
