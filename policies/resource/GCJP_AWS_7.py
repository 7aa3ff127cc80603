"""GCJP_AWS_7: a bucket policy denies every request that is not made over TLS."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.policydoc import action_covered, condition_values, document, principals, statements


class BucketPolicyTlsOnly(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_7", categories=[CheckCategories.ENCRYPTION],
                         supported_resources=["aws_s3_bucket_policy"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["policy"]
        for st in statements(document(conf.get("policy"))):
            if st.get("Effect") != "Deny" or principals(st) != ["*"]:
                continue
            if not all(action_covered(st, a) for a in ("s3:GetObject", "s3:PutObject", "s3:ListBucket")):
                continue
            if [v.lower() for v in condition_values(st, "Bool", "aws:SecureTransport")] == ["false"]:
                resources = [str(r) for r in (st.get("Resource") if isinstance(st.get("Resource"), list)
                                              else [st.get("Resource")])]
                if any(r.endswith("/*") or r == "*" for r in resources):
                    return CheckResult.PASSED
        self.details.append("no Deny for Principal * on s3:* (bucket and objects) when aws:SecureTransport is false")
        return CheckResult.FAILED


check = BucketPolicyTlsOnly()
