"""The requirement catalogue and every check's metadata, read once and validated when loaded.

Data, not code (Prowler's compliance files, with the mapping kept in one place per check):
- baselines/requirements.yaml: the requirements (非機能要件の標準 items A-F in IPA-grade
  numbering, and the project's ids for guideline items, category G) with ja/en titles and source;
- policies/<kind>/<ID>.metadata beside each custom check (YAML): severity, the requirement ids
  it serves, ja/en title, remediation with a Pulumi snippet, optional parameters. Not `.yaml`:
  `checkov --external-checks-dir` loads every .yaml/.yml/.json file of the folder as a graph
  policy and prints a warning for each one that is not (checkov/common/checks_infra/registry.py);
- baselines/checkov_builtin.yaml: Checkov's built-in checks that matter here -> severity,
  requirement ids, Japanese title; plus the default for built-ins not listed.

`Catalogue.checks_of(requirement)` gives the mapping the other way (requirement -> check ids).
Loading fails (GcbaseError, exit 2) when an id, file name and kind disagree, a field is missing
or a requirement id is unknown: names cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from gcbase.baselines import BASELINES, ROOT
from gcbase.check.findings import SEVERITIES
from gcbase.errors import GcbaseError, Problem
from gcbase.yamlio import load_yaml

POLICIES = ROOT / "policies"
REQUIREMENTS_FILE = BASELINES / "requirements.yaml"
BUILTIN_FILE = BASELINES / "checkov_builtin.yaml"
META_SUFFIX = ".metadata"  # YAML text; see the module docstring for why not .yaml
OLD_META_SUFFIX = ".metadata.yaml"  # the name before issue 16: refused with a line saying how to rename it
# kind -> (folder under policies/, id pattern, check file suffix)
KINDS: dict[str, tuple[str, re.Pattern[str], str]] = {
    "resource": ("resource", re.compile(r"^GCJP_AWS_[1-9][0-9]*$"), ".py"),  # Checkov BaseResourceCheck
    "plan": ("plan", re.compile(r"^GCJP_AWS_[1-9][0-9]*$"), ".py"),  # gcbase plan-level check
    "graph": ("graph", re.compile(r"^GCJP2_AWS_[1-9][0-9]*$"), ".yaml"),  # Checkov YAML graph policy
}
# kinds plain `checkov --external-checks-dir policies` runs itself, with the verdicts of `gcbase check`
# (tests/policies/test_checkov_cli.py runs the real CLI); plan-level checks need the whole plan and
# the stack's intent, so only `gcbase check` runs them
CHECKOV_KINDS = ("resource", "graph")
CHECKOV_ID = re.compile(r"^CKV2?_AWS_[0-9]+$")
REQUIREMENT_ID = re.compile(r"^([A-F])\.[0-9]+\.[0-9]+\.[0-9]+$|^GL\.[A-Z0-9]+\.[0-9]+$")


MANDATORY = ("always", "systems", "mynumber-tier", "dual-lines", "shared-separated", "never")
# Where a requirement comes from (baselines/requirements.yaml, docs/DOMAIN.md): found in the cited standard,
# in a guideline or official guidance, or gcbase's own choice (then with the reason, `why`).
STATUSES = ("standard", "guideline", "project")
# How a source was read: the document itself, through a second-hand relay (named in `relay`), or a vendor's page.
READS = ("primary", "relay", "vendor")
REQUIREMENT_KEYS = {"id", "mandatory", "category", "status", "source", "section", "ja", "en", "why", "note"}
SOURCE_KEYS = {"ja", "en", "version", "date", "url", "urlNotFound", "read", "relay", "note"}


@dataclass(frozen=True)
class Requirement:
    id: str
    category: str  # A-F (非機能要件の標準) or G (guidelines and security rules)
    ja: str
    en: str
    source: str
    mandatory: str = "never"  # when a tenancy must meet it (MANDATORY; baselines/requirements.yaml)
    status: str = "project"  # standard | guideline | project (STATUSES)
    section: str = ""  # where in the source (item id, page, chapter)
    why: dict[str, str] = field(default_factory=dict)  # {ja, en}: the reason for a project choice
    note: dict[str, str] = field(default_factory=dict)  # {ja, en}: second-hand wording, unverified title


@dataclass(frozen=True)
class CheckMeta:
    id: str
    kind: str  # resource | plan | graph | builtin
    severity: str
    requirements: tuple[str, ...]
    title_ja: str
    title_en: str
    remediation: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    path: Optional[Path] = None  # the check file (custom checks)
    waivable: bool = True  # false: no waiver may accept its failures (e.g. My Number tier to the internet)

    @property
    def runs_under_checkov(self) -> bool:
        """A custom check plain `checkov --external-checks-dir policies` runs, with gcbase's verdicts."""
        return self.kind in CHECKOV_KINDS


@dataclass
class Catalogue:
    categories: dict[str, dict[str, str]]
    sources: dict[str, dict[str, str]]
    requirements: dict[str, Requirement]
    checks: dict[str, CheckMeta]  # custom checks and mapped built-ins
    builtin_default: dict[str, Any]

    def custom(self) -> list[CheckMeta]:
        return [m for m in self.checks.values() if m.kind != "builtin"]

    def checks_of(self, requirement_id: str) -> list[str]:
        return sorted(m.id for m in self.checks.values() if requirement_id in m.requirements)

    def meta(self, check_id: str, title_en: str = "") -> CheckMeta:
        """Metadata of a check; a built-in not in the mapping gets the default severity."""
        if check_id in self.checks:
            return self.checks[check_id]
        d = self.builtin_default
        return CheckMeta(check_id, "builtin", d["severity"], tuple(d.get("requirements") or ()), "", title_en)


def _need(problems: list[Problem], file: Path, key: str, value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, (str, list, dict)) and not value):
        problems.append(Problem(str(file), key, f"missing or not {what}"))
        return None
    return value


def _sources(problems: list[Problem], f: Path, sources: dict) -> dict[str, dict[str, str]]:
    """Each source: ja and en, a URL or what was not found (urlNotFound), how it was read, and for a relay
    the second-hand text it came through."""
    out: dict[str, dict[str, str]] = {}
    for name, src in sources.items():
        key = f"sources.{name}"
        if not isinstance(src, dict):
            problems.append(Problem(str(f), key, "expected a mapping with ja, en, url or urlNotFound, read"))
            continue
        extra = set(src) - SOURCE_KEYS
        if extra:
            problems.append(Problem(str(f), key, f"unknown keys {', '.join(sorted(map(str, extra)))}; allowed: "
                                                 f"{', '.join(sorted(SOURCE_KEYS))}"))
        for lang in ("ja", "en"):
            if not isinstance(src.get(lang), str) or not src[lang].strip():
                problems.append(Problem(str(f), f"{key}.{lang}", "missing: the document's title"))
        if not src.get("url") and not src.get("urlNotFound"):
            problems.append(Problem(str(f), key, "needs url, or urlNotFound saying what was not found"))
        if name != "project":
            if src.get("read") not in READS:
                problems.append(Problem(str(f), f"{key}.read", f"{src.get('read')!r}; allowed: {', '.join(READS)}"))
            elif src["read"] == "relay" and not src.get("relay"):
                problems.append(Problem(str(f), f"{key}.relay", "required when read is relay: the second-hand text and its URL"))
        out[str(name)] = {k: str(v) for k, v in src.items()}
    return out


def _provenance(problems: list[Problem], f: Path, key: str, rid: str, item: dict, sources: dict) -> None:
    """status, source and section (or why, for gcbase's own choices): a requirement without them does not load."""
    status = item.get("status")
    if status not in STATUSES:
        problems.append(Problem(str(f), f"{key}.status", f"{rid}: {status!r}; allowed: {', '.join(STATUSES)}"))
    if item.get("source") not in sources:
        problems.append(Problem(str(f), f"{key}.source", f"{rid}: {item.get('source')!r} is not under sources; allowed: "
                                                         f"{', '.join(sources)}"))
    elif status in ("standard", "guideline") and item["source"] == "project":
        problems.append(Problem(str(f), f"{key}.source", f"{rid}: a {status} item cites the document it is found in, not project"))
    if status in ("standard", "guideline") and not str(item.get("section") or "").strip():
        problems.append(Problem(str(f), f"{key}.section", f"{rid}: required for {status}: the item, page or chapter"))
    if status == "project" and not item.get("why"):
        problems.append(Problem(str(f), f"{key}.why", f"{rid}: required for project: why gcbase chose it"))
    for name in ("why", "note"):
        text = item.get(name)
        if text is not None and not (isinstance(text, dict) and set(text) == {"ja", "en"}
                                     and all(isinstance(v, str) and v.strip() for v in text.values())):
            problems.append(Problem(str(f), f"{key}.{name}", f"{rid}: a mapping with ja and en texts"))
    extra = set(item) - REQUIREMENT_KEYS
    if extra:
        problems.append(Problem(str(f), key, f"{rid}: unknown keys {', '.join(sorted(map(str, extra)))}; allowed: "
                                             f"{', '.join(sorted(REQUIREMENT_KEYS))}"))


def _texts(value: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in value.items() if k in ("ja", "en")} if isinstance(value, dict) else {}


def _requirements(problems: list[Problem]) -> tuple[dict, dict, dict[str, Requirement]]:
    data = load_yaml(REQUIREMENTS_FILE, "requirement catalogue")
    f = REQUIREMENTS_FILE
    categories = _need(problems, f, "categories", data.get("categories"), dict, "a mapping") or {}
    sources = _sources(problems, f, _need(problems, f, "sources", data.get("sources"), dict, "a mapping") or {})
    reqs: dict[str, Requirement] = {}
    for i, item in enumerate(data.get("requirements") or []):
        key = f"requirements[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(str(f), key, "expected a mapping with id, status, source, ja, en"))
            continue
        rid = str(item.get("id", ""))
        m = REQUIREMENT_ID.match(rid)
        if not m:
            problems.append(Problem(str(f), key, f"id {rid!r} is not like A.1.3.1 or GL.RG.1"))
            continue
        if rid in reqs:
            problems.append(Problem(str(f), key, f"{rid} is listed twice"))
        category = m.group(1) or "G"
        if item.get("category") != category:
            problems.append(Problem(str(f), key, f"{rid}: category must be {category}"))
        _provenance(problems, f, key, rid, item, sources)
        if not item.get("ja") or not item.get("en"):
            problems.append(Problem(str(f), key, f"{rid}: needs ja and en titles"))
        if item.get("mandatory") not in MANDATORY:
            problems.append(Problem(str(f), f"{key}.mandatory", f"{rid}: one of {', '.join(MANDATORY)}"))
        reqs[rid] = Requirement(rid, category, str(item.get("ja")), str(item.get("en")), str(item.get("source")),
                                str(item.get("mandatory")), str(item.get("status")), str(item.get("section") or ""),
                                _texts(item.get("why")), _texts(item.get("note")))
    return categories, sources, reqs


def _check_meta(path: Path, kind: str, reqs: dict[str, Requirement], problems: list[Problem]) -> Optional[CheckMeta]:
    folder, pattern, suffix = KINDS[kind]
    stem = path.name[: -len(META_SUFFIX)]
    data = load_yaml(path, "check metadata")
    if not isinstance(data, dict):
        problems.append(Problem(str(path), "", "expected a mapping"))
        return None
    before = len(problems)
    if not pattern.match(stem) or data.get("id") != stem:
        problems.append(Problem(str(path), "id", f"must equal the file name {stem!r} and match {pattern.pattern}"))
    check_file = path.with_name(stem + suffix)
    if not check_file.is_file():
        problems.append(Problem(str(path), "", f"no check file {check_file.name} beside it"))
    if data.get("severity") not in SEVERITIES:
        problems.append(Problem(str(path), "severity", f"must be one of {', '.join(SEVERITIES)}"))
    req_ids = _need(problems, path, "requirements", data.get("requirements"), list, "a list of requirement ids") or []
    for rid in req_ids:
        if rid not in reqs:
            problems.append(Problem(str(path), "requirements", f"unknown requirement {rid!r}"))
    if len(set(req_ids)) != len(req_ids):
        problems.append(Problem(str(path), "requirements", "a requirement is listed twice"))
    title = _need(problems, path, "title", data.get("title"), dict, "a mapping with ja and en") or {}
    remediation = _need(problems, path, "remediation", data.get("remediation"), dict, "a mapping") or {}
    for key, mapping in (("title", title), ("remediation", remediation)):
        for lang in ("ja", "en") + (("pulumi",) if key == "remediation" else ()):
            if not isinstance(mapping.get(lang), str) or not mapping.get(lang).strip():
                problems.append(Problem(str(path), f"{key}.{lang}", "missing"))
    params = data.get("parameters") or {}
    if not isinstance(params, dict):
        problems.append(Problem(str(path), "parameters", "must be a mapping"))
    if not isinstance(data.get("waivable", True), bool):
        problems.append(Problem(str(path), "waivable", "true or false"))
    extra = set(data) - {"id", "severity", "requirements", "title", "remediation", "parameters", "waivable"}
    if extra:
        problems.append(Problem(str(path), "", f"unknown keys: {', '.join(sorted(extra))}"))
    if len(problems) > before:
        return None
    return CheckMeta(stem, kind, data["severity"], tuple(req_ids), title["ja"].strip(), title["en"].strip(),
                     {k: str(v).strip() for k, v in remediation.items()}, dict(params), check_file,
                     bool(data.get("waivable", True)))


def _builtins(reqs: dict[str, Requirement], problems: list[Problem]) -> tuple[dict[str, CheckMeta], dict]:
    data = load_yaml(BUILTIN_FILE, "built-in check mapping")
    f = BUILTIN_FILE
    default = data.get("default") or {}
    if default.get("severity") not in SEVERITIES:
        problems.append(Problem(str(f), "default.severity", f"must be one of {', '.join(SEVERITIES)}"))
    out: dict[str, CheckMeta] = {}
    for cid, item in (data.get("checks") or {}).items():
        key = f"checks.{cid}"
        if not CHECKOV_ID.match(str(cid)):
            problems.append(Problem(str(f), key, "not a Checkov AWS check id (CKV_AWS_n / CKV2_AWS_n)"))
            continue
        item = item or {}
        if item.get("severity") not in SEVERITIES:
            problems.append(Problem(str(f), key, f"severity must be one of {', '.join(SEVERITIES)}"))
        req_ids = item.get("requirements") or []
        unknown = [r for r in req_ids if r not in reqs]
        if not req_ids or unknown or len(set(req_ids)) != len(req_ids):
            problems.append(Problem(str(f), key, f"requirements must be known and distinct ({unknown or req_ids})"))
        if not item.get("ja"):
            problems.append(Problem(str(f), key, "needs a Japanese title (ja)"))
        out[cid] = CheckMeta(cid, "builtin", str(item.get("severity")), tuple(req_ids), str(item.get("ja", "")),
                             str(item.get("en", "")), {"en": str(item.get("remediation", ""))})
    return out, default


def _profile_provenance(sources: dict, reqs: dict[str, Requirement], problems: list[Problem]) -> None:
    """Each profile value's source is a source of the catalogue and its requirement a requirement of it (checked
    here, not when a stack is validated: a synth never reads the catalogue, so the plan cache need not key on it)."""
    from gcbase.baselines import profile_names, profile_sources

    for name in profile_names():
        file = str(BASELINES / "profiles" / f"{name}.yaml")
        for key, src in profile_sources(name).items():
            if src.get("source") not in sources:
                problems.append(Problem(file, f"sources.{key}.source", f"{src.get('source')!r} is not a source of "
                                                                       f"{REQUIREMENTS_FILE.name}; allowed: {', '.join(sources)}"))
            if src.get("requirement") and src["requirement"] not in reqs:
                problems.append(Problem(file, f"sources.{key}.requirement", f"unknown requirement {src['requirement']!r}"))


def metadata_files(kind: str) -> list[Path]:
    return sorted((POLICIES / KINDS[kind][0]).glob(f"*{META_SUFFIX}"))


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read and validate everything once per process; raises GcbaseError listing every problem."""
    problems: list[Problem] = []
    categories, sources, reqs = _requirements(problems)
    checks: dict[str, CheckMeta] = {}
    for kind in KINDS:
        folder = POLICIES / KINDS[kind][0]
        for old in sorted(folder.glob(f"*{OLD_META_SUFFIX}")):
            problems.append(Problem(str(old), "", f"rename to {old.name[: -len(OLD_META_SUFFIX)]}{META_SUFFIX}: Checkov "
                                                  "loads every .yaml beside its checks as a policy and warns"))
        metas = {p.name[: -len(META_SUFFIX)] for p in metadata_files(kind)}
        for check_file in sorted(folder.glob(f"GCJP*{KINDS[kind][2]}")):
            if not check_file.name.endswith(META_SUFFIX) and check_file.stem not in metas:
                problems.append(Problem(str(check_file), "", f"no {check_file.stem}{META_SUFFIX} beside it"))
        for path in metadata_files(kind):
            meta = _check_meta(path, kind, reqs, problems)
            if meta and meta.id in checks:
                problems.append(Problem(str(path), "id", f"{meta.id} is defined twice"))
            elif meta:
                checks[meta.id] = meta
    _profile_provenance(sources, reqs, problems)
    builtin, default = _builtins(reqs, problems)
    for cid in builtin:
        if cid in checks:
            problems.append(Problem(str(BUILTIN_FILE), f"checks.{cid}", "is also a custom check id"))
    if problems:
        raise GcbaseError(problems)
    return Catalogue(categories, sources, reqs, {**checks, **builtin}, default)


def parameters(check_file: str | Path) -> dict[str, Any]:
    """The parameters block of a custom check's metadata (call it from the check, at scan time)."""
    path = Path(check_file)
    return load_catalogue().checks[path.stem].parameters
