"""Text of a network analysis for the terminal: each invariant's verdict, every violation with its path."""

from __future__ import annotations

from typing import Any

from gcbase.network.invariants import Analysis, load
from gcbase.network.reach import endpoint_text


def render(a: Analysis, stack: str, source: str, show_passed: bool = False) -> str:
    verdicts = a.all()
    failed = sum(1 for vs in verdicts.values() for v in vs if not v.passed)
    s = a.summary()
    lines = [f"{stack} ({source}): {s['vpcs']} VPCs, {s['reaches']} reaches ({s['possible']} possible), "
             f"{failed} violation(s)"]
    for inv in load()[1]:
        found = verdicts.get(inv.id, [])
        bad = [v for v in found if not v.passed]
        state = "FAIL" if bad else ("pass" if found else "n/a")
        lines.append(f"  {state:4} {inv.id:28} {inv.check:12} {inv.requirement:8} "
                     f"{len(found) - len(bad)} proved, {len(bad)} violated")
        for v in bad:
            lines.append(f"       {v.resource}: {v.detail}")
        if show_passed:
            lines += [f"       ok {v.resource}: {v.detail}" for v in found if v.passed]
    if show_passed:
        lines.append("  reaches:")
        for r in sorted(a.reaches, key=lambda r: (r.src, r.dst)):
            lines.append(f"    {endpoint_text(a.model, r.src)} -> {endpoint_text(a.model, r.dst)}"
                         f"{' (possible)' if r.possible else ''}: {r.render()}")
    lines += [f"  note: {n}" for n in a.model.notes]
    return "\n".join(lines) + "\n"


def to_dict(a: Analysis, stack: str, source: str) -> dict[str, Any]:
    return {
        "stack": stack, "source": source, "summary": a.summary(),
        "invariants": [{"id": inv.id, "check": inv.check, "requirement": inv.requirement,
                        "verdicts": [{"resource": v.resource, "passed": v.passed, "detail": v.detail,
                                      "possible": v.possible, "path": v.path} for v in a.all().get(inv.id, [])]}
                       for inv in load()[1]],
        "reaches": [{"from": list(r.src), "to": list(r.dst), "addresses": [str(c) for c in r.addresses.iter_cidrs()],
                     "possible": r.possible, "why": r.why, "path": [h.to_dict() for h in r.path]} for r in a.reaches],
        "notes": list(a.model.notes),
    }
