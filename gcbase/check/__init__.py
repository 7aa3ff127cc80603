"""gcbase check: Checkov's built-in AWS checks and gcbase's own, mapped to requirements.

    from gcbase.check import run_plan, run_tfplan, load_catalogue
    report = run_plan(plan)            # a gcbase.model.Plan (exported to Terraform plan JSON)
    report = run_tfplan(tfplan_dict)   # any Terraform plan JSON (`terraform show -json`)

See gcbase/check/catalogue.py for the data layout and policies/ for the checks. The names below are imported
when first used (PEP 562), so that importing one module of this package (gcbase/check/offload.py, which the
`gcbase` command starts first) does not import the runner.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"Catalogue": "catalogue", "CheckMeta": "catalogue", "Requirement": "catalogue", "load_catalogue": "catalogue",
          "CheckReport": "findings", "Finding": "findings", "Waiver": "findings", "requirement_verdict": "findings",
          "run_plan": "runner", "run_tfplan": "runner"}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'gcbase.check' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"gcbase.check.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
