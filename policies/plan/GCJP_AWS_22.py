"""GCJP_AWS_22: An SCP denies stopping, deleting or changing CloudTrail trails."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class TrailProtected(ScpProtection, PlanCheck):
    id = "GCJP_AWS_22"
    supported_resources = ("aws_cloudtrail",)
    check_file = __file__


check = TrailProtected()
