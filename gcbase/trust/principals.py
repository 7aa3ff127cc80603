"""Principals of resource-based policies, resolved for one caller at a time (gcbase.trust.external).

iamprover matches only "*" and exact ARNs and drops NotPrincipal; a statement naming an account
(its id or its root) is about every principal of that account. Here each statement is resolved for
one caller: the statement applies to it or not, and the caller is then the only principal named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gcbase.trust.zone import Zone

ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
OUTSIDER_ROLE = "gcbase-outsider"  # the name of "some principal" in an outside account


@dataclass(frozen=True)
class Caller:
    kind: str  # aws | service | federated | canonicaluser
    value: str  # account id (aws, any principal of it), role ARN, service name, provider, canonical id
    account: str = ""  # aws: the account; "" = any account outside the zone (chosen by the solver)
    vendor: str = ""  # a declared vendor's account

    def label(self) -> str:
        if self.kind == "aws" and not self.account:
            return "any principal of an account outside the zone of trust"
        if self.kind == "aws":
            who = self.value if self.value.startswith("arn:") else f"account {self.account}"
            return f"{who} ({'vendor ' + self.vendor if self.vendor else 'outside the zone of trust'})"
        if self.kind == "service":
            return f"AWS service {self.value} acting for a resource outside the zone of trust"
        return f"{self.kind} principal {self.value}"

    def arn(self) -> str:
        if self.kind == "aws":
            return self.value if self.value.startswith("arn:") else f"arn:aws:iam::{self.account}:role/{OUTSIDER_ROLE}"
        return f"{self.kind}:{self.value}"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def named(raw: Any) -> list[tuple[str, str]]:
    """(kind, value) of a Principal/NotPrincipal element: ("any", "*"), ("aws", account or ARN), ..."""
    if raw is None:
        return []
    if raw == "*":
        return [("any", "*")]
    if isinstance(raw, str):
        return [("aws", raw)]
    out: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        for kind, values in raw.items():
            for v in _as_list(values):
                v = str(v)
                out.append(("any", "*") if kind == "AWS" and v == "*" else (str(kind).lower(), v))
    return out


def account_of(value: str) -> str:
    if ACCOUNT_RE.match(value):
        return value
    parts = value.split(":")
    return parts[4] if value.startswith("arn:") and len(parts) > 4 else ""


def _names(entries: list[tuple[str, str]], caller: Caller) -> bool:
    for kind, value in entries:
        if kind == "any":
            return True
        if kind != caller.kind:
            continue
        if kind == "aws":
            if caller.value.startswith("arn:") and value == caller.value:
                return True
            root = value == account_of(value) or value.endswith(":root")
            if root and caller.account and account_of(value) == caller.account:
                return True
        elif value.lower() == caller.value.lower():
            return True
    return False


def applies(raw: dict, caller: Caller) -> bool:
    """Whether a resource-policy statement is about this caller (Principal, or NotPrincipal not naming it)."""
    if "NotPrincipal" in raw:
        return not _names(named(raw["NotPrincipal"]), caller)
    return _names(named(raw.get("Principal")), caller)


def callers(statements: list[dict], zone: Zone) -> list[Caller]:
    """Who to ask about: any outsider, every outside or vendor account and ARN named, every service."""
    out: dict[tuple, Caller] = {("any",): Caller("aws", "", "")}
    for raw in statements:
        for kind, value in named(raw.get("Principal")) + named(raw.get("NotPrincipal")):
            if kind == "aws":
                acct = account_of(value)
                if not acct or acct in zone.inside:
                    continue
                caller = Caller("aws", value if value.startswith("arn:") and not value.endswith(":root") else acct,
                                acct, zone.vendor_accounts.get(acct, ""))
                out[("aws", caller.value)] = caller
            elif kind == "service":
                out[("service", value)] = Caller("service", value)
            elif kind in ("federated", "canonicaluser"):
                out[(kind, value)] = Caller(kind, value)
    return list(out.values())


__all__ = ["ACCOUNT_RE", "Caller", "account_of", "applies", "callers", "named"]
