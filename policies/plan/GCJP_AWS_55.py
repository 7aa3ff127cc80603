"""GCJP_AWS_55: no EBS or database snapshot, no image and no SSM document is shared outside the zone of trust."""

from gcbase.check.trustcheck import ExternalAccessCheck


class SnapshotsInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_55"


check = SnapshotsInsideZone()
