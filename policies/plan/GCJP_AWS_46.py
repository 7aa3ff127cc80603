"""GCJP_AWS_46: My Number and LGWAN tier VPCs have no internet gateway, NAT, public IP or Elastic IP, and no path to or from the internet (invariant no-internet-edge)."""

from gcbase.check.netcheck import InvariantCheck


class NoInternetEdge(InvariantCheck):
    id = "GCJP_AWS_46"


check = NoInternetEdge()
