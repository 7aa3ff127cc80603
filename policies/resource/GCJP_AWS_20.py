"""GCJP_AWS_20: AWS Config records every supported resource type in its region."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class ConfigRecordsAll(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_20", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_config_configuration_recorder"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["recording_group"]
        if not c.values(conf, "recording_group"):  # AWS would default to all types, but nothing here says so
            self.details.append("the plan does not declare what the recorder records (no recording_group); "
                                "for a recorder Control Tower runs, verify its settings")
            return CheckResult.FAILED
        group = c.block(conf, "recording_group")
        strategy = c.value(c.block(group, "recording_strategy"), "use_only", "ALL_SUPPORTED_RESOURCE_TYPES")
        if c.is_true(c.value(group, "all_supported", True)) and strategy == "ALL_SUPPORTED_RESOURCE_TYPES" \
                and not c.values(group, "resource_types"):
            return CheckResult.PASSED
        self.details.append("the recorder records only selected resource types (all_supported is not true)")
        return CheckResult.FAILED


check = ConfigRecordsAll()
