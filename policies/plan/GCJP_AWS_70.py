"""GCJP_AWS_70: every system the stack declares is backed up: a backup plan with a selection that picks the
system's resources, in the system's account (absence is a failure, "missing").

A selection covers a system only when it provably selects that system's data: a selection tag (STRINGEQUALS)
gcbase:system=<system>, the tag the system's resources carry (baselines/backup/backup.yaml selectionTagKey),
or `resources` patterns that match every data resource of the system the plan holds ("*" matches all). Its
`not_resources` and `condition` narrow it (AWS Backup ANDs them with the rest): a condition on the system tag
is decided, any other condition or any exclusion is something the check cannot decide, so not covered."""

from fnmatch import fnmatchcase

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck

TAG = "gcbase:system"
CONDITION_KEY = f"aws:ResourceTag/{TAG}"
# Resource types AWS Backup protects that hold a system's data (what a `resources` selection must reach).
DATA_TYPES = ("aws_dynamodb_table", "aws_db_instance", "aws_rds_cluster", "aws_efs_file_system", "aws_ebs_volume",
              "aws_instance", "aws_s3_bucket", "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system",
              "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "aws_docdb_cluster", "aws_neptune_cluster",
              "aws_redshift_cluster", "aws_timestreamwrite_table", "aws_storagegateway_gateway")
CONDITIONS = ("string_equals", "string_not_equals", "string_like", "string_not_like")


def _conditions_hold(sel, system: str) -> tuple[bool, str]:
    """Whether every condition of the selection holds for a resource tagged gcbase:system=<system>."""
    for block in sel.all("condition"):
        if not isinstance(block, dict):
            return False, "a condition the check cannot read"
        for op, entries in block.items():
            for entry in entries or []:
                if op not in CONDITIONS or not isinstance(entry, dict):
                    return False, f"a condition {op} the check cannot decide"
                key, value = entry.get("key"), entry.get("value")
                if key != CONDITION_KEY or not isinstance(value, str):
                    return False, f"a condition on {key} the check cannot decide"
                match = (value == system) if op in ("string_equals", "string_not_equals") else fnmatchcase(system, value)
                if match == op.startswith("string_not"):
                    return False, f"its condition {op} {key}={value} leaves out {TAG}={system}"
    return True, ""


def _data_arns(plan, system: str, account) -> list:
    """ARNs of the system's data resources in the plan (None for one whose ARN is not known)."""
    out = []
    for res in plan.of_type(*DATA_TYPES):
        if res.tags.get(TAG) == system and (plan.account(res) or plan.placement(res)[0]) == account:
            arn = res.values.get("arn")
            out.append(arn if isinstance(arn, str) else None)
    return out


def covers(plan, sel, system: str, account) -> tuple[bool, str]:
    """(covered, why not) for one selection and one system of its account."""
    by_tag = any(isinstance(t, dict) and t.get("key") == TAG and t.get("value") == system
                 and str(t.get("type", "STRINGEQUALS")).upper() == "STRINGEQUALS" for t in sel.all("selection_tag"))
    patterns = [p for p in (sel.values.get("resources") or []) if isinstance(p, str)]
    by_resources = False
    if not by_tag and (patterns or sel.refs.get("resources")):
        if "*" in patterns:
            by_resources = True
        else:
            arns = _data_arns(plan, system, account)
            picked = {t.values.get("arn") for t in plan.targets(sel, "resources")}
            by_resources = bool(arns) and all(a is not None and (a in picked or any(fnmatchcase(a, p) for p in patterns))
                                              for a in arns)
    if not (by_tag or by_resources):
        return False, f"selects neither {TAG}={system} nor every data resource of {system}"
    if sel.values.get("not_resources") or sel.refs.get("not_resources"):
        return False, "its not_resources may exclude the system's data (the check cannot tell they do not)"
    return _conditions_hold(sel, system)


def selects_something(plan, sel, account) -> bool:
    """Without a stack (no systems known): a selection that covers the system its gcbase:system tag names, or
    one that names other tags or resources and is not narrowed by not_resources or a condition (the check
    could not show that anything is left selected)."""
    tagged = [str(t["value"]) for t in sel.all("selection_tag") if isinstance(t, dict) and t.get("key") == TAG
              and isinstance(t.get("value"), str)]
    if any(covers(plan, sel, system, account)[0] for system in tagged):
        return True
    names = any(isinstance(t, dict) and t.get("key") and t.get("value") for t in sel.all("selection_tag"))
    names = names or bool(sel.values.get("resources") or sel.refs.get("resources"))
    narrowed = bool(sel.values.get("not_resources") or sel.refs.get("not_resources"))
    narrowed = narrowed or any(entries for block in sel.all("condition") if isinstance(block, dict)
                               for entries in block.values())
    return names and not narrowed


class EverySystemBackedUp(PlanCheck):
    id = "GCJP_AWS_70"
    supported_resources = ("aws_backup_plan", "aws_backup_selection", "aws_vpc")

    def scan_plan(self, plan):
        selected: dict = {}  # account -> [selections of a plan in this plan]
        for sel in plan.of_type("aws_backup_selection"):
            plans = plan.targets(sel, "plan_id", ("aws_backup_plan",))
            if not plans:
                continue  # a selection of no plan in this plan backs nothing up
            account = plan.placement(sel)[0] or plan.account(plans[0])
            selected.setdefault(account, []).append(sel)
        if plan.intent is not None:
            for system in plan.intent.systems:
                found = [(sel, covers(plan, sel, system.id, system.account)) for sel in selected.get(system.account, [])]
                good = [sel for sel, (ok, _) in found if ok]
                if good:
                    yield Outcome(f"system:{system.id}", PASSED, f"backed up in account {system.account} "
                                                                 f"({good[0].address})")
                    continue
                if not plan.judges_absence:  # one part of a tenancy: its backup may be in another part
                    continue
                why = "; ".join(f"{sel.address} {reason}" for sel, (_, reason) in found)
                yield Outcome(f"system:{system.id}", FAILED, f"missing: no backup plan selects system {system.id} "
                                                             f"in account {system.account}: its data has no backup"
                                                             + (f" ({why})" if why else ""))
            return
        accounts = sorted({plan.account(v) or plan.placement(v)[0] for v in plan.of_type("aws_vpc")} - {None})
        for account in accounts:
            if any(selects_something(plan, sel, account) for sel in selected.get(account, [])):
                yield Outcome(f"account:{account}", PASSED, f"a backup plan selects resources in account {account}")
            elif plan.judges_absence:
                yield Outcome(f"account:{account}", FAILED, f"missing: no backup plan selects anything in account "
                                                            f"{account}, which holds a VPC (no stack known: every "
                                                            "account with a VPC is taken to hold data)")
        if not accounts and not plan.of_type("aws_backup_plan"):
            return


check = EverySystemBackedUp()
