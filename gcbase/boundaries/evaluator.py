"""Evaluate one concrete request against the authorization model with iamprover.

iamprover (Apache-2.0) parses the policies and encodes IAM evaluation into Z3: explicit deny
over allow, default deny, Action/NotAction/Resource/NotResource wildcards, the String/Arn/Bool/
IpAddress conditions, permission boundaries and SCP levels as intersecting caps, same-account
resource policies as a second path. The decision of every request is Z3's answer to
iamprover's `allowed(...)` formula. What this module adds, kept small (docs/BOUNDARIES.md):

1. Concrete requests: every condition key is pinned (aws:PrincipalArn and the principal's tags
   from the principal, the rest from the expectation, everything else ABSENT), so the answer
   is a decision, not "some context exists" (conditions.py rewrites the operators iamprover
   lacks).
2. SCPs grouped per level (root, OU, account) with FullAWSAccess where AWS attaches it.
3. Resource-policy principals: "arn:aws:iam::A:root" and "A" name the account (a delegation
   within A, a grant across accounts); iamprover matches exact ARNs only.
4. Roles: a same-account resource policy that names the role ARN is still capped by the role's
   permission boundary; cross-account access needs both sides; KMS needs the key policy.
5. Trust policies for sts:AssumeRole by callers outside the model (people, other accounts).
6. The deciding statement of each decision, for the report.

The Z3 formulas are built once per evaluator and shared by the requests (encoding.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import z3
from iamprover.engine.context import Context
from iamprover.engine.encoder import allowed
from iamprover.engine.patterns import expand_variables, globs_intersect
from iamprover.model import Principal, Statement

from gcbase.boundaries.encoding import Encoded, Encodings, Undecided
from gcbase.boundaries.layers import (ALLOW_ALL, LAYER_KIND, Layer, LayerCache, account_of, as_grant, fmt, for_action,
                                     names_principal, policy_of, relabel)
from gcbase.boundaries.model import AuthzModel, Doc, Role

# AWS Organizations API reference: every operation except these "can be called only from the
# organization's management account or by a member account that is a delegated administrator".
ORG_MEMBER_CALLABLE = {
    "organizations:describeorganization", "organizations:leaveorganization",
    "organizations:acceptHandshake".lower(), "organizations:declinehandshake",
    "organizations:describehandshake", "organizations:listhandshakesforaccount",
}


@dataclass(frozen=True)
class Request:
    principal: str  # role ARN, or the ARN of a caller outside the model (sts:AssumeRole)
    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()  # (key, value): aws:RequestedRegion, ...

    def ctx(self) -> dict[str, str]:
        return {k.lower(): str(v) for k, v in self.context}


SOLVER_TIMEOUT_MS = 30_000  # per request; a stack's policies take milliseconds


@dataclass
class Decision:
    allowed: bool
    deciding: str  # "SCP gc-protect-log-archive: ProtectLogArchiveObjects"
    layer: str  # scp | resource | trust | boundary | identity | service | missing | undecided

    @property
    def decided(self) -> bool:
        return self.layer != "undecided"

    def to_dict(self) -> dict:
        decision = ("allow" if self.allowed else "deny") if self.decided else "undecided"
        return {"decision": decision, "deciding": self.deciding, "layer": self.layer}


@dataclass
class Prepared:
    """A request made ready for the solver: its formula, the layers that may decide it, its pins."""

    req: Request
    formula: Encoded
    layers: list[Layer]
    pins: dict[str, str]
    role: Optional[Role] = None
    boundary: Optional[Layer] = None
    levels: list[Layer] = None  # type: ignore[assignment]
    resource: Optional[Layer] = None
    is_kms: bool = False
    cross: bool = False
    is_assume: bool = False
    key: Any = None  # what the formula is cached under (it names everything the formula reads)


class Evaluator:
    """Decides requests against one model. encodings and decisions may be shared by evaluators of other
    models (gcbase/boundaries/memo.py): every key they are read under names everything its value is a
    function of (the formula's key, the request, its pins, the names an explanation prints)."""

    def __init__(self, model: AuthzModel, timeout_ms: int = SOLVER_TIMEOUT_MS, encodings: Optional[Encodings] = None,
                 decisions: Optional[dict] = None):
        self.model = model
        self.timeout_ms = timeout_ms
        self.encodings = encodings if encodings is not None else Encodings(timeout_ms)
        self.decisions = decisions  # decision key -> Decision (None: not kept)
        self.layers = LayerCache()
        self._filtered: dict[tuple[int, str], tuple[Layer, Layer]] = {}  # (layer, action) -> its statements for it
        self._levels: dict[tuple, tuple[list[Layer], Layer]] = {}  # SCP level per pins and action

    # -- request set-up -------------------------------------------------------------------
    def _pins(self, req: Request, role: Optional[Role], resource_account: str) -> dict[str, str]:
        pins = {"aws:principalarn": req.principal, "aws:principalaccount": account_of(req.principal),
                "aws:resourceaccount": resource_account}
        for key, value in (role.tags if role else {}).items():
            pins[f"aws:principaltag/{key}".lower()] = value
        for key, value in self.model.resource_tags.get(req.resource, {}).items():
            pins[f"aws:resourcetag/{key}".lower()] = value
        pins.update(req.ctx())
        return pins

    def _resource_policy(self, resource: str) -> tuple[Optional[Doc], str]:
        """(policy of the resource, owning account) for S3 buckets/objects and KMS keys."""
        if resource.startswith("arn:aws:s3:::"):
            bucket = "arn:aws:s3:::" + resource[len("arn:aws:s3:::"):].split("/", 1)[0]
            # A bucket the model does not know is in another account (a live run sees one account).
            return self.model.resource_policies.get(bucket), self.model.resource_accounts.get(bucket, "elsewhere")
        return self.model.resource_policies.get(resource), account_of(resource)

    # -- evaluation -----------------------------------------------------------------------
    def evaluate(self, req: Request) -> Decision:
        """The decision, or an undecided one (never a deny) when the solver gives no answer."""
        try:
            return self._evaluate(req)
        except Undecided as why:
            return Decision(False, f"undecided: the solver gave no answer ({why}); not proven either way", "undecided")

    def _evaluate(self, req: Request) -> Decision:
        action = req.action.lower()
        if action.startswith("organizations:") and action not in ORG_MEMBER_CALLABLE \
                and account_of(req.principal) != self.model.management_account:
            return Decision(False, "AWS Organizations: management account only (not callable from a member account)",
                            "service")
        target = self.model.roles.get(req.resource)
        if action == "sts:assumerole" and req.principal not in self.model.roles:
            if target is None:
                return Decision(False, f"role {req.resource.rsplit('/', 1)[-1]} not found ({self.model.source})", "missing")
            return self._assume_from_outside(req, target)
        role = self.model.roles.get(req.principal)
        if role is None:
            return Decision(False, f"role {req.principal.rsplit('/', 1)[-1]} not found ({self.model.source})", "missing")
        if action == "sts:assumerole" and target is None and ":role/" in req.resource:
            return Decision(False, f"role {req.resource.rsplit('/', 1)[-1]} not found ({self.model.source}): "
                                   "no trust policy admits the caller", "missing")
        return self._evaluate_role(req, role)

    def _assume_from_outside(self, req: Request, target: Role) -> Decision:
        """A caller we do not model (a person in the identity account, another account):
        its own identity policy is assumed to allow; the trust policy decides (IAM User Guide,
        "Cross-account policy evaluation logic": the resource side must allow as well)."""
        prepared = self._prepare_outside(req, target)
        if isinstance(prepared, Decision):
            return prepared
        key = self.decision_key(prepared)
        found = self.decisions.get(key) if self.decisions is not None else None
        if found is None:
            found = self._explain_outside(req, target, *self._solve(prepared.formula, prepared.layers, req,
                                                                     prepared.pins, req.principal, allow_root=True))
            self._keep(key, found)
        return found

    def decision_key(self, p: "Prepared") -> tuple:
        """What _solve and _explain read: the formula (one object per formula key, which names every layer and
        statement), the request, its pins, the names printed. The formula object rather than its long key keeps
        a decision's key small; the decisions live no longer than the encodings that made it (memo.py)."""
        name = p.role.name if p.role is not None else self.model.roles[p.req.resource].name
        return (p.formula, p.req.action.lower(), p.req.resource, tuple(sorted(p.pins.items())), name, self.timeout_ms)

    def _keep(self, key: tuple, decision: Decision) -> None:
        if self.decisions is not None and decision.decided:  # an undecided answer may be a timeout: asked again
            self.decisions[key] = decision

    def prove(self, requests: list[Request]) -> list[Decision]:
        """The decisions of many requests, proven in batches (gcbase.boundaries.batch)."""
        from gcbase.boundaries.batch import prove_denied

        return prove_denied(self, requests)

    def _prepare_outside(self, req: Request, target: Role) -> "Prepared | Decision":
        if target.trust is None:
            return Decision(False, f"trust policy of {target.name}: none", "trust")
        pins = self._pins(req, None, target.account)
        trust = self.layers.layer(target.trust, pins)
        grant = as_grant(trust, req.principal, allow_root=True)
        key = ("outside", req.principal, repr(trust))
        formula = self.encodings.formula(
            key, lambda act, res, ctx: allowed(Principal(req.principal, []), act, res, ctx, [grant]))
        return Prepared(req, formula, [trust], pins, key=key)

    def _explain_outside(self, req: Request, target: Role, ok: bool, matches) -> Decision:
        deny = next((m for m in matches if m[2].effect == "Deny"), None)
        if deny:
            return Decision(False, fmt(deny), "trust")
        if ok:
            first = next(m for m in matches if m[2].effect == "Allow")
            return Decision(True, fmt(first), "trust")
        return Decision(False, f"trust policy of {target.name}: implicit deny (no statement admits this caller)", "trust")

    def _evaluate_role(self, req: Request, role: Role) -> Decision:
        p = self._prepare_role(req, role)
        key = self.decision_key(p)
        found = self.decisions.get(key) if self.decisions is not None else None
        if found is None:
            ok, matches = self._solve(p.formula, p.layers, req, p.pins, role.arn, allow_root=p.cross or p.is_assume)
            found = self._explain(ok, matches, req, role, p.boundary, p.levels, p.resource, p.is_kms, p.cross,
                                  p.is_assume)
            self._keep(key, found)
        return found

    def _prepare_role(self, req: Request, role: Role) -> "Prepared":
        rdoc, raccount = self._resource_policy(req.resource)
        raccount = raccount or account_of(req.resource) or role.account
        is_assume = req.resource in self.model.roles and req.action.lower() == "sts:assumerole"
        if is_assume:
            rdoc, raccount = self.model.roles[req.resource].trust, self.model.roles[req.resource].account
        pins = self._pins(req, role, raccount)
        action = req.action.lower()  # the formula is built from the statements that may apply to this action
        identity = [self._for(self.layers.layer(d, pins), action) for d in role.policies]
        boundary = self._for(self.layers.layer(role.boundary, pins), action) if role.boundary else None
        levels = [self._level(lvl, pins, action) for lvl in self.model.scp_levels.get(role.account, [])]
        resource = self._for(self.layers.layer(rdoc, pins), action) if rdoc else None
        is_kms = req.resource.startswith("arn:aws:kms:")
        cross = raccount != role.account

        key = ("role", role.arn, action, cross, is_kms, is_assume, repr(identity), repr(boundary), repr(levels),
               repr(resource))
        formula = self.encodings.formula(key, lambda act, res, ctx: self._formula(
            role, act, res, ctx, identity, boundary, levels, resource, is_kms, cross, is_assume))
        ordered = [*levels, *([resource] if resource else []), *([boundary] if boundary else []), *identity]
        return Prepared(req, formula, ordered, pins, role, boundary, levels, resource, is_kms, cross, is_assume, key)

    def _for(self, layer: Layer, action: str) -> Layer:
        key = (id(layer), action)  # layers are cached (LayerCache): their ids stay theirs
        found = self._filtered.get(key)
        if found is None or found[0] is not layer:
            found = self._filtered[key] = (layer, for_action(layer, action))
        return found[1]

    def _level(self, lvl, pins: Mapping[str, str], action: str) -> Layer:
        """One SCP level as one layer (each SCP's statements relabelled with its name), for one action."""
        layers = [self.layers.layer(d, pins) for d in lvl.policies]
        key = (lvl.target, tuple(id(x) for x in layers), action)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = (layers, Layer("scp", f"SCP level {lvl.target}",
                                                       [st for x in layers for st in relabel(self._for(x, action))]))
        return found[1]

    @staticmethod
    def _formula(role: Role, act: z3.SeqRef, res: z3.SeqRef, ctx: Context, identity: list[Layer],
                 boundary: Optional[Layer], levels: list[Layer], resource: Optional[Layer], is_kms: bool,
                 cross: bool, is_assume: bool = False) -> z3.BoolRef:
        """iamprover's formula for a role's request: `key` in _evaluate_role names all it reads."""
        id_policies = [policy_of(lyr) for lyr in identity]
        deny_only = [policy_of(lyr, effect="Deny") for lyr in identity]
        bpol = policy_of(boundary) if boundary else None
        scps = [policy_of(lvl) for lvl in levels]
        full = Principal(role.arn, id_policies, permission_boundary=bpol)
        denies = Principal(role.arn, deny_only, permission_boundary=bpol)
        identity_path = allowed(full, act, res, ctx, [], scps)
        if cross:
            if resource is None:
                formula = z3.BoolVal(False)
            else:
                formula = z3.And(identity_path, allowed(Principal(role.arn, deny_only), act, res, ctx,
                                                        [as_grant(resource, role.arn, allow_root=True)]))
        elif is_kms:
            if resource is None:
                formula = z3.BoolVal(False)
            else:
                direct = as_grant(resource, role.arn, allow_root=False)
                delegating = as_grant(resource, role.arn, allow_root=True)
                formula = z3.Or(allowed(denies, act, res, ctx, [direct], scps),
                                z3.And(identity_path, allowed(denies, act, res, ctx, [delegating], [])))
        elif is_assume:
            # IAM User Guide, "Roles terms and concepts" / "Cross-account policy evaluation logic": a role is
            # assumed only when its trust policy admits the caller; naming the caller's ARN suffices, naming
            # its account delegates to the caller's own identity policy, which must then allow too.
            if resource is None:
                formula = z3.BoolVal(False)
            else:
                admits = allowed(Principal(role.arn, deny_only), act, res, ctx,
                                 [as_grant(resource, role.arn, allow_root=True)], scps)
                direct = allowed(Principal(role.arn, deny_only), act, res, ctx,
                                 [as_grant(resource, role.arn, allow_root=False)], scps)
                formula = z3.And(admits, z3.Or(direct, identity_path))
        else:
            rps = [as_grant(resource, role.arn, allow_root=False)] if resource else []
            formula = allowed(full, act, res, ctx, rps, scps)
        if bpol is not None:  # a resource policy naming the role ARN is still capped by the boundary
            formula = z3.And(formula, allowed(Principal(role.arn, [ALLOW_ALL], permission_boundary=bpol),
                                              act, res, ctx))
        return formula

    def _solve(self, formula: Encoded, layers: list[Layer], req: Request, pins: Mapping[str, str], arn: str,
               allow_root: bool) -> tuple[bool, list[tuple[Layer, str, Statement]]]:
        """The decision, and (layer, sid, statement) of every statement that applies to the request."""
        candidates = []
        for lyr in layers:
            resource_side = lyr.kind in ("bucket", "key", "trust")
            for sid, stmt in lyr.statements:
                if resource_side and not names_principal(stmt, arn, root_counts=allow_root or stmt.effect == "Deny"):
                    continue
                if stmt.actions and not stmt.not_actions and not any(
                        globs_intersect(expand_variables(a).lower(), req.action.lower()) for a in stmt.actions):
                    continue  # iamprover's own syntactic prefilter: this statement cannot match the action
                candidates.append((lyr, sid, stmt))
        ok, applies = self.encodings.solve(formula, [c[2] for c in candidates], req.action.lower(), req.resource, pins)
        return ok, [c for c, hit in zip(candidates, applies) if hit]

    def _explain(self, ok: bool, m: list[tuple[Layer, str, Statement]], req: Request, role: Role, boundary, levels,
                 resource, is_kms: bool, cross: bool, is_assume: bool = False) -> Decision:
        deny = next((x for x in m if x[2].effect == "Deny"), None)
        if ok:
            if deny:
                raise AssertionError(f"solver allowed {req} but {fmt(deny)} denies it")
            allows = [x for x in m if x[2].effect == "Allow"]
            grant = next((x for x in allows if x[0].kind == "identity"), None)
            if grant is None or (is_kms and not cross) or (resource and (cross or is_assume)):
                grant = next((x for x in allows if x[0] is resource), grant)
            if grant is None:
                return Decision(True, "allowed", "identity")
            return Decision(True, fmt(grant), "resource" if grant[0] is resource else "identity")
        if deny:
            return Decision(False, fmt(deny), LAYER_KIND.get(deny[0].kind, "identity"))
        labels = {x[0].label for x in m if x[2].effect == "Allow"}
        for lvl in levels:
            if lvl.label not in labels:
                return Decision(False, f"{lvl.label}: implicit deny (no SCP at this level allows it)", "scp")
        if resource is None and (cross or is_kms or is_assume):
            what = "trust policy" if is_assume else "resource policy"
            return Decision(False, f"no {what} found for {req.resource} ({'cross-account' if cross else 'KMS' if is_kms else 'role'})",
                            "resource")
        if (cross or is_kms or is_assume) and resource.label not in labels:
            return Decision(False, f"{resource.label}: implicit deny (does not grant this principal)", "resource")
        if boundary is not None and boundary.label not in labels:
            return Decision(False, f"{boundary.label}: implicit deny", "boundary")
        return Decision(False, f"{role.name}: implicit deny (no identity policy allows it)", "identity")
