"""GCJP_AWS_40: each log archive bucket is created with Object Lock and has an Object Lock configuration."""

from fnmatch import fnmatchcase

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


class ArchiveHasObjectLock(PlanCheck):
    id = "GCJP_AWS_40"
    supported_resources = ("aws_s3_bucket",)

    def scan(self, res, plan):
        if not fnmatchcase(str(res.values.get("bucket", "")), c.log_archive_pattern()):
            return None
        problems = []
        if not c.is_true(res.values.get("object_lock_enabled")) and not res.all("object_lock_configuration"):
            problems.append("created without object_lock_enabled (cannot be turned on later)")
        locks = plan.referrers(res, ("aws_s3_bucket_object_lock_configuration",), "bucket")
        if not locks and not res.all("object_lock_configuration.rule"):
            problems.append("no Object Lock configuration with a default retention")
        if problems:
            return False, "; ".join(problems)
        return True, f"Object Lock configured by {', '.join(l.address for l in locks) or 'the bucket'}"


check = ArchiveHasObjectLock()
