"""External access: can anyone outside the zone of trust be allowed by one resource-based policy?

Asked the way IAM Access Analyzer asks it (Zelkova): not for one request, but "is there ANY request
context under which a principal outside the zone is allowed?". The policy is encoded by iamprover
(explicit deny over allow, wildcards, NotAction/NotResource, the String/Arn/Bool/IpAddress
conditions); every condition key the caller controls stays a free Z3 variable, and only what
identifies the caller is fixed (baselines/trust/zone.yaml):

  - any outsider: an account id outside the zone, chosen by the solver (so a condition naming one
    particular outside account cannot hide it), its principal ARN in that account; aws:PrincipalOrgID
    stays free (Government Cloud's organization holds every other municipality's accounts);
  - each outside account or ARN the policy names, as itself;
  - each vendor account the policy names: for a role that vendor takes, "allowed WITHOUT one of the
    required conditions" (ExternalId, MFA, its party and vendor tags); for anything else, "allowed";
  - each AWS service the policy names, acting for a resource in an account outside the zone (or
    sending no source key at all): aws:SourceAccount, aws:SourceArn and the encryption-context ARNs.

Operators that need a concrete value (Numeric*, Date*, *IgnoreCase) are unknown to the encoding:
true in an Allow, false in a Deny, which can only add findings (gcbase.boundaries.conditions, free).
A satisfying model is the finding: principal, witness action and context, and the Allow statement it
matched (the deciding statement). iamprover drops NotPrincipal; it is resolved here, per caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

import z3
from iamprover.engine.context import Context
from iamprover.engine.encoder import allowed, statement_matches
from iamprover.model import Policy, Principal, Statement
from iamprover.parsers.iam import parse_statement

from gcbase.actions import canonical
from gcbase.boundaries.conditions import ABSENT, rewrite_statement
from gcbase.trust import Undecidable
from gcbase.trust.arnkeys import Domain, decide
from gcbase.trust.principals import Caller, _as_list, applies, callers
from gcbase.trust.zone import Zone, settings

TIMEOUT_MS = 20_000
WITNESS_MS = 1_000  # per candidate action tried for a readable example
_UNESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")
_DIGITS12 = z3.Loop(z3.Range("0", "9"), 12, 12)
_ACTION = z3.Concat(z3.Plus(z3.Union(z3.Range("a", "z"), z3.Range("0", "9"), z3.Re("-"))), z3.Re(":"),
                    z3.Plus(z3.Union(z3.Range("a", "z"), z3.Range("0", "9"))))


@dataclass
class Exposure:
    """One way a principal outside the zone gets in."""

    caller: str
    sid: str
    actions: str
    conditions: str
    witness_action: str
    witness_context: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # vendor conditions the witness request lacks

    def text(self) -> str:
        how = f"without {', '.join(self.missing)}" if self.missing else ""
        ctx = ", ".join(f"{k}={v}" for k, v in sorted(self.witness_context.items()))
        return (f"{self.caller} may {self.witness_action}{' ' + how if how else ''} "
                f"(deciding statement {self.sid}: {self.actions}; condition {self.conditions})"
                + (f"; e.g. with {ctx}" if ctx else ""))


# -- the question ----------------------------------------------------------------------------------
def _statements(doc: dict) -> list[dict]:
    raw = doc.get("Statement", [])
    return [s for s in _as_list(raw) if isinstance(s, dict)]


def _domains(caller: Caller, zone: Zone) -> dict[str, Domain]:
    """The ARN-valued keys whose conditions gcbase.trust.arnkeys decides for this caller."""
    pk, sk = settings()["principalKeys"], settings()["sourceKeys"]
    out: dict[str, Domain] = {}
    if caller.kind == "aws" and not caller.value.startswith("arn:"):
        for key in pk["arn"]:
            out[key.lower()] = Domain(absent=False, account=caller.account, zone=zone.known)
    elif caller.kind == "service":
        for key in sk["arn"]:
            out[key.lower()] = Domain(absent=True, zone=zone.inside)
    return out


def _resolved(statements: list[dict], caller: Caller, zone: Zone) -> list[tuple[str, dict, Statement]]:
    out = []
    domains = _domains(caller, zone)
    for i, raw in enumerate(statements):
        stmt = decide(rewrite_statement(parse_statement(raw), {}, free=True), domains)
        if stmt is None:
            continue  # a condition on an ARN key no value of the caller's domain can meet
        stmt.principals = [caller.arn()] if applies(raw, caller) else []
        out.append((str(raw.get("Sid") or f"statement {i + 1}"), raw, stmt))
    return out


def _outside(var: z3.SeqRef, zone_accounts: frozenset[str], absent_ok: bool = False) -> z3.BoolRef:
    """var is a 12-digit account id that is none of the zone's (or, with absent_ok, the key is absent)."""
    is_outside = z3.And(z3.InRe(var, _DIGITS12), *[var != z3.StringVal(a) for a in sorted(zone_accounts)])
    return z3.Or(var == z3.StringVal(ABSENT), is_outside) if absent_ok else is_outside


def _bind(ctx: Context, caller: Caller, zone: Zone) -> list[z3.BoolRef]:
    """What identifies the caller, as constraints on the context keys the policy reads.

    Each key is constrained on its own (an outside account, an ARN in an outside account): a context in
    which two keys name two different outside accounts is allowed too, which can only add findings."""
    keys = settings()
    pk, sk = keys["principalKeys"], keys["sourceKeys"]
    have = ctx.string_vars
    absent = z3.StringVal(ABSENT)
    out: list[z3.BoolRef] = []

    def var(key: str) -> Optional[z3.SeqRef]:
        return have.get(key.lower())

    if caller.kind == "aws":
        for key in pk["account"]:
            if var(key) is not None:
                out.append(var(key) == z3.StringVal(caller.account) if caller.account else _outside(var(key), zone.known))
        for key in pk["arn"]:
            if var(key) is not None and caller.value.startswith("arn:"):
                out.append(var(key) == z3.StringVal(caller.value))
        if var(pk["service"]) is not None:
            out.append(var(pk["service"]) == z3.StringVal("false"))
        for key in [*sk["account"], *sk["arn"]]:  # a direct call carries no source
            if var(key) is not None:
                out.append(var(key) == absent)
    elif caller.kind == "service":
        for key in [*pk["account"], *sk["account"]]:
            if var(key) is not None:
                out.append(_outside(var(key), zone.inside, absent_ok=True))
        for key in pk["arn"]:
            if var(key) is not None:
                out.append(var(key) == absent)
        if var(pk["service"]) is not None:
            out.append(var(pk["service"]) == z3.StringVal("true"))
    return out


def _resource_constraint(resource: Optional[str]) -> list[z3.BoolRef]:
    from gcbase.boundaries.encoding import RESOURCE

    if not resource:
        return []
    if resource.startswith("arn:aws:s3:::") and "/" not in resource:  # a bucket: itself or its objects
        return [z3.Or(RESOURCE == z3.StringVal(resource), z3.PrefixOf(z3.StringVal(resource + "/"), RESOURCE))]
    return [RESOURCE == z3.StringVal(resource)]


def ask(doc: dict, caller: Caller, zone: Zone, resource: Optional[str] = None,
        required: tuple[tuple[str, str], ...] = (), reported: frozenset[str] = frozenset()) -> Optional[Exposure]:
    """The exposure of `doc` to `caller`, or None when no request of the caller is allowed.

    required: conditions the caller's allowed requests must all carry (a vendor's); then the
    question is whether a request lacking at least one of them is allowed.
    reported: Allow statements already reported as a way in (the policy fails anyway): left out, so
    the question is whether the caller has another way in."""
    from gcbase.boundaries.encoding import ACTION, RESOURCE

    raw_statements = _statements(doc)
    resolved = [(sid, raw, st) for sid, raw, st in _resolved(raw_statements, caller, zone)
                if not (st.effect == "Allow" and sid in reported)]
    if not any(st.effect == "Allow" and st.principals for _, _, st in resolved):
        return None  # no statement grants this caller anything (principal matching, as iamprover's)
    ctx = Context(prefix="gcbase:trust:")
    for key, _ in required:
        ctx.string(key)
    policy = Policy("resource", [st for _, _, st in resolved])
    decision = allowed(Principal(caller.arn(), []), ACTION, RESOURCE, ctx, [policy])
    matches = [(sid, raw, statement_matches(st, ACTION, RESOURCE, ctx)) for sid, raw, st in resolved
               if st.effect == "Allow" and st.principals]
    solver = z3.Solver()
    solver.set("timeout", TIMEOUT_MS)
    # aws:SourceIp, when read, stays free: an outsider chooses where to call from
    solver.add(decision, z3.InRe(ACTION, _ACTION), *_resource_constraint(resource), *_bind(ctx, caller, zone))
    if required:
        solver.add(z3.Or(*[ctx.string(k) != z3.StringVal(v) for k, v in required]))
    answer = solver.check()
    if answer == z3.unknown:
        raise Undecidable(f"the solver gave no answer ({solver.reason_unknown() or 'unknown'})")
    if answer == z3.unsat:
        return None
    model = solver.model()
    model = _readable_action(solver, raw_for_witness(matches)) or model

    def value(v: z3.SeqRef) -> str:
        got = model.eval(v, model_completion=True)
        text = got.as_string() if z3.is_string_value(got) else str(got)
        return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)  # Z3 prints non-ASCII as \u{...}

    sid, raw = next(((s, r) for s, r, term in matches if z3.is_true(model.eval(term, model_completion=True))),
                    (matches[0][0], matches[0][1]) if matches else ("?", {}))
    read = {k: value(v) for k, v in ctx.string_vars.items()}
    shown = {k: ("(absent)" if v == ABSENT else v) for k, v in read.items()
             if k in _condition_keys(raw) or any(k == rk.lower() for rk, _ in required)}
    missing = tuple(f"{k} = {v}" for k, v in required if read.get(k.lower()) != v)
    pk, sk = settings()["principalKeys"], settings()["sourceKeys"]
    acct = next((read[k.lower()] for k in [*pk["account"], *sk["account"]] if read.get(k.lower(), ABSENT) != ABSENT), "")
    if caller.kind == "aws" and not caller.account:
        who = f"a principal of {'account ' + acct if acct else 'an account'} outside the zone of trust"
    elif caller.kind == "service":
        who = f"AWS service {caller.value} acting for {'account ' + acct if acct else 'a resource'} outside the zone of trust"
    else:
        who = caller.label()
    return Exposure(who, sid, _actions_text(raw), _compact(raw.get("Condition")) or "none", canonical(value(ACTION)), shown,
                    missing)


def raw_for_witness(matches: list) -> list[str]:
    """Concrete actions (no wildcard) the granting statements name, to show a real one as the witness."""
    out: list[str] = []
    for _, raw, _ in matches:
        out += [str(a) for a in _as_list(raw.get("Action")) if "*" not in str(a) and "?" not in str(a)]
    return out + list(settings().get("probeActions") or [])


def _readable_action(solver: z3.Solver, candidates: list[str]) -> Optional[z3.ModelRef]:
    """A model whose action is a real one, when one of the candidates is allowed (each tried for at most
    WITNESS_MS: the finding stands without it, only the example shown is less readable)."""
    from gcbase.boundaries.encoding import ACTION

    solver.set("timeout", WITNESS_MS)
    for action in dict.fromkeys(a.lower() for a in candidates):
        solver.push()
        solver.add(ACTION == z3.StringVal(action))
        found = solver.model() if solver.check() == z3.sat else None
        solver.pop()
        if found is not None:
            return found
    return None


def _condition_keys(raw: dict) -> set[str]:
    cond = raw.get("Condition") or {}
    return {str(k).lower() for block in cond.values() if isinstance(block, dict) for k in block}


def _actions_text(raw: dict) -> str:
    if "NotAction" in raw:
        return "every action but " + ", ".join(str(a) for a in _as_list(raw["NotAction"]))
    return ", ".join(str(a) for a in _as_list(raw.get("Action")))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""


def exposures(doc: dict, zone: Zone, resource: Optional[str] = None, kind: str = "") -> list[Exposure]:
    """Every way principals outside the zone are allowed by one resource-based policy document.

    kind "trust": the document is a role's trust policy (resource = the role ARN), where a vendor's
    account may assume the vendor's own roles with the required conditions."""
    out: list[Exposure] = []
    for caller in callers(_statements(doc), zone):
        required: tuple[tuple[str, str], ...] = ()
        if caller.vendor and kind == "trust" and resource:
            role = zone.vendor_role(caller.account, resource)
            if role is not None:
                required = role.required
        if not required:
            found = ask(doc, caller, zone, resource, reported=frozenset(e.sid for e in out if not e.missing))
            if found is not None:
                out.append(found)  # one finding per granting statement ("*" admits every service too)
            continue
        # a vendor's own role: which of its conditions can each be left out (one question each)
        lacking = [found for key, value in required
                   if (found := ask(doc, caller, zone, resource, ((key, value),))) is not None]
        if lacking:
            first = lacking[0]
            first.missing = tuple(m for f in lacking for m in f.missing)
            out.append(first)
    return out
