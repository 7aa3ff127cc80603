"""GCJP_AWS_14: every ASP role carries a permission boundary (an ASP acts only on its own system)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class AspRoleHasBoundary(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_14", categories=[CheckCategories.IAM],
                         supported_resources=["aws_iam_role"])

    def scan_resource_conf(self, conf):
        p = c.params(__file__)
        if c.tags(conf).get(p["party_tag"]) != p["party"]:
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["permissions_boundary"]
        if c.value(conf, "permissions_boundary"):
            return CheckResult.PASSED
        self.details.append("ASP role without permissions_boundary: its power-user policy is not confined to its system")
        return CheckResult.FAILED


check = AspRoleHasBoundary()
