"""GCJP_AWS_57: VPC endpoints admit only principals of the zone of trust (no default full-access policy), and endpoint services accept connections only from them."""

from gcbase.check.trustcheck import ExternalAccessCheck


class EndpointsInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_57"


check = EndpointsInsideZone()
