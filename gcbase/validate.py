"""Stack config validation: file -> typed Settings, or every problem of the file at once.

Used by `gcbase validate`, by synth, and by the Pulumi program itself (through
gcbase.stackconfig), so `pulumi up` and the offline tools accept exactly the same configs.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from gcbase import baselines
from gcbase.errors import GcbaseError, Problem
from gcbase.settings import ALLOWED_REGIONS, Municipality, Profile, Settings, StackConfig
from gcbase.yamlio import load_yaml

NAMESPACE = "gcbase"
STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>[A-Za-z0-9_.-]+)\.ya?ml$")
# Keys a Pulumi stack file may carry besides config (pulumi/pulumi sdk/go/common/workspace/project.go ProjectStack).
STACK_FILE_KEYS = {"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"}


def _key_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return f"{NAMESPACE}:" + "".join(parts)


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The camelCase keys allowed at loc's parent (for 'unknown key' messages)."""
    current: Any = model
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        fields = {(f.alias or n): f for n, f in current.model_fields.items()}
        field = fields.get(item)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args] + [a for arg in args for a in getattr(arg, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return []
    return sorted((f.alias or n) for n, f in current.model_fields.items())


def _shape_problems(file: str, err: ValidationError) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        key = _key_path(loc)
        given = e.get("input")
        shown = repr(given) if not isinstance(given, (dict, list)) else type(given).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        kind = e["type"]
        if kind == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(StackConfig, loc))
            msg = f"unknown key; allowed keys here: {allowed}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            msg = f"{shown} is not allowed; expected one of {expected}"
        elif kind == "string_pattern_mismatch":
            pattern = e.get("ctx", {}).get("pattern", "")
            hint = "a 12-digit AWS account id" if "{12}" in pattern and "ou-" not in pattern else f"text matching {pattern}"
            msg = f"{shown} is not allowed; expected {hint}"
        elif kind.startswith("ip_v4_network"):
            msg = f"{shown} is not a valid IPv4 CIDR (such as 10.20.0.0/16) with no host bits set"
        elif kind == "too_short":
            msg = "must list at least one entry"
        else:
            msg = f"{shown}: {e['msg']}"
        problems.append(Problem(file, key, msg))
    return problems


def _overlaps(named: list[tuple[str, IPv4Network]]) -> list[tuple[str, str]]:
    pairs = []
    for i, (a_key, a_net) in enumerate(named):
        for b_key, b_net in named[i + 1:]:
            if a_net.overlaps(b_net):
                pairs.append((a_key, b_key))
    return pairs


def _resolve_profile(file: str, cfg: StackConfig, problems: list[Problem]) -> Profile | None:
    names = baselines.profile_names()
    if cfg.profile.base not in names:
        problems.append(Problem(file, "gcbase:profile.base", f"{cfg.profile.base!r} is not a profile; allowed: {', '.join(names)}"))
        return None
    base = dict(baselines.profile(cfg.profile.base))
    overrides = cfg.profile.model_dump(exclude_none=True, exclude={"base"})
    minimum = base["logRetentionMinimumDays"]
    if overrides.get("log_retention_days", minimum) < minimum:
        problems.append(Problem(
            file, "gcbase:profile.logRetentionDays",
            f"{overrides['log_retention_days']} is below the profile minimum of {minimum} days; allowed: {minimum} or more"))
    for key, floor_key in (("backup_retention_days", "backupRetentionDays"), ("cloudwatch_log_retention_days", "cloudwatchLogRetentionDays")):
        if key in overrides and overrides[key] < base[floor_key]:
            problems.append(Problem(
                file, f"gcbase:profile.{floor_key}",
                f"{overrides[key]} is below the profile value of {base[floor_key]}; a stack may raise it, never lower it"))
    for key, floor_key, worse in (("rpo_hours", "rpoHours", "longer"), ("rto_hours", "rtoHours", "longer")):
        if key in overrides and overrides[key] > base[floor_key]:
            problems.append(Problem(
                file, f"gcbase:profile.{floor_key}",
                f"{overrides[key]} is {worse} than the profile's {base[floor_key]} hours; allowed: {base[floor_key]} or less"))
    if "availability" in overrides and overrides["availability"] not in (95, 99, 99.5, 99.9, 99.99):
        problems.append(Problem(file, "gcbase:profile.availability",
                                f"{overrides['availability']} is not a level of A.1.5.1; allowed: 95, 99, 99.5, 99.9, 99.99"))
    merged = Profile.model_validate({**base, **{k: v for k, v in cfg.profile.model_dump(by_alias=True, exclude_none=True).items() if k != "base"}})
    return merged


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


def _semantic_problems(file: str, stack: str | None, cfg: StackConfig) -> tuple[list[Problem], Municipality | None, Profile | None]:
    p: list[Problem] = []
    muni = _municipality(file, cfg.municipality, "gcbase:municipality", p)

    if stack is not None and muni is not None:
        expected = f"{cfg.municipality}-{cfg.environment}"
        if stack != expected:
            p.append(Problem(file, "gcbase:municipality", f"stack name {stack!r} does not match municipality and environment; expected {expected!r}"))

    # usage
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

    # regions
    for key in ("primary", "dr"):
        value = getattr(cfg.regions, key)
        if value not in ALLOWED_REGIONS:
            p.append(Problem(file, f"gcbase:regions.{key}", f"{value!r} is outside Japan; allowed: {', '.join(ALLOWED_REGIONS)}"))
    if cfg.regions.primary == cfg.regions.dr:
        p.append(Problem(file, "gcbase:regions.dr", f"{cfg.regions.dr!r} is the primary region too; the DR region must be the other Japanese region"))

    # network
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
    if net.amazon_side_asn == net.customer_asn:
        p.append(Problem(file, "gcbase:network.customerAsn", f"{net.customer_asn} equals amazonSideAsn; the two BGP ASNs must differ"))
    onprem = [(f"gcbase:network.onPremisesCidrs[{i}]", c) for i, c in enumerate(net.on_premises_cidrs)]
    for key, cidr in onprem:
        if cidr.overlaps(net.cidr_pool):
            p.append(Problem(file, key, f"{cidr} overlaps the cloud CIDR pool {net.cidr_pool}; on-premises ranges must be disjoint from it"))
    for a, b in _overlaps(onprem):
        p.append(Problem(file, b, f"overlaps {a}"))

    # systems
    known = baselines.businesses()
    ids: dict[str, int] = {}
    system_nets: list[tuple[str, IPv4Network]] = []
    for i, s in enumerate(cfg.systems):
        base = f"gcbase:systems[{i}]"
        if s.id in ids:
            p.append(Problem(file, f"{base}.id", f"{s.id!r} is a duplicate of gcbase:systems[{ids[s.id]}]; each system id must be unique"))
        ids.setdefault(s.id, i)
        if s.business not in known:
            p.append(Problem(file, f"{base}.business", f"{s.business!r} is not one of the 20 standardized businesses; allowed: {', '.join(known)}"))
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

    if cfg.guardrails.deploy and not cfg.guardrails.target_id:
        p.append(Problem(file, "gcbase:guardrails.targetId", "required when deploy is true: the root, OU or account id to attach the SCPs to"))

    prof = _resolve_profile(file, cfg, p)
    return p, muni, prof


def settings_from_values(values: dict[str, Any], file: str, stack: str | None = None) -> Settings:
    """Validate the gcbase: namespace (keys without the prefix) and resolve it to Settings."""
    if not isinstance(values, dict):
        raise GcbaseError.one(file, "gcbase", "expected a mapping of gcbase: keys")
    try:
        cfg = StackConfig.model_validate(values)
    except ValidationError as err:
        raise GcbaseError(_shape_problems(file, err)) from None
    problems, muni, prof = _semantic_problems(file, stack, cfg)
    if problems:
        raise GcbaseError(problems)
    assert muni is not None and prof is not None
    data = cfg.model_dump(exclude={"municipality", "profile", "vpn_preshared_key"})
    return Settings(
        stack=stack or f"{cfg.municipality}-{cfg.environment}",
        municipality=muni,
        profile=prof,
        business_names={k: v["ja"] for k, v in baselines.businesses().items()},
        **data,
    )


def read_stack_file(path: Path | str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Parse a Pulumi.<stack>.yaml file: (stack name, gcbase values, other namespaces' values).

    `secure:` values are kept as {"secure": ciphertext} so the caller can treat them as secrets.
    """
    path = Path(path)
    file = str(path)
    m = STACK_FILE.match(path.name)
    if not m:
        raise GcbaseError.one(file, "", "stack config files are named Pulumi.<code>-<env>.yaml, such as Pulumi.131121-prod.yaml")
    doc = load_yaml(path, "stack config file")
    if not isinstance(doc, dict):
        raise GcbaseError.one(file, "", "expected a mapping with a 'config:' key at the top")
    problems = [Problem(file, str(k), f"unknown top-level key; allowed: {', '.join(sorted(STACK_FILE_KEYS))}")
                for k in doc if k not in STACK_FILE_KEYS]
    config = doc.get("config")
    if not isinstance(config, dict):
        problems.append(Problem(file, "config", "missing or not a mapping; expected 'config:' with gcbase: keys"))
        raise GcbaseError(problems)
    ours: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for key, value in config.items():
        key = str(key)
        ns, sep, name = key.partition(":")
        if not sep:
            problems.append(Problem(file, key, "config keys are namespaced; expected gcbase:<key>"))
        elif ns == NAMESPACE:
            ours[name] = value
        else:
            others[key] = value
    region = others.get("aws:region")
    if region is not None and region not in ALLOWED_REGIONS:
        problems.append(Problem(file, "aws:region", f"{region!r} is outside Japan; allowed: {', '.join(ALLOWED_REGIONS)}"))
    if problems:
        raise GcbaseError(problems)
    return m.group("stack"), ours, others


def plain_values(values: dict[str, Any], file: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Split secure: values out: (values with secrets masked, {key: ciphertext})."""
    from gcbase.model import SECRET_MASK

    plain: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            secrets[key] = str(value["secure"])
            plain[key] = SECRET_MASK
        else:
            plain[key] = value
    return plain, secrets


def load_settings(path: Path | str) -> Settings:
    """Read and validate one stack config file (raises GcbaseError with every problem)."""
    stack, ours, _ = read_stack_file(path)
    plain, _secrets = plain_values(ours, str(path))
    return settings_from_values(plain, str(path), stack)
