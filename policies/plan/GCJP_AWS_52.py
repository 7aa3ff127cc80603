"""GCJP_AWS_52: KMS key policies and grants give nothing to anyone outside the zone of trust."""

from gcbase.check.trustcheck import ExternalAccessCheck


class KeysInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_52"


check = KeysInsideZone()
