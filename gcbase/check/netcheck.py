"""Plan-level checks that report one network invariant (baselines/network/invariants.yaml).

The analysis (gcbase/network/) is built once per plan and shared by every such check; a check only
names its invariant by its own id. Each verdict becomes an outcome on the pair or resource it is
about, with the path hop by hop.
"""

from __future__ import annotations

from typing import Iterable

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import Outcome, PlanCheck
from gcbase.check.planindex import PlanIndex


class InvariantCheck(PlanCheck):
    """Set `id`; the invariant whose `check` is this id is evaluated on the whole plan."""

    supported_resources = ("aws_vpc", "aws_default_vpc", "aws_ec2_transit_gateway", "aws_security_group",
                           "aws_network_acl", "aws_ram_resource_share", "aws_vpc_peering_connection")

    def scan_plan(self, plan: PlanIndex) -> Iterable[Outcome]:
        from gcbase.network import analysis
        from gcbase.network.invariants import invariant_of

        inv = invariant_of(self.id)
        for v in analysis(plan).evaluate(inv):
            yield Outcome(v.resource, PASSED if v.passed else FAILED, v.detail, tuple(v.path))
