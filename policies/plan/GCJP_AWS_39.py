"""GCJP_AWS_39: the log archive's lifecycle never expires logs before the profile's retention."""

from fnmatch import fnmatchcase

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


def archive_buckets(plan, res):
    """The log archive buckets a bucket-scoped resource (policy, lifecycle, lock) belongs to."""
    names = [str(b.values.get("bucket", "")) for b in plan.targets(res, "bucket", ("aws_s3_bucket",))]
    if isinstance(res.values.get("bucket"), str):
        names.append(res.values["bucket"])
    return [n for n in names if fnmatchcase(n, c.log_archive_pattern())]


class ArchiveLifecycleKeepsLogs(PlanCheck):
    id = "GCJP_AWS_39"
    supported_resources = ("aws_s3_bucket_lifecycle_configuration",)

    def scan(self, res, plan):
        if not archive_buckets(plan, res):
            return None
        minimum = int(c.profile_minimum(c.params(__file__)["profile_key"]))
        early = [f"{path} {days}" for path in ("rule.expiration.days", "rule.noncurrent_version_expiration.noncurrent_days")
                 for days in res.all(path) if (c.as_int(days) or minimum) < minimum]
        if early:
            return False, f"expires log objects before {minimum} days: {', '.join(early)}"
        return True, f"no expiry before {minimum} days"


check = ArchiveLifecycleKeepsLogs()
