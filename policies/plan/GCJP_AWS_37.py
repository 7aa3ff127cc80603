"""GCJP_AWS_37: Security Hub runs the AWS FSBP and CIS standards in every account and region of the plan."""

from gcbase.check.catalogue import parameters
from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck


class SecurityHubStandardsEverywhere(PlanCheck):
    id = "GCJP_AWS_37"
    supported_resources = ("aws_securityhub_account",)
    reads = ("aws_securityhub_standards_subscription",)

    def scan_plan(self, plan):
        wanted = parameters(__file__)["standards"]
        subscribed: dict = {}
        for sub in plan.of_type("aws_securityhub_standards_subscription"):
            arn = str(sub.values.get("standards_arn", ""))
            subscribed.setdefault(plan.placement(sub), set()).update(n for n in wanted if f"/{n}/" in arn)
        hubs = set()
        for hub in plan.of_type("aws_securityhub_account"):
            where = plan.placement(hub)
            hubs.add(where)
            missing = [n for n in wanted if n not in subscribed.get(where, set())]
            if missing:
                yield Outcome(hub.address, FAILED, f"standards not subscribed: {', '.join(missing)}")
            else:
                yield Outcome(hub.address, PASSED, f"{', '.join(wanted)} subscribed")
        without = sorted(f"{a or '?'}/{r}" for a, r in plan.placements() if (a, r) not in hubs)
        if without:
            yield Outcome(PLAN_ADDRESS, FAILED, f"Security Hub is not enabled in {', '.join(without)}")


check = SecurityHubStandardsEverywhere()
