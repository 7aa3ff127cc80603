"""GCJP_AWS_5: CloudTrail encrypts its log files with a customer-managed KMS key."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.keys import customer_managed_key


class TrailCustomerManagedKey(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_5", categories=[CheckCategories.ENCRYPTION],
                         supported_resources=["aws_cloudtrail"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["kms_key_id"]
        ok, why = customer_managed_key(c.value(conf, "kms_key_id"))
        if ok:
            return CheckResult.PASSED
        self.details.append(f"kms_key_id: {why}")
        return CheckResult.FAILED


check = TrailCustomerManagedKey()
