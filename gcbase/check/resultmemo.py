"""Checkov's results kept on disk per check and the part of the plan the check reads, so that checking a plan
runs again only the Checkov checks whose part of the plan is new (docs/PERFORMANCE.md, "Cold check").

A Checkov check's rows on a Terraform plan are a function of

  - the code and data behind it: every installed distribution (Checkov and what it uses: dpath, hcl2, ...),
    every file under policies/, baselines/ and gcbase/ (gcbase's checks read baselines through
    gcbase/check/conf.py; gcbase/check/*.py registers, wraps and speeds them up), the Python version and the
    environment (Checkov reads many variables: EVAL_TF_PLAN_AFTER_UNKNOWN, CKV_*, graph switches; only shells',
    terminals', test runners' and gcbase's own switches are left out). All of it is in version(): a change to
    any of it changes every key;
  - the part of the plan it reads. A resource check whose module never names `graph` gets each resource of
    its supported types built from that resource alone: its planned values, its configuration (joined by type
    and name) and its change (joined by address) (gcbase/check/graphfree.py gives the argument). A data check
    likewise; a provider check reads the provider configuration. A graph policy gcbase/check/graphnarrow.py
    may run on a narrowed graph reads the resources of the types it names (the argument is there). An id in two
    registries reads what both read. Every other check (a type pattern, a module naming `graph`, any other graph
    policy) reads the whole plan.

The plan is split (split()) into its resources by type (managed and data alike, as Checkov's joins are), in
the sections Checkov reads (planned values, configuration, resource changes; prior state and drift too),
in their order, with their keys in their order and numbers as json spells them (NaN is not null), and a
skeleton: everything else (provider configuration, variables, outputs, relevant attributes, gcbase's own
metadata). A check's key is version(), the skeleton and the resources of each type it reads (or the whole
plan). A plan is never split when narrowing is not proven for it (child modules, count or for_each:
graphnarrow.applies), or when an entry is not an object with a type, or its address is not its own mode, type
and name, or an address comes twice in one section (a change or configuration would reach across types).

Checks are kept in groups of the same reads; a group's entry holds every check's rows (an empty list for a
check with no result), so a hit is complete. Never kept: a group with a row of a check that raised (ERRORED),
and a check whose module reads the clock,
randomness or the environment (CKV_AWS_380 compares a policy's date with today): it runs every time, unless
it is a resource or data check and the plan has none of its types. What each check reads, which are graph
policies, the types Checkov's checks cover (GCJP_AWS_72) and their names are a function of version() alone and
kept beside (store_registry(), by whichever process loads Checkov), so that a plan whose every group is a hit
is checked without loading Checkov at all; a process that has Checkov loaded uses the memo only while its
registry holds the same checks (a caller may register one in-process). On a miss, runner.py runs only the
missed checks, in one run of Checkov restricted to them on the whole plan: the rows a full run gives them
(the memo never narrows a run; narrowing is only what the keys claim).
tests/policies/test_result_memo.py compares every row with a run without the memo, on plans whose memo other
plans filled and on plans edited resource by resource. GCBASE_CHECKOV_MEMO=0, GCBASE_CACHE=0 or
GCBASE_SPEEDUPS=0 turns it off; fleet workers turn it off (~300 entries per stack).

Left as they are: a transient failure inside a graph policy or data check (MemoryError), which Checkov turns
into no result, is kept as no result, as the run that met it reported; version() is computed when first used,
so code edited while a long process runs is keyed as edited but ran as loaded.
"""

from __future__ import annotations

import inspect
import json
import os
import re
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


# environment variables that never change what a check says (shells, terminals, test runners, gcbase's own
# switches, which turn the memo off or only say where caches are); every other variable is in the key:
# Checkov reads many (EVAL_TF_PLAN_AFTER_UNKNOWN, CKV_*, graph-building switches, ...)
_ENV_IGNORED = ("GCBASE_", "PULUMI_", "PYTEST_", "UV_", "SSH_", "TERM", "HIST", "XDG_SESSION", "LC_TERMINAL")
_ENV_IGNORED_NAMES = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES", "DISPLAY", "PS1", "PS2",
                                "LS_COLORS", "COLORTERM", "MAIL", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX",
                                "PYTHONWARNINGS", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "OTEL_SDK_DISABLED"})


def _environment() -> list[str]:
    from gcbase.check.runner import OFFLINE_ENV  # set by whichever process loads Checkov: the same in every one

    env = {**os.environ, **OFFLINE_ENV}
    return sorted(f"{k}={v}" for k, v in env.items()
                  if k not in _ENV_IGNORED_NAMES and not k.startswith(_ENV_IGNORED))


def _distributions() -> list[str]:
    """Every installed distribution's name and version (Checkov's own dependencies decide too: dpath, hcl2, ...)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found |= {n for n in names if n.endswith((".dist-info", ".egg-info"))}
    return sorted(found)


@lru_cache(maxsize=1)
def version() -> str:
    files = [p for folder in ("policies", "baselines", "gcbase") for p in (ROOT / folder).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return diskcache.digest(SCHEMA, sys.version, *_environment(), *_distributions(),
                            *(f"{p}={package_version(p)}" for p in PACKAGES),
                            *(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes() for f in sorted(files)))


# --- what Checkov's checks read (needs Checkov loaded) -----------------------------------------------------

def _module_names_graph(check: Any) -> bool:
    try:
        return "graph" in Path(inspect.getsourcefile(type(check)) or "").read_text(encoding="utf-8")
    except (OSError, TypeError):
        return True  # its code cannot be read: it may read anything


# a check whose answer may change by itself: it reads the clock, randomness or the environment
_VOLATILE = re.compile(r"\bdatetime\b|\bimport time\b|\btime\.\w+\(|\brandom\b|\bgetenv\b|\bos\.environ\b"
                       r"|\bnow\(|\btoday\(|\buuid\b")


def _volatile(check: Any) -> bool:
    try:
        text = Path(inspect.getsourcefile(type(check)) or "").read_text(encoding="utf-8")
    except (OSError, TypeError):
        return True
    return _VOLATILE.search(text) is not None


def registry_facts() -> dict[str, Any]:
    """What each reported Checkov check reads ({id: [types] or None for the whole plan}), which are never kept
    (their module reads the clock, randomness or the environment: CKV_AWS_380 compares a date with today), the
    types Checkov's checks cover and their names. Loads Checkov."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.provider.registry import provider_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    from gcbase.check import graphnarrow
    from gcbase.check.runner import AWS_PREFIXES, _checkov, checkov_covered_types, checkov_names

    _checkov()
    reads: dict[str, Optional[list[str]]] = {}
    volatile: set[str] = set()
    registries = ((resource_registry, "supported_resources"), (data_registry, "supported_data"),
                  (provider_registry, None))
    for registry, attribute in registries:
        for _, check in registry.all_checks():
            cid = str(check.id)
            if not cid.startswith(AWS_PREFIXES):
                continue
            if _volatile(check):
                volatile.add(cid)
            types = set(getattr(check, attribute, None) or ()) if attribute else set()
            plain = not any(ch in t for t in types for ch in "*?[") and (bool(types) or attribute is None)
            if _module_names_graph(check) or not plain or (cid in reads and reads[cid] is WHOLE):
                reads[cid] = WHOLE
            else:  # an id in two registries reads what both read; a provider check [] (the skeleton's providers)
                reads[cid] = sorted(set(reads.get(cid) or ()) | types)
    narrow = graphnarrow.eligible()
    graph = set()
    for check in get_graph_checks_registry("terraform").checks:
        cid = str(check.id)
        if cid.startswith(AWS_PREFIXES):
            graph.add(cid)
            reads[cid] = sorted(narrow[cid]) if cid in narrow and cid not in reads else WHOLE
    return {"reads": reads, "graph": sorted(graph), "volatile": sorted(volatile),
            "covered": sorted(checkov_covered_types()), "names": checkov_names()}


def live_ids() -> set[str]:
    """The reported Checkov checks registered in this process (Checkov loaded)."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.provider.registry import provider_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    from gcbase.check.runner import AWS_PREFIXES

    ids = {str(c.id) for r in (resource_registry, data_registry, provider_registry) for _, c in r.all_checks()}
    ids |= {str(c.id) for c in get_graph_checks_registry("terraform").checks}
    return {i for i in ids if i.startswith(AWS_PREFIXES)}


_STORED: set[tuple[str, str]] = set()  # (cache directory, version) this process has made sure are kept


def store_registry() -> None:
    """Keep registry_facts() for version() (once per process, cache directory and version; by a process that has
    loaded Checkov)."""
    if not enabled():
        return
    done = (str(diskcache.root()), version())
    if done in _STORED:
        return
    if diskcache.read(REGISTRY_KIND, version()) is None:
        diskcache.write(REGISTRY_KIND, version(), registry_facts())
    _STORED.add(done)


@lru_cache(maxsize=1)
def stored_registry() -> Optional[dict[str, Any]]:
    if not enabled():
        return None
    found = diskcache.read(REGISTRY_KIND, version())
    ok = (isinstance(found, dict) and isinstance(found.get("reads"), dict) and isinstance(found.get("covered"), list)
          and isinstance(found.get("names"), dict)
          and all(isinstance(found.get(k), list) for k in ("graph", "volatile")))
    return found if ok else None


# --- a plan split by type ------------------------------------------------------------------------------------

_ADDRESS = re.compile(r"(?:data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?")


def split(tfplan: dict[str, Any]) -> Optional[tuple[str, dict[str, str]]]:
    """(digest of the skeleton, {type: digest of its resources, managed and data alike}), or None when the plan is
    not one the split is proven for: child modules, count or for_each (graphnarrow.applies), an entry that is not
    an object with a type, or one whose address is not its own mode, type and name (Checkov joins a resource's
    change by address and its configuration by type and name: each must stay within its type), or an address
    twice in one section."""
    from gcbase.check import graphnarrow

    if not graphnarrow.applies(tfplan):
        return None
    parts: dict[str, list[str]] = {}
    skeleton = dict(tfplan)
    for section in SECTIONS:
        holder: Any = tfplan
        for step in section:
            holder = holder.get(step) if isinstance(holder, dict) else None
        if holder is None:
            continue
        if not isinstance(holder, list):
            return None
        seen: set[str] = set()
        for res in holder:
            if not isinstance(res, dict) or not isinstance(res.get("type"), str):
                return None
            address = res.get("address")
            if address is not None:
                match = _ADDRESS.fullmatch(address) if isinstance(address, str) else None
                if (match is None or match.group(1) != res["type"] or match.group(2) != res.get("name")
                        or address.startswith("data.") != (res.get("mode") == "data") or address in seen):
                    return None
                seen.add(address)
            parts.setdefault(res["type"], []).append("/".join(section) + "\0" + json.dumps(res, ensure_ascii=False))
        skeleton = _without(skeleton, section)
    return (diskcache.digest(json.dumps(skeleton, ensure_ascii=False)),
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
    except Exception:  # noqa: BLE001 - a plan the split cannot read is checked whole, as without the memo
        return None
    if parts is None:
        return None
    groups: dict[Optional[tuple[str, ...]], list[str]] = {}
    volatile = set(registry["volatile"])
    out = Lookup()
    for cid, reads in registry["reads"].items():
        if cid in volatile and reads and cid not in registry["graph"] and not set(reads) & set(parts[1]):
            out.rows[cid] = []  # a resource or data check runs only on its types, and the plan has none of them
        elif cid in volatile:  # never kept: always run (as its reads say)
            out.missed.append(("", None if reads is None else tuple(reads), [cid]))
        else:
            groups.setdefault(None if reads is None else tuple(reads), []).append(cid)
    for reads, ids in groups.items():
        key = _key(parts, reads)
        found = diskcache.read(KIND, key)
        if isinstance(found, dict) and set(found) == set(ids) and all(isinstance(v, list) for v in found.values()):
            out.rows.update(found)
        else:
            out.missed.append((key, reads, ids))
    return out


def store_missed(found: Lookup, rows: list[list], raised: list[list]) -> None:
    """Keep the rows of every group a lookup missed, from a run that covered them (none with a check that raised)."""
    failed = {e[0] for e in raised}
    for key, _, ids in found.missed:
        if not failed & set(ids):
            wanted = set(ids)
            store(key, ids, [r for r in rows if r[0] in wanted])


def store(key: str, ids: list[str], rows: list[list]) -> None:
    """Keep one group's rows (none of them ERRORED; a group without a key is never kept)."""
    if not key:
        return
    by_check: dict[str, list[list]] = {cid: [] for cid in ids}
    for row in rows:
        if row[0] not in by_check or row[2] == "ERRORED":
            return
        by_check[row[0]].append(row)
    diskcache.write(KIND, key, by_check)


__all__ = ["enabled", "version", "registry_facts", "live_ids", "store_registry", "stored_registry", "split", "lookup",
           "store", "store_missed", "Lookup"]
