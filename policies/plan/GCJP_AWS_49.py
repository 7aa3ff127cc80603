"""GCJP_AWS_49: no VPC peering, Transit Gateway attachment or peering, or RAM share with an account outside the tenancy (invariant no-outside-links)."""

from gcbase.check.netcheck import InvariantCheck


class NoOutsideLinks(InvariantCheck):
    id = "GCJP_AWS_49"


check = NoOutsideLinks()
