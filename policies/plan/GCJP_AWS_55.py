"""GCJP_AWS_55: no EBS or database snapshot and no image is shared outside the zone of trust."""

from gcbase.check.trustcheck import ExternalAccessCheck


class SnapshotsInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_55"


check = SnapshotsInsideZone()
