"""GCJP_AWS_15: no IAM users, access keys or console passwords: people sign in through the identity account."""

from gcbase.check.findings import FAILED, PASSED
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, PlanCheck


class NoIamUsers(PlanCheck):
    id = "GCJP_AWS_15"
    supported_resources = ("aws_iam_user", "aws_iam_access_key", "aws_iam_user_login_profile")

    def scan_plan(self, plan):
        found = plan.of_type(*self.supported_resources)
        for res in found:
            yield Outcome(res.address, FAILED, f"{res.type}: long-lived credentials; "
                          "use roles assumed from the identity account")
        if not found:
            yield Outcome(PLAN_ADDRESS, PASSED, "no IAM user, access key or login profile in the plan")


check = NoIamUsers()
