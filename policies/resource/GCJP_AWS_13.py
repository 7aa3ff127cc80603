"""GCJP_AWS_13: roles for people (auditors, operators, ASP staff) can be assumed only with MFA."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.mfa import mfa_problems


class PeopleRolesRequireMfa(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_13", categories=[CheckCategories.IAM],
                         supported_resources=["aws_iam_role"])

    def scan_resource_conf(self, conf):
        p = c.params(__file__)
        if c.tags(conf).get(p["party_tag"]) not in p["people"]:
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["assume_role_policy"]
        problems = mfa_problems(conf.get("assume_role_policy"))
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = PeopleRolesRequireMfa()
