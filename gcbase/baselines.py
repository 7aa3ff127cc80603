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
        if b.get("status") not in ("standard", "project") or (b["status"] == "project" and not b.get("why")):
            raise GcbaseError.one(path, f"{key}.status", "standard, or project with a `why`")
        out[b["id"]] = b
    if sum(1 for b in out.values() if b.get("core")) != 20:
        raise GcbaseError.one(path, "", "must list exactly the 20 standardized core businesses (core: true)")
    return out


@lru_cache(maxsize=None)
def profile(name: str) -> dict:
    path = BASELINES / "profiles" / f"{name}.yaml"
    return load_yaml(path)


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
