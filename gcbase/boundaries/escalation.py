"""Privilege escalation, generated: every non-privileged party role x every privileged capability.

The hand-written expectations (expectations.yaml) ask the questions someone thought of; this module
asks all of them. From the authorization model of a plan it takes every role of a non-privileged party
(baselines/iam/parties.yaml), every capability of baselines/boundaries/escalation.yaml and every target
the model has for it, and expects each request denied. Then the chains: every role of the plan a party
role can assume, or pass to a compute service (code it deploys runs as that role), is checked as well, on
the party's behalf (A assumes B, or runs code as B, which can do X), up to CHAIN_DEPTH links; workload and
service roles, and roles a vendor program adds, are links like any other (Generator.reachable).
Last, separation: a person (or a vendor's own account) acting as one party cannot enter another party's
role, so one identity never holds two roles (a vendor that is both ASP and 運用管理補助者 gets two).

Rows come out as expectation rows (Row, Cell) marked generated, evaluated together (gcbase.boundaries.batch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

from gcbase.baselines import BASELINES
from gcbase.boundaries.evaluator import Evaluator, Request
from gcbase.boundaries.expectations import Catalogue, Cell, Row
from gcbase.boundaries.layers import names_principal
from gcbase.boundaries.evaluator import Decision
from gcbase.boundaries.model import UNEVALUATED, AuthzModel, Role
from gcbase.errors import GcbaseError, Problem
from gcbase.intent import operator_parties
from gcbase.settings import Settings
from gcbase.yamlio import load_yaml

ESCALATION = BASELINES / "boundaries" / "escalation.yaml"
TARGETS = ("privileged-roles", "other-party-roles", "party-roles-here", "party-policies-here", "other-roles-here",
           "new-roles-here", "keys", "trails-here", "log-archive", "detection-here", "account-wide")
CHAIN_DEPTH = 3
SEPARATION = "esc-one-identity-one-role"


@dataclass(frozen=True)
class Capability:
    id: str
    title_ja: str
    title_en: str
    actions: tuple[str, ...]
    targets: str
    reason: tuple[str, str]
    except_: dict[str, tuple[str, str]] = field(default_factory=dict, hash=False, compare=False)
    contexts: tuple[dict[str, str], ...] = ({},)


def load(path: Path = ESCALATION) -> tuple[dict[str, Any], tuple[Capability, ...]]:
    """(settings, capabilities) of the escalation catalogue, validated; every problem at once."""
    data = load_yaml(path)
    p = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("capabilities"), list):
        raise GcbaseError.one(p, "capabilities", "expected a list of capabilities")
    problems: list[Problem] = []
    caps: list[Capability] = []
    for i, raw in enumerate(data["capabilities"]):
        where = f"capabilities[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(p, where, "expected a mapping"))
            continue
        title, reason = raw.get("title") or {}, raw.get("reason") or {}
        if not all(isinstance(d, dict) and d.get("ja") and d.get("en") and set(d) == {"ja", "en"} for d in (title, reason)):
            problems.append(Problem(p, where, "needs title and reason in ja and en (quote text with commas)"))
            continue
        if raw.get("targets") not in TARGETS:
            problems.append(Problem(p, f"{where}.targets", f"one of {', '.join(TARGETS)}"))
        actions = raw.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, str) and ":" in a for a in actions):
            problems.append(Problem(p, f"{where}.actions", "a list of service:Action"))
            actions = []
        excepted = {}
        for party, why in (raw.get("except") or {}).items():
            if not isinstance(why, dict) or not why.get("ja") or not why.get("en"):
                problems.append(Problem(p, f"{where}.except.{party}", "every exception gives its reason in ja and en"))
            else:
                excepted[str(party)] = (str(why["ja"]), str(why["en"]))
        contexts = raw.get("contexts") or [{}]
        if not isinstance(contexts, list) or not all(isinstance(c, dict) and all(isinstance(v, str) for v in c.values())
                                                     for c in contexts):
            problems.append(Problem(p, f"{where}.contexts", "a list of mappings of context key: text"))
            contexts = [{}]
        caps.append(Capability(str(raw.get("id")), str(title["ja"]), str(title["en"]), tuple(actions),
                               str(raw.get("targets")), (str(reason["ja"]), str(reason["en"])), excepted,
                               tuple(dict(c) for c in contexts)))
    if len({c.id for c in caps}) != len(caps):
        problems.append(Problem(p, "capabilities", "capability ids must be unique"))
    if problems:
        raise GcbaseError(problems)
    return data, tuple(caps)


@lru_cache(maxsize=1)
def default() -> tuple[dict[str, Any], tuple[Capability, ...]]:
    return load()


@dataclass(frozen=True)
class Actor:
    role: Role
    party: str
    system: Optional[str]  # an ASP's system


def _name_patterns(parties: dict[str, dict]) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for party, spec in parties.items():
        text = re.escape(str(spec["role"])).replace(re.escape("${system_id}"), "(?P<system>[a-z0-9-]+)")
        out.append((re.compile(f"^{text}$"), party))
    return out


class Generator:
    """The generated rows of one stack, evaluated with one Evaluator."""

    def __init__(self, model: AuthzModel, settings: Settings, cat: Catalogue, ev: Evaluator):
        self.model, self.s, self.cat, self.ev = model, settings, cat, ev
        self.config, self.capabilities = default()
        self.patterns = _name_patterns(cat.parties)
        self.prefix = f"gc{settings.municipality.code}-{settings.environment}"
        self.actors = [a for a in (self.actor(r) for r in model.roles.values()) if a is not None
                       and not cat.parties[a.party].get("privileged")]

    def party_of(self, role: Role) -> tuple[Optional[str], Optional[str]]:
        """(party, system) of a role by its fixed name (parties.yaml), never by its tags (those can be edited)."""
        for pattern, party in self.patterns:
            m = pattern.match(role.name)
            if m:
                return party, m.groupdict().get("system")
        return None, None

    def actor(self, role: Role) -> Optional[Actor]:
        party, system = self.party_of(role)
        return Actor(role, party, system) if party else None

    # -- targets ------------------------------------------------------------------------------
    def _party_roles(self) -> list[tuple[Role, str, Optional[str]]]:
        return [(r, *self.party_of(r)) for r in self.model.roles.values() if self.party_of(r)[0]]  # type: ignore[misc]

    def targets(self, cap: Capability, actor: Actor, account: str) -> list[str]:
        kind, roles = cap.targets, self._party_roles()
        own = {actor.role.arn}
        if kind == "privileged-roles":
            return [r.arn for r, p, _ in roles if self.cat.parties[p].get("privileged")]
        if kind == "other-party-roles":
            return [r.arn for r, p, sys in roles if not self.cat.parties[p].get("privileged")
                    and (p, sys) != (actor.party, actor.system)]
        if kind == "party-roles-here":
            return [r.arn for r, _, _ in roles if r.account == account]
        if kind == "party-policies-here":  # the customer managed policies that bound party roles or are attached
            names = {r.boundary.name for r, _, _ in roles if r.account == account and r.boundary is not None}
            arns = {f"arn:aws:iam::{account}:policy/{n}" for n in names}
            arns |= {a for r, _, _ in roles if r.account == account for a in r.managed
                     if a.startswith(f"arn:aws:iam::{account}:policy/")}
            return sorted(arns)
        if kind == "other-roles-here":
            probe = f"arn:aws:iam::{account}:role/{self.config['probeRole']}"
            workload = f"arn:aws:iam::{account}:role/workload/{actor.system}/" if actor.system else None
            mine = [r for r, p, sys in roles if (p, sys) == (actor.party, actor.system)]
            own |= {r.arn for r in mine}
            return [r.arn for r in self.model.roles.values() if r.account == account and r.arn not in own
                    and not (workload and r.arn.startswith(workload))] + [probe]
        if kind == "new-roles-here":
            probe = self.config["probeRole"]
            return [f"arn:aws:iam::{account}:role/{probe}",
                    *[f"arn:aws:iam::{account}:role/workload/{x.id}/{probe}" for x in self.s.systems if x.account == account]]
        if kind == "keys":  # every key: a grant to a principal (not for an AWS resource) hands the key over
            return [arn for arn, doc in self.model.resource_policies.items() if doc.kind == "key"]
        region = self.s.regions.primary
        if kind == "trails-here":
            return [f"arn:aws:cloudtrail:{region}:{account}:trail/{self.prefix}-trail"]
        if kind == "log-archive":
            bucket = f"arn:aws:s3:::{self.prefix}-log-archive-{self.s.accounts.shared}"
            return [bucket, f"{bucket}/cloudtrail/AWSLogs/{account}/log.json.gz"]
        if kind == "detection-here":
            return ["*", f"arn:aws:guardduty:{region}:{account}:detector/any",
                    f"arn:aws:securityhub:{region}:{account}:hub/default"]
        return ["*"]

    @staticmethod
    def _fits(action: str, resource: str) -> bool:
        """Which target a capability's action is asked on (objects for object actions, a service's own ARN)."""
        service, name = action.split(":", 1)
        if resource.startswith("arn:aws:s3:::"):
            return ("Object" in name or "Bypass" in name) == ("/" in resource)
        if service in ("guardduty", "securityhub"):
            return resource.startswith(f"arn:aws:{service}:")
        if service in ("config", "organizations"):
            return resource == "*"
        return True

    def requests(self, cap: Capability, actor: Actor, caller: Role) -> Iterator[Request]:
        context = dict(self.cat.default_context)
        filled = {k: v.replace("${region}", self.s.regions.primary) for k, v in context.items()}
        services = self.config["passToServices"] if "iam:PassRole" in cap.actions else [None]
        for resource in self.targets(cap, actor, caller.account):
            for action in cap.actions:
                if not self._fits(action, resource):
                    continue
                for service in services:
                    for extra in cap.contexts:
                        ctx = {**filled, **({"iam:PassedToService": service} if service else {}), **extra}
                        yield Request(caller.arn, action, resource, tuple(sorted(ctx.items())))

    # -- chains -------------------------------------------------------------------------------
    def reachable(self, actor: Actor) -> list[tuple[Role, tuple[str, ...]]]:
        """Roles whose permissions the actor's role can use, transitively: (role, the chain of ARNs before it).

        Two kinds of link, each decided by the evaluator: the role assumes the next one (sts:AssumeRole, the
        next role's trust naming it, its account or anyone), or it passes the next one, a role of its own
        account, to a compute service (iam:PassRole with iam:PassedToService one of passToServices): code it
        deploys then runs as that role (only a role whose trust admits a service: a service assumes the role it
        is handed, so a role trusting people only is of no use to it). Any role of the plan counts, a workload or service role or one a
        vendor program adds. A link the solver cannot decide counts as a link (unknown is never a pass)."""
        out: list[tuple[Role, tuple[str, ...]]] = []
        frontier, seen = [(actor.role, ())], {actor.role.arn}
        base = tuple(sorted(self._context().items()))
        for _ in range(CHAIN_DEPTH):
            nxt = []
            for role, path in frontier:
                chain = (*path, role.arn)
                for target in self.model.roles.values():
                    if target.arn in seen or target.trust is None:
                        continue
                    if not any(st.get("Effect") == "Allow" and _names(st, role.arn) for st in _statements(target.trust.document)):
                        continue
                    decision = unknown_if_unevaluated(self.model, self.ev.evaluate(
                        Request(role.arn, "sts:AssumeRole", target.arn, base)), role.arn)
                    if decision.allowed or not decision.decided:
                        seen.add(target.arn)
                        out.append((target, chain))
                        nxt.append((target, chain))
                passable = [t for t in self.model.roles.values() if t.arn not in seen and t.account == role.account
                            and _service_may_assume(t)]
                reqs = [Request(role.arn, "iam:PassRole", t.arn, tuple(sorted({**dict(base), "iam:PassedToService": svc}.items())))
                        for t in passable for svc in self.config["passToServices"]]
                for req, decision in zip(reqs, self.ev.prove(reqs)):
                    decision = unknown_if_unevaluated(self.model, decision, role.arn)
                    target = self.model.roles[req.resource]
                    if (decision.allowed or not decision.decided) and target.arn not in seen:
                        seen.add(target.arn)
                        out.append((target, chain))
                        nxt.append((target, chain))
            frontier = nxt
        return out

    def _context(self) -> dict[str, str]:
        return {k: v.replace("${region}", self.s.regions.primary) for k, v in self.cat.default_context.items()}


def _statements(doc: dict) -> list[dict]:
    raw = doc.get("Statement", [])
    return [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, dict)]


def unevaluated(role: Optional[Role]) -> list[str]:
    """The names of a role's attached policies gcbase has no document for (they grant nothing when evaluated)."""
    return [d.name for d in (role.policies if role else []) if d.document is UNEVALUATED or d.document.get("gcbase") == "unevaluated"]


def unknown_if_unevaluated(model: AuthzModel, decision: Decision, principal: str) -> Decision:
    """A deny that rests on the principal's identity policies is unknown when one of them was not evaluated (a
    managed policy gcbase has no document for): undecided, never a pass. Denies that hold whatever the identity
    policies say (an SCP, a boundary, a resource policy or trust, a missing role, a service rule) stand."""
    if decision.allowed or not decision.decided or decision.layer not in ("identity", "proof"):
        return decision
    missing = unevaluated(model.roles.get(principal))
    if not missing:
        return decision
    return Decision(False, f"undecided: {principal.rsplit('/', 1)[-1]} has managed policies gcbase has no document for "
                           f"({', '.join(missing)}); {decision.deciding}", "undecided")


def _service_may_assume(role: Role) -> bool:
    """Whether an AWS service may assume the role: an Allow statement of its trust names a service principal
    or anyone (conditions are not read, so a condition never hides a link); no trust in the model counts."""
    if role.trust is None:
        return True
    for st in _statements(role.trust.document):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        if "NotPrincipal" in st or principal == "*" or (isinstance(principal, dict) and (
                "Service" in principal or principal.get("AWS") == "*" or "*" in (principal.get("AWS") or []))):
            return True
    return False


def _names(raw: dict, arn: str) -> bool:
    """Whether a trust statement's Principal names the role (its ARN, its account, or anyone)."""
    from iamprover.parsers.iam import parse_statement

    return names_principal(parse_statement(raw), arn, root_counts=True) or "NotPrincipal" in raw


def rows(model: AuthzModel, settings: Settings, cat: Catalogue, ev: Evaluator) -> list[tuple[Row, dict[str, list]]]:
    """(row, {party: [(account, system, request, via)]}) of every generated row of a stack."""
    gen = Generator(model, settings, cat, ev)
    out: list[tuple[Row, dict[str, list]]] = []
    chains = {a.role.arn: gen.reachable(a) for a in gen.actors}
    for cap in gen.capabilities:
        by_party: dict[str, list] = {}
        for actor in gen.actors:
            if actor.party in cap.except_:
                continue
            for caller, via in [(actor.role, ()), *chains[actor.role.arn]]:
                for req in gen.requests(cap, actor, caller):
                    by_party.setdefault(actor.party, []).append((caller.account, actor.system, req, via))
        cells = tuple(Cell(p, "deny", cap.reason[0], cap.reason[1]) for p in cat.party_ids if p in by_party)
        out.append((Row(cap.id, cap.title_ja, cap.title_en, ", ".join(cap.actions), cap.targets, "generated", "role",
                        (), cells, generated=True), by_party))
    out.append(_separation(gen, settings))
    return out


def _separation(gen: Generator, s: Settings) -> tuple[Row, dict[str, list]]:
    """A person of one party (identity account, or a vendor's own account with its ExternalId) cannot enter
    another party's role: every party role x every other (party, vendor) a person can carry."""
    operators = operator_parties(s)
    personas: list[tuple[str, Optional[str]]] = []
    for party, spec in gen.cat.parties.items():
        if spec["where"] == "system":
            personas += [(party, v) for v in sorted({x.vendor for x in s.systems})]
        else:
            personas.append((party, operators.get(party)))
    identity = s.accounts.identity or s.accounts.shared
    vendor_accounts = {v.id: (v.accounts[0], v.external_id) for v in s.vendors}
    by_party: dict[str, list] = {}
    base = dict(gen.cat.default_context)
    base = {k: v.replace("${region}", s.regions.primary) for k, v in base.items()}
    for role, party, system in gen._party_roles():
        owner = (party, next((x.vendor for x in s.systems if x.id == system), None) if system else operators.get(party))
        for persona in personas:
            if persona == owner:
                continue
            ctx = {**base, "aws:PrincipalTag/gcbase:party": persona[0], "aws:MultiFactorAuthAge": "300"}
            if persona[1]:
                ctx["aws:PrincipalTag/gcbase:vendor"] = persona[1]
            callers = [f"arn:aws:iam::{identity}:role/{gen.cat.callers['personRole']}"]
            if persona[1] in vendor_accounts:
                account, external_id = vendor_accounts[persona[1]]
                callers.append((f"arn:aws:iam::{account}:role/{gen.cat.callers['personRole']}", external_id))
            for caller in callers:
                arn, extra = (caller, {}) if isinstance(caller, str) else (caller[0], {"sts:ExternalId": caller[1]})
                req = Request(arn, "sts:AssumeRole", role.arn, tuple(sorted({**ctx, **extra}.items())))
                by_party.setdefault(persona[0], []).append((role.account, system, req, ()))
    cells = tuple(Cell(p, "deny", "一人の人は一つの当事者ロールにだけ入る（兼務するベンダーも役割ごとに別の主体）",
                       "A person enters one party's role only (a vendor in two parties uses two identities)")
                  for p in gen.cat.party_ids if p in by_party)
    return (Row(SEPARATION, "別の当事者のロールへの引受け（一つの主体は一つの役割）",
                "A person of one party assumes another party's role (one identity, one role)", "sts:AssumeRole",
                "every party role", "generated", "person", (), cells, generated=True), by_party)
