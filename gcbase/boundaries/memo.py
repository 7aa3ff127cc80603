"""Boundary proofs shared across the stacks of one process (a fleet worker proves stack after stack).

Each stack's matrix asks thousands of requests of models that differ between stacks only in account
ids and names. The stack's model and requests are renamed to placeholders (canonical.py), evaluated by
an Evaluator whose Z3 formulas and decisions are shared by every stack of the process (keyed by the
renamed content: two stacks from the same templates ask the same renamed questions), and each decision
is renamed back to the stack's own values. A decision that reads a document or value the renaming could
change (canonical.hazard) is proven on the stack's own model instead, as without the memo.

Off with GCBASE_BOUNDARY_MEMO=0 (or GCBASE_CACHE=0, which turns every gcbase cache off); nothing is
stored on disk. tests/boundaries/test_memo.py compares every result with the run without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from gcbase.boundaries.canonical import PRIVATE_USE, Renaming, canonical_model, docs_read, hazard, renaming, structure
from gcbase.boundaries.encoding import Encodings
from gcbase.boundaries.evaluator import SOLVER_TIMEOUT_MS, Decision, Evaluator, Request
from gcbase.boundaries.model import AuthzModel, Doc
from gcbase.settings import Settings

ENV_SWITCH = "GCBASE_BOUNDARY_MEMO"
# Bounds on what one process keeps (a fleet worker runs hundreds of stacks): past them it starts afresh.
MAX_DECISIONS = 400_000
MAX_FORMULAS = 20_000


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1") != "0" and os.environ.get("GCBASE_CACHE", "1") != "0"


@dataclass
class Stats:
    stacks: int = 0
    renamed: int = 0  # decisions asked of the renamed model (hits and misses of the shared caches)
    own: int = 0  # decisions proven on the stack's own model (a hazard)
    reasons: dict[str, int] = field(default_factory=dict)


class _Shared:
    """What the stacks of this process share: formulas and decisions over renamed models."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.encodings = Encodings(SOLVER_TIMEOUT_MS)
        self.decisions: dict = {}
        self.stats = Stats()

    def trim(self) -> None:
        if len(self.decisions) > MAX_DECISIONS or len(self.encodings._formulas) > MAX_FORMULAS:
            stats = self.stats
            self.reset()
            self.stats = stats


SHARED = _Shared()


def reset() -> None:
    """Forget every shared proof (tests; a fresh fleet run)."""
    SHARED.reset()


class MemoEvaluator:
    """Evaluator's interface (evaluate, prove, model) for one stack, answered from the shared proofs."""

    def __init__(self, model: AuthzModel, settings: Settings, shared: _Shared = SHARED):
        shared.trim()
        self.model = model
        # a model the renaming cannot keep injective is proven on its own model, every decision of it
        words, self.whole = structure(model)
        self.whole: Optional[str]
        self.renaming: Renaming = renaming(settings, model, words) if self.whole is None else Renaming({})
        self.canonical = canonical_model(model, self.renaming)
        self.shared = shared
        self.ev = Evaluator(self.canonical, encodings=shared.encodings, decisions=shared.decisions)
        self._own: Optional[Evaluator] = None
        self._hazards: dict[int, tuple[Doc, Optional[str], frozenset[str]]] = {}
        self._slices: dict[tuple[str, str], tuple[Optional[str], frozenset[str]]] = {}
        shared.stats.stacks += 1

    @property
    def own(self) -> Evaluator:
        """The stack's own evaluator, for decisions the renaming could change (as without the memo)."""
        if self._own is None:
            self._own = Evaluator(self.model)
        return self._own

    # -- validity -------------------------------------------------------------------------------
    def _hazard(self, doc: Doc) -> Optional[str]:
        found = self._hazards.get(id(doc))
        if found is None or found[0] is not doc:
            why, numeric = hazard(doc, self.renaming)
            found = self._hazards[id(doc)] = (doc, why, numeric)
        return found[1]

    def why_not(self, req: Request) -> Optional[str]:
        """Why this decision is not taken from the renamed model (None: it may be)."""
        r = self.renaming
        if self.whole is not None:
            return self.whole
        if any(PRIVATE_USE.search(t) for t in (req.principal, req.action, req.resource, *(x for kv in req.context for x in kv))):
            return "private-use characters in the request (the placeholders' alphabet)"
        if r.has_token(req.action.lower()):
            return "a token in the action"
        pair = (req.principal, req.resource)
        if pair not in self._slices:
            self._slices[pair] = self._slice(*pair)
        why, numeric = self._slices[pair]
        if why:
            return why
        for key, value in req.context:
            if r.has_token(key.lower()):
                return f"a token in the context key {key}"
            if key.lower() in numeric and r.has_token(value):
                return "a Numeric/Date condition over a value with a token"
        return None

    def _slice(self, principal: str, resource: str) -> tuple[Optional[str], frozenset[str]]:
        """(why not, the Numeric/Date condition keys) of what a decision of (principal, resource) reads."""
        r, numeric = self.renaming, set()
        for doc in docs_read(self.model, principal, resource):
            why = self._hazard(doc)
            if why:
                return why, frozenset()
            numeric |= self._hazards[id(doc)][2]
        # Numeric/Date conditions are decided on the pinned value: it must hold no token. Pins come from the
        # principal and the resource, their tags and the request's context (Evaluator._pins).
        role = self.model.roles.get(principal)
        tags = {**{f"aws:principaltag/{k}".lower(): v for k, v in (role.tags if role else {}).items()},
                **{f"aws:resourcetag/{k}".lower(): v for k, v in self.model.resource_tags.get(resource, {}).items()}}
        if any(r.has_token(k) for k in tags):
            return "a token in a tag key", frozenset()
        if any(r.has_token(str(v)) for k, v in tags.items() if k in numeric):
            return "a Numeric/Date condition over a value with a token", frozenset()
        if numeric & {"aws:principalarn", "aws:principalaccount", "aws:resourceaccount"}:
            return "a Numeric/Date condition over the principal or the resource account", frozenset()
        return None, frozenset(numeric)

    def _count(self, why: Optional[str]) -> None:
        stats = self.shared.stats
        if why is None:
            stats.renamed += 1
        else:
            stats.own += 1
            stats.reasons[why] = stats.reasons.get(why, 0) + 1

    # -- the evaluator's interface --------------------------------------------------------------
    def _rename(self, req: Request) -> Request:
        c = self.renaming.canon
        return Request(c(req.principal), req.action, c(req.resource), tuple((c(k), c(v)) for k, v in req.context))

    def _back(self, d: Decision) -> Decision:
        return Decision(d.allowed, self.renaming.restore(d.deciding), d.layer)

    def evaluate(self, req: Request) -> Decision:
        why = self.why_not(req)
        self._count(why)
        if why is not None:
            return self.own.evaluate(req)
        return self._back(self.ev.evaluate(self._rename(req)))

    def prove(self, requests: list[Request]) -> list[Decision]:
        from gcbase.boundaries.batch import prove_denied

        why = [self.why_not(r) for r in requests]
        for w in why:
            self._count(w)
        renamed = [i for i, w in enumerate(why) if w is None]
        own = [i for i, w in enumerate(why) if w is not None]
        out: list[Optional[Decision]] = [None] * len(requests)
        for i, d in zip(renamed, prove_denied(self.ev, [self._rename(requests[i]) for i in renamed])):
            out[i] = self._back(d)
        if own:
            for i, d in zip(own, prove_denied(self.own, [requests[i] for i in own])):
                out[i] = d
        return out  # type: ignore[return-value]
