"""gcbase/check/graphnarrow.py: graph policies run on a plan narrowed to the types their definitions read give
the records of a full Checkov run, on real plans; a definition that may read other types is not eligible; and
a narrowing that drops a type a policy reads is caught by the same comparison."""

from __future__ import annotations

import copy
import json

import pytest

from gcbase.check import graphnarrow
from gcbase.check.runner import raw_results

EXAMPLES = ("131121-prod", "131121-stg", "363421-prod")  # the largest example, the smallest, another town


def records(rows: list) -> list[str]:
    """Check id, resource, result, title and details of each row, as a sorted multiset (Checkov's solvers run
    in threads, so the order of one policy's records is not fixed even between two full runs)."""
    return sorted(json.dumps(r[:5], sort_keys=True) for r in rows)


@pytest.fixture(scope="module")
def plans():
    from gcbase.synth import synth_stack
    from gcbase.tfplan import export

    out = {}
    for stack in EXAMPLES:
        plan = synth_stack(stack)
        out[stack] = (export(plan), dict(plan.meta))
    return out


def test_every_eligible_graph_policy_gives_the_records_of_a_full_run(plans):
    """Every eligible graph policy (gcbase's four and Checkov's built-in AWS ones the rule accepts), alone and
    all together, narrowed, against the same policies in a full run and in the unrestricted run a cold fleet
    stores (every check at once)."""
    eligible = graphnarrow.eligible()
    ours = {f"GCJP2_AWS_{i}" for i in range(1, 5)}
    assert ours <= set(eligible) and len(eligible) >= 60
    assert eligible["GCJP2_AWS_1"] == {"aws_vpc", "aws_flow_log"}
    ids = sorted(eligible)
    seen: set[str] = set()
    for stack, (tfplan, meta) in plans.items():
        assert graphnarrow.applies(tfplan), stack
        everything = raw_results(tfplan, meta=meta)
        full = raw_results(tfplan, only=ids, meta=meta)
        assert records(full) == records([r for r in everything if r[0] in eligible]), stack
        seen |= {r[0] for r in full}
        assert records(raw_results(tfplan, only=ids, meta=meta, graph_free=True)) == records(full), stack
        for cid in ids:
            narrowed = raw_results(tfplan, only=[cid], meta=meta, graph_free=True)
            assert records(narrowed) == records([r for r in full if r[0] == cid]), (stack, cid)
    assert ours <= seen and len(seen) >= 20  # the policies found their resources: the comparison is not empty


def test_graph_policies_with_graph_free_resource_checks(plans):
    """A graph policy re-run with one of graphfree's resource checks: the union of their types, same records."""
    from gcbase.check import graphfree

    tfplan, meta = plans["131121-prod"]
    assert "GCJP_AWS_3" in graphfree.eligible()
    only = ["GCJP2_AWS_3", "GCJP2_AWS_1", "GCJP_AWS_3"]
    assert graphnarrow.types_for(only) >= {"aws_backup_plan", "aws_backup_selection", "aws_vpc", "aws_flow_log"}
    assert records(raw_results(tfplan, only=only, meta=meta, graph_free=True)) == records(
        raw_results(tfplan, only=only, meta=meta))
    assert graphnarrow.types_for(["GCJP2_AWS_3", "CKV_AWS_379"]) is None  # a built-in resource check: full run
    assert graphnarrow.types_for(["GCJP_AWS_3"]) is None  # no graph policy: graphfree's path, not this one


def test_the_comparison_fails_when_a_read_type_is_dropped(plans, monkeypatch):
    """The equality above can fail: GCJP2_AWS_3 narrowed to aws_backup_plan alone (its connected
    aws_backup_selection dropped) gives other records than the full run (the plans pass it, the narrowed run
    fails it), so a rule that left out a type a policy reads would be caught by the test above."""
    tfplan, meta = plans["131121-prod"]
    full = raw_results(tfplan, only=["GCJP2_AWS_3"], meta=meta)
    assert full and all(r[2] == "PASSED" for r in full)
    monkeypatch.setattr(graphnarrow, "eligible", lambda: {"GCJP2_AWS_3": frozenset({"aws_backup_plan"})})
    wrong = raw_results(tfplan, only=["GCJP2_AWS_3"], meta=meta, graph_free=True)
    assert records(wrong) != records(full) and {r[2] for r in wrong} == {"FAILED"}


@pytest.mark.parametrize("definition", [
    {"cond_type": "attribute", "resource_types": "all", "attribute": "tags", "operator": "exists"},
    {"cond_type": "attribute", "resource_types": ["All"], "attribute": "tags", "operator": "exists"},
    {"cond_type": "attribute", "attribute": "tags", "operator": "exists"},  # omitted: every type
    {"cond_type": "attribute", "resource_types": "taggable", "attribute": "tags", "operator": "exists"},
    {"cond_type": "attribute", "resource_types": ["provider"], "attribute": "region", "operator": "exists"},
    {"cond_type": "attribute", "resource_types": ["aws_s3_*"], "attribute": "tags", "operator": "exists"},
    {"cond_type": "attribute", "resource_types": ["data.aws_iam_policy"], "attribute": "name", "operator": "exists"},
    {"cond_type": "attribute", "resource_types": [], "attribute": "tags", "operator": "exists"},  # [] is every type
    {"cond_type": "attribute", "resource_types": ["aws_vpc"], "attribute": "x", "operator": "no_such_operator"},
    {"cond_type": "resource", "resource_types": ["aws_vpc"], "operator": "exists"},  # judges every vertex
    {"cond_type": "connection", "resource_types": ["aws_vpc"], "operator": "exists"},  # connected omitted
    {"cond_type": "connection", "resource_types": ["aws_vpc"], "connected_resource_types": "all",
     "operator": "exists"},
    {"cond_type": "connection", "resource_types": ["aws_vpc"], "connected_resource_types": "aws_flow_log",
     "operator": "exists"},  # a string: Checkov would match substrings of it
    {"cond_type": "filter", "attribute": "resource_type", "value": ["aws_vpc"], "operator": "within"},  # alone
    {"and": [{"cond_type": "filter", "attribute": "resource_type", "value": ["aws_vpc"], "operator": "within"},
             {"cond_type": "attribute", "resource_types": ["aws_vpc"], "attribute": "x", "operator": "exists"}]},
    {"not": {"cond_type": "connection", "resource_types": ["aws_vpc"], "connected_resource_types": ["aws_flow_log"],
             "operator": "exists"}},
    {"or": [{"cond_type": "attribute", "resource_types": ["aws_vpc"], "attribute": "x", "operator": "exists"},
            {"cond_type": "attribute", "resource_types": "all", "attribute": "x", "operator": "exists"}]},
    {"and": []},
])
def test_a_definition_that_may_read_other_types_is_not_eligible(definition):
    """`all`, omitted or empty types, taggable, provider, patterns, data sources, `cond_type: resource`, a
    connection without explicit connected types, a filter alone or one whose types the parser would fill with
    every type, a "not" of a connection (Checkov has no such solver), anywhere in the tree."""
    assert graphnarrow.definition_types(definition) is None


def test_a_definition_naming_its_types_is_eligible_with_them():
    definition = {"and": [
        {"cond_type": "filter", "attribute": "resource_type", "value": ["aws_vpc"], "operator": "within"},
        {"or": [{"cond_type": "connection", "resource_types": ["aws_vpc"], "connected_resource_types": ["aws_flow_log"],
                 "operator": "exists"},
                {"cond_type": "attribute", "resource_types": ["aws_vpc"], "attribute": "x",
                 "operator": "jsonpath_exists"}]},
        {"not": {"cond_type": "attribute", "resource_types": "aws_flow_log", "attribute": "y", "operator": "equals",
                 "value": 1}}]}
    assert graphnarrow.definition_types(definition) == {"aws_vpc", "aws_flow_log"}


def test_a_built_in_policy_the_rule_refuses_runs_in_full_and_so_does_a_plan_with_count(plans):
    tfplan, _ = plans["131121-stg"]
    assert graphnarrow.types_for(["CKV2_AWS_32"]) is None  # names data.aws_cloudfront_response_headers_policy
    counted = copy.deepcopy(tfplan)
    counted["planned_values"]["root_module"]["resources"][0]["values"]["count"] = 2
    assert graphnarrow.applies(tfplan) and not graphnarrow.applies(counted)
    moduled = copy.deepcopy(tfplan)
    moduled["planned_values"]["root_module"]["child_modules"] = [{"address": "module.m", "resources": []}]
    assert not graphnarrow.applies(moduled)
