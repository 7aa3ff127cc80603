"""What a stack declares about its tenancy, as the analyses read it: the judge's side of a proof.

A plan says what will be deployed; the stack config says what was meant: which accounts form the
tenancy, which system sits in which 三層 tier with which CIDR, which town-hall ranges belong to
which tier, which municipalities share it. The network analysis (gcbase/network/) and the zone of
trust (gcbase/trust/) prove the plan against this, never against what the plan says of itself
(a tag on a VPC is the plan author's claim; the stack's tier is the municipality's).

Intent comes from validated Settings (gcbase synth, or the stack config a plan names, see
`for_plan`); it travels in Plan.meta["intent"] as plain data, so a plan file carries it too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from gcbase.settings import TIERS, Settings


@dataclass(frozen=True)
class SystemIntent:
    id: str
    business: str
    vendor: str
    tier: str
    cidr: str
    account: str
    member: str  # municipality code the system serves (the stack's own unless shared use says otherwise)


@dataclass(frozen=True)
class VendorIntent:
    """A vendor's own AWS accounts and the sts:ExternalId their AssumeRole must carry (zone of trust)."""

    id: str
    accounts: tuple[str, ...]
    external_id: str


@dataclass(frozen=True)
class Intent:
    stack: str
    municipality: str
    file: str  # the stack config it came from (for findings and messages)
    shared_account: str
    identity_account: Optional[str]
    governance_account: str  # Digital Agency's
    regions: tuple[str, ...]
    cidr_pool: str
    systems: tuple[SystemIntent, ...] = ()
    on_premises: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tier -> town-hall ranges
    redundancy: str = "dual"  # the town-hall connection: dual (two lines) | single
    usage_mode: str = "single"
    separation: Optional[str] = None
    members: tuple[str, ...] = ()  # every municipality served, the stack's own first
    vendors: tuple[VendorIntent, ...] = ()  # vendors' own accounts, outside the tenancy (gcbase:vendors)
    operators: dict[str, str] = field(default_factory=dict)  # party (account-operator, ...) -> vendor
    log_retention_days: int = 0  # the stack's profile value (0: unknown)
    backup_retention_days: int = 0  # the stack's profile value (0: unknown)
    security_model: str = "alpha"  # MIC's model the municipality declares (gcbase:securityModel)
    connection: str = ""  # lgwan | closed-network (as Digital Agency names it now; a deprecated spelling mapped)
    deprecations: tuple[str, ...] = ()  # warnings: retired spellings the stack config still uses
    profile_exceptions: tuple[dict[str, Any], ...] = ()  # values below the base profile, with reason and approver
    # the town hall's Site-to-Site VPN peers the stack declares (customerGatewayIp when vpnBackup); a VPN
    # to any other address is not a town-hall link: its far end is outside (the internet)
    vpn_peers: tuple[str, ...] = ()

    # -- derived ----------------------------------------------------------------------------
    @property
    def tenancy_accounts(self) -> tuple[str, ...]:
        """The accounts of the tenancy (shared, identity, each system's), in that order, no repeats."""
        seen: dict[str, None] = {self.shared_account: None}
        if self.identity_account:
            seen.setdefault(self.identity_account, None)
        for s in self.systems:
            seen.setdefault(s.account, None)
        return tuple(seen)

    @property
    def deployed_accounts(self) -> tuple[str, ...]:
        """The accounts this stack deploys into (shared, each system's): the identity account, where people
        sign in, is shared by environments and logged by whoever runs it, not by this stack."""
        seen: dict[str, None] = {self.shared_account: None}
        for s in self.systems:
            seen.setdefault(s.account, None)
        return tuple(seen)

    @property
    def trusted_accounts(self) -> tuple[str, ...]:
        """The tenancy plus Digital Agency's governance account: inside the zone of trust."""
        return (*self.tenancy_accounts, self.governance_account)

    def system(self, system_id: str) -> Optional[SystemIntent]:
        return next((s for s in self.systems if s.id == system_id), None)

    def connected_tiers(self) -> tuple[str, ...]:
        return tuple(t for t in TIERS if self.on_premises.get(t))

    def vendor(self, vendor_id: str) -> Optional[VendorIntent]:
        return next((v for v in self.vendors if v.id == vendor_id), None)

    # -- (de)serialisation -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["on_premises"] = {k: list(v) for k, v in self.on_premises.items()}
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Intent":
        d = dict(data)
        d["systems"] = tuple(SystemIntent(**s) for s in d.get("systems") or ())
        d["on_premises"] = {str(k): tuple(v) for k, v in (d.get("on_premises") or {}).items()}
        d["regions"] = tuple(d.get("regions") or ())
        d["members"] = tuple(d.get("members") or ())
        d["vpn_peers"] = tuple(d.get("vpn_peers") or ())
        d["vendors"] = tuple(VendorIntent(v["id"], tuple(v.get("accounts") or ()), v.get("external_id", ""))
                             for v in d.get("vendors") or ())
        d["operators"] = {str(k): str(v) for k, v in (d.get("operators") or {}).items()}
        d["deprecations"] = tuple(str(x) for x in d.get("deprecations") or ())
        d["profile_exceptions"] = tuple(dict(x) for x in d.get("profile_exceptions") or () if isinstance(x, dict))
        return cls(**d)


def intent_of(settings: Settings, file: str = "") -> Intent:
    """The Intent of validated Settings."""
    own = settings.municipality.code
    return Intent(
        stack=settings.stack,
        municipality=own,
        file=file or f"stacks/Pulumi.{settings.stack}.yaml",
        shared_account=settings.accounts.shared,
        identity_account=settings.accounts.identity,
        governance_account=settings.accounts.governance,
        regions=(settings.regions.primary, settings.regions.dr),
        cidr_pool=str(settings.network.cidr_pool),
        systems=tuple(SystemIntent(s.id, s.business, s.vendor, s.tier, str(s.cidr), s.account, s.member or own)
                      for s in settings.systems),
        on_premises={t: tuple(str(c) for c in settings.network.on_premises_cidrs.get(t, ())) for t in TIERS
                     if settings.network.on_premises_cidrs.get(t)},
        redundancy=settings.network.redundancy,
        usage_mode=settings.usage.mode,
        separation=settings.usage.separation,
        members=(own, *settings.usage.members),
        vendors=tuple(VendorIntent(v.id, tuple(v.accounts), v.external_id) for v in settings.vendors),
        operators=operator_parties(settings),
        log_retention_days=settings.profile.log_retention_days,
        backup_retention_days=settings.profile.backup_retention_days,
        security_model=settings.security_model,
        connection=settings.network.connection_kind,
        deprecations=tuple(settings.deprecations),
        profile_exceptions=tuple(e.model_dump(by_alias=True) for e in settings.profile.exceptions),
        vpn_peers=(settings.network.customer_gateway_ip,) if settings.network.vpn_backup
        and settings.network.customer_gateway_ip else (),
    )


# gcbase:operators keys -> the party (baselines/iam/parties.yaml) whose role that vendor takes
OPERATOR_PARTIES = {"account": "account-operator", "network": "network-operator", "integrated": "integrated-operator"}


def operator_parties(settings: Settings) -> dict[str, str]:
    """party -> vendor for the operating parties the stack gives to a vendor."""
    return {OPERATOR_PARTIES[k]: v for k, v in settings.operators.model_dump().items() if v}


def load_intent(ref: str | Path) -> Intent:
    """The Intent of a stack given by name (131121-prod) or config file; GcbaseError when invalid."""
    from gcbase.synth import stack_file
    from gcbase.validate import load_settings

    path = stack_file(ref)
    return intent_of(load_settings(path), str(path))


def for_plan(stack: str, meta: Optional[dict[str, Any]] = None) -> Optional[Intent]:
    """The Intent a plan is judged against: the one synth recorded, else the stack config of the
    stack it names when this checkout has one (stacks/Pulumi.<stack>.yaml), else None."""
    from gcbase.synth import STACKS_DIR

    recorded = (meta or {}).get("intent")
    if isinstance(recorded, dict):
        return Intent.from_dict(recorded)
    if stack and (STACKS_DIR / f"Pulumi.{stack}.yaml").is_file():
        return load_intent(stack)
    return None


def deprecation_warnings(meta: Optional[dict[str, Any]]) -> list[str]:
    """The warning lines a plan's recorded intent carries (retired spellings its stack config still uses)."""
    recorded = (meta or {}).get("intent")
    found = recorded.get("deprecations") if isinstance(recorded, dict) else None
    return [f"warning: {line}" for line in found or () if isinstance(line, str)]


__all__ = ["Intent", "deprecation_warnings", "SystemIntent", "VendorIntent", "OPERATOR_PARTIES", "intent_of", "load_intent", "for_plan",
           "operator_parties"]
