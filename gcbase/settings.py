"""Typed stack settings: the one object a stack config file becomes.

Keys are camelCase in the stack config (Pulumi's convention) and snake_case here.
Shape and types are checked by pydantic; rules that span keys (CIDR overlap, check
digits, retention minimums, ...) live in gcbase.rules.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

ACCOUNT_ID = r"^[0-9]{12}$"
SLUG = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"



def _code_text(value: object) -> object:
    """A 全国地方公共団体コード is text: unquoted, YAML reads 131121 as a number and 011002 (a leading 0,
    digits 0-7) as the octal number 4610, so the code the file shows is not the code gcbase gets."""
    if isinstance(value, int) and not isinstance(value, bool):
        decimal, octal = str(value), format(value, "o").zfill(6)
        if len(decimal) == 6:
            hint = f'quote it: "{decimal}"'
        elif len(octal) == 6 and octal.startswith("0"):
            hint = f'a code with a leading 0 such as {octal} is read as an octal number; quote it: "{octal}"'
        else:
            hint = 'quote the 6-digit code, such as "131121"'
        raise PydanticCustomError("code_number", "{value} was read by YAML as a number, not the code; {hint}",
                                  {"value": value, "hint": hint})
    return value


MunicipalityCode = Annotated[str, BeforeValidator(_code_text)]  # 全国地方公共団体コード, always quoted in YAML

Tier = Literal["mynumber", "lgwan", "internet"]
TIERS: tuple[str, ...] = ("mynumber", "lgwan", "internet")
Environment = Literal["prod", "stg", "dev"]
ALLOWED_REGIONS: tuple[str, ...] = ("ap-northeast-1", "ap-northeast-3")


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        strict=False,
    )


class Usage(_Model):
    """単独利用方式 (single) or 共同利用方式 (shared) with its separation."""

    mode: Literal["single", "shared"] = "single"
    separation: Optional[Literal["account", "network", "application"]] = None
    members: tuple[MunicipalityCode, ...] = ()


class Accounts(_Model):
    """Account ids issued by Digital Agency for this tenancy and environment."""

    shared: str = Field(pattern=ACCOUNT_ID)  # network hub, log archive, security tooling
    identity: Optional[str] = Field(default=None, pattern=ACCOUNT_ID)  # where people sign in
    governance: str = Field(default="000000000000", pattern=ACCOUNT_ID)  # Digital Agency's
    deploy_role_name: str = "GCBaseDeployRole"


class Regions(_Model):
    primary: str = "ap-northeast-1"
    dr: str = "ap-northeast-3"


class Line(_Model):
    """One Direct Connect connection (a carrier line). It carries one transit VIF per tier the town
    hall connects (三層の対策: each tier's segment on its own VLAN, to its own Direct Connect gateway):
    `vlans: {mynumber: 101, lgwan: 111}`, or `vlan: 101` when the town hall connects one tier only."""

    connection_id: str = Field(pattern=r"^dx(con|lag)-[a-z0-9]{8,}$")
    vlan: Optional[int] = Field(default=None, ge=1, le=4094)
    vlans: dict[Tier, int] = Field(default_factory=dict)
    location: Optional[str] = None

    @field_validator("vlans")
    @classmethod
    def _vlan_range(cls, value: dict[str, int]) -> dict[str, int]:
        for tier, vlan in value.items():
            if not 1 <= vlan <= 4094:
                raise PydanticCustomError("vlan_range", "{tier}: {vlan} is not a VLAN id; allowed: 1 to 4094",
                                          {"tier": tier, "vlan": vlan})
        return value


UNTIERED_ONPREM = ("a list of town-hall ranges without tiers is no longer accepted (三層の対策: each range belongs "
                   "to one tier's segment); write them per tier, e.g. onPremisesCidrs: {mynumber: [172.16.0.0/20], "
                   "lgwan: [172.16.16.0/20]}")


# How the town hall reaches Government Cloud: LGWAN, or a carrier's closed network (閉域網: IP-VPN or 専用線).
# "connection-service" is the retired name (ガバメントクラウド接続サービス, dropped from Digital Agency's
# 「…ガバメントクラウドの利用について」 in 第2.0版, 2024-04-24): still accepted, reported as deprecated
# (gcbase.rules.deprecations), and means closed-network.
Connection = Literal["lgwan", "closed-network", "connection-service"]
CONNECTIONS: tuple[str, ...] = ("lgwan", "closed-network")  # what to write
DEPRECATED_CONNECTIONS: dict[str, str] = {"connection-service": "closed-network"}  # old spelling -> current


class Network(_Model):
    connection: Connection
    redundancy: Literal["dual", "single"] = "dual"
    lines: tuple[Line, ...] = ()
    vpn_backup: bool = False
    cidr_pool: IPv4Network
    # The town hall's ranges per tier (庁内ネットワークの系統ごとのアドレス範囲): a tier's VPCs reach
    # only their own tier's ranges, and each tier connects over its own VIFs and gateway.
    on_premises_cidrs: dict[Tier, tuple[IPv4Network, ...]] = Field(default_factory=dict)
    amazon_side_asn: int = Field(default=64512, ge=64512, le=4294967294)
    customer_asn: int = Field(ge=1, le=4294967294)
    customer_gateway_ip: Optional[str] = None  # VPN backup peer (town hall side)

    @field_validator("on_premises_cidrs", mode="before")
    @classmethod
    def _tiered(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            raise PydanticCustomError("untiered_onprem", UNTIERED_ONPREM)
        return value

    @property
    def connection_kind(self) -> str:
        """The connection as Digital Agency names it now (a deprecated spelling mapped to the current one)."""
        return DEPRECATED_CONNECTIONS.get(self.connection, self.connection)

    @property
    def connected_tiers(self) -> tuple[str, ...]:
        """Tiers the town hall connects (those with ranges), in TIERS order."""
        return tuple(t for t in TIERS if self.on_premises_cidrs.get(t))

    def all_on_premises(self) -> tuple[IPv4Network, ...]:
        return tuple(c for t in TIERS for c in self.on_premises_cidrs.get(t, ()))

    def line_vlans(self, line: "Line") -> dict[str, int]:
        """tier -> VLAN on one line (`vlan` stands for the single connected tier's)."""
        if line.vlans:
            return dict(line.vlans)
        tiers = self.connected_tiers
        return {tiers[0]: line.vlan} if line.vlan is not None and len(tiers) == 1 else {}


class System(_Model):
    """One hosted 標準準拠システム."""

    id: str = Field(pattern=SLUG)
    business: str
    vendor: str = Field(pattern=SLUG)
    tier: Tier
    cidr: IPv4Network
    account: str = Field(pattern=ACCOUNT_ID)
    # 共同利用方式: the member municipality this system instance serves (default: the stack's own).
    member: Optional[MunicipalityCode] = None


class ProfileException(_Model):
    """例外: why a value of gcbase:profile may lie below the base profile (the standard's level or gcbase's
    default), and who approved it. It shows in every report."""

    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)


class ProfileOverrides(_Model):
    """gcbase:profile in a stack config: a named base profile plus changed values; a value below the base
    profile needs an entry in `exceptions` under the same key (camelCase), e.g. exceptions: {availability: ...}."""

    base: str = "standard"
    availability: Optional[float] = None
    rpo_hours: Optional[int] = Field(default=None, ge=1)
    rto_hours: Optional[int] = Field(default=None, ge=1)
    disaster_recovery_months: Optional[int] = Field(default=None, ge=1)
    disaster_data_hours: Optional[int] = Field(default=None, ge=1)
    backup_interval_hours: Optional[int] = Field(default=None, ge=1)
    backup_retention_days: Optional[int] = Field(default=None, ge=1)
    log_retention_days: Optional[int] = Field(default=None, ge=1)
    cloudwatch_log_retention_days: Optional[int] = Field(default=None, ge=1)
    exceptions: dict[str, ProfileException] = Field(default_factory=dict)


class ValueException(_Model):
    """A profile value the stack set below the base profile, with its recorded reason (resolved)."""

    key: str  # camelCase profile key, e.g. availability
    value: float
    level: float  # the base profile's value (the standard's level, or gcbase's default)
    status: str  # standard | guideline | project: whose level it is
    requirement: str = ""  # e.g. A.1.5.1
    reason: str
    approver: str


class Profile(_Model):
    """Resolved non-functional profile (baselines/profiles/<name>.yaml + overrides)."""

    name: str
    availability: float
    rpo_hours: int
    rto_hours: int
    disaster_recovery_months: int
    disaster_data_hours: int
    backup_interval_hours: int
    remote_backup_copy: bool
    backup_retention_days: int
    log_retention_days: int
    log_retention_minimum_days: int
    cloudwatch_log_retention_days: int
    log_transition_to_glacier_days: int
    exceptions: tuple[ValueException, ...] = ()  # values below the base profile, each with its reason


InheritedService = Literal["config", "guardduty", "securityhub"]
INHERITED_SERVICES: tuple[str, ...] = ("config", "guardduty", "securityhub")


class Guardrails(_Model):
    deploy: bool = False  # only for an organization you administer yourself
    # Account services Digital Agency's Control Tower and mandatory templates already run in every
    # account (one Config recorder, GuardDuty detector and Security Hub per region: a second fails):
    # declared as inherited instead of created, as the SCPs are (modules/security.py, modules/audit.py).
    inherited_services: tuple[InheritedService, ...] = ()
    target_id: Optional[str] = Field(default=None, pattern=r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$")


class Vendor(_Model):
    """A vendor (ASP or operator) whose own AWS accounts its staff sign in to (zone of trust, gcbase/trust/).

    Its accounts may assume only the roles the vendor takes in this tenancy (the ASP role of each system
    it runs, the operator roles `gcbase:operators` gives it), and only with the conditions every such
    trust carries: this sts:ExternalId, MFA, and the principal tags gcbase:party and gcbase:vendor."""

    id: str = Field(pattern=SLUG)
    accounts: tuple[str, ...] = Field(min_length=1)
    # sts:ExternalId (AWS STS: 2 to 1,224 characters of letters, digits and _+=,.@:/-); not a secret
    external_id: str = Field(pattern=r"^[A-Za-z0-9_+=,.@:/-]{2,1224}$")

    @field_validator("accounts")
    @classmethod
    def _account_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for account in value:
            if not re.fullmatch(r"[0-9]{12}", str(account)):
                raise PydanticCustomError("account_id", f"{str(account)[:40]!r} is not a 12-digit AWS account id")
        return value


class Operators(_Model):
    """Which vendor takes which operating party's role (parties of baselines/iam/parties.yaml).

    account: ガバメントクラウド運用管理補助者; network: ネットワーク構築運用補助者; integrated:
    統合運用管理補助者, only where the municipality appoints one (its role exists only then). A vendor
    may also be an ASP: it then gets two roles, each with its own trust and boundary."""

    account: Optional[str] = Field(default=None, pattern=SLUG)
    network: Optional[str] = Field(default=None, pattern=SLUG)
    integrated: Optional[str] = Field(default=None, pattern=SLUG)


# MIC's security guideline models (docs/DOMAIN.md): α (the three tiers, main terminals in the LGWAN tier),
# α′ (since the 令和6年10月版: α, with the LGWAN tier reaching chosen cloud services directly), β (groupware and
# some business moved to the internet tier), β′ (its definition was not found: treated as α, conservatively).
SecurityModel = Literal["alpha", "alpha-prime", "beta", "beta-prime"]
SECURITY_MODELS: tuple[str, ...] = ("alpha", "alpha-prime", "beta", "beta-prime")


class StackConfig(_Model):
    """The gcbase: namespace of one stack config file, as written."""

    municipality: MunicipalityCode
    environment: Environment
    security_model: SecurityModel = "alpha"  # the municipality's model; α, the strictest, unless it declares another
    usage: Usage = Usage()
    accounts: Accounts
    regions: Regions = Regions()
    network: Network
    systems: tuple[System, ...] = Field(min_length=1)
    profile: ProfileOverrides = ProfileOverrides()
    guardrails: Guardrails = Guardrails()
    vpn_preshared_key: Optional[str] = Field(default=None, json_schema_extra={"secret": True})  # secure: value;
    # only read when vpnBackup. "secret": no message ever shows its value, whatever its type (gcbase.validate)
    vendors: tuple[Vendor, ...] = ()  # vendors' own accounts (zone of trust)
    operators: Operators = Operators()  # which vendor takes which operating party's role


def secret_keys(model: type[BaseModel] = None) -> frozenset[str]:  # type: ignore[assignment]
    """The config keys (camelCase) the schema says hold a secret."""
    model = model or StackConfig
    return frozenset(f.alias or n for n, f in model.model_fields.items()
                     if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("secret"))


class Municipality(_Model):
    code: str
    name: str
    prefecture: str
    kana: str


class Settings(_Model):
    """Everything the Pulumi program needs, validated and resolved."""

    stack: str
    municipality: Municipality
    environment: Environment
    security_model: SecurityModel = "alpha"
    usage: Usage
    accounts: Accounts
    regions: Regions
    network: Network
    systems: tuple[System, ...]
    profile: Profile
    guardrails: Guardrails
    business_names: dict[str, str]  # business id -> Japanese name, for tags and reports
    vendors: tuple[Vendor, ...] = ()
    operators: Operators = Operators()
    deprecations: tuple[str, ...] = ()  # one line each: a deprecated spelling the config still uses (a warning)

    @property
    def account_ids(self) -> tuple[str, ...]:
        """Every account this stack deploys into, shared account first, no repeats."""
        seen: dict[str, None] = {self.accounts.shared: None}
        for system in self.systems:
            seen.setdefault(system.account, None)
        return tuple(seen)
