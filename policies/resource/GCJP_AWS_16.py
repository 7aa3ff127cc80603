"""GCJP_AWS_16: every backup rule runs at least as often as the profile's RPO requires."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.schedule import interval_hours


class BackupMeetsRpo(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_16", categories=[CheckCategories.BACKUP_AND_RECOVERY],
                         supported_resources=["aws_backup_plan"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["rule"]
        rpo = int(c.profile_minimum(c.params(__file__)["profile_key"]))
        rules = [r for r in c.values(conf, "rule") if isinstance(r, dict)]
        if not rules:
            self.details.append("backup plan without rules")
            return CheckResult.FAILED
        for rule in rules:
            if c.is_true(c.value(rule, "enable_continuous_backup", False)):
                continue
            schedule = str(c.value(rule, "schedule", ""))
            hours, why = interval_hours(schedule)
            if hours is None or hours > rpo:
                self.details.append(f"rule {c.value(rule, 'rule_name', '?')}: {why or f'every {hours} h'}, "
                                    f"but the RPO is {rpo} h")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = BackupMeetsRpo()
