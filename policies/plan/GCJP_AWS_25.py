"""GCJP_AWS_25: An SCP denies disabling Security Hub or its standards."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class SecurityHubProtected(ScpProtection, PlanCheck):
    id = "GCJP_AWS_25"
    supported_resources = ("aws_securityhub_account",)
    check_file = __file__


check = SecurityHubProtected()
