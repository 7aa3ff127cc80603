"""GCJP_AWS_35: every backup rule copies its recovery points to a vault in the other Japanese region."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PlanCheck


def _region_of_arn(arn):
    parts = str(arn).split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" else None


class BackupCopiedToOtherRegion(PlanCheck):
    id = "GCJP_AWS_35"
    supported_resources = ("aws_backup_plan",)

    def scan(self, res, plan):
        home = plan.region(res)
        allowed = set(c.allowed_regions())
        vaults = plan.targets(res, "rule.copy_action.destination_vault_arn", ("aws_backup_vault",))
        regions = {plan.region(v) for v in vaults}
        regions |= {_region_of_arn(a) for a in res.all("rule.copy_action.destination_vault_arn")}
        regions.discard(None)
        remote = sorted(r for r in regions if r != home and r in allowed)
        if remote:
            return True, f"copies from {home} to {', '.join(remote)}"
        if regions - allowed:
            return False, f"copies to {', '.join(sorted(regions - allowed))}, outside the allowed regions"
        return False, f"no copy to another allowed region than {home}: a regional disaster loses every backup"


check = BackupCopiedToOtherRegion()
