"""GCJP_AWS_44: no path, in either direction, between the My Number tier and the LGWAN tier (invariant no-path-mynumber-lgwan; an exception names the pair)."""

from gcbase.check.netcheck import InvariantCheck


class NoPathMyNumberLgwan(InvariantCheck):
    id = "GCJP_AWS_44"


check = NoPathMyNumberLgwan()
