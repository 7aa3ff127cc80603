"""A Terraform plan JSON, indexed for checks that need more than one resource.

Checkov's resource checks see one resource at a time and its graph policies can only ask
whether a connection exists. Rules such as "no internet gateway in a My Number tier VPC"
(gateway -> VPC -> tier tag) or "the backup copy goes to another region" (plan -> vault ->
provider -> region) need to follow references and read the far end's attributes. PlanIndex
follows references as Terraform records them (`configuration` expressions with `references`)
and, for values that are known, by matching a target's id, ARN or name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

_JOIN_ATTRS = ("id", "arn", "name", "bucket")


@dataclass
class PlanResource:
    address: str
    type: str
    name: str
    values: dict[str, Any]
    refs: dict[str, list[str]] = field(default_factory=dict)  # dotted attribute path -> addresses
    provider_key: str = ""
    expressions: dict[str, Any] = field(default_factory=dict)  # the configuration's expressions, as written

    def get(self, path: str, default: Any = None) -> Any:
        """First value along a dotted path through nested blocks (lists of objects)."""
        found = leaves(self.values, path)
        return found[0] if found else default

    def all(self, path: str) -> list[Any]:
        return leaves(self.values, path)

    @property
    def tags(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ("tags_all", "tags"):
            t = self.values.get(key)
            if isinstance(t, dict):
                out.update({str(k): str(v) for k, v in t.items()})
        return out


def leaves(node: Any, path: str) -> list[Any]:
    """Every value at a dotted path; lists along the way are walked, list leaves flattened."""
    nodes = [node]
    for key in path.split("."):
        nxt: list[Any] = []
        for n in nodes:
            if isinstance(n, list):
                n_items = n
            else:
                n_items = [n]
            for item in n_items:
                if isinstance(item, dict) and item.get(key) is not None:
                    nxt.append(item[key])
        nodes = nxt
    out: list[Any] = []
    for n in nodes:
        out.extend(x for x in (n if isinstance(n, list) else [n]) if x is not None)
    return out


def _collect_refs(expr: Any, prefix: str, out: dict[str, list[str]]) -> None:
    if isinstance(expr, dict):
        if "references" in expr and isinstance(expr["references"], list):
            out.setdefault(prefix, []).extend(str(r) for r in expr["references"])
            return
        for key, val in expr.items():
            _collect_refs(val, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(expr, list):
        for item in expr:
            _collect_refs(item, prefix, out)


def _module_resources(module: dict) -> Iterator[dict]:
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)


class PlanIndex:
    def __init__(self, tfplan: dict[str, Any], intent: Any = None, scope: str = "tenancy"):
        self.plan = tfplan
        self.intent = intent  # gcbase.intent.Intent the plan is judged against, or None (no stack known)
        # --scope part: the plan is one part of a tenancy (a vendor's program); what it lacks may be in
        # another part, so no check reports a declared system or account as missing from it
        self.judges_absence = scope != "part"
        root_conf = (tfplan.get("configuration") or {}).get("root_module") or {}
        conf = {c.get("address"): c for c in root_conf.get("resources") or []}
        self.providers: dict[str, dict] = (tfplan.get("configuration") or {}).get("provider_config") or {}
        self.resources: dict[str, PlanResource] = {}
        root = (tfplan.get("planned_values") or {}).get("root_module") or {}
        for r in _module_resources(root):
            if r.get("mode", "managed") != "managed" or not r.get("address"):
                continue
            c = conf.get(r["address"]) or {}
            refs: dict[str, list[str]] = {}
            _collect_refs(c.get("expressions") or {}, "", refs)
            self.resources[r["address"]] = PlanResource(
                r["address"], r.get("type", ""), r.get("name", ""), dict(r.get("values") or {}),
                refs, c.get("provider_config_key", ""), c.get("expressions") or {})
        # attribute -> True where Terraform says the value is known only after apply (resource_changes)
        self.after_unknown: dict[str, dict[str, Any]] = {}
        for rc in tfplan.get("resource_changes") or []:
            if isinstance(rc, dict) and isinstance(rc.get("change"), dict) \
                    and isinstance(rc["change"].get("after_unknown"), dict):
                self.after_unknown[str(rc.get("address"))] = rc["change"]["after_unknown"]
        self._by_value: dict[str, list[str]] = {}
        for res in self.resources.values():
            for attr in _JOIN_ATTRS:
                v = res.values.get(attr)
                if isinstance(v, str) and v:
                    self._by_value.setdefault(v, []).append(res.address)
        self.memo: dict[str, Any] = {}  # what several checks derive from the whole plan (e.g. its SCPs), once

    def __iter__(self) -> Iterator[PlanResource]:
        return iter(self.resources.values())

    def of_type(self, *types: str) -> list[PlanResource]:
        return [r for r in self.resources.values() if r.type in types]

    def _address(self, reference: str) -> Optional[str]:
        """'aws_vpc.a.id' -> 'aws_vpc.a' (module prefixes and index suffixes kept)."""
        parts = reference.split(".")
        for n in range(len(parts), 1, -1):
            candidate = ".".join(parts[:n])
            if candidate in self.resources:
                return candidate
        return None

    def targets(self, res: PlanResource, path: str, types: tuple[str, ...] = ()) -> list[PlanResource]:
        """Resources an attribute points at: by recorded reference, or by a known id/ARN/name value."""
        found: dict[str, PlanResource] = {}
        for ref in res.refs.get(path, []):
            addr = self._address(ref)
            if addr and addr != res.address:
                found[addr] = self.resources[addr]
        for v in res.all(path):
            for addr in self._by_value.get(v, []) if isinstance(v, str) else []:
                if addr != res.address:
                    found[addr] = self.resources[addr]
        return [r for r in found.values() if not types or r.type in types]

    def is_unknown(self, res: PlanResource, path: str) -> bool:
        """Whether an attribute's value is unknown at plan time: marked so in resource_changes, or absent
        from the planned values while the configuration computes it from a reference."""
        node: Any = self.after_unknown.get(res.address) or {}
        for key in path.split("."):
            if node is True:
                return True
            node = node.get(key) if isinstance(node, dict) else None
        if node is True or (isinstance(node, list) and any(n is True for n in node)):
            return True
        return res.get(path) is None and bool(res.refs.get(path))

    def referrers(self, target: PlanResource, types: tuple[str, ...], path: str) -> list[PlanResource]:
        """Resources of some types whose attribute `path` points at target."""
        return [r for r in self.of_type(*types) if any(t.address == target.address for t in self.targets(r, path))]

    def provider(self, res: PlanResource) -> dict[str, Any]:
        """The provider configuration's constant values (region, allowed_account_ids, ...)."""
        exprs = (self.providers.get(res.provider_key) or {}).get("expressions") or {}
        return {k: v.get("constant_value") for k, v in exprs.items() if isinstance(v, dict)}

    def region(self, res: PlanResource) -> Optional[str]:
        arn = res.values.get("arn")
        if isinstance(arn, str) and arn.count(":") >= 5 and arn.split(":")[3]:
            return arn.split(":")[3]
        return self.provider(res).get("region")

    def account(self, res: PlanResource) -> Optional[str]:
        arn = res.values.get("arn")
        if isinstance(arn, str) and arn.count(":") >= 5 and arn.split(":")[4]:
            return arn.split(":")[4]
        allowed = self.provider(res).get("allowed_account_ids") or []
        return str(allowed[0]) if allowed else None

    def placement(self, res: PlanResource) -> tuple[Optional[str], Optional[str]]:
        """(account, region) a resource is deployed to, from its provider configuration."""
        cfg = self.provider(res)
        allowed = cfg.get("allowed_account_ids") or []
        return (str(allowed[0]) if allowed else None), cfg.get("region")

    def placements(self) -> dict[tuple[Optional[str], str], list[PlanResource]]:
        """Every (account, region) the plan deploys to (providers with a known region)."""
        out: dict[tuple[Optional[str], str], list[PlanResource]] = {}
        for res in self.resources.values():
            account, region = self.placement(res)
            if region:
                out.setdefault((account, region), []).append(res)
        return out

    def tier(self, res: PlanResource, tag: str) -> Optional[str]:
        """A resource's tier: its own tag, else that of the VPC it is in (via vpc_id or subnet_id)."""
        if tag in res.tags:
            return res.tags[tag]
        for path, types in (("vpc_id", ("aws_vpc",)), ("subnet_id", ("aws_subnet",)),
                            ("route_table_id", ("aws_route_table",))):
            for t in self.targets(res, path, types):
                found = self.tier(t, tag)
                if found:
                    return found
        return None
