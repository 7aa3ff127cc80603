"""GCJP_AWS_21: the plan's guardrails include an SCP that denies requests outside the allowed regions."""

from gcbase.check import conf as c
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck
from gcbase.check.findings import FAILED, PASSED
from gcbase.check.policydoc import condition_values, statements
from gcbase.check.scp import scp_documents

NEGATIVE = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


class RegionGuardrailPresent(PlanCheck):
    id = "GCJP_AWS_21"
    supported_resources = ("aws_organizations_policy",)

    def scan_plan(self, plan):
        allowed = set(c.allowed_regions())
        found = False
        for res, doc in scp_documents(plan):
            for st in statements(doc):
                regions = {r for op in NEGATIVE for r in condition_values(st, op, "aws:RequestedRegion")}
                if st.get("Effect") == "Deny" and regions and regions <= allowed:
                    found = True
                    yield Outcome(res.address, PASSED, f"denies requests outside {', '.join(sorted(regions))}")
                    break
        if not found:
            yield Outcome(PLAN_ADDRESS, FAILED, "no SCP in the plan denies requests outside "
                          f"{', '.join(sorted(allowed))}: data could be stored in any region")


check = RegionGuardrailPresent()
