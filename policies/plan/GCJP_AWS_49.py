"""GCJP_AWS_49: no VPC peering, Transit Gateway attachment or peering, RAM share, PrivateLink or VPC Lattice link with an account outside the tenancy, and no undeclared Site-to-Site VPN (invariant no-outside-links)."""

from gcbase.check.netcheck import InvariantCheck


class NoOutsideLinks(InvariantCheck):
    id = "GCJP_AWS_49"


check = NoOutsideLinks()
