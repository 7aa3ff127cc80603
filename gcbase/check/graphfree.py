"""Run some of gcbase's own resource checks on a Terraform plan JSON without building Checkov's graph, when the result
is provably the one Checkov's terraform_plan Runner gives (a fleet re-check after one policy changed:
docs/PERFORMANCE.md, "Fleet re-checks").

Checkov's plan Runner (checkov/terraform/plan_runner.py, Runner.run) parses the plan into definitions and a
context, builds a graph from the definitions (most of its time: ~0.2-0.5 s a plan), runs the resource, data and
provider registries over the definitions (check_tf_definition -> run_block: each check gets the parsed entity,
never a graph vertex), then the graph policies over the graph. The graph reaches a resource check only as
`check.graph` (the registry's, which run_block assigns and CKV_AWS_379-like built-ins read).

So a check of policies/resource/ whose source never names `graph` (it cannot read check.graph, and its helpers get
the entity's conf only) gets from run_block exactly what it gets in a full run: this module runs the same Runner's
check_tf_definition on the same definitions and context, with the registries' graph set to None, and returns the
same report of records; on a plan narrowed to the resources of the checks' types (narrowed(): Checkov makes each
resource's definition from that resource alone). Any other check (Checkov's built-ins, graph policies, a check
naming `graph`) is not eligible; the caller then runs Checkov in full. tests/fleet/test_resultcache.py compares,
check by check, every eligible check's records here and in a full run on real plans.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Iterable

from gcbase.check.catalogue import KINDS, POLICIES, load_catalogue


@lru_cache(maxsize=1)
def eligible() -> frozenset[str]:
    """gcbase's resource checks whose source never names `graph`."""
    folder, _, suffix = KINDS["resource"]
    out = set()
    for meta in load_catalogue().checks.values():
        if meta.kind != "resource":
            continue
        source = POLICIES / folder / f"{meta.id}{suffix}"
        try:
            if "graph" not in source.read_text(encoding="utf-8"):
                out.add(meta.id)
        except OSError:
            continue
    return frozenset(out)


def covers(check_ids: Iterable[str]) -> bool:
    ids = set(check_ids)
    return bool(ids) and ids <= eligible()


def narrowed(tfplan: dict[str, Any], check_ids: Iterable[str]) -> dict[str, Any]:
    """The plan with only the resources of the types these checks read (planned values and configuration).

    Checkov's parse_tf_plan makes each resource's block from that resource alone: its planned values, the first
    configuration resource of the same type and name, its resource change (by address, so of the same type;
    resource_changes is narrowed too), so a resource kept here gets the same block; run_block then runs a check
    only on resources of its supported types. Only line numbers (marks) differ, which no row holds. A check
    that supports a pattern of types: the plan as is."""
    from checkov.terraform.checks.resource.registry import resource_registry

    wanted = set(check_ids)
    types: set[str] = set()
    for _, check in resource_registry.all_checks():
        if check.id in wanted:
            types |= set(check.supported_resources)
    return narrowed_to(tfplan, types)


def narrowed_to(tfplan: dict[str, Any], types: Iterable[str]) -> dict[str, Any]:
    """The plan with only the resources (and data sources) of these types, as narrowed() keeps them; the plan as
    is for no type or a pattern."""
    types = set(types)
    if not types or any(ch in t for t in types for ch in "*?["):
        return tfplan
    out = dict(tfplan)
    for section in ("planned_values", "configuration"):
        root = (tfplan.get(section) or {}).get("root_module")
        if isinstance(root, dict) and isinstance(root.get("resources"), list):
            kept = [r for r in root["resources"] if not isinstance(r, dict) or r.get("type") in types]
            out[section] = {**tfplan[section], "root_module": {**root, "resources": kept}}
    if isinstance(tfplan.get("resource_changes"), list):  # looked up by the resource's address (type.name)
        out["resource_changes"] = [r for r in tfplan["resource_changes"]
                                   if not isinstance(r, dict) or r.get("type") in types]
    return out


@lru_cache(maxsize=2)

class _NoGraph:
    """The graph a check gets on this path: none was built. Reading it in any way raises, so a check that reads
    the graph through a helper (its own source not naming it) is ERRORED here, never silently different."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"gcbase's graph-free path built no graph (a check read graph.{name})")

    def __bool__(self) -> bool:
        raise RuntimeError("gcbase's graph-free path built no graph (a check tested it)")

    def __iter__(self) -> Any:
        raise RuntimeError("gcbase's graph-free path built no graph (a check iterated it)")


_NO_GRAPH = _NoGraph()
NO_GRAPH = _NO_GRAPH  # also what graphnarrow.py hands the resource checks it re-runs

def runner_class(base: type) -> type:
    """Checkov's plan Runner (`base`) that checks the definitions and builds no graph (see the docstring)."""
    from checkov.common.output.report import Report
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_utils import build_definitions_context, create_definitions

    class GraphFreeRunner(base):  # type: ignore[misc, valid-type]
        def _assign_graph_to_registry(self, registry: Any) -> None:
            registry.graph = _NO_GRAPH  # no graph was built; an eligible check that reads one anyway raises (ERRORED)

        def run(self, root_folder: Any = None, external_checks_dir: Any = None, files: Any = None,
                runner_filter: Any = None, collect_skip_comments: bool = True) -> Any:
            runner_filter = runner_filter or RunnerFilter()
            self._extend_resource_attributes_to_omit(runner_filter)
            self.deep_analysis = runner_filter.deep_analysis
            report = Report(self.check_type)
            parsing_errors: dict[str, str] = {}
            self.definitions, definitions_raw = create_definitions(root_folder, files, runner_filter, parsing_errors)
            self.context = build_definitions_context(self.definitions, definitions_raw)
            if not root_folder:
                root_folder = os.path.split(os.path.commonprefix(files))[0]
            self.check_tf_definition(report, root_folder, runner_filter)
            report.add_parsing_errors(parsing_errors.keys())
            return report

    return GraphFreeRunner
