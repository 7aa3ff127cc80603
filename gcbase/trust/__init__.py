"""The zone of trust: who outside the tenancy can reach its data, proven per resource.

zone.py       the zone of a tenancy, from what its stack declares (gcbase.intent.Intent)
inventory.py  every resource-based policy of a Terraform plan (baselines/trust/resources.yaml)
sharing.py    sharing that is not a policy document (KMS grants, ACLs, RAM, snapshots, images)
principals.py resource-policy principals resolved per caller (NotPrincipal included)
arnkeys.py    conditions on ARN-valued keys decided field by field for "an ARN outside the zone"
external.py   "may anyone outside the zone be allowed?", asked of one policy with iamprover and Z3

The checks GCJP_AWS_51..57 (gcbase/check/trustcheck.py) each report one family of resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gcbase.trust.zone import Zone, zone_of

__all__ = ["Analysis", "Undecidable", "Verdict", "Zone", "analysis"]


class Undecidable(Exception):
    """The solver gave no answer, or the policy cannot be read: not proven either way (a failure)."""


@dataclass
class Verdict:
    resource: str
    check: str
    passed: bool
    detail: str
    exposures: list[Any] = field(default_factory=list)


class Analysis:
    """The external-access verdict of every item of one plan."""

    def __init__(self, index: Any):
        from gcbase.trust.inventory import items

        self.zone: Zone = zone_of(index)
        self.verdicts: list[Verdict] = [self._verdict(item) for item in items(index)]

    def _verdict(self, item: Any) -> Verdict:
        from gcbase.trust.memo import exposure_texts
        from gcbase.trust.sharing import outside

        if item.unknown:
            return Verdict(item.address, item.check, False, f"cannot be proven: {item.unknown}")
        found: list[str] = []
        if item.doc is not None:
            kind = "trust" if item.trust else ""

            def ask() -> list[str]:  # Z3 and iamprover are imported only when the memo has no answer
                from gcbase.trust.external import exposures

                return [e.text() for e in exposures(item.doc, self.zone, item.resource, kind)]

            try:
                found += exposure_texts(item.doc, self.zone, item.resource, kind, ask)
            except Undecidable as err:
                return Verdict(item.address, item.check, False, f"cannot be proven: {err}")
            except (ValueError, TypeError, AttributeError) as err:  # a document iamprover cannot read
                return Verdict(item.address, item.check, False, f"cannot be proven: unreadable policy ({err})")
        for principal, what in item.shares:
            found += [f"{what} is shared with {principal}: {why}" for why in outside(principal, self.zone)]
        prefix = f"{item.note}; " if item.note else ""
        if found:
            return Verdict(item.address, item.check, False, prefix + "external access: " + "; ".join(found))
        return Verdict(item.address, item.check, True,
                       prefix + f"grants nothing outside the zone of trust ({self.zone.describe()})")

    def of(self, check: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.check == check]


def analysis(index: Any) -> Analysis:
    """The zone-of-trust analysis of a PlanIndex (memoized on it: every trust check reads the same one)."""
    if "trust" not in index.memo:
        index.memo["trust"] = Analysis(index)
    return index.memo["trust"]
