"""GCJP_AWS_71: every account the stack deploys into records its API activity in a CloudTrail trail (its own,
or an organization trail of the management account); an account without one is a failure, "missing". The
identity account (shared by environments) is logged by whoever runs it."""

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import Outcome, PlanCheck


class TrailInEveryAccount(PlanCheck):
    id = "GCJP_AWS_71"
    supported_resources = ("aws_cloudtrail",)

    def scan_plan(self, plan):
        trails: dict = {}
        organization = []
        for trail in plan.of_type("aws_cloudtrail"):
            if trail.values.get("enable_logging") is False:
                continue
            account = plan.placement(trail)[0] or plan.account(trail)
            trails.setdefault(account, []).append(trail.address)
            if trail.values.get("is_organization_trail") is True:
                organization.append(trail.address)
        if plan.intent is not None:
            accounts = list(plan.intent.deployed_accounts)
            scope = f"stack {plan.intent.stack}"
        else:
            accounts = sorted({a for a, _ in plan.placements()} - {None})
            scope = "the plan's accounts (no stack known)"
        for account in accounts:
            if trails.get(account):
                yield Outcome(f"account:{account}", PASSED, f"trail {', '.join(trails[account])}")
            elif organization:
                yield Outcome(f"account:{account}", PASSED, f"organization trail {', '.join(organization)}")
            elif plan.judges_absence:  # one part of a tenancy: the account's trail may be in another part
                yield Outcome(f"account:{account}", FAILED, f"missing: no CloudTrail trail records account {account} "
                                                            f"({scope}): its API activity leaves no audit log")


check = TrailInEveryAccount()
