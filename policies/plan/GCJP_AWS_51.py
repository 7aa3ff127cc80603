"""GCJP_AWS_51: every role's trust policy admits only the zone of trust (a vendor's own account only for its roles, with ExternalId, MFA and tags)."""

from gcbase.check.trustcheck import ExternalAccessCheck


class RoleTrustInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_51"


check = RoleTrustInsideZone()
