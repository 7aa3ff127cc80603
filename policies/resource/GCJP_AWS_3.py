"""GCJP_AWS_3: a CloudTrail trail records every region, global service events and management events (with advanced
event selectors, one must record management events from every source: gcbase/check/trailsel.py)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check import trailsel


class TrailAllRegions(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_3", categories=[CheckCategories.LOGGING],
                         supported_resources=["aws_cloudtrail"])

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["is_multi_region_trail", "include_global_service_events", "enable_logging",
                               "event_selector", "advanced_event_selector"]
        problems = []
        if not c.is_true(c.value(conf, "is_multi_region_trail", False)):
            problems.append("is_multi_region_trail is not true")
        if not c.is_true(c.value(conf, "include_global_service_events", True)):
            problems.append("include_global_service_events is false")
        if not c.is_true(c.value(conf, "enable_logging", True)):
            problems.append("enable_logging is false")
        for sel in c.values(conf, "event_selector"):
            if isinstance(sel, dict) and not c.is_true(c.value(sel, "include_management_events", True)):
                problems.append("an event selector excludes management events")
        if trailsel.has_advanced(conf):  # AWS then logs only what the advanced selectors name (review G-7)
            covered, notes = trailsel.management_coverage(conf)
            if not covered:
                problems.append("no advanced event selector records management events from every source"
                                + (f" ({'; '.join(notes)})" if notes else ""))
        if problems:
            self.details.extend(problems)
            return CheckResult.FAILED
        return CheckResult.PASSED


check = TrailAllRegions()
