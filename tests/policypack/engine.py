"""Stand-in for the Pulumi engine's side of a policy pack, in-process: a gcbase Plan becomes the
AnalyzeStackRequest the engine sends (properties as protobuf Structs, providers, parents,
dependencies), handed to the pack's own analyzer servicer (pulumi_policy's _PolicyAnalyzerServicer,
the object `PolicyPack` serves over gRPC). What comes back is the engine's AnalyzeResponse."""

from __future__ import annotations

from typing import Any, Optional

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as proto
from pulumi_policy.policy import EnforcementLevel, _PolicyAnalyzerServicer

from gcbase.model import Plan
from gcbase.policypack.pack import NAME, policies

STACK = "pulumi:pulumi:Stack"


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(values, s)
    return s


def _props(res: Any, echoed: Optional[set] = None) -> dict[str, Any]:
    """What the engine shows a stack policy for a resource: its inputs, with the values only the
    provider computes (a bridged provider such as pulumi-aws lists the id among them). The mocks echo
    the inputs among the outputs; `echoed` names those keys (from the unmutated plan), so an input a
    mutant removed does not come back from a stale output, as a real preview would not show it."""
    echoed = set(res.inputs or {}) if echoed is None else echoed
    props = {**{k: v for k, v in (res.outputs or {}).items() if k not in echoed}, **(res.inputs or {})}
    if res.custom and res.id and not res.type.startswith("pulumi:providers:"):
        props.setdefault("id", res.id)
    return props


def request(plan: Plan, baseline: Optional[Plan] = None) -> proto.AnalyzeStackRequest:
    by_urn = {r.urn: r for r in plan.resources}
    before = {r.urn: set(r.inputs or {}) for r in (baseline.resources if baseline else ())}
    stack_urn = f"urn:pulumi:{plan.stack}::{plan.project}::{STACK}::{plan.project}-{plan.stack}"
    out = [proto.AnalyzerResource(type=STACK, urn=stack_urn, name=f"{plan.project}-{plan.stack}",
                                  properties=_struct(dict(plan.outputs or {})))]
    for r in plan.resources:
        provider = None
        if r.provider:
            purn = r.provider.rsplit("::", 1)[0]
            p = by_urn.get(purn)
            provider = proto.AnalyzerProviderResource(
                type=p.type if p else purn.split("::")[2], urn=purn, name=purn.split("::")[-1],
                properties=_struct(_props(p) if p else {}))
        out.append(proto.AnalyzerResource(
            type=r.type, urn=r.urn, name=r.name, provider=provider,
            properties=_struct(_props(r, before.get(r.urn, set()) | set(r.inputs or {}))),
            parent=r.parent or stack_urn, dependencies=list(r.dependencies or ()),
            propertyDependencies={k: proto.AnalyzerPropertyDependencies(urns=list(v))
                                  for k, v in (r.property_dependencies or {}).items()}))
    return proto.AnalyzeStackRequest(resources=out)


def servicer(config: Optional[dict[str, Any]] = None) -> _PolicyAnalyzerServicer:
    s = _PolicyAnalyzerServicer(NAME, "0.1.0", policies(), EnforcementLevel.ADVISORY)
    if config is not None:
        s.Configure(proto.ConfigureAnalyzerRequest(policyConfig={
            "gcbase-gate": proto.PolicyConfig(enforcementLevel=proto.MANDATORY, properties=_struct(config))}), None)
    return s


def analyze(plan: Plan, config: Optional[dict[str, Any]] = None, baseline: Optional[Plan] = None) -> proto.AnalyzeResponse:
    return servicer(config).AnalyzeStack(request(plan, baseline), None)


def mandatory(response: proto.AnalyzeResponse) -> list[Any]:
    return [d for d in response.diagnostics if d.enforcementLevel == proto.MANDATORY]


def advisory(response: proto.AnalyzeResponse, policy: str = "gcbase-findings") -> list[Any]:
    return [d for d in response.diagnostics if d.policyName == policy and d.enforcementLevel == proto.ADVISORY]
