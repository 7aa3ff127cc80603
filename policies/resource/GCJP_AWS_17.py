"""GCJP_AWS_17: recovery points (and their remote copies) are kept at least the profile's retention."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class BackupRetention(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_17", categories=[CheckCategories.BACKUP_AND_RECOVERY],
                         supported_resources=["aws_backup_plan"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["rule"]
        minimum = int(c.profile_minimum(c.params(__file__)["profile_key"]))
        short = []
        for rule in (r for r in c.values(conf, "rule") if isinstance(r, dict)):
            name = c.value(rule, "rule_name", "?")
            lifecycles = [("", c.block(rule, "lifecycle"))]
            lifecycles += [("copy ", c.block(copy, "lifecycle")) for copy in c.values(rule, "copy_action")
                           if isinstance(copy, dict)]
            for what, lc in lifecycles:
                days = c.as_int(c.value(lc, "delete_after"))
                if days and days < minimum:  # absent or 0: kept until deleted by hand
                    short.append(f"rule {name}: {what}recovery points deleted after {days} days")
        if short:
            self.details.append("; ".join(short) + f" (profile: at least {minimum})")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = BackupRetention()
