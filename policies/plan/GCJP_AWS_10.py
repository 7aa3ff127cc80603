"""GCJP_AWS_10: no security group or network ACL admits the internet, counted over the address set all its rules admit (baselines/network/invariants.yaml: not-open-to-the-world)."""

from gcbase.check.netcheck import InvariantCheck


class NotOpenToTheWorld(InvariantCheck):
    id = "GCJP_AWS_10"


check = NotOpenToTheWorld()
