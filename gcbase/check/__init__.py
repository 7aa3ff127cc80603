"""gcbase check: Checkov's built-in AWS checks and gcbase's own, mapped to requirements.

    from gcbase.check import run_plan, run_tfplan, load_catalogue
    report = run_plan(plan)            # a gcbase.model.Plan (exported to Terraform plan JSON)
    report = run_tfplan(tfplan_dict)   # any Terraform plan JSON (`terraform show -json`)

See gcbase/check/catalogue.py for the data layout and policies/ for the checks.
"""

from gcbase.check.catalogue import Catalogue, CheckMeta, Requirement, load_catalogue
from gcbase.check.findings import CheckReport, Finding, Waiver, requirement_verdict
from gcbase.check.runner import run_plan, run_tfplan

__all__ = ["Catalogue", "CheckMeta", "Requirement", "load_catalogue", "CheckReport", "Finding", "Waiver",
           "requirement_verdict", "run_plan", "run_tfplan"]
