"""The zone of trust of a tenancy: who may be granted access, and on which conditions.

Derived from what the stack declares (gcbase.intent.Intent), never from the plan it judges: the
tenancy's accounts, Digital Agency's governance account, and each vendor's own accounts for the roles
that vendor takes, with the conditions its AssumeRole must carry (baselines/trust/zone.yaml). A plan
with no stack config gets the accounts its providers deploy into, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from gcbase.baselines import BASELINES
from gcbase.yamlio import load_yaml

ZONE_FILE = BASELINES / "trust" / "zone.yaml"
PARTIES_FILE = BASELINES / "iam" / "parties.yaml"


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """baselines/trust/zone.yaml."""
    return load_yaml(ZONE_FILE)


@lru_cache(maxsize=1)
def _parties() -> dict[str, Any]:
    return load_yaml(PARTIES_FILE)["parties"]


@dataclass(frozen=True)
class VendorRole:
    """A role a vendor's own accounts may assume, and what their request must carry."""

    role_arn: str
    party: str
    vendor: str
    required: tuple[tuple[str, str], ...]  # (context key, value) every allowed request must have


@dataclass
class Zone:
    source: str  # stack | plan
    tenancy: tuple[str, ...]
    governance: tuple[str, ...] = ()
    vendor_accounts: dict[str, str] = field(default_factory=dict)  # account -> vendor
    vendor_roles: dict[str, list[VendorRole]] = field(default_factory=dict)  # vendor -> roles it may assume

    @property
    def inside(self) -> frozenset[str]:
        """Accounts whose principals are inside the zone without conditions."""
        return frozenset((*self.tenancy, *self.governance))

    @property
    def known(self) -> frozenset[str]:
        """Every account the zone names (an outsider is none of these)."""
        return self.inside | frozenset(self.vendor_accounts)

    def vendor_role(self, account: str, role_arn: str) -> Optional[VendorRole]:
        vendor = self.vendor_accounts.get(account)
        return next((r for r in self.vendor_roles.get(vendor or "", []) if r.role_arn == role_arn), None)

    def describe(self) -> str:
        parts = [f"tenancy {', '.join(self.tenancy)}"]
        if self.governance:
            parts.append(f"governance {', '.join(self.governance)}")
        if self.vendor_accounts:
            parts.append("vendor accounts " + ", ".join(f"{a} ({v})" for a, v in sorted(self.vendor_accounts.items()))
                         + " for their own roles only")
        return "; ".join(parts) + ("" if self.source == "stack" else " (no stack config: the plan's own accounts)")


def _role_name(party: str, system_id: str = "") -> str:
    return str(_parties()[party]["role"]).replace("${system_id}", system_id)


def _required(vendor: Any, party: str) -> tuple[tuple[str, str], ...]:
    values = {"external_id": vendor.external_id, "party": party, "vendor": vendor.id}
    out = []
    for key, template in settings()["vendorConditions"].items():
        text = str(template)
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        out.append((str(key), text))
    return tuple(out)


def role_accounts(intent: Any) -> tuple[str, ...]:
    """The accounts where party roles exist: the shared account and every system's (as the program deploys)."""
    seen: dict[str, None] = {intent.shared_account: None}
    for s in intent.systems:
        seen.setdefault(s.account, None)
    return tuple(seen)


def from_intent(intent: Any) -> Zone:
    zone = Zone("stack", tuple(intent.tenancy_accounts), (intent.governance_account,))
    accounts = role_accounts(intent)
    for vendor in intent.vendors:
        roles: list[VendorRole] = []
        for s in intent.systems:
            if s.vendor == vendor.id:
                roles.append(VendorRole(f"arn:aws:iam::{s.account}:role/{_role_name('asp', s.id)}", "asp", vendor.id,
                                        _required(vendor, "asp")))
        for party, who in intent.operators.items():
            if who != vendor.id or party not in _parties():
                continue
            where = accounts if _parties()[party]["where"] == "all" else (intent.shared_account,)
            roles += [VendorRole(f"arn:aws:iam::{a}:role/{_role_name(party)}", party, vendor.id, _required(vendor, party))
                      for a in where]
        zone.vendor_roles[vendor.id] = roles
        for account in vendor.accounts:
            zone.vendor_accounts[account] = vendor.id
    return zone


def from_plan_accounts(accounts: list[str]) -> Zone:
    return Zone("plan", tuple(sorted(set(a for a in accounts if a))))


def zone_of(index: Any) -> Zone:
    """The zone a plan is judged against: its Intent's, else the accounts its providers deploy into."""
    if index.intent is not None:
        return from_intent(index.intent)
    accounts = []
    for cfg in (index.providers or {}).values():
        allowed = ((cfg or {}).get("expressions") or {}).get("allowed_account_ids") or {}
        value = allowed.get("constant_value") if isinstance(allowed, dict) else None
        accounts += [str(a) for a in (value if isinstance(value, list) else [])]
    return from_plan_accounts(accounts)
