"""Check results and boundary matrices kept per stack and per check, so a fleet re-check redoes only what
changed (with --plan-cache, in DIR/fleet-results/ beside the plans; GCBASE_CACHE=0 turns it off).

An entry belongs to one stack's plan-cache key (gcbase/fleet/plancache.py: the stack's config, the program,
gcbase's whole code, the baselines a synth reads, the locked packages): a plan is a function of that key, so
whatever is computed from the plan alone is too. Inside the entry:

- per check id: the check's key and its Raw rows (gcbase/check/runner.py, before the catalogue and waivers).
  A check's key names its code and data: for gcbase's checks the check's file and metadata (its
  parameters); for Checkov's built-ins Checkov's version; for every check the versions of Checkov,
  cloudsplaining and policy_sentry, the check-only data (requirements.yaml, checkov_builtin.yaml) and any
  file under policies/ that is not a check. GCJP_AWS_72 (types no check reads) judges by the set of types
  the checks read (gcbase.check.runner.covered_types), so that set is in its key. A changed policy changes
  its key alone (and GCJP_AWS_72's when it reads other types): only that check runs again (Checkov
  restricted to it, or only that plan-level check), every other result is reused. Checkov restricted to it
  builds no graph for one of our resource checks that never reads it (gcbase/check/graphfree.py), and a graph of
  the types a graph policy reads only for an eligible graph policy (gcbase/check/graphnarrow.py): same rows.
- the boundary matrix's summary and mismatches, keyed by baselines/boundaries/ (the expectations; the code
  and the stack's config are in the plan-cache key).
- what the fleet result says of the plan (resource count, types not checked, meta).

Waivers are never in a key: they are applied to the rows each time (a waiver change only re-applies them).
Beside the entry: the stack's summary (gcbase/fleet/summary.py: what the fleet result says before waivers, so
an all-reused re-check reads no rows) and its Terraform plan JSON (gcbase/fleet/tfplans.py). state()/seed():
the keys the fleet's parent computes once and hands to its workers.
Rows are stored as computed, in the order the checks produced them (a graph policy's solvers run in threads, so
the order of its rows is not fixed even between two full runs); the fleet result sorts findings.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

from gcbase import diskcache
from gcbase.baselines import BASELINES, ROOT

KIND = "fleet-results"
SCHEMA = "gcbase-fleet-results/2"  # 2: matrices proven after the memo review fixes
UNCHECKED = "GCJP_AWS_72"  # reads what every other check reads
CHECK_DATA = (BASELINES / "requirements.yaml", BASELINES / "checkov_builtin.yaml")
PACKAGES = ("checkov", "cloudsplaining", "policy_sentry", "iamprover", "z3-solver")


def enabled(plan_cache: Optional[str]) -> bool:
    return bool(plan_cache) and diskcache.enabled()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _registered() -> dict[str, list[str]]:
    """Every check id a plan is checked with (Checkov's registries, built-in AWS and ours, and the plan-level
    checks), and the resource types some check reads (what GCJP_AWS_72 judges by). Imports Checkov."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.provider.registry import provider_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    from gcbase.check.plancheck import plan_checks
    from gcbase.check.runner import _checkov, covered_types

    _checkov()
    prefixes = ("CKV_AWS_", "CKV2_AWS_", "GCJP")
    ids = {c.id for registry in (resource_registry, data_registry, provider_registry)  # the plan runner's
           for _, c in registry.all_checks() if c.id.startswith(prefixes)}
    ids |= {str(c.id) for c in get_graph_checks_registry("terraform").checks if str(c.id).startswith(prefixes)}
    ids |= {c.id for c in plan_checks()}
    return {"ids": sorted(ids), "covered": sorted(covered_types())}


def _registry() -> dict[str, list[str]]:
    """_registered(), from the disk cache when Checkov's version, gcbase's code and policies/ are those it was
    computed with (a re-check whose results are all reused then never imports Checkov)."""
    from gcbase.check.catalogue import POLICIES

    key = diskcache.digest(SCHEMA, "registry", *(f"{p}={version(p)}" for p in PACKAGES),
                           *(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes()
                             for p in _files(ROOT / "gcbase") + _files(POLICIES)))
    found = diskcache.read(KIND + "-registry", key)
    if (isinstance(found, dict) and isinstance(found.get("ids"), list) and found["ids"]
            and isinstance(found.get("covered"), list)
            and all(isinstance(i, str) for i in found["ids"] + found["covered"])):
        return found
    registered = _registered()
    diskcache.write(KIND + "-registry", key, registered)
    return registered


_SEED: dict[str, Any] = {}  # what the fleet's parent computed once for its workers (seed())


def seed(state: dict[str, Any]) -> None:
    """Take the keys the parent computed (state()) instead of hashing policies/ and gcbase's code again in
    every worker; the parent and its workers run the same tree."""
    from gcbase.fleet import plancache

    if isinstance(state.get("checkKeys"), dict):
        _SEED["checkKeys"] = dict(state["checkKeys"])
    for name in ("catalogue", "boundaries"):
        if isinstance(state.get(name), str):
            _SEED[name] = state[name]
    if isinstance(state.get("fingerprint"), str):
        plancache.seed_fingerprint(state["fingerprint"])


def state() -> dict[str, Any]:
    """The keys every stack of a run shares, for seed() in the workers."""
    from gcbase.fleet import plancache

    return {"checkKeys": check_keys(), "catalogue": catalogue_key(), "boundaries": boundaries_key(),
            "fingerprint": plancache.fingerprint()}


def check_keys() -> dict[str, str]:
    """check id -> its key, for every check a plan is checked with."""
    return _SEED["checkKeys"] if "checkKeys" in _SEED else _check_keys()


@lru_cache(maxsize=1)
def catalogue_key() -> str:
    """Every file the catalogue is read from that no plan-cache key holds (policies/, the check-only data)."""
    from gcbase.check.catalogue import POLICIES

    if "catalogue" in _SEED:
        return _SEED["catalogue"]
    return diskcache.digest(SCHEMA, "catalogue", *(p.read_bytes() for p in CHECK_DATA),
                            *(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes()
                              for p in _files(POLICIES)))


_FLEET: list[Any] = []  # [the check keys it was made of, boundaries on, baseline waivers, the key]


def fleet_key(boundaries: bool, baseline_waivers: bool) -> str:
    """The part of every stack's summary key (gcbase/fleet/summary.py) that is the same for the whole run."""
    from gcbase.fleet import summary

    keys = check_keys()
    if _FLEET and _FLEET[0] is keys and _FLEET[1:3] == [boundaries, baseline_waivers]:
        return _FLEET[3]
    made = summary.fleet_key(keys, catalogue_key(), boundaries_key() if boundaries else None, baseline_waivers)
    _FLEET[:] = [keys, boundaries, baseline_waivers, made]
    return made


@lru_cache(maxsize=1)
def _check_keys() -> dict[str, str]:
    from gcbase.check.catalogue import KINDS, META_SUFFIX, POLICIES, load_catalogue

    catalogue = load_catalogue()
    registry = _registry()
    ids = registry["ids"]
    own: set[Path] = set()
    for kind, (folder, _, suffix) in KINDS.items():
        for meta in catalogue.checks.values():
            if meta.kind == kind:
                own |= {POLICIES / folder / f"{meta.id}{suffix}", POLICIES / folder / f"{meta.id}{META_SUFFIX}"}
    shared = [p for p in _files(POLICIES) if p not in own]  # helpers, READMEs: in every check's key
    base = diskcache.digest(SCHEMA, *(f"{p}={version(p)}" for p in PACKAGES),
                            *(p.read_bytes() for p in CHECK_DATA),
                            *(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes() for p in shared))
    keys: dict[str, str] = {}
    for cid in ids:
        meta = catalogue.checks.get(cid)
        if meta is not None and meta.kind in KINDS:
            folder, _, suffix = KINDS[meta.kind]
            files = [POLICIES / folder / f"{cid}{suffix}", POLICIES / folder / f"{cid}{META_SUFFIX}"]
            keys[cid] = diskcache.digest(base, cid, *(f.read_bytes() if f.is_file() else b"" for f in files))
        else:
            keys[cid] = diskcache.digest(base, cid)
    if UNCHECKED in keys:  # it judges by the types the other checks read
        keys[UNCHECKED] = diskcache.digest(keys[UNCHECKED], "covered", *registry["covered"])
    return keys


@lru_cache(maxsize=1)
def boundaries_key() -> str:
    if "boundaries" in _SEED:
        return _SEED["boundaries"]
    folder = BASELINES / "boundaries"
    return diskcache.digest(SCHEMA, "boundaries", *(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes()
                                                     for p in _files(folder)))


def entry_key(plan_key: str, baseline_waivers: bool) -> str:
    # the waivers themselves are not in it; whether the project's own apply is (it changes no row, but keeps
    # the two kinds of runs apart for whoever reads the cache)
    return diskcache.digest(SCHEMA, plan_key, "baseline" if baseline_waivers else "independent")


def read(plan_cache: str, key: str) -> dict[str, Any]:
    found = diskcache.read(KIND, key, plan_cache)
    if not isinstance(found, dict) or found.get("schema") != SCHEMA or not isinstance(found.get("checks"), dict):
        return {"schema": SCHEMA, "checks": {}, "plan": None, "boundaries": None}
    try:
        os.utime(diskcache.path(KIND, key, plan_cache))  # used by this run, as a plan-cache hit is
    except OSError:
        pass
    return found


def write(plan_cache: str, key: str, entry: dict[str, Any]) -> None:
    diskcache.write(KIND, key, entry, plan_cache)


def stale(entry: dict[str, Any], keys: dict[str, str]) -> list[str]:
    """The checks whose rows the entry does not hold for their current key."""
    held = entry["checks"]
    return sorted(cid for cid, key in keys.items()
                  if not (isinstance(held.get(cid), list) and len(held[cid]) == 2 and held[cid][0] == key
                          and isinstance(held[cid][1], list)))


def merge(entry: dict[str, Any], keys: dict[str, str], ran: list[str], rows: list[list]) -> tuple[list[list], bool]:
    """Put the rows of the checks that ran into the entry. Returns every current check's rows (check-id order)
    and whether the entry may be stored: not when a row names a check outside `keys` (it would be lost)."""
    fresh: dict[str, list] = {cid: [] for cid in ran}
    for row in rows:
        fresh.setdefault(row[0], []).append(row)
    for cid, got in fresh.items():
        if cid in keys:
            entry["checks"][cid] = [keys[cid], got]
    entry["checks"] = {cid: entry["checks"][cid] for cid in sorted(keys) if cid in entry["checks"]}
    out: list[list] = [row for cid in sorted(keys) for row in entry["checks"][cid][1]]
    unknown = [row for cid, got in fresh.items() if cid not in keys for row in got]
    return out + unknown, not unknown
