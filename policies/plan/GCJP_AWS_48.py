"""GCJP_AWS_48: in shared use separated by account or network, no path between member municipalities and no account serving two (invariant members-isolated)."""

from gcbase.check.netcheck import InvariantCheck


class MembersIsolated(InvariantCheck):
    id = "GCJP_AWS_48"


check = MembersIsolated()
