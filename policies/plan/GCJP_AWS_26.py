"""GCJP_AWS_26: SCPs deny deleting the log archive bucket, its objects and their retention."""

from fnmatch import fnmatchcase

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class LogArchiveProtected(ScpProtection, PlanCheck):
    id = "GCJP_AWS_26"
    supported_resources = ("aws_s3_bucket",)
    check_file = __file__

    def applies(self, res):
        return fnmatchcase(str(res.values.get("bucket", "")), c.log_archive_pattern())

    def arn_of(self, res):
        return f"arn:aws:s3:::{res.values['bucket']}"


check = LogArchiveProtected()
