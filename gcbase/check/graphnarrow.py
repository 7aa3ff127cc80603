"""Run some Checkov YAML graph policies (gcbase's policies/graph/ and Checkov's built-in AWS ones) on a Terraform
plan narrowed to the resource types their definitions read, so Checkov's graph is built from those resources
only, when the result is provably the one a full run gives (a fleet re-check after one graph policy changed:
docs/PERFORMANCE.md, "Fleet re-checks"). gcbase/check/graphfree.py is the sibling for resource checks, which
need no graph at all; this module builds one, but a small one.

Why the records are the same. Checkov's plan Runner parses the plan into one definition per resource, builds
its graph from the definitions (render_variables=False: no value flows between vertices), and runs each graph
policy's solver tree over it (checkov/common/checks_infra/checks_parser.py makes the tree from the YAML).

1. The vertices of the kept types are the same dicts. A resource's definition is made from that resource's own
   planned values, the first configuration resource of its type and name, and its resource change (by address,
   so of its type): all kept with it. Line numbers (start_line, tags.start_line, the vertex hash) are the marks
   of the plan's JSON objects; narrowed() narrows the plan *after* parsing the whole file (parse()), so every
   kept object keeps its own marks and every kept vertex's dict equals the full run's, key for key. What the
   graph builder adds to a vertex reads the vertex alone (encryption) or the providers (kept whole).
2. The edges between kept vertices are the same. An edge goes from a vertex's attribute to the vertex its value
   references, found by block name ("type.name", or an indexed "type.name[...]"): the candidates are of the
   referenced type only, so kept or dropped together, in the same order. A reference is recognised as a resource
   when its type is in the graph: a kept type is in both graphs. The aliases map (vertices with an `alias`
   attribute, by name) turns a word equal to such a vertex's name, or a first word equal to it, into a reference
   of that vertex's block type: a resource's name is "type.name", so a dropped resource's alias matches only
   references to that resource (whose type is dropped); a first word has no dot, so it matches only a
   provider's name, and providers are kept. Only edges to or from dropped vertices are gone.
3. Every solver this module accepts reads only vertices of the types named in the definition, and edges among
   them (eligible()): attribute solvers (and `cond_type` omitted: `any`) read the vertex they judge; and/or/not
   judge the vertices of their types with their children's verdicts on that vertex; a `connection` solver reads
   the vertices of its `resource_types` and `connected_resource_types` and the edges between them (and output
   blocks, which a plan graph has none of); and/or of connections run their children on the graph reduced to
   their types; a `within` filter keeps results by an attribute of the result itself. Not eligible, so the
   caller runs Checkov in full: `resource_types` or `connected_resource_types` omitted, `all`, `taggable`,
   `provider`, a pattern, or not a list of type names (an empty list matches every vertex); `cond_type:
   resource` (it judges every vertex); any solver class not named above; CKV_SUPPORT_ALL_RESOURCE_TYPE set
   (it changes how solvers match types). The parsed solver tree is checked against the YAML too.
4. A plan it does not apply to (applies()): child modules (not narrowed here), or any resource with a `count`
   or `for_each` attribute (Checkov's foreach handling then rebuilds vertices and edges).

A resource check of graphfree.eligible() may be re-run with them: it reads its own entity only, and gets the
same guard as there (a graph that raises when read), never this narrowed graph. tests/fleet/test_resultcache.py
compares, check by check, every eligible graph policy's records here and in a full run on real plans.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from gcbase.check import graphfree

_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")  # a Terraform type name: no pattern, no "all"/"taggable" casing games
_NOT_NAMES = {"all", "any", "taggable", "provider"}
_COMPLEX = ("and", "or", "not")  # checks_parser.get_complex_operator's order
_CONNECTION_OPS = {"exists", "not_exists", "one_exists"}


def _names(value: Any) -> Optional[frozenset[str]]:
    """Explicit type names (a list of them, or one as a string), else None."""
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed:
        return None
    if not all(isinstance(t, str) and _TYPE.match(t) and t not in _NOT_NAMES and "provider" not in t
               for t in listed):
        return None
    return frozenset(listed)


def definition_types(raw: Any) -> Optional[frozenset[str]]:
    """The types a graph policy's `definition` reads, or None when it may read others (see the docstring)."""
    found = _walk(raw, top=True)
    return None if found is None else found[1]


def _walk(raw: Any, top: bool = False) -> Optional[tuple[str, frozenset[str], Optional[frozenset[str]]]]:
    """(kind, types read, types the parser gives the node's own resource_types) of one block, or None."""
    if not isinstance(raw, dict):
        return None
    operator = next((op for op in _COMPLEX if raw.get(op)), None)
    if operator:
        subs = raw[operator]
        subs = [subs] if isinstance(subs, dict) else subs
        if not isinstance(subs, list) or not subs:
            return None
        parts = [_walk(s) for s in subs]
        if any(p is None for p in parts):
            return None
        connection = any(kind in ("connection", "complex_connection") for kind, _, _ in parts)
        read = frozenset().union(*(types for _, types, _ in parts))
        if connection:  # a ComplexConnectionSolver: filters only filter its results; "not" is not one
            return None if operator == "not" else ("complex_connection", read, None)
        own = [o for _, _, o in parts]  # the parser's union of the children's resource_types: all explicit
        if any(o is None for o in own):
            return None
        mine = frozenset().union(*own)
        return "complex", read | mine, mine
    cond = raw.get("cond_type", "")
    if cond in ("", "attribute"):
        from checkov.common.checks_infra.checks_parser import JSONPATH_PREFIX, operators_to_attributes_solver_classes

        op = "any" if cond == "" else str(raw.get("operator", ""))
        if op.removeprefix(JSONPATH_PREFIX) not in operators_to_attributes_solver_classes:
            return None
        types = _names(raw.get("resource_types"))
        return None if types is None else ("attribute", types, types)
    if cond == "filter":
        if top or raw.get("operator") != "within":
            return None  # a filter alone has no run(); only "within" exists
        own = _names(raw.get("resource_types")) if "resource_types" in raw else None
        return "filter", frozenset(), own
    if cond == "connection":
        types = _names(raw.get("resource_types"))
        connected = raw.get("connected_resource_types")
        connected = _names(connected) if isinstance(connected, list) else None  # a string would match substrings
        if raw.get("operator") not in _CONNECTION_OPS or types is None or connected is None:
            return None
        return "connection", types | connected, types
    return None  # "resource" (judges every vertex) or anything unknown


def solver_types(solver: Any) -> Optional[frozenset[str]]:
    """The types the parsed solver tree matches vertices by, or None for a solver this module does not accept."""
    from checkov.common.checks_infra.solvers.attribute_solvers.base_attribute_solver import BaseAttributeSolver
    from checkov.common.checks_infra.solvers.complex_solvers.base_complex_solver import BaseComplexSolver
    from checkov.common.checks_infra.solvers.connections_solvers.and_connection_solver import AndConnectionSolver
    from checkov.common.checks_infra.solvers.connections_solvers.connection_exists_solver import ConnectionExistsSolver
    from checkov.common.checks_infra.solvers.connections_solvers.or_connection_solver import OrConnectionSolver
    from checkov.common.checks_infra.solvers.filter_solvers.within_filter_solver import WithinFilterSolver

    def listed(value: Any) -> Optional[frozenset[str]]:
        ok = isinstance(value, list) and value and all(isinstance(t, str) for t in value)
        return frozenset(value) if ok else None

    if isinstance(solver, WithinFilterSolver):
        return frozenset()
    if isinstance(solver, (AndConnectionSolver, OrConnectionSolver)):
        parts = [solver_types(s) for s in solver.solvers]
        return None if not parts or any(p is None for p in parts) else frozenset().union(*parts)
    if isinstance(solver, ConnectionExistsSolver):  # exists, not_exists, one_exists
        mine, connected = listed(solver.resource_types), listed(solver.connected_resources_types)
        return None if mine is None or connected is None else mine | connected
    if isinstance(solver, BaseComplexSolver):  # and, or, not
        mine = listed(solver.resource_types)
        parts = [solver_types(s) for s in solver.solvers]
        return None if mine is None or any(p is None for p in parts) else mine.union(*parts)
    if isinstance(solver, BaseAttributeSolver):
        return listed(solver.resource_types)
    return None


def _raw(path: str) -> Any:
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        return json.loads(text)
    from gcbase.yamlio import load_yaml

    return json.loads(json.dumps(load_yaml(Path(path), "graph policy")))


@lru_cache(maxsize=1)
def eligible() -> dict[str, frozenset[str]]:
    """Graph policy id -> the types it reads, for every AWS graph policy (ours and Checkov's) this module may run."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.common.util.env_vars_config import env_vars_config

    from gcbase.check.runner import AWS_PREFIXES, _checkov

    _checkov()
    if env_vars_config.CKV_SUPPORT_ALL_RESOURCE_TYPE:
        return {}
    out: dict[str, frozenset[str]] = {}
    for check in get_graph_checks_registry("terraform").checks:
        if not str(check.id).startswith(AWS_PREFIXES) or not getattr(check, "check_path", ""):
            continue
        try:
            types = definition_types(_raw(check.check_path).get("definition"))
        except Exception:  # noqa: BLE001 - a definition it cannot read is not eligible
            continue
        parsed = solver_types(getattr(check, "solver", None))
        if types is not None and parsed is not None and parsed <= types:
            out[str(check.id)] = types
    return out


def types_for(check_ids: Iterable[str]) -> Optional[frozenset[str]]:
    """The types to keep for these Checkov checks, or None when they are not all ours to run: at least one
    eligible graph policy, every other one a graphfree resource check whose types are plain names."""
    from checkov.terraform.checks.resource.registry import resource_registry

    ids = set(check_ids)
    graph = eligible()
    policies = ids & set(graph)
    rest = ids - policies
    if not policies or not rest <= graphfree.eligible():
        return None
    types = frozenset().union(*(graph[cid] for cid in policies))
    for _, check in resource_registry.all_checks():
        if check.id in rest:
            supported = set(check.supported_resources)
            if any(ch in t for t in supported for ch in "*?["):
                return None
            types |= supported
    return types


def applies(tfplan: dict[str, Any]) -> bool:
    """Whether the plan is one narrowing is proven for: no child modules, no count or for_each attribute."""
    root = (tfplan.get("planned_values") or {}).get("root_module") or {}
    if root.get("child_modules"):
        return False
    conf = ((tfplan.get("configuration") or {}).get("root_module") or {}).get("resources") or []
    for res in list(root.get("resources") or []) + list(conf):
        if not isinstance(res, dict):
            return False
        for block in (res.get("values"), res.get("expressions")):
            if isinstance(block, dict) and ("count" in block or "for_each" in block):
                return False
    return True


def narrow(template: dict[str, Any], types: frozenset[str]) -> None:
    """Drop, in place, the resources of other types (planned values, configuration, resource changes); every
    object kept is the parsed one, with its marks (line numbers)."""
    for section in ("planned_values", "configuration"):
        root = (template.get(section) or {}).get("root_module")
        if isinstance(root, dict) and isinstance(root.get("resources"), list):
            root["resources"] = [r for r in root["resources"] if not isinstance(r, dict) or r.get("type") in types]
    if isinstance(template.get("resource_changes"), list):
        template["resource_changes"] = [r for r in template["resource_changes"]
                                        if not isinstance(r, dict) or r.get("type") in types]


def parse(base: Callable[[str, dict[str, str]], Any], types: frozenset[str]) -> Callable[[str, dict[str, str]], Any]:
    """Checkov's plan parse function (`base`, gcbase's or Checkov's) that parses the whole file, then narrows."""
    def parse_narrowed(filename: str, out_parsing_errors: dict[str, str]) -> Any:
        template, lines = base(filename, out_parsing_errors)
        if isinstance(template, dict):
            narrow(template, types)
        return template, lines

    return parse_narrowed


def runner_class(base: type) -> type:
    """Checkov's plan Runner (`base`) whose resource checks get graphfree's guard instead of the narrowed graph."""
    class GraphNarrowRunner(base):  # type: ignore[misc, valid-type]
        def _assign_graph_to_registry(self, registry: Any) -> None:
            registry.graph = graphfree.NO_GRAPH  # a resource check re-run with them reads no graph

    return GraphNarrowRunner
