"""Export a captured Plan as Terraform plan JSON (`terraform show -json` format 1.2).

Checkov's terraform_plan runner reads `planned_values` for attribute values, `resource_changes`
for actions and `configuration` for references between resources. Checkov only turns a
reference into a graph edge when the attribute's planned value is unknown (absent), which is
what Terraform prints when one resource being created uses another one's computed id or ARN.
So an attribute that came from another resource (a property dependency whose value equals
that resource's id, ARN, name, ...) is written as Terraform would: left out of `values` and
`after`, marked in `after_unknown`, and given `{"references": [...]}` in `configuration`.
Everything else is a known value and a `constant_value`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from gcbase.model import SECRET_MASK, Plan, Resource
from gcbase.tfplan import types
from gcbase.tfplan.expressions import sensitive_values, split

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.8"
REGISTRY = "registry.terraform.io/hashicorp"
_DROP_PROVIDER_INPUTS = {"version", "pluginDownloadURL"}


@dataclass
class _Entry:
    tf_type: str
    name: str
    urn: str
    values: dict[str, Any]  # Terraform attributes, known values
    provider_key: str
    res: Optional[Resource] = None
    refs: dict[str, dict[str, str]] = field(default_factory=dict)  # attr -> {value: reference}
    actions: tuple[str, ...] = ("create",)
    computed: frozenset[str] = frozenset({"id"})  # attributes the provider computes, not configured

    @property
    def address(self) -> str:
        return f"{self.tf_type}.{self.name}"


def identifier(name: str) -> str:
    """A logical name as a Terraform identifier (letters, digits, underscores; not a digit first)."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name) or "_"
    return f"r_{out}" if out[0].isdigit() else out


def convert(tf_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """Pulumi inputs (camelCase, objects for single blocks) -> Terraform attributes."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, dict):
            name = types.attribute(tf_type, key, block_list=False)
            out[name] = value if types.is_map(key, value) else [convert(tf_type, value)]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            name = types.attribute(tf_type, key, block_list=True)
            out[name] = [convert(tf_type, v) for v in value]
        else:
            out[types.attribute(tf_type, key, block_list=False)] = value
    return dict(sorted(out.items()))  # terraform show prints attributes in name order


NOT_EXPANDED = ("component not expanded: a multi-language component, whose provider builds its resources "
                "and does not run offline")


def unchecked(plan: Plan) -> list[dict[str, str]]:
    """Custom resources whose type has no Terraform mapping, and multi-language components left
    unexpanded (gcbase/synth/mocks.py): no check sees what they configure."""
    remote = {c.get("urn") for c in plan.meta.get("notExpanded") or [] if isinstance(c, dict)}
    found = [{"urn": r.urn, "type": r.type} for r in plan
             if r.custom and not r.is_provider and types.terraform_type(r.type) is None]
    found += [{"urn": r.urn, "type": r.type, "reason": NOT_EXPANDED} for r in plan if r.urn in remote]
    return sorted(found, key=lambda d: d["urn"])


def export(plan: Plan) -> dict[str, Any]:
    """The plan as a dict in Terraform's plan JSON format, readable by Checkov's terraform_plan runner."""
    entries, providers = _entries(plan)
    ordered = sorted(entries, key=lambda x: x.address)
    planned, changes, config = [], [], []
    for e in ordered:
        values, expressions, unknown = split(e.values, e.refs, e.computed)
        sensitive = sensitive_values(values)
        head = {"address": e.address, "mode": "managed", "type": e.tf_type, "name": e.name}
        planned.append({**head, "provider_name": f"{REGISTRY}/aws", "schema_version": types.schema_version(e.tf_type),
                        "values": values, "sensitive_values": sensitive})
        noop = e.actions == ("no-op",)
        changes.append({**head, "provider_name": f"{REGISTRY}/aws", "change": {
            "actions": list(e.actions), "before": values if noop else None, "after": values,
            "after_unknown": unknown, "before_sensitive": sensitive if noop else False, "after_sensitive": sensitive}})
        config.append({**head, "provider_config_key": e.provider_key, "expressions": expressions,
                       "schema_version": types.schema_version(e.tf_type)})
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": providers, "root_module": {"resources": config}},
        "applyable": True,
        "complete": True,
        "errored": False,
        "gcbase": {"project": plan.project, "stack": plan.stack, "source": plan.source,
                   # Pulumi URN -> Terraform address (resources declared in the program), and
                   # Terraform address -> URN it came from (also the role policies split off a role)
                   "addresses": {e.urn: e.address for e in ordered if e.res is not None},
                   "urns": {e.address: e.urn for e in ordered},
                   "not_checked": unchecked(plan)},
    }


def write(plan: Plan, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(export(plan), indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


# --- building the entries -------------------------------------------------------------------

def _entries(plan: Plan) -> tuple[list[_Entry], dict[str, Any]]:
    providers: dict[str, Any] = {}
    entries: list[_Entry] = []
    taken: dict[str, set[str]] = {}

    def name_for(tf_type: str, wanted: str) -> str:
        used = taken.setdefault(tf_type, set())
        base = identifier(wanted)
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        return name

    ordered = sorted(plan.resources, key=lambda r: (r.name, r.urn))
    for res in ordered:
        comp = None if res.custom else types.component(res.type)
        tf_type = types.terraform_type(res.type) if res.custom and not res.is_provider else (comp or {}).get("type")
        if not tf_type:
            continue
        key = _provider_key(plan, res, providers)
        if comp:
            props = {**res.outputs, **res.inputs}
            values = {types.attribute(tf_type, p, block_list=False): props[p]
                      for p in comp.get("props", []) if props.get(p) is not None}
            values["id"] = res.id or values.get("name")
            entry = _Entry(tf_type, name_for(tf_type, res.name), res.urn, values, key, res,
                           actions=tuple(comp.get("actions") or ("create",)))
            entries.append(entry)
            entries.extend(_component_attachments(entry, props.get(comp.get("attachments", "")) or [], name_for))
            continue
        values = convert(tf_type, res.inputs)
        computed = {"id"} | ({"arn"} - set(values))
        values["id"] = res.id
        if types.has_arn(res.type) and isinstance(res.outputs.get("arn"), str):
            values.setdefault("arn", res.outputs["arn"])
        entries.append(_Entry(tf_type, name_for(tf_type, res.name), res.urn, values, key, res,
                              computed=frozenset(computed)))

    by_urn = {e.urn: e for e in entries}
    for e in list(entries):
        if e.res is not None:  # entries split off a resource carry their references already
            e.refs = _references(plan, e, by_urn)
        if e.tf_type == "aws_iam_role":
            entries.extend(_role_children(e, name_for, by_urn))
    return entries, providers


def _provider_key(plan: Plan, res: Resource, providers: dict[str, Any]) -> str:
    prov = plan.provider_of(res)
    pname = prov.type.rsplit(":", 1)[-1] if prov else "aws"
    if prov is None or prov.name.startswith("default"):
        key, alias = pname, None
    else:
        alias = identifier(prov.name)
        key = f"{pname}.{alias}"
    if key not in providers:
        cfg: dict[str, Any] = {"name": pname, "full_name": f"{REGISTRY}/{pname}"}
        if alias:
            cfg["alias"] = alias
        inputs = {k: v for k, v in (prov.inputs if prov else {}).items() if k not in _DROP_PROVIDER_INPUTS}
        cfg["expressions"] = split(convert("provider", inputs), {})[1]
        providers[key] = cfg
    return key


def _targets(plan: Plan, urns: list[str], by_urn: dict[str, _Entry]) -> list[_Entry]:
    """Exported resources behind dependency URNs (a component stands for its descendants)."""
    found: list[_Entry] = []
    for urn in urns:
        if urn in by_urn:
            found.append(by_urn[urn])
            continue
        children = [r.urn for r in plan if r.parent == urn]
        found.extend(_targets(plan, children, by_urn))
    return found


def _references(plan: Plan, e: _Entry, by_urn: dict[str, _Entry]) -> dict[str, dict[str, str]]:
    """attr -> {value: "type.name.attr"} for values that came from another exported resource."""
    refs: dict[str, dict[str, str]] = {}
    if e.res is None or not e.res.custom:
        return refs
    for prop, urns in e.res.property_dependencies.items():
        lookup: dict[str, str] = {}
        for target in _targets(plan, urns, by_urn):
            if target is e or target.res is None:
                continue
            candidates = [("id", target.res.id), ("arn", target.values.get("arn"))]
            candidates += [(types.snake(k), v) for k, v in target.res.outputs.items() if k not in ("id", "arn")]
            for attr, value in candidates:
                if isinstance(value, str) and value and value != SECRET_MASK:
                    lookup.setdefault(value, f"{target.address}.{attr}")
        if lookup:
            value = e.res.inputs.get(prop)
            block_list = isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
            refs[types.attribute(e.tf_type, prop, block_list)] = lookup
    return refs


def _role_children(role: _Entry, name_for, by_urn: dict[str, _Entry]) -> list[_Entry]:
    """A role's inline policies and managed policy ARNs as Terraform declares them separately."""
    out: list[_Entry] = []
    role_ref = {"id": {role.values["id"]: f"{role.address}.id"}, "name": {role.values["id"]: f"{role.address}.name"}}
    arns = {t.values.get("arn"): f"{t.address}.arn" for t in by_urn.values() if t.tf_type == "aws_iam_policy"}
    for pol in role.values.get("inline_policy") or []:
        if not pol.get("name"):
            continue
        values = {"name": pol["name"], "policy": pol.get("policy"), "role": role.values["id"],
                  "id": f"{role.values['id']}:{pol['name']}"}
        out.append(_Entry("aws_iam_role_policy", name_for("aws_iam_role_policy", f"{role.name}_{pol['name']}"),
                          role.urn, values, role.provider_key, refs={"role": role_ref["id"]}))
    for arn in role.values.get("managed_policy_arns") or []:
        values = {"policy_arn": arn, "role": role.values["id"], "id": f"{role.values['id']}/{arn}"}
        refs = {"role": role_ref["name"]}
        if arn in arns:
            refs["policy_arn"] = {arn: arns[arn]}
        tf_name = name_for("aws_iam_role_policy_attachment", f"{role.name}_{arn.rsplit('/', 1)[-1]}")
        out.append(_Entry("aws_iam_role_policy_attachment", tf_name, role.urn, values,
                          role.provider_key, refs=refs))
    return out


def _component_attachments(role: _Entry, arns: list[str], name_for) -> list[_Entry]:
    """The managed policy attachments of a declared (inherited) role, as PartyRoles would name them."""
    out: list[_Entry] = []
    for arn in arns:
        values = {"policy_arn": arn, "role": role.values["id"], "id": f"{role.values['id']}/{arn}"}
        tf_name = name_for("aws_iam_role_policy_attachment", f"{role.name}_{arn.rsplit('/', 1)[-1].lower()}")
        out.append(_Entry("aws_iam_role_policy_attachment", tf_name, role.urn, values, role.provider_key,
                          refs={"role": {role.values["id"]: f"{role.address}.name"}}, actions=role.actions))
    return out
