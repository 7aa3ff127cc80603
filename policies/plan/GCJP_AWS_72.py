"""GCJP_AWS_72: every resource of the plan is of a type some check reads; a resource no check sees (a type
unknown to the exporter, another provider's resource, an AWS type no check covers) fails, unless a waiver
names its type (resource: "type:<terraform type>") with a reason and an approver."""

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import Outcome, PlanCheck


class EveryResourceChecked(PlanCheck):
    id = "GCJP_AWS_72"
    supported_resources = ("aws_vpc",)  # it judges every resource of the plan; this only registers it

    def scan_plan(self, plan):
        from gcbase.check.runner import covered_types

        covered = covered_types()
        by_type: dict[str, list[str]] = {}
        for res in plan:
            by_type.setdefault(res.type, []).append(res.address)
        for item in (plan.plan.get("gcbase") or {}).get("not_checked") or []:
            if isinstance(item, dict) and item.get("type"):
                by_type.setdefault(str(item["type"]), []).append(str(item.get("urn") or item["type"]))
        for tf_type, addresses in sorted(by_type.items()):
            shown = ", ".join(addresses[:3]) + (f" (+{len(addresses) - 3} more)" if len(addresses) > 3 else "")
            if tf_type in covered:
                yield Outcome(f"type:{tf_type}", PASSED, f"{len(addresses)} resource(s), read by a check")
            elif tf_type.startswith("aws_"):
                yield Outcome(f"type:{tf_type}", FAILED, f"no check reads {tf_type} ({shown}): what it configures is "
                                                        "not judged")
            else:
                yield Outcome(f"type:{tf_type}", FAILED, f"{tf_type} is not a Terraform AWS type gcbase can export "
                                                        f"({shown}): nothing checks it")


check = EveryResourceChecked()
