"""Read-only access to the data under baselines/: one place that knows where data lives."""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

from gcbase.yamlio import load_yaml

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "baselines"


@lru_cache(maxsize=None)
def municipalities() -> dict[str, dict[str, str]]:
    """lgcode -> row of baselines/municipalities.csv (kind, prefecture, name, kana)."""
    with open(BASELINES / "municipalities.csv", encoding="utf-8", newline="") as fh:
        return {row["lgcode"]: row for row in csv.DictReader(fh)}


BUSINESS_TIERS = ("mynumber", "lgwan", "internet")  # gcbase.settings.TIERS (not imported: settings imports nothing here)
SECURITY_MODELS = ("alpha", "alpha-prime", "beta", "beta-prime")  # gcbase.settings.SECURITY_MODELS


@lru_cache(maxsize=None)
def security_models() -> dict[str, dict]:
    """model -> {ja, en, status, placementAs, about, source} (baselines/network/security-models.yaml), checked:
    every model of gcbase:securityModel described, a model not found placed as α."""
    from gcbase.errors import GcbaseError

    path = BASELINES / "network" / "security-models.yaml"
    data = load_yaml(path)
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict) or set(models) != set(SECURITY_MODELS):
        raise GcbaseError.one(str(path), "models", f"one entry each for {', '.join(SECURITY_MODELS)}")
    for name, m in models.items():
        key = f"models.{name}"
        if not isinstance(m, dict) or not all(isinstance(m.get(k), str) and m[k] for k in ("ja", "en", "source")):
            raise GcbaseError.one(str(path), key, "needs ja, en and source (or what was not found)")
        if m.get("status") not in ("found", "not-found"):
            raise GcbaseError.one(str(path), f"{key}.status", "found or not-found")
        if m.get("placementAs") not in SECURITY_MODELS:
            raise GcbaseError.one(str(path), f"{key}.placementAs", f"one of {', '.join(SECURITY_MODELS)}")
        if m["status"] == "not-found" and m["placementAs"] != "alpha":
            raise GcbaseError.one(str(path), f"{key}.placementAs", "a model whose definition was not found is placed as alpha")
        if not isinstance(m.get("about"), dict) or set(m["about"]) != {"ja", "en"}:
            raise GcbaseError.one(str(path), f"{key}.about", "a mapping with ja and en")
    return models


def allowed_tiers(business: dict, model: str) -> list[str]:
    """The tiers a system of `business` may sit in under security model `model` (its placement model's)."""
    placement = security_models()[model]["placementAs"]
    return list((business.get("tiersByModel") or {}).get(placement) or business["tiers"])


@lru_cache(maxsize=None)
def businesses() -> dict[str, dict]:
    """business id -> {ja, en, core, myNumber, tiers, status, why} (baselines/businesses.yaml), checked:
    known tiers only, a My Number business only in the mynumber tier, a reason for every project entry."""
    from gcbase.errors import GcbaseError

    path = str(BASELINES / "businesses.yaml")
    out: dict[str, dict] = {}
    for i, b in enumerate(load_yaml(BASELINES / "businesses.yaml")):
        key = f"[{i}]"
        if not isinstance(b, dict) or not isinstance(b.get("id"), str) or b["id"] in out:
            raise GcbaseError.one(path, key, "each entry needs a unique id")
        tiers = b.get("tiers")
        if not isinstance(tiers, list) or not tiers or any(t not in BUSINESS_TIERS for t in tiers):
            raise GcbaseError.one(path, f"{key}.tiers", f"a non-empty list of {', '.join(BUSINESS_TIERS)}")
        if b.get("myNumber") is True and tiers != ["mynumber"]:
            raise GcbaseError.one(path, f"{key}.tiers", f"{b['id']} is a My Number business: allowed only [mynumber]")
        by_model = b.get("tiersByModel") or {}
        if not isinstance(by_model, dict):
            raise GcbaseError.one(path, f"{key}.tiersByModel", f"a mapping of {', '.join(SECURITY_MODELS)} to tiers")
        for model, model_tiers in by_model.items():
            where = f"{key}.tiersByModel.{model}"
            if model not in SECURITY_MODELS:
                raise GcbaseError.one(path, where, f"{model!r} is not a security model; allowed: {', '.join(SECURITY_MODELS)}")
            if not isinstance(model_tiers, list) or not model_tiers or any(t not in BUSINESS_TIERS for t in model_tiers):
                raise GcbaseError.one(path, where, f"a non-empty list of {', '.join(BUSINESS_TIERS)}")
            if (b.get("myNumber") is True or "mynumber" in tiers) and "internet" in model_tiers:
                raise GcbaseError.one(path, where, f"{b['id']} may sit in the My Number tier: no model moves it to the internet tier")
        if b.get("status") not in ("standard", "project") or (b["status"] == "project" and not b.get("why")):
            raise GcbaseError.one(path, f"{key}.status", "standard, or project with a `why`")
        out[b["id"]] = b
    if sum(1 for b in out.values() if b.get("core")) != 20:
        raise GcbaseError.one(path, "", "must list exactly the 20 standardized core businesses (core: true)")
    return out


PROVENANCE_STATUSES = ("standard", "guideline", "project")  # gcbase.check.catalogue.STATUSES (not imported: no cycle)


@lru_cache(maxsize=None)
def _profile_file(name: str) -> tuple[dict, dict]:
    """(values, sources) of baselines/profiles/<name>.yaml, checked: every value has its provenance."""
    from gcbase.errors import GcbaseError

    path = BASELINES / "profiles" / f"{name}.yaml"
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise GcbaseError.one(str(path), "", "expected a mapping of profile values and their sources")
    sources = data.get("sources")
    values = {k: v for k, v in data.items() if k != "sources"}
    if not isinstance(sources, dict):
        raise GcbaseError.one(str(path), "sources", "missing: each value's status, source and section or why")
    for key in values:
        if key == "name":
            continue
        src = sources.get(key)
        where = f"sources.{key}"
        if not isinstance(src, dict):
            raise GcbaseError.one(str(path), where, "missing: the value's status, source and section or why")
        if src.get("status") not in PROVENANCE_STATUSES:
            raise GcbaseError.one(str(path), f"{where}.status", f"{src.get('status')!r}; allowed: {', '.join(PROVENANCE_STATUSES)}")
        if not isinstance(src.get("source"), str) or not src["source"]:
            raise GcbaseError.one(str(path), f"{where}.source", "missing: a source of baselines/requirements.yaml "
                                                                "(checked against it when the catalogue loads)")
        if src["status"] == "project" and not src.get("why"):
            raise GcbaseError.one(str(path), f"{where}.why", "required for project: why gcbase chose the value")
        if src["status"] != "project" and not src.get("section"):
            raise GcbaseError.one(str(path), f"{where}.section", f"required for {src['status']}: the item, page or chapter")
    extra = set(sources) - set(values)
    if extra:
        raise GcbaseError.one(str(path), "sources", f"{', '.join(sorted(extra))} is not a value of the profile")
    return values, sources


def profile(name: str) -> dict:
    """The values of baselines/profiles/<name>.yaml (their provenance: profile_sources)."""
    return _profile_file(name)[0]


def profile_sources(name: str) -> dict:
    """value key -> {status, source, section, requirement, why, note} of a profile's values."""
    return _profile_file(name)[1]


def profile_names() -> list[str]:
    return sorted(p.stem for p in (BASELINES / "profiles").glob("*.yaml"))


@lru_cache(maxsize=None)
def _json(relpath: str) -> str:
    return (BASELINES / relpath).read_text(encoding="utf-8")


def policy_document(relpath: str, **values: object) -> dict:
    """Load a JSON policy document under baselines/ and fill ${name} placeholders.

    Placeholders are replaced in string values only, so a document stays valid JSON
    whatever the values are. A string that is exactly one placeholder whose value is a
    list (account ids, ARNs) becomes that list.
    """
    doc = json.loads(_json(relpath))

    def fill(node):
        if isinstance(node, str) and node.startswith("${") and node.endswith("}") \
                and isinstance(values.get(node[2:-1]), (list, tuple)):
            return [str(v) for v in values[node[2:-1]]]
        if isinstance(node, str):
            for key, val in values.items():
                node = node.replace("${" + key + "}", str(val))
            return node
        if isinstance(node, list):
            return [fill(n) for n in node]
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        return node

    return fill(doc)


def check_digit_ok(code: str) -> bool:
    """全国地方公共団体コード check digit: weights 6..2 over five digits, 11 - sum mod 11."""
    if len(code) != 6 or not code.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2)))
    digit = (11 - total % 11) % 10  # 10 -> 0, 11 -> 1
    return int(code[5]) == digit
