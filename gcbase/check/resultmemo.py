"""Checkov's results kept on disk per check and the part of the plan the check reads, so that checking a plan
runs again only the Checkov checks whose part of the plan is new (docs/PERFORMANCE.md, "Cold check").

A Checkov check's rows on a Terraform plan are a function of

  - the check's code and data: Checkov's, cloudsplaining's and policy_sentry's versions, every file under
    policies/, gcbase's check code (gcbase/check/*.py, which registers, wraps and speeds up the checks), the
    Python version and Checkov's environment variables (CKV_*, CHECKOV_*, BC_*); all of it is in version(),
    and a change to any of it changes every key;
  - the part of the plan it reads. A resource or data check whose module never names `graph` gets each
    resource of its supported types built from that resource alone (gcbase/check/graphfree.py gives the
    argument): it reads the resources of those types. A provider check reads the provider configuration. A
    graph policy gcbase/check/graphnarrow.py may run on a narrowed graph reads the resources of the types it
    names (the argument is there). Every other check (a type pattern, a module naming `graph`, any other graph
    policy) reads the whole plan.

The plan is split (split()) into its resources by type, in the sections Checkov reads resources from
(planned values, configuration, resource changes, prior state, drift), in their order and with their keys in
their order, and a skeleton: everything else (provider configuration, variables, outputs, relevant
attributes, ...). A check's key is version(), the skeleton and the resources of each type it reads (or the
whole plan). Plans narrowing is not proven for (child modules, count or for_each: graphnarrow.applies) are
never split: every check reads the whole plan there.

Checks are kept in groups of the same reads; a group's entry holds every check's rows (an empty list for a
check with no result), so a hit is complete. A group with a row of a check that raised (ERRORED) is never
stored. What each check reads, the types Checkov's checks cover (GCJP_AWS_72) and their names are a function
of version() alone and kept beside (store_registry(), by whichever process loads Checkov), so that a plan
whose every group is a hit is checked without loading Checkov at all. On a miss, runner.py runs only the missed
checks: graph-free on the plan narrowed to their types (resource and data checks; a check that reads the graph
anyway raises there and is run again with the graph), graph policies on the narrowed graph, the rest on the
whole plan; tests/policies/test_result_memo.py compares every row with a run without the memo, on plans whose
memo other plans filled and on plans edited resource by resource. GCBASE_CHECKOV_MEMO=0, GCBASE_CACHE=0 or
GCBASE_SPEEDUPS=0 turns it off.
"""

from __future__ import annotations

import inspect
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, Optional

from gcbase import diskcache
from gcbase.baselines import ROOT

KIND = "checkov-results"
REGISTRY_KIND = "checkov-registry"
SCHEMA = "gcbase-checkov-memo/1"
PACKAGES = ("checkov", "cloudsplaining", "policy_sentry")
ENV_SWITCH = "GCBASE_CHECKOV_MEMO"
WHOLE = None  # reads the whole plan
# where Checkov reads resources from (each a list of objects with "type"); everything else is the skeleton
SECTIONS = (("planned_values", "root_module", "resources"), ("configuration", "root_module", "resources"),
            ("resource_changes",), ("prior_state", "values", "root_module", "resources"), ("resource_drift",))


def enabled() -> bool:
    return (diskcache.enabled() and os.environ.get(ENV_SWITCH, "1") != "0"
            and os.environ.get("GCBASE_SPEEDUPS", "1") != "0")


@lru_cache(maxsize=1)
def version() -> str:
    files = sorted(p for p in (ROOT / "policies").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted((ROOT / "gcbase" / "check").glob("*.py"))
    files += [ROOT / "gcbase" / "diskcache.py", ROOT / "gcbase" / "actions.py"]
    from gcbase.check.runner import OFFLINE_ENV  # set by whichever process loads Checkov: the same in every one

    env = {**os.environ, **OFFLINE_ENV}
    checkov_env = sorted(f"{k}={v}" for k, v in env.items() if k.startswith(("CKV_", "CHECKOV_", "BC_")))
    return diskcache.digest(SCHEMA, sys.version, *checkov_env, *(f"{p}={package_version(p)}" for p in PACKAGES),
                            *(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes() for f in files))


# --- what Checkov's checks read (needs Checkov loaded) -----------------------------------------------------

def _module_names_graph(check: Any) -> bool:
    try:
        return "graph" in Path(inspect.getsourcefile(type(check)) or "").read_text(encoding="utf-8")
    except (OSError, TypeError):
        return True  # its code cannot be read: it may read anything


def registry_facts() -> dict[str, Any]:
    """What each reported Checkov check reads ({id: [types] or None for the whole plan}), the types they cover
    and their names. Loads Checkov."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.provider.registry import provider_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    from gcbase.check import graphnarrow
    from gcbase.check.runner import AWS_PREFIXES, _checkov, checkov_covered_types, checkov_names

    _checkov()
    reads: dict[str, Optional[list[str]]] = {}
    for registry, kind in ((resource_registry, "resource"), (data_registry, "data")):
        for _, check in registry.all_checks():
            cid = str(check.id)
            if not cid.startswith(AWS_PREFIXES):
                continue
            types = set(getattr(check, "supported_resources", None) or getattr(check, "supported_data", None) or ())
            plain = bool(types) and not any(ch in t for t in types for ch in "*?[")
            mine = set() if _module_names_graph(check) or not plain else {f"{kind}:{t}" for t in types}
            if not mine or reads.get(cid, []) is WHOLE:  # an id in two registries reads what both read
                reads[cid] = WHOLE
            else:
                reads[cid] = sorted(set(reads.get(cid) or ()) | mine)
    for _, check in provider_registry.all_checks():
        cid = str(check.id)
        if cid.startswith(AWS_PREFIXES):
            reads[cid] = WHOLE if _module_names_graph(check) or cid in reads else []  # the skeleton alone
    narrow = graphnarrow.eligible()
    for check in get_graph_checks_registry("terraform").checks:
        cid = str(check.id)
        if cid.startswith(AWS_PREFIXES):
            reads[cid] = (sorted(f"resource:{t}" for t in narrow[cid])
                          if cid in narrow and cid not in reads else WHOLE)
    graph = sorted(str(c.id) for c in get_graph_checks_registry("terraform").checks if str(c.id).startswith(AWS_PREFIXES))
    return {"reads": reads, "graph": graph, "covered": sorted(checkov_covered_types()), "names": checkov_names()}


def store_registry() -> None:
    """Keep registry_facts() for version() (once; by a process that has loaded Checkov)."""
    if enabled() and diskcache.read(REGISTRY_KIND, version()) is None:
        diskcache.write(REGISTRY_KIND, version(), registry_facts())


@lru_cache(maxsize=1)
def stored_registry() -> Optional[dict[str, Any]]:
    if not enabled():
        return None
    found = diskcache.read(REGISTRY_KIND, version())
    ok = (isinstance(found, dict) and isinstance(found.get("reads"), dict) and isinstance(found.get("covered"), list)
          and isinstance(found.get("names"), dict) and isinstance(found.get("graph"), list))
    return found if ok else None


# --- a plan split by type ------------------------------------------------------------------------------------

def split(tfplan: dict[str, Any]) -> Optional[tuple[str, dict[str, str]]]:
    """(digest of the skeleton, {"resource:<type>" or "data:<type>": digest of its resources}), or None when the
    plan is not one the split is proven for."""
    from gcbase.check import graphnarrow

    if not graphnarrow.applies(tfplan):
        return None
    parts: dict[str, list[bytes]] = {}
    skeleton = dict(tfplan)
    for section in SECTIONS:
        holder: Any = tfplan
        for step in section:
            holder = holder.get(step) if isinstance(holder, dict) else None
        if holder is None:
            continue
        if not isinstance(holder, list):
            return None
        for index, res in enumerate(holder):
            if not isinstance(res, dict) or not isinstance(res.get("type"), str):
                return None
            mode = "data" if res.get("mode") == "data" else "resource"
            parts.setdefault(f"{mode}:{res['type']}", []).append(
                "/".join(section).encode() + b"\0" + diskcache.dumps(res))
        skeleton = _without(skeleton, section)
    return (diskcache.digest(diskcache.dumps(skeleton)),
            {name: diskcache.digest(*chunks) for name, chunks in parts.items()})


def _without(doc: dict[str, Any], section: tuple[str, ...]) -> dict[str, Any]:
    """doc with the list at section replaced by its length (copies along the way; doc is not changed)."""
    head, rest = section[0], section[1:]
    if not rest:
        return {**doc, head: len(doc[head])}
    return {**doc, head: _without(doc[head], rest)}


def _key(parts: tuple[str, dict[str, str]], reads: Optional[tuple[str, ...]]) -> str:
    skeleton, types = parts
    if reads is WHOLE:
        return diskcache.digest(version(), "whole", skeleton, *(f"{t}={d}" for t, d in sorted(types.items())))
    return diskcache.digest(version(), "reads", skeleton, *(f"{t}={types.get(t, '')}" for t in reads))


@dataclass
class Lookup:
    """One plan's Checkov checks: rows found, and the groups to run (their key, reads and check ids)."""

    rows: dict[str, list[list]] = field(default_factory=dict)
    missed: list[tuple[str, Optional[tuple[str, ...]], list[str]]] = field(default_factory=list)


def lookup(tfplan: dict[str, Any]) -> Optional[Lookup]:
    """What the memo holds for this plan, or None when the memo cannot be used for it (off, no stored registry,
    a plan the split is not proven for, or one it cannot serialize)."""
    registry = stored_registry()
    if registry is None:
        return None
    try:
        parts = split(tfplan)
    except (TypeError, ValueError, OverflowError):  # not plain JSON values
        return None
    if parts is None:
        return None
    groups: dict[Optional[tuple[str, ...]], list[str]] = {}
    for cid, reads in registry["reads"].items():
        groups.setdefault(None if reads is None else tuple(reads), []).append(cid)
    out = Lookup()
    for reads, ids in groups.items():
        key = _key(parts, reads)
        found = diskcache.read(KIND, key)
        if isinstance(found, dict) and set(found) == set(ids) and all(isinstance(v, list) for v in found.values()):
            out.rows.update(found)
        else:
            out.missed.append((key, reads, ids))
    return out


def store(key: str, ids: list[str], rows: list[list]) -> None:
    """Keep one group's rows (none of them ERRORED)."""
    by_check: dict[str, list[list]] = {cid: [] for cid in ids}
    for row in rows:
        if row[0] not in by_check or row[2] == "ERRORED":
            return
        by_check[row[0]].append(row)
    diskcache.write(KIND, key, by_check)


__all__ = ["enabled", "version", "registry_facts", "store_registry", "stored_registry", "split", "lookup", "store",
           "Lookup"]
