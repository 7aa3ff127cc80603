"""GCJP_AWS_8: the log archive's bucket policy denies deleting logs and changing their retention, to everyone."""

from fnmatch import fnmatchcase

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.policydoc import action_covered, as_list, document, principals, resource_covered, statements


class ArchiveBucketPolicyDeniesDeletes(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_8", categories=[CheckCategories.BACKUP_AND_RECOVERY],
                         supported_resources=["aws_s3_bucket_policy"])

    def scan_resource_conf(self, conf):
        sts = statements(document(conf.get("policy")))
        pattern = "arn:aws:s3:::" + c.log_archive_pattern()
        buckets = sorted({str(r) for st in sts for r in as_list(st.get("Resource"))
                          if "/" not in str(r) and fnmatchcase(str(r), pattern)})
        if not buckets:
            return CheckResult.UNKNOWN  # not a log archive bucket
        self.evaluated_keys = ["policy"]
        denies = [st for st in sts if st.get("Effect") == "Deny" and principals(st) == ["*"] and not st.get("Condition")]
        wanted = c.params(__file__)["deny_actions"]
        missing = []
        for arn in buckets:
            for scope, actions in (("bucket", wanted["bucket"]), ("object", wanted["object"])):
                target = arn if scope == "bucket" else f"{arn}/AWSLogs/object"
                for action in actions:
                    if not any(action_covered(st, action) and resource_covered(st, target) for st in denies):
                        missing.append(action)
        if missing:
            self.details.append(f"not denied to everyone without conditions: {', '.join(sorted(set(missing)))}")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ArchiveBucketPolicyDeniesDeletes()
