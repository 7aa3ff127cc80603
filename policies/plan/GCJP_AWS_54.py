"""GCJP_AWS_54: RAM shares name only the tenancy's accounts."""

from gcbase.check.trustcheck import ExternalAccessCheck


class RamSharesInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_54"


check = RamSharesInsideZone()
