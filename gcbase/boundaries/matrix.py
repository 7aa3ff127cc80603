"""Print a BoundaryResult: the party x action grid, then every cell with its deciding statement."""

from __future__ import annotations

from gcbase.boundaries.result import BoundaryResult, CellResult

_MARK = {("allow", "ok"): "allow", ("deny", "ok"): "deny", ("allow", "MISMATCH"): "ALLOW?!",
         ("deny", "MISMATCH"): "DENY?!", ("allow", "UNDECIDED"): "??", ("deny", "UNDECIDED"): "??"}


def _short(cell: CellResult) -> str:
    if cell.status == "n/a":
        return "n/a"
    return _MARK[(cell.cell.expect, cell.status)]


def grid(result: BoundaryResult) -> str:
    """Rows = critical actions, columns = parties; "DENY?!" marks an expected deny that was allowed."""
    parties = [p for p in result.parties if any(c.cell.party == p for r in result.rows for c in r.cells)]
    width = max(len(r.row.id) for r in result.rows) if result.rows else 10
    cols = [max(len(p), 7) for p in parties]
    lines = ["  ".join([f"{'action':<{width}}", *(f"{p:<{w}}" for p, w in zip(parties, cols))])]
    for r in result.rows:
        by_party = {c.cell.party: c for c in r.cells}
        cells = [(_short(by_party[p]) if p in by_party else ".") for p in parties]
        lines.append("  ".join([f"{r.row.id:<{width}}", *(f"{c:<{w}}" for c, w in zip(cells, cols))]))
    return "\n".join(line.rstrip() for line in lines)


def details(result: BoundaryResult, all_checks: bool = False) -> str:
    """Each cell's deciding statement; every check of a mismatching cell (all of them with all_checks)."""
    out: list[str] = []
    for r in result.rows:
        out.append(f"{r.row.id}: {r.row.title_en} / {r.row.title_ja}  [{r.row.action}]")
        for c in r.cells:
            head = f"  {c.cell.party:<17} expect {c.cell.expect:<5} {c.status:<8}"
            if not c.checks:
                out.append(f"{head} (no such role or resource in this stack)")
                continue
            shown = c.checks if (all_checks or c.status != "ok") else c.checks[:1]
            for i, x in enumerate(shown):
                where = x.account + (f"/{x.system}" if x.system else "")
                got = ("allow" if x.decision.allowed else "deny") if x.decision.decided else "no answer"
                prefix = head if i == 0 else " " * len(head)
                flag = "" if x.ok else "  <-- got " + got
                out.append(f"{prefix} {where:<20} {x.decision.deciding}{flag}")
            if len(c.checks) > len(shown):
                out.append(" " * len(head) + f" (+{len(c.checks) - len(shown)} more checks in other accounts/systems, all ok)")
    return "\n".join(out)


def render(result: BoundaryResult, all_checks: bool = False) -> str:
    s = result.summary()
    head = (f"{result.stack} ({result.source}): {s['cells']} expectations, {s['checks']} checks "
            f"({s['generatedChecks']} generated: every party role x privileged capability), {s['mismatches']} mismatch(es)")
    if s["undecided"]:
        head += f" ({s['undecided']} undecided: the solver gave no answer)"
    if result.source == "live":
        head += f", {s['drift']} drift(s) from the plan"
    parts = [head, "", grid(result), "", details(result, all_checks)]
    if result.drift:
        parts += ["", *(f"drift: {d}" for d in result.drift)]
    if result.notes:
        parts += ["", *(f"note: {n}" for n in result.notes)]
    return "\n".join(parts) + "\n"
