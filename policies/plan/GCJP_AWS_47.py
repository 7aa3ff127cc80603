"""GCJP_AWS_47: a tier's VPCs reach, and are reached from, only their own tier's town-hall segment (invariant town-hall-same-tier)."""

from gcbase.check.netcheck import InvariantCheck


class TownHallSameTier(InvariantCheck):
    id = "GCJP_AWS_47"


check = TownHallSameTier()
