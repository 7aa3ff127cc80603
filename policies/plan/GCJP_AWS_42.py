"""GCJP_AWS_42: every trail delivers to the log archive bucket (the WORM copy), not to some other bucket."""

from fnmatch import fnmatchcase

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


class TrailToLogArchive(PlanCheck):
    id = "GCJP_AWS_42"
    supported_resources = ("aws_cloudtrail",)

    def scan(self, res, plan):
        names = [str(b.values.get("bucket", "")) for b in plan.targets(res, "s3_bucket_name", ("aws_s3_bucket",))]
        if isinstance(res.values.get("s3_bucket_name"), str):
            names.append(res.values["s3_bucket_name"])
        pattern = c.log_archive_pattern()
        if names and all(fnmatchcase(n, pattern) for n in names):
            return True, f"delivers to {', '.join(sorted(set(names)))}"
        return False, f"delivers to {', '.join(sorted(set(names))) or 'an unknown bucket'}, not a log archive ({pattern})"


check = TrailToLogArchive()
