"""GCJP_AWS_6: S3 Object Lock keeps objects in COMPLIANCE mode for at least the profile's log retention."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c

DAYS_PER_YEAR = 365


class ObjectLockRetention(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_6", categories=[CheckCategories.BACKUP_AND_RECOVERY],
                         supported_resources=["aws_s3_bucket_object_lock_configuration"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["object_lock_enabled", "rule/[0]/default_retention"]
        minimum = int(c.profile_minimum(c.params(__file__)["profile_key"]))
        retention = c.block(conf, "rule", "default_retention")
        mode = c.value(retention, "mode")
        days = c.as_int(c.value(retention, "days"))
        years = c.as_int(c.value(retention, "years"))
        kept = days if days else (years or 0) * DAYS_PER_YEAR
        problems = []
        if c.value(conf, "object_lock_enabled", "Enabled") != "Enabled":
            problems.append("object_lock_enabled is not Enabled")
        if mode != "COMPLIANCE":
            problems.append(f"default retention mode is {mode or 'unset'}, not COMPLIANCE (GOVERNANCE can be bypassed)")
        if kept < minimum:
            problems.append(f"default retention is {kept} days, below the profile's {minimum}")
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ObjectLockRetention()
