"""What a CloudTrail trail's advanced event selectors record of management events.

With advanced_event_selector AWS logs only what the selectors name (selectors are ORed, a selector's field
selectors ANDed), and the basic event_selector defaults no longer apply. A selector counts for management events
only when it provably records every source: eventCategory equals Management, readOnly at most restricted with
equals "true" or "false", and no other field (eventSource, eventName, ... would limit or exclude sources).
Anything else a selector says (another operator on eventCategory or readOnly, a selector without eventCategory)
cannot be decided here, so it counts for nothing (review G-7)."""

from __future__ import annotations

from gcbase.check import conf as c

OPERATORS = ("equals", "not_equals", "starts_with", "not_starts_with", "ends_with", "not_ends_with")
BOTH = frozenset({"true", "false"})  # readOnly values: read events, write events


def _strings(v) -> list[str]:
    items = v if isinstance(v, list) else [v]
    out: list[str] = []
    for item in items:
        out.extend(_strings(item) if isinstance(item, list) else [str(item)])
    return out


def _ops(field: dict) -> dict[str, list[str]]:
    return {op: _strings(field.get(op)) for op in OPERATORS if field.get(op) not in (None, [], [[]])}


def management_coverage(conf: dict) -> tuple[frozenset[str], list[str]]:
    """(readOnly values of management events recorded from every source, why other selectors do not count)."""
    covered: set[str] = set()
    notes: list[str] = []
    for sel in c.values(conf, "advanced_event_selector"):
        if not isinstance(sel, dict):
            notes.append("an advanced event selector the check cannot read")
            continue
        name = c.value(sel, "name", "?")
        fields = [f for f in c.values(sel, "field_selector") if isinstance(f, dict)]
        by_name: dict[str, list[dict[str, list[str]]]] = {}
        for f in fields:
            by_name.setdefault(str(c.value(f, "field")), []).append(_ops(f))
        categories = by_name.pop("eventCategory", [])
        if not categories:
            notes.append(f"selector {name!r} names no eventCategory")
            continue
        if any(set(ops) != {"equals"} for ops in categories):
            notes.append(f"selector {name!r} selects eventCategory with an operator other than equals")
            continue
        if not all("Management" in ops["equals"] for ops in categories):
            continue  # data or other events only: records no management event
        kinds = set(BOTH)
        for ops in by_name.pop("readOnly", []):
            if set(ops) != {"equals"} or not set(ops["equals"]) <= BOTH:
                kinds = set()
                notes.append(f"selector {name!r} restricts readOnly in a way the check cannot decide")
                break
            kinds &= set(ops["equals"])
        if by_name:
            notes.append(f"selector {name!r} limits management events by {', '.join(sorted(by_name))}: "
                         "sources it leaves out go unlogged")
            continue
        covered |= kinds
    return frozenset(covered), notes


def has_advanced(conf: dict) -> bool:
    return bool(c.values(conf, "advanced_event_selector"))
