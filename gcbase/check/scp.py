"""Service control policies in a plan, for plan-level checks ("is X protected by an SCP?").

Guardrails Digital Agency attaches are exported as aws_organizations_policy (no-op), the same
type an organization you administer yourself creates, so both are read the same way.
"""

from __future__ import annotations

from gcbase.check.planindex import PlanIndex, PlanResource
from gcbase.check.policydoc import denies, document

SCP_TYPE = "SERVICE_CONTROL_POLICY"
EXEMPTION_KEYS = ("aws:PrincipalArn",)  # the governance-role exemption (its value: GCJP_AWS_2)


def scp_documents(plan: PlanIndex) -> tuple[tuple[PlanResource, dict], ...]:
    """The plan's SCPs with their parsed documents (read once per plan: every protected resource asks)."""
    if "scp_documents" in plan.memo:
        return plan.memo["scp_documents"]
    out = []
    for res in plan.of_type("aws_organizations_policy"):
        if (res.values.get("type") or SCP_TYPE) != SCP_TYPE:
            continue
        doc = document(res.values.get("content"))
        if doc:
            out.append((res, doc))
    plan.memo["scp_documents"] = tuple(out)  # shared by every check of the plan: not to be extended
    return plan.memo["scp_documents"]


def not_denied(docs: tuple[tuple[PlanResource, dict], ...], actions: list[str], resource: str = "*") -> list[str]:
    """The actions no SCP denies (to everyone but the exempt role) on a resource."""
    return [a for a in actions
            if not any(denies(doc, a, resource, allowed_conditions=EXEMPTION_KEYS) for _, doc in docs)]


def protecting(docs: tuple[tuple[PlanResource, dict], ...], actions: list[str], resource: str = "*") -> list[str]:
    """Addresses of the SCPs that deny at least one of the actions."""
    return sorted({res.address for res, doc in docs for a in actions
                   if denies(doc, a, resource, allowed_conditions=EXEMPTION_KEYS)})


class ScpProtection:
    """Mixin for plan checks "every X is protected by an SCP": parameters.actions must all be denied.

    Subclasses set `id`, `supported_resources` and `check_file` (their __file__, for the
    parameters in the metadata beside them), and may override `arn_of` / `applies`.
    """

    check_file = ""

    def applies(self, res: PlanResource) -> bool:
        return True

    def required(self) -> list[tuple[list[str], str]]:
        """[(actions, resource suffix)]: "" for the resource itself, "/*" for objects under it."""
        from gcbase.check.catalogue import parameters

        p = parameters(self.check_file)
        return [(list(p["actions"]), "")] + ([(list(p["object_actions"]), "/*")] if p.get("object_actions") else [])

    def arn_of(self, res: PlanResource) -> str:
        return "*"

    def scan(self, res: PlanResource, plan: PlanIndex):
        if not self.applies(res):
            return None
        docs = scp_documents(plan)
        arn = self.arn_of(res)
        missing: list[str] = []
        for actions, suffix in self.required():
            target = arn if arn == "*" or not suffix else f"{arn}/AWSLogs/object"
            missing += not_denied(docs, actions, target)
        if missing:
            return False, f"no SCP denies {', '.join(missing)}" + (f" on {arn}" if arn != "*" else "")
        used = protecting(docs, [a for actions, _ in self.required() for a in actions], arn)
        return True, f"protected by {', '.join(used)}"
