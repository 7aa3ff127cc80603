"""GCJP_AWS_71: every account the stack deploys into records its API activity in a CloudTrail trail (its own,
or an organization trail of the management account); an account without one is a failure, "missing". The
identity account (shared by environments) is logged by whoever runs it.

An organization trail (is_organization_trail) stands in for the other accounts only when it is in the
organization's management account, Digital Agency's governance account as the stack declares it (the
boundaries model takes the same account as the management account). AWS refuses an organization trail
anywhere else (a delegated administrator is not declared by any stack); there, and when no stack is known,
it counts for its own account only.

A trail that records no management events (every basic selector excludes them, or no advanced selector
records them: gcbase/check/trailsel.py) does not record the account's API activity, so it does not count."""

from gcbase.check import trailsel
from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import Outcome, PlanCheck


def records_management_events(trail) -> bool:
    if trailsel.has_advanced(trail.values):
        return bool(trailsel.management_coverage(trail.values)[0])
    basic = [s for s in trail.values.get("event_selector") or [] if isinstance(s, dict)]
    return not basic or any(s.get("include_management_events") is not False for s in basic)


class TrailInEveryAccount(PlanCheck):
    id = "GCJP_AWS_71"
    supported_resources = ("aws_cloudtrail",)

    def scan_plan(self, plan):
        trails: dict = {}
        organization = []
        for trail in plan.of_type("aws_cloudtrail"):
            if trail.values.get("enable_logging") is False or not records_management_events(trail):
                continue
            account = plan.placement(trail)[0] or plan.account(trail)
            trails.setdefault(account, []).append(trail.address)
            if trail.values.get("is_organization_trail") is True:
                organization.append((account, trail.address))
        management = plan.intent.governance_account if plan.intent is not None else None
        organization = [address for account, address in organization if management and account == management]
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
