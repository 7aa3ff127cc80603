"""GCJP_AWS_11: the Transit Gateway places no attachment by default (no shared default route table)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


class TgwNoDefaultRouteTable(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_11", categories=[CheckCategories.NETWORKING],
                         supported_resources=["aws_ec2_transit_gateway"])

    def scan_resource_conf(self, conf):
        keys = ["default_route_table_association", "default_route_table_propagation", "auto_accept_shared_attachments"]
        self.evaluated_keys = keys
        # Terraform's defaults: association and propagation enable, auto-accept disable.
        wrong = [f"{k} is {c.value(conf, k, d)}" for k, d, want in zip(keys, ("enable", "enable", "disable"),
                                                                        ("disable", "disable", "disable"))
                 if c.value(conf, k, d) != want]
        if wrong:
            self.details.append("; ".join(wrong) + ": attachments would share routes across tiers")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = TgwNoDefaultRouteTable()
