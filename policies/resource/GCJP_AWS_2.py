"""GCJP_AWS_2: guardrail SCP denies exempt only the governance role (and, from non-destructive
configuration actions, the roles the guardrail catalogue lets configure protected services)."""

from fnmatch import fnmatchcase

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.policydoc import as_list, document, statements


class ScpExemptionsOnlyGovernance(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_2", categories=[CheckCategories.IAM],
                         supported_resources=["aws_organizations_policy"])

    def scan_resource_conf(self, conf):
        if c.value(conf, "type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
            return CheckResult.UNKNOWN
        sts = [st for st in statements(document(conf.get("content"))) if st.get("Effect") == "Deny"]
        if not sts:
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["content"]
        principal_keys = tuple(k.lower() for k in c.params(__file__)["principal_keys"])
        exempt = c.exempt_principal_arn()
        configure = [f"arn:aws:iam::*:role/{r}" for r in c.guardrails().get("configureRoles") or []]
        destructive = [v.lower() for v in c.params(__file__)["destructive_actions"]]
        for st in sts:
            actions = [str(a).split(":", 1)[-1].lower() for a in as_list(st.get("Action"))]
            may_configure = bool(actions) and "*" not in actions and not any(
                fnmatchcase(a, d) for a in actions for d in destructive)
            allowed = [exempt] + (configure if may_configure else [])
            for op, block in (st.get("Condition") or {}).items():
                if "Not" not in op or not isinstance(block, dict):
                    continue
                for key, vals in block.items():
                    if not key.lower().startswith(principal_keys):
                        continue
                    others = [v for v in as_list(vals) if str(v) not in allowed]
                    if key.lower() != "aws:principalarn" or others:
                        self.details.append(f"statement {st.get('Sid', '?')} exempts {key} {others or as_list(vals)}"
                                            f"; it may exempt only {', '.join(allowed)}")
                        return CheckResult.FAILED
        return CheckResult.PASSED


check = ScpExemptionsOnlyGovernance()
