"""GCJP_AWS_23: An SCP denies stopping, deleting or changing the AWS Config recorder."""

from gcbase.check.plancheck import PlanCheck
from gcbase.check.scp import ScpProtection


class ConfigProtected(ScpProtection, PlanCheck):
    id = "GCJP_AWS_23"
    supported_resources = ("aws_config_configuration_recorder",)
    check_file = __file__


check = ConfigProtected()
