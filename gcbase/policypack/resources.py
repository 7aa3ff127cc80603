"""What the Pulumi engine hands a stack policy -> the `pulumi preview --json` document gcbase reads.

The policy SDK gives PolicyResource objects whose props are wrapped in proxies that raise on an
unknown value; gcbase needs the raw values with every unknown kept as unknown (a check that meets
one must not pass), so the proxies are unwrapped ("__target") and every one of the SDK's unknown
sentinels becomes gcbase's UNKNOWN marker. Duck-typed on the SDK's attribute names
(resource_type, props, urn, name, provider, parent, dependencies, property_dependencies), so the
conversion is tested with plain objects too.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from gcbase.model import UNKNOWN

# pulumi_policy.proxy's sentinels (one per value kind); the string one is gcbase's UNKNOWN itself
UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})
PROVIDER_ID = "policy-pack"  # provider references are "<urn>::<id>"; the engine does not hand over the id


def raw(value: Any) -> Any:
    """Plain JSON of a property value: proxies unwrapped, unknowns as UNKNOWN, assets as their fields.
    A value of a kind gcbase cannot read is unknown, never dropped."""
    if isinstance(value, Mapping):
        target = _target(value)
        if target is not value:
            return raw(target)
        return {str(k): raw(v) for k, v in value.items()}
    if isinstance(value, (str, bytes)):
        if isinstance(value, bytes):
            return UNKNOWN
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Sequence):
        target = _target(value)
        if target is not value:
            return raw(target)
        return [raw(v) for v in value]
    if isinstance(value, float) and value.is_integer():  # the engine's numbers are all float64 (protobuf
        return int(value)                                # Struct); a JSON plan writes 365, not 365.0
    if value is None or isinstance(value, (bool, int, float)):
        return value
    for field in ("path", "text", "uri"):  # pulumi.FileAsset / StringAsset / RemoteAsset and archives
        if isinstance(getattr(value, field, None), str):
            return {field: getattr(value, field)}
    assets = getattr(value, "assets", None)
    if isinstance(assets, Mapping):
        return {"assets": {str(k): raw(v) for k, v in assets.items()}}
    return UNKNOWN


def _target(proxy: Any) -> Any:
    """The object a pulumi_policy proxy wraps (it answers the key "__target"), or the value itself."""
    try:
        target = proxy["__target"]
    except (KeyError, IndexError, TypeError):
        return proxy
    return target if target is not None else proxy


def _provider_ref(provider: Any) -> str | None:
    urn = getattr(provider, "urn", None)
    return f"{urn}::{PROVIDER_ID}" if isinstance(urn, str) and urn else None


def _urns(resources: Iterable[Any]) -> list[str]:
    return [r.urn for r in resources or () if isinstance(getattr(r, "urn", None), str)]


def _state(res: Any) -> dict[str, Any]:
    provider = getattr(res, "provider", None)
    rtype = str(res.resource_type)
    state: dict[str, Any] = {
        "urn": res.urn,
        "type": rtype,
        # the engine does not say whether a resource is custom: a component has no provider reference
        "custom": provider is not None or rtype.startswith("pulumi:providers:"),
        # the engine hands one property map (a new resource's inputs, an existing one's outputs): it is
        # both what the resource declares and what others may reference (an id, an attachment id)
        "inputs": raw(res.props) if res.props is not None else {},
        "outputs": raw(res.props) if res.props is not None else {},
        "dependencies": _urns(getattr(res, "dependencies", ())),
        "propertyDependencies": {str(k): _urns(v) for k, v in (getattr(res, "property_dependencies", None) or {}).items()},
    }
    rid = state["inputs"].get("id")  # bridged providers (pulumi-aws) list the id among the outputs
    if isinstance(rid, str) and rid:
        state["id"] = rid
    parent = getattr(res, "parent", None)
    if isinstance(getattr(parent, "urn", None), str):
        state["parent"] = parent.urn
    if _provider_ref(provider):
        state["provider"] = _provider_ref(provider)
    return state


def to_preview_document(resources: Sequence[Any]) -> dict[str, Any]:
    """The stack's resources as `pulumi preview --json` would list them (one "same" step each, with
    newState), plus each provider the engine names that is not itself in the list."""
    steps = []
    seen = set()
    for res in resources:
        steps.append({"op": "same", "urn": res.urn, "newState": _state(res)})
        seen.add(res.urn)
    for res in resources:
        provider = getattr(res, "provider", None)
        urn = getattr(provider, "urn", None)
        if isinstance(urn, str) and urn and urn not in seen:
            seen.add(urn)
            steps.append({"op": "same", "urn": urn, "newState": {
                "urn": urn, "type": str(provider.resource_type), "custom": True,
                "inputs": raw(provider.props) if provider.props is not None else {}}})
    return {"steps": steps}
