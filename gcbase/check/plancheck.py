"""Plan-level checks: gcbase's own small mechanism for rules that need the whole plan.

A plan-level check is a class in policies/plan/<ID>.py (module-level `check = X()`), with the
same metadata file beside it as every other check. It evaluates each resource of its
`supported_resources` with the whole plan at hand (PlanIndex), and may report a plan-wide
finding on the pseudo-address "(plan)" when something required is missing altogether
(e.g. no SCP restricts regions). Results are PASSED or FAILED with one sentence saying why;
None means "not applicable to this resource" and produces no finding. A `scan` that raises on a
resource gives ERRORED on it (the exception as detail) and the other resources are still scanned.

They run after Checkov on the same Terraform plan JSON, so `gcbase check --plan FILE` on a
real `terraform show -json` output gets them too. Plain `checkov --external-checks-dir policies`
imports these files too (it imports every .py of the folder) but never runs them: the first one it
imports says so in one logged line instead of leaving the user to notice the missing ids.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from gcbase.check.catalogue import KINDS, POLICIES
from gcbase.check.findings import ERRORED, FAILED, PASSED
from gcbase.check.planindex import PlanIndex, PlanResource
from gcbase.errors import GcbaseError

PLAN_ADDRESS = "(plan)"
# Checkov's external-check loader imports policies/plan/GCJP_AWS_<n>.py under its bare name; gcbase's
# plan_checks() under gcbase_policies_plan_<ID>
_BARE_MODULE = re.compile(r"^GCJP_AWS_[0-9]+$")
NOT_UNDER_CHECKOV = ("policies/plan: the {n} gcbase plan-level checks there do not run under Checkov (they need the "
                     "whole plan and the stack's intent): run `gcbase check` for them; README, 'Under plain Checkov', "
                     "lists which checks run where")
_told = False


@dataclass(frozen=True)
class Outcome:
    resource: str  # address, or PLAN_ADDRESS
    result: str  # PASSED | FAILED | ERRORED
    detail: str  # why; for ERRORED the exception, "Type: message"
    path: tuple = ()  # a network path, hop by hop ({kind, address, text} each), when the rule is about paths


class PlanCheck:
    """Base class: set `id` and `supported_resources`, implement `scan` (and maybe `scan_plan`)."""

    id: str = ""
    supported_resources: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()  # other types it reads (what "checked" means for GCJP_AWS_72)
    source_file: str = ""  # set by plan_checks(): the policies/plan/<ID>.py it came from

    def __init_subclass__(cls, **kwargs) -> None:
        """Defined in a module Checkov imported (its bare name): say once that Checkov will not run it."""
        super().__init_subclass__(**kwargs)
        global _told
        if _BARE_MODULE.match(cls.__module__) and not _told:
            _told = True
            n = len(list((POLICIES / KINDS["plan"][0]).glob("GCJP_AWS_*.py")))
            logging.getLogger("gcbase").warning(NOT_UNDER_CHECKOV.format(n=n))

    def scan(self, res: PlanResource, plan: PlanIndex) -> Optional[tuple[bool, str]]:
        """(passed, why) for one resource, or None when the rule does not apply to it."""
        raise NotImplementedError

    def scan_plan(self, plan: PlanIndex) -> Iterable[Outcome]:
        for res in plan.of_type(*self.supported_resources):
            try:
                verdict = self.scan(res, plan)
            except Exception as err:  # noqa: BLE001 - reported as ERRORED on this resource, never a pass
                yield Outcome(res.address, ERRORED, f"{type(err).__name__}: {err}")
                continue
            if verdict is not None:
                passed, why = verdict
                yield Outcome(res.address, PASSED if passed else FAILED, why)

    def run(self, plan: PlanIndex) -> list[Outcome]:
        return list(self.scan_plan(plan))


@lru_cache(maxsize=1)
def plan_checks() -> tuple[PlanCheck, ...]:
    """Import every policies/plan/GCJP_AWS_<n>.py once; each must define `check` with a matching id."""
    folder = POLICIES / KINDS["plan"][0]
    out: list[PlanCheck] = []
    for path in sorted(folder.glob("GCJP_AWS_*.py")):
        spec = importlib.util.spec_from_file_location(f"gcbase_policies_plan_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise GcbaseError.one(str(path), "", "cannot be imported")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as err:  # a broken check must stop the run, not vanish
            raise GcbaseError.one(str(path), "", f"failed to load: {type(err).__name__}: {err}") from None
        check = getattr(module, "check", None)
        if not isinstance(check, PlanCheck) or check.id != path.stem or not check.supported_resources:
            raise GcbaseError.one(str(path), "check", f"must be a PlanCheck with id {path.stem} and supported_resources")
        check.source_file = str(path)  # named when the check raises (its module is not in sys.modules)
        out.append(check)
    return tuple(out)
