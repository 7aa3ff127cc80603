"""Small, explicit edits of a captured gcbase Plan (Pulumi inputs, camelCase) for mutations."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from gcbase.model import Plan, Resource
from tests.mutation.harness import MutationError


def find(plan: Plan, token: str, contains: str = "") -> list[Resource]:
    return [r for r in plan.resources if r.type == token and contains in r.name]


def one(plan: Plan, token: str, contains: str = "") -> Resource:
    found = find(plan, token, contains)
    if not found:
        raise MutationError(f"no {token} whose name contains {contains!r}")
    return found[0]


def drop(plan: Plan, *resources: Resource) -> None:
    for res in resources:
        plan.resources.remove(res)


def unset(res: Resource, *keys: str) -> None:
    for key in keys:
        if key not in res.inputs:
            raise MutationError(f"{res.name} has no input {key}")
        del res.inputs[key]
        res.property_dependencies.pop(key, None)


def set_input(res: Resource, key: str, value: Any, depends_on: Resource | None = None) -> None:
    """Set an input; with depends_on, record it the way Pulumi does for an Output from that resource."""
    res.inputs[key] = value
    res.property_dependencies[key] = [depends_on.urn] if depends_on else []


def edit_doc(res: Resource, key: str, edit: Callable[[dict], None]) -> None:
    """Edit a JSON policy input (bucket, key, trust or SCP content) in place."""
    doc = json.loads(res.inputs[key])
    edit(doc)
    res.inputs[key] = json.dumps(doc)


def statement(doc: dict, sid: str) -> dict:
    for st in doc["Statement"]:
        if st.get("Sid") == sid:
            return st
    raise MutationError(f"no statement {sid}")


def remove_statement(doc: dict, sid: str) -> None:
    statement(doc, sid)
    doc["Statement"] = [st for st in doc["Statement"] if st.get("Sid") != sid]


def scp(plan: Plan, policy_id: str) -> Resource:
    return one(plan, "gcbase:guardrails:InheritedPolicy", f"guardrails-{policy_id}")


def add(plan: Plan, like: Resource, token: str, name: str, inputs: dict[str, Any],
        deps: dict[str, Resource] | None = None, id_prefix: str = "") -> Resource:
    """A new resource in the same component and provider (account, region) as `like`."""
    rid = id_prefix + hashlib.sha256(name.encode()).hexdigest()[:17]
    res = Resource(
        urn=f"urn:pulumi:{plan.stack}::{plan.project}::{token}::{name}", type=token, name=name,
        custom=True, parent=like.parent, provider=like.provider, id=rid,
        inputs=dict(inputs), outputs={**inputs, "id": rid},
        property_dependencies={k: [v.urn] for k, v in (deps or {}).items()})
    plan.resources.append(res)
    return res
