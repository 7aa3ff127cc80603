"""GCJP_AWS_1: an SCP that restricts regions allows only Tokyo and Osaka and denies every regional action
of the whole catalogue there, except the documented global services (gcbase.check.regionproof)."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.policydoc import as_list, document, statements
from gcbase.check.regionproof import not_covered, summary, undocumented

REGION_KEY = "aws:requestedregion"
NEGATIVE = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


class ScpRegionAllowlist(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_1", categories=[CheckCategories.IAM],
                         supported_resources=["aws_organizations_policy"])

    def scan_resource_conf(self, conf):
        if c.value(conf, "type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
            return CheckResult.UNKNOWN
        regional = [st for st in statements(document(conf.get("content")))
                    if any(k.lower() == REGION_KEY for op in (st.get("Condition") or {}).values()
                           if isinstance(op, dict) for k in op)]
        if not regional:
            return CheckResult.UNKNOWN  # not the region guardrail
        self.evaluated_keys = ["content"]
        allowed = set(c.allowed_regions())
        for st in regional:
            if st.get("Effect") != "Deny":
                self.details.append(f"statement {st.get('Sid', '?')} on aws:RequestedRegion is not a Deny")
                return CheckResult.FAILED
            cond = st.get("Condition") or {}
            ops = [op for op in cond if op in NEGATIVE
                   and any(k.lower() == REGION_KEY for k in cond[op])]
            if not ops:
                self.details.append(f"statement {st.get('Sid', '?')} does not deny requests outside a region list")
                return CheckResult.FAILED
            regions = {str(r) for op in ops for k, v in cond[op].items() if k.lower() == REGION_KEY for r in as_list(v)}
            extra = sorted(regions - allowed)
            if extra:
                self.details.append(f"allows regions outside {sorted(allowed)}: {', '.join(extra)}")
                return CheckResult.FAILED
            left_open = undocumented(not_covered(st))
            if left_open:
                self.details.append("leaves regional actions undenied outside the allowed regions (not in "
                                    f"baselines/guardrails/region-exemptions.yaml): {summary(left_open)}")
                return CheckResult.FAILED
        return CheckResult.PASSED


check = ScpRegionAllowlist()
