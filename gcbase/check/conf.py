"""Helpers for Checkov resource checks: read the list-wrapped values of a plan resource.

Checkov's terraform_plan runner gives a check each attribute wrapped in a list
(`{"enable": [True], "rule": [{...}]}`); an attribute whose planned value came from another
resource holds that reference ("aws_kms_key.k.arn") instead. Also the thresholds checks
compare with, read from data (profile, guardrail catalogue), never written in a check.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from gcbase.baselines import BASELINES, profile
from gcbase.settings import ALLOWED_REGIONS
from gcbase.yamlio import load_yaml

BASE_PROFILE = "standard"  # stacks may raise the profile's minimums, never lower them
TIER_TAG = "gcbase:tier"
MYNUMBER = "mynumber"


def value(conf: dict, key: str, default: Any = None) -> Any:
    """The single value of an attribute (unwrapped from Checkov's one-item list)."""
    v = conf.get(key, default)
    while isinstance(v, list) and len(v) == 1:
        v = v[0]
    return default if v is None else v


def values(conf: dict, key: str) -> list:
    """An attribute as a list (a block list, or a list of plain values), unwrapped once."""
    v = conf.get(key)
    if v is None:
        return []
    if isinstance(v, list) and len(v) == 1 and isinstance(v[0], list):
        v = v[0]
    return [x for x in (v if isinstance(v, list) else [v]) if x is not None]


def block(conf: dict, *path: str) -> dict:
    """The first nested block along a path of block names ({} when absent)."""
    node: Any = conf
    for key in path:
        items = values(node, key) if isinstance(node, dict) else []
        node = items[0] if items and isinstance(items[0], dict) else {}
    return node if isinstance(node, dict) else {}


def tags(conf: dict) -> dict[str, str]:
    """tags merged over tags_all (what the provider's default tags add)."""
    out: dict[str, str] = {}
    for key in ("tags_all", "tags"):
        t = value(conf, key, {})
        if isinstance(t, dict):
            out.update({str(k): str(v) for k, v in t.items()})
    return out


def as_int(v: Any) -> int | None:
    """An integer attribute, or None when it is unknown (a reference, unset, not a number)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


def is_true(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def is_reference(v: Any) -> bool:
    """A value Checkov put in place of an unknown attribute: another resource's address."""
    return isinstance(v, str) and v.startswith("aws_") and "." in v


def profile_minimum(key: str) -> Any:
    """A value of the base non-functional profile (baselines/profiles/standard.yaml)."""
    return profile(BASE_PROFILE)[key]


def allowed_regions() -> tuple[str, ...]:
    return ALLOWED_REGIONS


@lru_cache(maxsize=1)
def guardrails() -> dict[str, Any]:
    """baselines/guardrails/catalogue.yaml: exempt role, protected roles, log archive bucket pattern."""
    return load_yaml(BASELINES / "guardrails" / "catalogue.yaml")


def exempt_principal_arn() -> str:
    return f"arn:aws:iam::*:role/{guardrails()['exemptRole']}"


def log_archive_pattern() -> str:
    return str(guardrails()["logArchiveBucketPattern"])


def title(check_file: str) -> str:
    """A custom check's English title from the metadata beside it (Checkov's `name`)."""
    from gcbase.check.catalogue import load_catalogue

    return load_catalogue().checks[Path(check_file).stem].title_en


def params(check_file: str) -> dict[str, Any]:
    """A custom check's parameters (metadata beside it); read at scan time, cached."""
    from gcbase.check.catalogue import parameters

    return parameters(check_file)


@lru_cache(maxsize=1)
def iam_parties() -> dict[str, Any]:
    """baselines/iam/parties.yaml (break-glass MFA age and the parties of 責任分界)."""
    return load_yaml(BASELINES / "iam" / "parties.yaml")
