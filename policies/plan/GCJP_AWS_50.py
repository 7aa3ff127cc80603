"""GCJP_AWS_50: every VPC is a system the stack declares, so its tier is known; every declared system has its VPC (invariant vpcs-declared)."""

from gcbase.check.netcheck import InvariantCheck


class VpcsDeclared(InvariantCheck):
    id = "GCJP_AWS_50"


check = VpcsDeclared()
