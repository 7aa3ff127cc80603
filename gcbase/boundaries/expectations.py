"""Responsibility-boundary expectations (baselines/boundaries/expectations.yaml), typed and expanded.

A row is one critical action on one resource; a cell is one party's expected decision with its
reason in Japanese and English. `requests()` expands a cell into the concrete requests of a
stack: one per account (or per system) where the party's role exists and the row applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from gcbase.baselines import BASELINES
from gcbase.boundaries.evaluator import Request
from gcbase.boundaries.model import AuthzModel
from gcbase.errors import GcbaseError, Problem
from gcbase.intent import operator_parties
from gcbase.settings import Settings, System
from gcbase.yamlio import load_yaml

EXPECTATIONS = BASELINES / "boundaries" / "expectations.yaml"
PARTIES = BASELINES / "iam" / "parties.yaml"
SCOPES = ("all", "shared", "systems", "mynumber")
CALLERS = ("role", "person", "outsider")
MIN_CELLS = 40
_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")


@dataclass(frozen=True)
class Cell:
    party: str
    expect: str  # allow | deny
    ja: str
    en: str


@dataclass(frozen=True)
class Row:
    id: str
    title_ja: str
    title_en: str
    action: str
    resource: str
    scope: str
    caller: str
    context: tuple[tuple[str, str], ...]
    cells: tuple[Cell, ...]
    generated: bool = False  # asked by gcbase.boundaries.escalation, not written in expectations.yaml


@dataclass
class Catalogue:
    rows: list[Row]
    callers: dict[str, str]
    default_context: dict[str, str]
    parties: dict[str, dict] = field(default_factory=dict)  # baselines/iam/parties.yaml parties

    @property
    def party_ids(self) -> list[str]:
        return list(self.parties)

    def data_key_alias(self, prefix: str, system_id: str) -> str:
        return self.callers["dataKeyAlias"].replace("${prefix}", prefix).replace("${system}", system_id)

    def cell_count(self) -> int:
        return sum(len(r.cells) for r in self.rows)


# Placeholders _values() fills; any other ${name} would silently skip every request of its cell.
PLACEHOLDERS = ("account", "shared", "identity", "governance", "region", "dr_region", "prefix", "party", "log_bucket",
                "trail", "system", "vendor", "data_key", "other_system", "other_account", "other_data_key", "party_role")
REQUIRED_CALLERS = ("personRole", "outsiderAccount", "dataKeyAlias")


def _str_map(value, where: str, problems: list[Problem], path: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(path, where, "expected a mapping"))
        return {}
    for k, v in value.items():  # IAM compares strings: an unquoted true would become "True"
        if not isinstance(v, str):
            problems.append(Problem(path, f"{where}.{k}", f"expected text (quote it), found {type(v).__name__}"))
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _text(raw: dict, key: str, where: str, problems: list[Problem], path: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        found = "missing" if value in (None, "") else f"found {type(value).__name__}"
        problems.append(Problem(path, f"{where}.{key}", f"required text ({found})"))
        return ""
    for name in re.findall(r"\$\{([^}]*)\}", value):  # any ${...}, not only the well-formed ones
        if name not in PLACEHOLDERS:
            problems.append(Problem(path, f"{where}.{key}", f"unknown placeholder ${{{name}}}; known: {', '.join(PLACEHOLDERS)}"))
    return value


def load(path: Path = EXPECTATIONS) -> Catalogue:
    """Read and validate the expectations; every problem is reported at once (exit 2)."""
    data = load_yaml(path)
    parties = load_yaml(PARTIES)["parties"]
    problems: list[Problem] = []
    p = str(path)
    if not isinstance(data, dict):
        raise GcbaseError.one(p, "", "expected a mapping with callers, defaultContext and rows")
    raw_rows = data.get("rows")
    if not isinstance(raw_rows, list):
        problems.append(Problem(p, "rows", "expected a list of rows"))
        raw_rows = []
    rows: list[Row] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_rows):
        where = f"rows[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(p, where, "expected a mapping with id, title, action, resource and cells"))
            continue
        rid = raw.get("id", "")
        if not isinstance(rid, str) or not rid or rid in seen:
            problems.append(Problem(p, where, "id missing, not text or repeated"))
        seen.add(str(rid))
        action, resource = _text(raw, "action", where, problems, p), _text(raw, "resource", where, problems, p)
        scope, caller = raw.get("in", "all"), raw.get("as", "role")
        if scope not in SCOPES:
            problems.append(Problem(p, f"{where}.in", f"{str(scope)[:40]!r}; expected one of {', '.join(SCOPES)}"))
        if caller not in CALLERS:
            problems.append(Problem(p, f"{where}.as", f"{str(caller)[:40]!r}; expected one of {', '.join(CALLERS)}"))
        title = raw.get("title")
        if not isinstance(title, dict) or not all(isinstance(title.get(k), str) and title.get(k) for k in ("ja", "en")):
            problems.append(Problem(p, f"{where}.title", "needs ja and en text"))
            title = {}
        raw_cells = raw.get("cells")
        if not isinstance(raw_cells, dict):
            problems.append(Problem(p, f"{where}.cells", "expected a mapping of party: {expect, ja, en}"))
            raw_cells = {}
        cells = []
        for party, c in raw_cells.items():
            cw = f"{where}.cells.{party}"
            if party not in parties:
                problems.append(Problem(p, cw, f"unknown party; parties are {', '.join(parties)}"))
            if not isinstance(c, dict) or c.get("expect") not in ("allow", "deny"):
                problems.append(Problem(p, cw, "expect must be allow or deny"))
                continue
            if not all(isinstance(c.get(k), str) and c.get(k) for k in ("ja", "en")):
                problems.append(Problem(p, cw, "every expectation gives its reason in ja and en"))
            cells.append(Cell(str(party), c["expect"], str(c.get("ja", "")), str(c.get("en", ""))))
        if not cells:
            problems.append(Problem(p, where, "no cells"))
        context = _str_map(raw.get("context"), f"{where}.context", problems, p)
        for key in context:
            _text(context, key, f"{where}.context", problems, p)
        rows.append(Row(str(rid), str(title.get("ja", "")), str(title.get("en", "")), action, resource, str(scope),
                        str(caller), tuple(context.items()), tuple(cells)))
    cat = Catalogue(rows, _str_map(data.get("callers"), "callers", problems, p),
                    _str_map(data.get("defaultContext"), "defaultContext", problems, p), parties)
    for key in REQUIRED_CALLERS:
        if not cat.callers.get(key):
            problems.append(Problem(p, f"callers.{key}", "required text"))
    if cat.cell_count() < MIN_CELLS:
        problems.append(Problem(p, "rows", f"{cat.cell_count()} expectations; at least {MIN_CELLS} are required"))
    if not {c.expect for r in rows for c in r.cells} >= {"allow", "deny"}:
        problems.append(Problem(p, "rows", "expectations must cover both directions (allow and deny)"))
    if problems:
        raise GcbaseError(problems)
    return cat


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    return load()


@dataclass(frozen=True)
class Target:
    """Where one cell is evaluated: an account, and the system when the row is per system."""

    account: str
    system: Optional[System]


def _targets(row: Row, party: dict, s: Settings) -> list[Target]:
    systems = list(s.systems)
    if row.scope == "mynumber":
        systems = [x for x in systems if x.tier == "mynumber"]
    if party["where"] == "shared":
        return [Target(s.accounts.shared, None)] if row.scope in ("all", "shared") else []
    if party["where"] == "system":
        if row.scope == "shared":
            return [Target(x.account, x) for x in systems if x.account == s.accounts.shared]
        return [Target(x.account, x) for x in systems]
    if row.scope in ("systems", "mynumber"):
        return [Target(x.account, x) for x in systems]
    accounts = [s.accounts.shared] if row.scope == "shared" or party["where"] == "shared" else list(s.account_ids)
    return [Target(a, None) for a in accounts]


def _fill(text: str, values: dict[str, str]) -> Optional[str]:
    """Placeholders filled; None when one has no value for this target (the request is skipped)."""
    missing = False

    def sub(m: re.Match) -> str:
        nonlocal missing
        if m.group(1) not in values:
            missing = True
            return ""
        return values[m.group(1)]

    out = _PLACEHOLDER.sub(sub, text)
    return None if missing else out


def _values(s: Settings, model: AuthzModel, cat: Catalogue, party: str, t: Target) -> dict[str, str]:
    prefix = f"gc{s.municipality.code}-{s.environment}"
    v = {
        "account": t.account, "shared": s.accounts.shared, "identity": s.accounts.identity or s.accounts.shared,
        "governance": s.accounts.governance, "region": s.regions.primary, "dr_region": s.regions.dr,
        "prefix": prefix, "party": party, "log_bucket": f"{prefix}-log-archive-{s.accounts.shared}",
        "trail": f"arn:aws:cloudtrail:{s.regions.primary}:{t.account}:trail/{prefix}-trail",
    }
    role = cat.parties[party]["role"]
    if t.system is not None:
        v.update(system=t.system.id, vendor=t.system.vendor)
        key = model.key_by_alias(t.system.account, cat.data_key_alias(prefix, t.system.id))
        if key:
            v["data_key"] = key
        other = next((x for x in s.systems if x.id != t.system.id and x.account != t.account), None) \
            or next((x for x in s.systems if x.id != t.system.id), None)
        if other is not None:
            v.update(other_system=other.id, other_account=other.account)
            okey = model.key_by_alias(other.account, cat.data_key_alias(prefix, other.id))
            if okey:
                v["other_data_key"] = okey
    if "${system_id}" not in role or t.system is not None:
        v["party_role"] = role.replace("${system_id}", t.system.id if t.system else "")
    return v


def requests(row: Row, cell: Cell, s: Settings, model: AuthzModel, cat: Catalogue) -> Iterator[tuple[Target, Request]]:
    party = cat.parties[cell.party]
    if party.get("onlyWhenAppointed") and cell.party not in operator_parties(s):
        return  # 統合運用管理補助者 where none is appointed: no such role (n/a)
    for t in _targets(row, party, s):
        values = _values(s, model, cat, cell.party, t)
        context = {**cat.default_context}
        if row.caller == "role":
            principal = f"arn:aws:iam::{t.account}:role/{values.get('party_role', '')}"
        else:
            acct = values["identity"] if row.caller == "person" else cat.callers["outsiderAccount"]
            principal = f"arn:aws:iam::{acct}:role/{cat.callers['personRole']}"
            context["aws:PrincipalTag/gcbase:party"] = cell.party
            context["aws:MultiFactorAuthAge"] = cat.callers.get("mfaAgeSeconds", "300")
            vendor = t.system.vendor if t.system is not None else operator_parties(s).get(cell.party)
            if vendor:  # the person's vendor: the system's ASP, or the vendor gcbase:operators gives the party
                context["aws:PrincipalTag/gcbase:vendor"] = vendor
        context.update(dict(row.context))
        if "party_role" not in values and row.caller == "role":
            continue
        filled = {k: _fill(val, values) for k, val in context.items()}
        action, resource = _fill(row.action, values), _fill(row.resource, values)
        if action is None or resource is None or any(val is None for val in filled.values()):
            continue  # e.g. ${other_system} in a one-system stack
        yield t, Request(principal, action, resource, tuple(sorted(filled.items())))
