"""GCJP_AWS_58: a trail records read AND write management events (no WriteOnly / ReadOnly selector; with advanced
event selectors, read and write management events of every source: gcbase/check/trailsel.py)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check import trailsel


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
        if trailsel.has_advanced(conf):  # only what the advanced selectors name is logged (review G-7)
            covered, notes = trailsel.management_coverage(conf)
            if covered != trailsel.BOTH:
                kept = {frozenset(): "no management events", frozenset({"true"}): "only read management events",
                        frozenset({"false"}): "only write management events"}[covered]
                problems.append(f"the advanced event selectors record {kept} from every source; read and write "
                                "must both be recorded" + (f" ({'; '.join(notes)})" if notes else ""))
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = TrailReadsAndWrites()
