"""GCJP_AWS_59: the log archive keeps logs for the stack's own profile retention: Object Lock in
COMPLIANCE mode with a default retention, and a lifecycle, of at least the stack's logRetentionDays."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck
from gcbase.check.planindex import PlanIndex

DAYS_PER_YEAR = 365


def archive_bucket(plan: PlanIndex, res) -> bool:
    from fnmatch import fnmatchcase

    names = [str(b.values.get("bucket", "")) for b in plan.targets(res, "bucket", ("aws_s3_bucket",))]
    names += [res.values["bucket"]] if isinstance(res.values.get("bucket"), str) else []
    return any(fnmatchcase(n, c.log_archive_pattern()) for n in names)


def retention(plan: PlanIndex) -> tuple[int, str]:
    """(days, where the value comes from): the stack's profile, else the base profile's minimum."""
    days = getattr(plan.intent, "log_retention_days", 0) or 0
    if days:
        return int(days), "the stack's profile (gcbase:profile.logRetentionDays)"
    return int(c.profile_minimum(c.params(__file__)["profile_key"])), "the base profile (no stack config)"


class ArchiveKeepsLogsForTheProfile(PlanCheck):
    id = "GCJP_AWS_59"
    supported_resources = ("aws_s3_bucket_object_lock_configuration", "aws_s3_bucket_lifecycle_configuration")

    def scan(self, res, plan):
        if not archive_bucket(plan, res):
            return None
        days, source = retention(plan)
        if res.type == "aws_s3_bucket_lifecycle_configuration":
            early = [f"{path} {d}" for path in ("rule.expiration.days", "rule.noncurrent_version_expiration.noncurrent_days")
                     for d in res.all(path) if (c.as_int(d) or days) < days]
            if early:
                return False, f"expires logs before {days} days ({source}): {', '.join(early)}"
            return True, f"no expiry before {days} days ({source})"
        mode = res.get("rule.default_retention.mode")
        kept = c.as_int(res.get("rule.default_retention.days")) or (c.as_int(res.get("rule.default_retention.years")) or 0) * DAYS_PER_YEAR
        problems = []
        if mode != "COMPLIANCE":
            problems.append(f"lock mode {mode or 'unset'}, not COMPLIANCE")
        if kept < days:
            problems.append(f"default retention {kept} days, below {days} ({source})")
        if problems:
            return False, "; ".join(problems)
        return True, f"COMPLIANCE for {kept} days, at least {days} ({source})"


check = ArchiveKeepsLogsForTheProfile()
