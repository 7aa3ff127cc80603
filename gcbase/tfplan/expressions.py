"""Known values, configuration expressions and unknowns of one resource, as Terraform prints them.

An attribute whose value came from another resource being created is unknown at plan time:
Terraform leaves it out of `values`/`after`, marks it in `after_unknown` and writes
`{"references": ["type.name.attr", "type.name"]}` in `configuration`. Checkov builds its graph
edges from exactly those references, and only for attributes whose planned value is unknown.
"""

from __future__ import annotations

from typing import Any, Optional

from gcbase.model import SECRET_MASK, UNKNOWN

_MISSING = object()


def split(values: dict[str, Any], refs: dict[str, dict[str, str]],
          computed: frozenset[str] = frozenset()) -> tuple[dict, dict, dict]:
    """(known values, configuration expressions, after_unknown) for one resource's attributes."""
    known, expressions, unknown = {}, {}, {}
    for attr, value in values.items():
        if attr in computed:  # the provider's, not the configuration's
            if value is None or value == UNKNOWN:
                unknown[attr] = True
            else:
                known[attr] = value
            continue
        k, x, u = _split_value(value, refs.get(attr) or {})
        if k is not _MISSING:
            known[attr] = k
        expressions[attr] = x
        if u:
            unknown[attr] = u
    return known, expressions, unknown


def _match(value: Any, lookup: dict[str, str]) -> Optional[str]:
    """The reference a value came from: equal to a target's attribute, or an ARN of it with a
    suffix ("<log group arn>:*", "<bucket arn>/*"), which Terraform also leaves unknown."""
    if not isinstance(value, str):
        return None
    if value in lookup:
        return lookup[value]
    for known, ref in lookup.items():
        if known.startswith("arn:") and value.startswith(known) and value[len(known):len(known) + 1] in (":", "/"):
            return ref
    return None


def _split_value(value: Any, lookup: dict[str, str]) -> tuple[Any, Any, Any]:
    ref = _match(value, lookup)
    if ref:
        return _MISSING, {"references": _ref(ref)}, True
    if value == UNKNOWN:  # a plan imported from `pulumi preview`: not known before the update
        return _MISSING, {}, True
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        parts = [split(v, {k: lookup for k in v}) for v in value]
        unknown = [p[2] for p in parts]
        return [p[0] for p in parts], [p[1] for p in parts], unknown if any(unknown) else None
    if isinstance(value, list) and any(_match(v, lookup) for v in value):
        marks = [_match(v, lookup) is not None for v in value]
        refs = [r for v, m in zip(value, marks) if m for r in _ref(_match(v, lookup) or "")]
        return [None if m else v for v, m in zip(value, marks)], {"references": refs}, marks
    return value, {"constant_value": value}, None


def _ref(reference: str) -> list[str]:
    """Terraform lists the attribute reference and then the resource it belongs to."""
    return [reference, reference.rsplit(".", 1)[0]]


def sensitive_values(values: Any) -> Any:
    if isinstance(values, dict):
        return {k: s for k, v in values.items() if (s := sensitive_values(v))}
    if isinstance(values, list):
        marks = [sensitive_values(v) for v in values]
        return marks if any(marks) else None
    return values == SECRET_MASK or None
