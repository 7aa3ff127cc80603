"""gcbase.check.speedups changes how fast Checkov answers, never what: with the vertex-prefix
index the graph has exactly the edges of Checkov's own linear scan, and the index answers every
name as the scan does."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from gcbase.check.runner import _checkov
from gcbase.synth import synth_stack
from gcbase.tfplan import export


def _edges(plan: dict, tmp_path: Path) -> list[tuple]:
    from checkov.terraform.graph_manager import TerraformGraphManager
    from checkov.terraform.plan_utils import create_definitions

    path = tmp_path / "tfplan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    definitions, _ = create_definitions(None, [str(path)], None, {})
    graph = TerraformGraphManager(db_connector=None, source="Terraform").build_graph_from_definitions(
        definitions, render_variables=False)
    names = [v.attributes.get("__address__") or v.name for v in graph.vertices]
    return sorted((names[e.origin], names[e.dest], e.label) for e in graph.edges)


@pytest.mark.parametrize("stack", ["131121-prod", "363421-prod"])
def test_the_graph_of_a_plan_has_the_same_edges_as_with_checkovs_scan(stack, tmp_path, monkeypatch):
    """A plan's vertex names carry no index, so here every fallback lookup finds nothing on both
    paths: this proves the patched graph building changes nothing else; the next test proves the
    index itself."""
    from checkov.terraform.graph_builder.local_graph import TerraformLocalGraph as Graph

    _checkov()  # installs the speed-ups
    plan = export(synth_stack(stack))
    fast = _edges(plan, tmp_path)
    monkeypatch.setattr(Graph, "_build_edges", Graph._build_edges.__wrapped__)
    monkeypatch.setattr(Graph, "_get_possible_vertices", Graph._get_possible_vertices.__wrapped__)
    assert _edges(plan, tmp_path) == fast
    assert len(fast) > 100


def test_the_prefix_index_finds_what_the_scan_finds():
    """Names with count/for_each indexes (HCL modules; a plan's vertex names carry none), asked for
    every prefix and some misses: the same list, from the first matching key in dict order."""
    from checkov.terraform.graph_builder.local_graph import TerraformLocalGraph as Graph

    _checkov()
    names = ["aws_subnet.a[0]", "aws_subnet.a[1]", 'aws_s3_bucket.b["logs"]', "module.m[0].aws_vpc.v[2]",
             "module.m[1].aws_vpc.v[0]", "aws_subnet.ab[0]", "aws_subnet.c"]
    block_map = {name: [i, i + 100] for i, name in enumerate(names)}
    graph = SimpleNamespace(vertices_by_module_dependency_by_name={None: {"resource": block_map}})
    asked = {n[:i] for n in names for i in range(1, len(n) + 1)} | {"aws_subnet.a[\"0\"]", "nothing", ""}
    fast, scan = Graph._get_possible_vertices, Graph._get_possible_vertices.__wrapped__
    graph._gcbase_prefixes = {}
    for name in sorted(asked):
        assert fast(graph, None, "resource", name) == scan(graph, None, "resource", name), name
    assert fast(graph, None, "resource", "aws_subnet.a") == [0, 100]  # the first instance, as the scan
    assert fast(graph, None, "resource", "module.m[0].aws_vpc.v") == [3, 103]
    assert fast(graph, None, "data", "aws_subnet.a") == []
