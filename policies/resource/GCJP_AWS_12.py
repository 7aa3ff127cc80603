"""GCJP_AWS_12: the break-glass role can be assumed only with MFA, and only soon after an MFA sign-in."""

from fnmatch import fnmatchcase

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.mfa import mfa_problems


class BreakGlassRequiresMfa(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_12", categories=[CheckCategories.IAM],
                         supported_resources=["aws_iam_role"])

    def scan_resource_conf(self, conf):
        p = c.params(__file__)
        name = str(c.value(conf, "name", ""))
        if c.tags(conf).get(p["party_tag"]) != p["party"] and not fnmatchcase(name, p["name_pattern"]):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["assume_role_policy"]
        problems = mfa_problems(conf.get("assume_role_policy"), max_age=int(c.iam_parties()[p["max_age_key"]]))
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = BreakGlassRequiresMfa()
