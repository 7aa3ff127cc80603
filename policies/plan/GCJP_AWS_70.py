"""GCJP_AWS_70: every system the stack declares is backed up: a backup plan with a selection that picks the
system's resources, in the system's account (absence is a failure, "missing")."""

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck


class EverySystemBackedUp(PlanCheck):
    id = "GCJP_AWS_70"
    supported_resources = ("aws_backup_plan", "aws_backup_selection", "aws_vpc")

    def scan_plan(self, plan):
        selected: dict = {}  # account -> {system ids picked by tag, or "*" for explicit resources}
        for sel in plan.of_type("aws_backup_selection"):
            plans = plan.targets(sel, "plan_id", ("aws_backup_plan",))
            if not plans:
                continue  # a selection of no plan in this plan backs nothing up
            account = plan.placement(sel)[0] or plan.account(plans[0])
            picks = selected.setdefault(account, set())
            for tag in sel.all("selection_tag"):
                if isinstance(tag, dict) and str(tag.get("key")) == "gcbase:system" and tag.get("value"):
                    picks.add(str(tag["value"]))
            if sel.values.get("resources") or sel.refs.get("resources"):
                picks.add("*")
        if plan.intent is not None:
            for system in plan.intent.systems:
                picks = selected.get(system.account, set())
                if system.id in picks or "*" in picks:
                    yield Outcome(f"system:{system.id}", PASSED, f"backed up in account {system.account}")
                elif plan.judges_absence:  # one part of a tenancy: its backup may be in another part
                    yield Outcome(f"system:{system.id}", FAILED, f"missing: no backup plan selects system {system.id} "
                                                                 f"in account {system.account}: its data has no backup")
            return
        accounts = sorted({plan.account(v) or plan.placement(v)[0] for v in plan.of_type("aws_vpc")} - {None})
        for account in accounts:
            if selected.get(account):
                yield Outcome(f"account:{account}", PASSED, f"a backup plan selects resources in account {account}")
            elif plan.judges_absence:
                yield Outcome(f"account:{account}", FAILED, f"missing: no backup plan selects anything in account "
                                                            f"{account}, which holds a VPC (no stack known: every "
                                                            "account with a VPC is taken to hold data)")
        if not accounts and not plan.of_type("aws_backup_plan"):
            return


check = EverySystemBackedUp()
