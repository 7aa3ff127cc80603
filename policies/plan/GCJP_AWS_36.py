"""GCJP_AWS_36: GuardDuty is on in every account and region the plan deploys to."""

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck


class GuardDutyEverywhere(PlanCheck):
    id = "GCJP_AWS_36"
    supported_resources = ("aws_guardduty_detector",)

    def scan_plan(self, plan):
        on: set = set()
        for det in plan.of_type("aws_guardduty_detector"):
            where = plan.placement(det)
            if det.values.get("enable", True) in (True, "true"):
                on.add(where)
                yield Outcome(det.address, PASSED, f"enabled in {where[0] or '?'} {where[1] or '?'}")
            else:
                yield Outcome(det.address, FAILED, "detector declared with enable=false")
        missing = sorted(f"{a or '?'}/{r}" for a, r in plan.placements() if (a, r) not in on)
        if missing:
            yield Outcome(PLAN_ADDRESS, FAILED, f"no enabled GuardDuty detector in {', '.join(missing)}")


check = GuardDutyEverywhere()
