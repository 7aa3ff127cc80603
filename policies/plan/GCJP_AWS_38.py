"""GCJP_AWS_38: GuardDuty's malware protection and S3 protection plans are on for every detector."""

from gcbase.check.catalogue import parameters
from gcbase.check.plancheck import PlanCheck


class GuardDutyProtectionPlans(PlanCheck):
    id = "GCJP_AWS_38"
    reads = ("aws_guardduty_detector_feature",)
    supported_resources = ("aws_guardduty_detector",)

    def scan(self, res, plan):
        wanted = parameters(__file__)["features"]
        on = {str(f.values.get("name")) for f in plan.referrers(res, ("aws_guardduty_detector_feature",), "detector_id")
              if str(f.values.get("status", "")).upper() == "ENABLED"}
        legacy = {"S3_DATA_EVENTS": res.all("datasources.s3_logs.enable"),
                  "EBS_MALWARE_PROTECTION": res.all("datasources.malware_protection.scan_ec2_instance_with_findings.ebs_volumes.enable")}
        on |= {name for name, vals in legacy.items() if any(v is True for v in vals)}
        missing = [f for f in wanted if f not in on]
        if missing:
            return False, f"protection plans not enabled: {', '.join(missing)}"
        return True, f"{', '.join(wanted)} enabled"


check = GuardDutyProtectionPlans()
