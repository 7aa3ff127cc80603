"""Stack config rules that span keys: codes, usage, regions, network, systems, profile.

Each rule appends one Problem per violation (file, key path, message naming what is allowed),
so a file's problems are all reported together. The shape of the config (types, unknown keys)
is pydantic's job (gcbase.settings); reading files is gcbase.validate's.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network

from gcbase import baselines
from gcbase.errors import Problem
from gcbase.settings import (ALLOWED_REGIONS, DEPRECATED_CONNECTIONS, TIERS, Municipality, Profile, StackConfig,
                             ValueException)

# CloudWatch Logs PutRetentionPolicy accepts only these retentionInDays values (AWS API fact, not
# a profile value); any other number (e.g. 2555) makes `pulumi up` fail on every log group.
CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                             2192, 2557, 2922, 3288, 3653)
# AWS Backup vault and plan names take at most 50 characters; the longest derived from a system id
# is gc<code>-<environment>-<id>-vault-dr (13 + 1 + id + 9), so an id may have at most 27.
SYSTEM_ID_MAX_LENGTH = 27
# Where a town-hall range may lie: RFC 1918 private space and RFC 6598 shared address space.
TOWN_HALL_SPACE = (IPv4Network("10.0.0.0/8"), IPv4Network("172.16.0.0/12"), IPv4Network("192.168.0.0/16"),
                   IPv4Network("100.64.0.0/10"))
MIN_PUBLIC_TOWN_HALL_PREFIX = 16  # project choice: a public block a town hall may own (e.g. LGWAN-assigned), no wider


def problems_of(file: str, stack: str | None, cfg: StackConfig) -> tuple[list[Problem], Municipality | None, Profile | None]:
    """Every cross-key problem of one config, with the resolved municipality and profile."""
    p: list[Problem] = []
    muni = _municipality(file, cfg.municipality, "gcbase:municipality", p)
    if stack is not None and muni is not None:
        expected = f"{cfg.municipality}-{cfg.environment}"
        if stack != expected:
            p.append(Problem(file, "gcbase:municipality", f"stack name {stack!r} does not match municipality and environment; expected {expected!r}"))
    _usage(file, cfg, p)
    _regions(file, cfg, p)
    onprem = _network(file, cfg, p)
    _systems(file, cfg, p, onprem)
    if cfg.guardrails.deploy and not cfg.guardrails.target_id:
        p.append(Problem(file, "gcbase:guardrails.targetId", "required when deploy is true: the root, OU or account id to attach the SCPs to"))
    if cfg.guardrails.deploy and "governance" not in cfg.accounts.model_fields_set:
        p.append(Problem(file, "gcbase:accounts.governance", "required when guardrails.deploy is true: the management "
                                                              "account of your organization, where the SCPs are created"))
    prof = _resolve_profile(file, cfg, p)
    _vendors(file, cfg, p)
    return p, muni, prof


def _usage(file: str, cfg: StackConfig, p: list[Problem]) -> None:
    """単独利用 / 共同利用: shared usage names its separation and valid member codes."""
    usage = cfg.usage
    if usage.mode == "shared":
        if usage.separation is None:
            p.append(Problem(file, "gcbase:usage.separation", "required for shared usage; allowed: account, network, application"))
        if not usage.members:
            p.append(Problem(file, "gcbase:usage.members", "shared usage (共同利用方式) needs the member municipalities' codes"))
        seen_members: set[str] = set()
        for i, member in enumerate(usage.members):
            key = f"gcbase:usage.members[{i}]"
            if member in seen_members:
                p.append(Problem(file, key, f"{member!r} is listed twice"))
            seen_members.add(member)
            _municipality(file, member, key, p)
    elif usage.separation is not None or usage.members:
        p.append(Problem(file, "gcbase:usage.mode", "'single' takes no separation or members; use mode: shared"))


def _regions(file: str, cfg: StackConfig, p: list[Problem]) -> None:
    """Only Tokyo and Osaka, and the DR region is the other one."""
    for key in ("primary", "dr"):
        value = getattr(cfg.regions, key)
        if value not in ALLOWED_REGIONS:
            p.append(Problem(file, f"gcbase:regions.{key}", f"{value!r} is outside Japan; allowed: {', '.join(ALLOWED_REGIONS)}"))
    if cfg.regions.primary == cfg.regions.dr:
        p.append(Problem(file, "gcbase:regions.dr", f"{cfg.regions.dr!r} is the primary region too; the DR region must be the other Japanese region"))


def _network(file: str, cfg: StackConfig, p: list[Problem]) -> list[tuple[str, IPv4Network]]:
    """Lines for the redundancy, distinct ASNs, on-premises ranges disjoint from the pool and each other."""
    net = cfg.network
    wanted_lines = 2 if net.redundancy == "dual" else 1
    if len(net.lines) < wanted_lines:
        p.append(Problem(file, "gcbase:network.lines",
                         f"redundancy {net.redundancy!r} needs {wanted_lines} line(s), {len(net.lines)} given"))
    conn_ids = [line.connection_id for line in net.lines]
    if len(set(conn_ids)) != len(conn_ids):
        p.append(Problem(file, "gcbase:network.lines", "two lines use the same connectionId; a redundant pair needs two different connections"))
    if net.vpn_backup and not net.customer_gateway_ip:
        p.append(Problem(file, "gcbase:network.customerGatewayIp", "required when vpnBackup is true: the town hall VPN peer's public IPv4 address"))
    if net.customer_gateway_ip:
        try:
            IPv4Address(net.customer_gateway_ip)
        except ValueError:
            p.append(Problem(file, "gcbase:network.customerGatewayIp",
                             f"{net.customer_gateway_ip!r} is not an IPv4 address; the customer gateway needs the town hall VPN peer's static IPv4 address"))
    if net.amazon_side_asn == net.customer_asn:
        p.append(Problem(file, "gcbase:network.customerAsn", f"{net.customer_asn} equals amazonSideAsn; the two BGP ASNs must differ"))
    onprem = [(f"gcbase:network.onPremisesCidrs.{tier}[{i}]", c)
              for tier in TIERS for i, c in enumerate(net.on_premises_cidrs.get(tier, ()))]
    for key, cidr in onprem:
        if cidr.overlaps(net.cidr_pool):
            p.append(Problem(file, key, f"{cidr} overlaps the cloud CIDR pool {net.cidr_pool}; on-premises ranges must be disjoint from it"))
        if not any(cidr.subnet_of(private) for private in TOWN_HALL_SPACE) and cidr.prefixlen < MIN_PUBLIC_TOWN_HALL_PREFIX:
            p.append(Problem(file, key, f"{cidr} covers {cidr.num_addresses:,} public addresses; a town-hall range lies in "
                                        f"{', '.join(str(n) for n in TOWN_HALL_SPACE)}, or is a public block of at most "
                                        f"/{MIN_PUBLIC_TOWN_HALL_PREFIX} (else routes to the town hall would cover the internet)"))
    for a, b in _overlaps(onprem):
        p.append(Problem(file, b, f"overlaps {a}; each town-hall range belongs to one tier"))
    _vlans(file, net, p)
    return onprem


def _vlans(file: str, net, p: list[Problem]) -> None:
    """Each line carries one VLAN per connected tier (三層: one VIF and gateway per tier's segment)."""
    tiers = net.connected_tiers
    for i, line in enumerate(net.lines):
        key = f"gcbase:network.lines[{i}]"
        if line.vlan is not None and line.vlans:
            p.append(Problem(file, f"{key}.vlan", "give either vlan (one connected tier) or vlans (one per tier), not both"))
            continue
        if line.vlan is not None:
            if len(tiers) > 1:
                p.append(Problem(file, f"{key}.vlan", f"the town hall connects {len(tiers)} tiers ({', '.join(tiers)}); "
                                                      f"give one VLAN per tier instead, e.g. vlans: "
                                                      + "{" + ", ".join(f"{t}: {line.vlan + 10 * n}" for n, t in enumerate(tiers)) + "}"))
            continue
        missing = [t for t in tiers if t not in line.vlans]
        extra = [t for t in line.vlans if t not in tiers]
        if missing:
            p.append(Problem(file, f"{key}.vlans", f"no VLAN for {', '.join(missing)}; every connected tier "
                                                   f"({', '.join(tiers) or 'none: give onPremisesCidrs'}) needs one on each line"))
        if extra:
            p.append(Problem(file, f"{key}.vlans", f"{', '.join(extra)} has no town-hall range in gcbase:network.onPremisesCidrs"))
        values = list(line.vlans.values())
        if len(set(values)) != len(values):
            p.append(Problem(file, f"{key}.vlans", "two tiers share a VLAN; each tier's segment needs its own"))


def _systems(file: str, cfg: StackConfig, p: list[Problem], onprem: list[tuple[str, IPv4Network]]) -> None:
    """Unique ids, known businesses, CIDRs inside the pool and disjoint from each other and on-premises."""
    net = cfg.network
    known = baselines.businesses()
    ids: dict[str, int] = {}
    system_nets: list[tuple[str, IPv4Network]] = []
    for i, s in enumerate(cfg.systems):
        base = f"gcbase:systems[{i}]"
        if s.id in ids:
            p.append(Problem(file, f"{base}.id", f"{s.id!r} is a duplicate of gcbase:systems[{ids[s.id]}]; each system id must be unique"))
        ids.setdefault(s.id, i)
        if len(s.id) > SYSTEM_ID_MAX_LENGTH:
            p.append(Problem(file, f"{base}.id", f"{s.id!r} has {len(s.id)} characters; allowed: at most {SYSTEM_ID_MAX_LENGTH} "
                             "(AWS Backup names such as <prefix>-<id>-vault-dr are limited to 50)"))
        if s.business not in known:
            p.append(Problem(file, f"{base}.business", f"{s.business!r} is not a known business (baselines/businesses.yaml); allowed: {', '.join(known)}"))
        elif s.tier not in baselines.allowed_tiers(known[s.business], cfg.security_model):
            b = known[s.business]
            allowed = baselines.allowed_tiers(b, cfg.security_model)
            if b.get("myNumber"):
                why = "a My Number business (個人番号利用事務) stays in the マイナンバー利用事務系 in every security model"
            else:
                why = f"under gcbase:securityModel {cfg.security_model}{_placement_note(cfg.security_model)}; baselines/businesses.yaml"
            p.append(Problem(file, f"{base}.tier", f"{s.tier!r} is not allowed for {s.business} ({b['ja']}); allowed: "
                                                   f"{', '.join(allowed)} ({why})"))
        if s.member is not None:
            members = (cfg.municipality, *cfg.usage.members)
            if cfg.usage.mode != "shared":
                p.append(Problem(file, f"{base}.member", "only for shared usage (共同利用方式); a single-use stack serves its own municipality"))
            elif s.member not in members:
                p.append(Problem(file, f"{base}.member", f"{s.member!r} is not a member; allowed: {', '.join(members)}"))
        if not s.cidr.subnet_of(net.cidr_pool):
            p.append(Problem(file, f"{base}.cidr", f"{s.cidr} is outside the pool gcbase:network.cidrPool {net.cidr_pool}"))
        if s.cidr.prefixlen > 24:
            p.append(Problem(file, f"{base}.cidr", f"{s.cidr} is too small for two AZs with endpoints; allowed: /16 to /24"))
        for key, cidr in onprem:
            if s.cidr.overlaps(cidr):
                p.append(Problem(file, f"{base}.cidr", f"{s.cidr} overlaps on-premises range {key} {cidr}"))
        system_nets.append((f"{base}.cidr", s.cidr))
        if s.account == cfg.accounts.shared:
            p.append(Problem(file, f"{base}.account", f"{s.account} is the shared account; each system runs in its own account issued for it"))
    for a, b in _overlaps(system_nets):
        p.append(Problem(file, b, f"overlaps {a}; systems' CIDRs must not overlap"))
    if cfg.usage.mode == "shared" and cfg.usage.separation == "account":
        owner: dict[str, tuple[int, str]] = {}
        for i, s in enumerate(cfg.systems):
            member = s.member or cfg.municipality
            first = owner.setdefault(s.account, (i, member))
            if first[1] != member:
                p.append(Problem(file, f"gcbase:systems[{i}].account",
                                 f"{s.account} already serves member {first[1]} (gcbase:systems[{first[0]}]); with "
                                 "separation: account no account is shared by two members"))


def _placement_note(model: str) -> str:
    """Why a model places systems as another does (α′: cloud side as α; β′: definition not found)."""
    m = baselines.security_models()[model]
    if m["placementAs"] == model:
        return ""
    if m["status"] == "not-found":
        return f" (its definition was not found: placed as {m['placementAs']}, conservatively)"
    return f" (placed as {m['placementAs']})"


def deprecations(file: str, cfg: StackConfig) -> list[Problem]:
    """Spellings the config still uses that Digital Agency has retired: accepted, reported as warnings."""
    out = []
    if cfg.network.connection in DEPRECATED_CONNECTIONS:
        out.append(Problem(file, "gcbase:network.connection",
                           f"{cfg.network.connection!r} is deprecated: Digital Agency dropped 「ガバメントクラウド接続サービス」 in "
                           "「地方公共団体情報システムのガバメントクラウドの利用について」第2.0版 (2024-04-24); write "
                           f"{DEPRECATED_CONNECTIONS[cfg.network.connection]!r} (閉域網: a carrier's IP-VPN or 専用線)"))
    return out


def _overlaps(named: list[tuple[str, IPv4Network]]) -> list[tuple[str, str]]:
    pairs = []
    for i, (a_key, a_net) in enumerate(named):
        for b_key, b_net in named[i + 1:]:
            if a_net.overlaps(b_net):
                pairs.append((a_key, b_key))
    return pairs


def _municipality(file: str, code: str, key: str, problems: list[Problem]) -> Municipality | None:
    if not re.fullmatch(r"[0-9]{6}", code):
        problems.append(Problem(file, key, f"{code!r} is not a 全国地方公共団体コード; expected 6 digits such as '131121'"))
        return None
    if not baselines.check_digit_ok(code):
        problems.append(Problem(file, key, f"{code!r} has a wrong check digit; check the code against the 全国地方公共団体コード list"))
        return None
    row = baselines.municipalities().get(code)
    if row is None:
        problems.append(Problem(file, key, f"{code!r} is not in baselines/municipalities.csv; expected an existing local government code"))
        return None
    if row["kind"] == "ward":
        problems.append(Problem(file, key, f"{code!r} ({row['name']}) is a ward of a designated city, not a local government; use the city's code"))
        return None
    return Municipality(code=code, name=row["name"], prefecture=row["prefecture"], kana=row["kana"])


# Which way each overridable profile value is stronger (a fact of the value, not of a profile): a value the
# other way lies below the base profile and needs an exception (gcbase:profile.exceptions.<key>).
STRONGER: dict[str, str] = {
    "availability": "higher", "rpoHours": "lower", "rtoHours": "lower", "disasterRecoveryMonths": "lower",
    "disasterDataHours": "lower", "backupIntervalHours": "lower", "backupRetentionDays": "higher",
    "logRetentionDays": "higher", "cloudwatchLogRetentionDays": "higher"}
LEVEL_KEY = {"logRetentionDays": "logRetentionMinimumDays"}  # the base value a stack's value is judged against
AVAILABILITY_LEVELS = (95, 99, 99.5, 99.9, 99.99)  # A.1.5.1's choices (非機能要件の標準, relayed)
WHOSE = {"standard": "the standard's level", "guideline": "the guideline's level", "project": "gcbase's default"}


def _resolve_profile(file: str, cfg: StackConfig, problems: list[Problem]) -> Profile | None:
    """The base profile with the stack's values: a value below the base (the standard's level, or gcbase's default
    where the standard fixes none) needs an exception with its reason and approver, which then travels to the
    reports; an exception for a value that is not below the base is refused (it would claim a deviation)."""
    names = baselines.profile_names()
    if cfg.profile.base not in names:
        problems.append(Problem(file, "gcbase:profile.base", f"{cfg.profile.base!r} is not a profile; allowed: {', '.join(names)}"))
        return None
    base = dict(baselines.profile(cfg.profile.base))
    sources = baselines.profile_sources(cfg.profile.base)
    overrides = cfg.profile.model_dump(by_alias=True, exclude_none=True, exclude={"base", "exceptions"})
    exceptions = cfg.profile.exceptions
    recorded: list[ValueException] = []
    for key, value in overrides.items():
        level_key = LEVEL_KEY.get(key, key)
        level = base[level_key]
        higher = STRONGER[key] == "higher"
        if (value >= level) if higher else (value <= level):
            continue
        src = sources.get(level_key, {})
        about = f"{WHOSE.get(src.get('status'), 'the profile value')} {level}" + \
                (f" ({src['requirement']})" if src.get("requirement") else "")
        exc = exceptions.get(key)
        if exc is None:
            problems.append(Problem(file, f"gcbase:profile.{key}", f"{value:g} is {'below' if higher else 'longer than'} "
                                    f"{about}; allowed: {level} or {'more' if higher else 'less'}, or record why in "
                                    f"gcbase:profile.exceptions.{key} (reason, approver)"))
            continue
        recorded.append(ValueException(key=key, value=value, level=level, status=str(src.get("status") or "project"),
                                       requirement=str(src.get("requirement") or ""), reason=exc.reason.strip(),
                                       approver=exc.approver.strip()))
    for key, exc in exceptions.items():
        where = f"gcbase:profile.exceptions.{key}"
        if key not in STRONGER:
            problems.append(Problem(file, where, f"{key!r} is not a profile value; allowed: {', '.join(STRONGER)}"))
        elif not any(r.key == key for r in recorded):
            problems.append(Problem(file, where, f"{key} is not below the base profile; an exception records a value "
                                                 "below it: remove the exception"))
        for name in ("reason", "approver"):
            if not getattr(exc, name).strip() or not getattr(exc, name).isprintable():
                problems.append(Problem(file, f"{where}.{name}", "required, in visible characters"))
    if "availability" in overrides and overrides["availability"] not in AVAILABILITY_LEVELS:
        problems.append(Problem(file, "gcbase:profile.availability",
                                f"{overrides['availability']:g} is not a level of A.1.5.1; allowed: "
                                + ", ".join(str(v) for v in AVAILABILITY_LEVELS)))
    merged = Profile.model_validate({**base, **overrides, "exceptions": tuple(recorded)})
    if "backupIntervalHours" in overrides and merged.backup_interval_hours > merged.rpo_hours:  # else backups follow the RPO
        problems.append(Problem(file, "gcbase:profile.backupIntervalHours",
                                f"{merged.backup_interval_hours} hours between backups cannot meet an RPO of "
                                f"{merged.rpo_hours} hours; allowed: {merged.rpo_hours} or less"))
    if merged.cloudwatch_log_retention_days not in CLOUDWATCH_RETENTION_DAYS:
        problems.append(Problem(
            file, "gcbase:profile.cloudwatchLogRetentionDays",
            f"{merged.cloudwatch_log_retention_days} is not a CloudWatch Logs retention period; allowed: "
            + ", ".join(str(d) for d in CLOUDWATCH_RETENTION_DAYS if d >= base["cloudwatchLogRetentionDays"])))
    return merged


def _vendors(file: str, cfg: StackConfig, p: list[Problem]) -> None:
    """Vendors' own accounts (the zone of trust): each outside the tenancy, declared once, and each vendor
    taking a role here (a system it runs or an operating party), else its accounts would be trusted for nothing."""
    tenancy = {cfg.accounts.shared, *([cfg.accounts.identity] if cfg.accounts.identity else []),
               *(s.account for s in cfg.systems)}
    takes = {s.vendor for s in cfg.systems} | {v for v in cfg.operators.model_dump().values() if v}
    ids: dict[str, int] = {}
    owner: dict[str, str] = {}
    for i, vendor in enumerate(cfg.vendors):
        base = f"gcbase:vendors[{i}]"
        if vendor.id in ids:
            p.append(Problem(file, f"{base}.id", f"{vendor.id!r} is a duplicate of gcbase:vendors[{ids[vendor.id]}]"))
        ids.setdefault(vendor.id, i)
        if vendor.id not in takes:
            p.append(Problem(file, f"{base}.id", f"{vendor.id!r} runs no system and takes no operating role "
                                                 "(gcbase:systems[].vendor, gcbase:operators); its accounts would be "
                                                 "trusted for nothing: remove it"))
        for j, account in enumerate(vendor.accounts):
            key = f"{base}.accounts[{j}]"
            if account in tenancy:
                p.append(Problem(file, key, f"{account} is one of the tenancy's own accounts; a vendor's accounts "
                                            "are its own, outside the tenancy"))
            elif account == cfg.accounts.governance:
                p.append(Problem(file, key, f"{account} is Digital Agency's governance account (gcbase:accounts.governance)"))
            elif account in owner:
                p.append(Problem(file, key, f"{account} is already declared for vendor {owner[account]!r}; "
                                            "an account belongs to one vendor"))
            owner.setdefault(account, vendor.id)
