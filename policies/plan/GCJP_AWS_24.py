"""GCJP_AWS_24: An SCP denies deleting or changing GuardDuty detectors."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class GuardDutyProtected(ScpProtection, PlanCheck):
    id = "GCJP_AWS_24"
    supported_resources = ("aws_guardduty_detector",)
    check_file = __file__


check = GuardDutyProtected()
