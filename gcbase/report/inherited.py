"""Remediation for findings on account services Digital Agency runs (gcbase:guardrails.inheritedServices).

A stack that declares Control Tower's AWS Config, or the templates' GuardDuty and Security Hub, as
inherited (modules/inherited.py) has them in its plan as no-op resources: what they record or enable
is not declared there, so the checks on those settings fail until someone verifies them. The
checks' own remediation says how to create and configure the service; for an inherited one that is
wrong advice (a second recorder, detector or Security Hub in an account fails, and the service is
not the municipality's): the report tells the reader to verify the inherited service and record a
waiver instead. Texts: messages.yaml (inherited.*), both languages.
"""

from __future__ import annotations

from typing import Any, Optional

from gcbase.report.i18n import LANGS, Texts

# Pulumi type tokens of the declared services (modules/audit.py, modules/security.py) ...
TOKENS = {
    "gcbase:audit:InheritedConfigRecorder": "config",
    "gcbase:audit:InheritedConfigRecorderStatus": "config",
    "gcbase:security:InheritedDetector": "guardduty",
    "gcbase:security:InheritedSecurityHub": "securityhub",
}
# ... and the Terraform types they are exported as (gcbase/tfplan/types.yaml, components), for a
# Terraform plan read without its Pulumi resources: there the address names them "inherited".
TF_TYPES = {
    "aws_config_configuration_recorder": "config",
    "aws_config_configuration_recorder_status": "config",
    "aws_guardduty_detector": "guardduty",
    "aws_securityhub_account": "securityhub",
}
MANAGED_BY = "digital-agency"  # the input modules/inherited.py gives every declared service


def inherited_service(resource: Optional[Any], address: str) -> Optional[str]:
    """config | guardduty | securityhub when the finding's resource is an inherited service, else None."""
    if resource is not None:
        if (getattr(resource, "inputs", None) or {}).get("managedBy") == MANAGED_BY:
            return TOKENS.get(resource.type)
        return None
    tf_type, _, name = address.partition(".")
    return TF_TYPES.get(tf_type) if "inherited" in name else None


def remediation(service: str, title: dict[str, str]) -> dict[str, str]:
    """{ja, en}: verify the inherited service's setting the check names, then record a waiver."""
    out = {}
    for lang in LANGS:
        t = Texts(lang)
        out[lang] = t("inherited.remediation", service=t(f"inherited.service.{service}"),
                      check=t.pick(title))
    return out


__all__ = ["inherited_service", "remediation"]
