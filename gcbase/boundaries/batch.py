"""Prove many expected denies at once: the generated (escalation) requests of a stack.

A stack has a few thousand of them, nearly all denied, and one solver call per request would take
tens of seconds. Two steps keep them exact and fast:

1. What needs no formula (presolve), by principal and action matching, as iamprover itself matches
   principals (as_grant) and pre-filters statements by action (globs_intersect), outside Z3:
   AWS Organizations calls from a member account; a role or trust that does not exist; a resource-side
   policy (a trust, a key policy, any cross-account request) none of whose Allow statements names the
   caller, its account or "*"; and a request no Allow statement of the caller's identity policies (or
   resource policy) can match by its Action/NotAction, or that its permission boundary or one SCP level
   cannot match. Each is a deny whatever the conditions say.
2. The rest: the requests sharing one formula (the caller's policies, boundary, SCP levels and the
   resource-side policy, the statements that may apply to the action; Evaluator._prepare_role) are the
   same formula with the keys they share fixed. Z3's simplifier rewrites that instance once, then each
   request's ground instance; one that simplifies to false is denied. Anything that does not simplify
   to false is evaluated alone by the solver, with its deciding statement.
"""

from __future__ import annotations

import weakref
from typing import Optional, Sequence

import z3
from iamprover.model import Statement
from iamprover.parsers.iam import parse_policy_document

from gcbase.boundaries.conditions import ABSENT
from gcbase.boundaries.encoding import ACTION, RESOURCE, Undecided
from gcbase.boundaries.evaluator import ORG_MEMBER_CALLABLE, Decision, Evaluator, Prepared, Request
from gcbase.boundaries.layers import account_of, acts_on, label_of, names_principal
from gcbase.boundaries.model import Doc, Role

PROVEN = "proof"  # Decision.layer of a deny shown by the simplifier (the formula of the request is false)
_PARSED: "weakref.WeakKeyDictionary[Evaluator, _Parsed]" = weakref.WeakKeyDictionary()


class _Parsed:
    """Policy documents parsed once (principals and action clauses only), per evaluator."""

    def __init__(self) -> None:
        self.docs: dict[int, tuple[Doc, list[Statement]]] = {}
        self.answers: dict[tuple, bool] = {}

    def of(self, doc: Doc) -> list[Statement]:
        found = self.docs.get(id(doc))
        if found is None or found[0] is not doc:
            found = self.docs[id(doc)] = (doc, parse_policy_document(doc.name, doc.document).statements)
        return found[1]

    def allows(self, doc: Doc, action: str, principal: Optional[str] = None, root: bool = False) -> bool:
        """Whether an Allow statement of the document may apply to the action (and names the principal)."""
        key = (id(doc), action, principal, root)
        if key not in self.answers:
            self.answers[key] = _allows(self.of(doc), action, principal, root)
        return self.answers[key]


def _allows(statements: list[Statement], action: str, principal: Optional[str] = None, root: bool = False) -> bool:
    return any(st.effect == "Allow" and acts_on(st, action)
               and (principal is None or names_principal(st, principal, root_counts=root)) for st in statements)


def presolve(ev: Evaluator, req: Request, parsed: _Parsed) -> Optional[Decision]:
    """A deny that needs no formula (module docstring, step 1), or None."""
    model, action = ev.model, req.action.lower()
    if action.startswith("organizations:") and action not in ORG_MEMBER_CALLABLE \
            and account_of(req.principal) != model.management_account:
        return Decision(False, "AWS Organizations: management account only (not callable from a member account)", "service")
    target = model.roles.get(req.resource)
    if action == "sts:assumerole":
        if target is None:
            return Decision(False, f"role {req.resource.rsplit('/', 1)[-1]} not found ({model.source})", "missing")
        if target.trust is None or not parsed.allows(target.trust, action, req.principal, root=True):
            return Decision(False, f"trust policy of {target.name}: implicit deny (names neither this caller nor its "
                                   "account)", "trust")
        if req.principal not in model.roles:
            return None
    role = model.roles.get(req.principal)
    if role is None:
        return Decision(False, f"role {req.principal.rsplit('/', 1)[-1]} not found ({model.source})", "missing")
    return _by_action(ev, req, role, action, parsed)


def _by_action(ev: Evaluator, req: Request, role: Role, action: str, parsed: _Parsed) -> Optional[Decision]:
    rdoc, raccount = ev._resource_policy(req.resource)
    raccount = raccount or account_of(req.resource) or role.account
    assume = action == "sts:assumerole"
    cross, kms = raccount != role.account, req.resource.startswith("arn:aws:kms:")
    if (cross or kms) and not assume:
        if rdoc is None:
            return Decision(False, f"no resource policy found for {req.resource} ({'cross-account' if cross else 'KMS'})",
                            "resource")
        if not parsed.allows(rdoc, action, role.arn, root=True):
            return Decision(False, f"{label_of(rdoc)}: implicit deny (names neither this principal nor its account "
                                   "for this action)", "resource")
    identity = any(parsed.allows(d, action) for d in role.policies)
    if assume:  # the trust naming the role's own ARN admits it without an identity policy (same account only)
        trust = ev.model.roles[req.resource].trust
        granted = not cross and trust is not None and parsed.allows(trust, action, role.arn)
    else:
        granted = rdoc is not None and not cross and not kms and parsed.allows(rdoc, action, role.arn)
    if not identity and not granted:
        return Decision(False, f"{role.name}: implicit deny (no identity policy statement names this action)", "identity")
    if role.boundary is not None and not parsed.allows(role.boundary, action):
        return Decision(False, f"boundary {role.boundary.name}: implicit deny (no statement names this action)", "boundary")
    for level in ev.model.scp_levels.get(role.account, []):
        if not any(parsed.allows(d, action) for d in level.policies):
            return Decision(False, f"SCP level {level.target}: implicit deny (no SCP at this level names this action)", "scp")
    return None


def _instance(expr: z3.BoolRef, pairs: list[tuple[z3.SeqRef, str]]) -> z3.BoolRef:
    return z3.simplify(z3.substitute(expr, *[(var, z3.StringVal(value)) for var, value in pairs])) if pairs else expr


def prove_denied(ev: Evaluator, requests: Sequence[Request]) -> list[Decision]:
    """The decision of every request (module docstring)."""
    parsed = _PARSED.setdefault(ev, _Parsed())
    out: list[Optional[Decision]] = [None] * len(requests)
    groups: dict[tuple[int, str], list[tuple[int, Prepared]]] = {}
    for i, req in enumerate(requests):
        found = presolve(ev, req, parsed)
        if found is not None:
            out[i] = found
            continue
        try:
            prepared = ev._prepare_outside(req, ev.model.roles[req.resource]) if req.principal not in ev.model.roles \
                else ev._prepare_role(req, ev.model.roles[req.principal])
        except Undecided as why:
            out[i] = Decision(False, f"undecided: the solver gave no answer ({why}); not proven either way", "undecided")
            continue
        if isinstance(prepared, Decision):
            out[i] = prepared
        elif ev.decisions is not None and ("ground", *ev.decision_key(prepared)) in ev.decisions:
            out[i] = _proven(prepared) if ev.decisions[("ground", *ev.decision_key(prepared))] else ev.evaluate(req)
        else:
            groups.setdefault((id(prepared.formula), req.action.lower()), []).append((i, prepared))
    for (_, action), members in groups.items():
        formula = members[0][1].formula
        keys = list(formula.keys.items())
        common = {k: members[0][1].pins.get(k, ABSENT) for k, _ in keys}
        common = {k: v for k, v in common.items() if all(p.pins.get(k, ABSENT) == v for _, p in members)}
        shared = _instance(formula.expr, [(ACTION, action), *[(var, common[k]) for k, var in keys if k in common]])
        for i, p in members:
            ground = shared if z3.is_false(shared) else _instance(
                shared, [(RESOURCE, p.req.resource), *[(var, p.pins.get(k, ABSENT)) for k, var in keys if k not in common]])
            if ev.decisions is not None and (z3.is_false(ground) or z3.is_true(ground)):
                # kept only when the ground instance simplified to a constant: then the answer is that constant,
                # whichever other requests shared the formula's instance (the grouping differs between stacks)
                ev.decisions[("ground", *ev.decision_key(p))] = z3.is_false(ground)
            if z3.is_false(ground):
                out[i] = _proven(p)
            else:
                out[i] = ev.evaluate(p.req)  # allowed, or not simplified: the solver decides and explains
    return [d for d in out if d is not None]


def _proven(p: Prepared) -> Decision:
    who = p.role.name if p.role else p.layers[0].label
    return Decision(False, f"{who}: no statement allows it (the request's formula simplifies to false)", PROVEN)
