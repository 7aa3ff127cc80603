"""GCJP_AWS_43: no path, in either direction, between the My Number tier and the internet tier or the internet (invariant no-path-mynumber-internet)."""

from gcbase.check.netcheck import InvariantCheck


class NoPathMyNumberInternet(InvariantCheck):
    id = "GCJP_AWS_43"


check = NoPathMyNumberInternet()
