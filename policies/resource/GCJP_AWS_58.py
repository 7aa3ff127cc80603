"""GCJP_AWS_58: a trail records read AND write management events (no WriteOnly / ReadOnly selector)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c


def _field_selectors(sel: dict) -> list[dict]:
    return [f for f in c.values(sel, "field_selector") if isinstance(f, dict)]


class TrailReadsAndWrites(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_58", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_cloudtrail"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["event_selector", "advanced_event_selector"]
        problems = []
        for sel in c.values(conf, "event_selector"):
            if not isinstance(sel, dict) or not c.is_true(c.value(sel, "include_management_events", True)):
                continue
            kind = c.value(sel, "read_write_type", "All")
            if kind != "All":
                problems.append(f"an event selector records {kind} management events only; read events (who "
                                "looked at what) are lost: read_write_type must be All")
        for sel in c.values(conf, "advanced_event_selector"):
            fields = {str(c.value(f, "field")): f for f in _field_selectors(sel) if isinstance(sel, dict)}
            category = fields.get("eventCategory")
            if category is not None and "Management" in (c.value(category, "equals") or []) and "readOnly" in fields:
                problems.append("an advanced event selector keeps only read or only write management events "
                                "(a readOnly field selector)")
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = TrailReadsAndWrites()
