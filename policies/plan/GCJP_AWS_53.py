"""GCJP_AWS_53: S3 bucket policies, ACLs and access points give nothing to anyone outside the zone of trust."""

from gcbase.check.trustcheck import ExternalAccessCheck


class BucketsInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_53"


check = BucketsInsideZone()
