"""GCJP_AWS_73: every backup vault lock is in compliance mode and keeps recovery points at least the stack's
profile backup retention: changeable_for_days set (after that cooling-off period nobody, root included, can
remove the lock or shorten retention) and min_retention_days of at least gcbase:profile.backupRetentionDays
(the base profile's value when no stack is known). A lock in governance mode (no changeable_for_days) can be
removed by a privileged user; a one-day minimum lets recovery points be deleted the next day. A value the
plan does not know (computed) cannot be shown to hold, so it fails."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


def retention(plan) -> tuple[int, str]:
    """(days, where the value comes from): the stack's profile, else the base profile's value."""
    days = getattr(plan.intent, "backup_retention_days", 0) or 0
    if days:
        return int(days), "the stack's profile (gcbase:profile.backupRetentionDays)"
    return int(c.profile_minimum(c.params(__file__)["profile_key"])), "the base profile (no stack config)"


class VaultLockInComplianceMode(PlanCheck):
    id = "GCJP_AWS_73"
    supported_resources = ("aws_backup_vault_lock_configuration",)

    def scan(self, res, plan):
        days, source = retention(plan)
        problems = []
        changeable = c.as_int(res.values.get("changeable_for_days"))
        if changeable is None:
            problems.append("changeable_for_days is not set (or not known): the lock is in governance mode, "
                            "which a privileged user can remove")
        kept = c.as_int(res.values.get("min_retention_days"))
        if kept is None:
            problems.append("min_retention_days is not set (or not known): recovery points may be deleted at once")
        elif kept < days:
            problems.append(f"min_retention_days {kept}, below {days} ({source})")
        if problems:
            return False, "; ".join(problems)
        return True, f"compliance mode (changeable for {changeable} days), recovery points kept at least {kept} days"


check = VaultLockInComplianceMode()
