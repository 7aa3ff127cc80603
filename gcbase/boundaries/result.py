"""Evaluate every expectation against a model: the party x action matrix and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from gcbase.boundaries.evaluator import Decision, Evaluator, Request
from gcbase.boundaries.expectations import Catalogue, Cell, Row, Target, default_catalogue, requests
from gcbase.boundaries.model import AuthzModel
from gcbase.settings import Settings


@dataclass
class Check:
    """One concrete request of a cell and its decision."""

    account: str
    system: Optional[str]
    request: Request
    decision: Decision
    ok: bool
    via: tuple[str, ...] = ()  # generated chains: the roles assumed before the principal, first one first

    @property
    def undecided(self) -> bool:
        return not self.decision.decided

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account, "system": self.system, "principal": self.request.principal,
                "action": self.request.action, "resource": self.request.resource,
                "context": dict(self.request.context), **self.decision.to_dict(), "ok": self.ok,
                **({"via": list(self.via)} if self.via else {})}


@dataclass
class CellResult:
    cell: Cell
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.checks:
            return "n/a"
        if any(not c.ok and not c.undecided for c in self.checks):
            return "MISMATCH"
        return "UNDECIDED" if any(c.undecided for c in self.checks) else "ok"

    def to_dict(self) -> dict[str, Any]:
        c = self.cell
        return {"party": c.party, "expect": c.expect, "reason": {"ja": c.ja, "en": c.en},
                "status": self.status, "checks": [x.to_dict() for x in self.checks]}


@dataclass
class RowResult:
    row: Row
    cells: list[CellResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        r = self.row
        return {"id": r.id, "title": {"ja": r.title_ja, "en": r.title_en}, "action": r.action,
                "resource": r.resource, "in": r.scope, "as": r.caller, "generated": r.generated,
                "cells": [c.to_dict() for c in self.cells]}


@dataclass
class BoundaryResult:
    stack: str
    source: str  # plan | live
    parties: list[str]
    rows: list[RowResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)  # live only: differences from the plan

    @property
    def ok(self) -> bool:
        return not self.mismatches() and not self.drift

    def mismatches(self) -> list[tuple[Row, Cell, Check]]:
        """Every check that is not ok, the undecided ones included (fail closed wherever they are counted)."""
        return [(r.row, c.cell, x) for r in self.rows for c in r.cells for x in c.checks if not x.ok]

    def undecided(self) -> list[tuple[Row, Cell, Check]]:
        """The mismatches the solver could not decide (timeout): not proven either way, never ok."""
        return [(r.row, c.cell, x) for r in self.rows for c in r.cells for x in c.checks if x.undecided]

    def checks(self) -> list[Check]:
        return [x for r in self.rows for c in r.cells for x in c.checks]

    def summary(self) -> dict[str, int]:
        cells = [c for r in self.rows for c in r.cells]
        return {"rows": len(self.rows), "cells": len(cells), "checks": len(self.checks()),
                "generatedChecks": sum(len(c.checks) for r in self.rows if r.row.generated for c in r.cells),
                "mismatches": len(self.mismatches()), "undecided": len(self.undecided()), "drift": len(self.drift), "notApplicable": sum(c.status == "n/a" for c in cells)}

    def to_dict(self) -> dict[str, Any]:
        return {"stack": self.stack, "source": self.source, "ok": self.ok, "summary": self.summary(),
                "parties": self.parties, "rows": [r.to_dict() for r in self.rows], "drift": list(self.drift),
                "notes": list(self.notes)}

    def restricted_to(self, accounts: set[str]) -> "BoundaryResult":
        """The same matrix keeping only the checks made in the given accounts (a live run sees one)."""
        out = BoundaryResult(self.stack, self.source, self.parties, notes=list(self.notes), drift=list(self.drift))
        for r in self.rows:
            rr = RowResult(r.row)
            for c in r.cells:
                rr.cells.append(CellResult(c.cell, [x for x in c.checks if x.account in accounts]))
            out.rows.append(rr)
        return out


def evaluate_model(model: AuthzModel, settings: Settings, catalogue: Optional[Catalogue] = None,
                   accounts: Optional[set[str]] = None, generated: bool = True,
                   memo: Optional[bool] = None) -> BoundaryResult:
    """Every expectation against one model (accounts: only requests made in these accounts), then the
    generated escalation rows (generated=False: the hand-written rows only). memo: decide through the
    proofs shared by the stacks of this process (gcbase/boundaries/memo.py; None: unless switched off by
    GCBASE_BOUNDARY_MEMO=0 or GCBASE_CACHE=0); the result is the same either way."""
    from gcbase.boundaries import memo as shared

    cat = catalogue or default_catalogue()
    ev = shared.MemoEvaluator(model, settings) if (shared.enabled() if memo is None else memo) else Evaluator(model)
    result = BoundaryResult(settings.stack, model.source, cat.party_ids, notes=list(model.notes))
    for row in cat.rows:
        rr = RowResult(row)
        for cell in row.cells:
            cr = CellResult(cell)
            for target, req in requests(row, cell, settings, model, cat):
                if accounts is not None and target.account not in accounts:
                    continue
                decision = ev.evaluate(req)
                ok = decision.decided and decision.allowed == (cell.expect == "allow")
                cr.checks.append(Check(target.account, target.system.id if target.system else None, req, decision, ok))
            rr.cells.append(cr)
        result.rows.append(rr)
    if generated:
        _generated(result, model, settings, cat, ev, accounts)
    return result


def _generated(result: BoundaryResult, model: AuthzModel, settings: Settings, cat: Catalogue, ev: Evaluator,
               accounts: Optional[set[str]]) -> None:
    """The escalation rows (gcbase.boundaries.escalation), every request expected denied, proven in batches."""
    from gcbase.boundaries import escalation

    for row, by_party in escalation.rows(model, settings, cat, ev):
        rr = RowResult(row)
        for cell in row.cells:
            items = [x for x in by_party[cell.party] if accounts is None or x[0] in accounts]
            decisions = [escalation.unknown_if_unevaluated(model, d, x[2].principal)
                         for x, d in zip(items, ev.prove([x[2] for x in items]))]
            rr.cells.append(CellResult(cell, [Check(acct, system, req, d, d.decided and not d.allowed, via)
                                              for (acct, system, req, via), d in zip(items, decisions)]))
        result.rows.append(rr)


def _settings_of(plan) -> Settings:
    from gcbase.errors import GcbaseError
    from gcbase.validate import load_settings

    if not plan.config_file:
        raise GcbaseError.one(plan.stack, "", "boundaries need the stack config the plan came from (plan.config_file)")
    return load_settings(plan.config_file)


def evaluate(plan, settings: Optional[Settings] = None, catalogue: Optional[Catalogue] = None,
             memo: Optional[bool] = None) -> BoundaryResult:
    """The boundary matrix of a synthesized plan; `gcbase check` includes `.to_dict()` of it."""
    from gcbase.boundaries.from_plan import from_plan

    s = settings or _settings_of(plan)
    model = from_plan(plan, s.accounts.governance, list(s.account_ids))
    return evaluate_model(model, s, catalogue, memo=memo)


__all__ = ["BoundaryResult", "CellResult", "Check", "RowResult", "Target", "evaluate", "evaluate_model"]
