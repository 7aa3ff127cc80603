"""Plan-level checks that report external access for one family of resources (gcbase/trust/).

The zone-of-trust analysis is built once per plan and shared by every such check (PlanIndex.memo); a
check only names its family by its own id (baselines/trust/resources.yaml maps types to check ids).
"""

from __future__ import annotations

from typing import Iterable

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import Outcome, PlanCheck
from gcbase.check.planindex import PlanIndex


def _types() -> tuple[str, ...]:
    from gcbase.trust.inventory import table

    t = table()
    return tuple(sorted({*t["policies"], *t["sharing"], "aws_s3_bucket"}))


class ExternalAccessCheck(PlanCheck):
    """Set `id`; every item of baselines/trust/resources.yaml mapped to this id is judged."""

    supported_resources = _types()

    def scan_plan(self, plan: PlanIndex) -> Iterable[Outcome]:
        from gcbase.trust import analysis

        for v in analysis(plan).of(self.id):
            yield Outcome(v.resource, PASSED if v.passed else FAILED, v.detail)
