"""GCJP_AWS_45: no path, in either direction, between the LGWAN tier and the internet tier or the internet (invariant no-path-lgwan-internet)."""

from gcbase.check.netcheck import InvariantCheck


class NoPathLgwanInternet(InvariantCheck):
    id = "GCJP_AWS_45"


check = NoPathLgwanInternet()
