"""The network invariants (baselines/network/invariants.yaml), evaluated over the model and its reaches.

Each invariant gives Verdicts: FAILED for every violating (source, destination) pair or resource,
with the path hop by hop; PASSED for every VPC, town-hall segment or resource it proved. The
resource of a path verdict names the pair ("aws_vpc.a -> aws_vpc.b"), so that a waiver (例外承認)
names exactly the pair it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Optional

from gcbase.baselines import BASELINES
from gcbase.errors import GcbaseError
from gcbase.network import addresses as ad
from gcbase.network.model import PEERING_ATT, UNKNOWN_ATT, VPC_ATT, VPN_ATT, NetworkModel, Vpc
from gcbase.network.reach import INTERNET, Endpoint, Reach, Reachability, endpoint_text
from gcbase.settings import TIERS
from gcbase.yamlio import load_yaml

INVARIANTS_FILE = BASELINES / "network" / "invariants.yaml"
KINDS = ("tier-isolation", "no-internet", "onprem-same-tier", "members-isolated", "tenancy-links", "world-open",
         "declared")
ALL = frozenset(TIERS)
ORG_ARN = ("arn:aws:organizations::",)


@dataclass(frozen=True)
class Invariant:
    id: str
    check: str
    kind: str
    requirement: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Verdict:
    resource: str
    passed: bool
    detail: str
    path: list[dict[str, str]] = field(default_factory=list)
    possible: bool = False


@lru_cache(maxsize=1)
def load() -> tuple[dict[str, Any], tuple[Invariant, ...]]:
    """(settings, invariants) of baselines/network/invariants.yaml, validated."""
    data = load_yaml(INVARIANTS_FILE)
    file = str(INVARIANTS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("invariants"), list):
        raise GcbaseError.one(file, "invariants", "expected a list of invariants")
    out: list[Invariant] = []
    for i, item in enumerate(data["invariants"]):
        key = f"invariants[{i}]"
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise GcbaseError.one(file, f"{key}.kind", f"one of {', '.join(KINDS)}")
        for name in ("id", "check", "requirement"):
            if not isinstance(item.get(name), str):
                raise GcbaseError.one(file, f"{key}.{name}", "required")
        if item["kind"] == "tier-isolation" and (not isinstance(item.get("between"), list) or len(item["between"]) != 2
                                                 or any(t not in TIERS for t in item["between"])):
            raise GcbaseError.one(file, f"{key}.between", f"two of {', '.join(TIERS)}")
        params = {k: v for k, v in item.items() if k not in ("id", "check", "kind", "requirement")}
        out.append(Invariant(item["id"], item["check"], item["kind"], item["requirement"], params))
    if len({i.check for i in out}) != len(out):
        raise GcbaseError.one(file, "invariants", "each check reports one invariant")
    return {k: v for k, v in data.items() if k != "invariants"}, tuple(out)


def invariant_of(check_id: str) -> Invariant:
    found = next((i for i in load()[1] if i.check == check_id), None)
    if found is None:
        raise GcbaseError.one(str(INVARIANTS_FILE), "invariants", f"no invariant for {check_id}")
    return found


def _name(model: NetworkModel, ep: Endpoint) -> str:
    kind, key = ep
    if kind == "vpc":
        return key
    if kind == "onprem":
        return f"town-hall:{key or 'undeclared'}"
    return kind if kind == "internet" else f"{kind}:{key}"


class Analysis:
    """The model, its reaches and the invariants' verdicts for one plan (or live account)."""

    def __init__(self, model: NetworkModel, intent: Any = None, absence: bool = True):
        self.model = model
        self.intent = intent
        self.absence = absence  # False for one part of a tenancy: a declared system's VPC may be in another part
        self.reaches: list[Reach] = Reachability(model).all()

    # -- endpoints --------------------------------------------------------------------------
    def tiers(self, ep: Endpoint) -> frozenset[str]:
        kind, key = ep
        if kind == "vpc":
            vpc = self.model.vpcs.get(key)
            return vpc.tiers if vpc else ALL
        if kind == "onprem":
            return frozenset([key]) if key else ALL
        if kind == "internet":
            return frozenset(["internet"])
        if kind == "service":
            return frozenset()
        return ALL  # external, unknown

    def _verdict(self, r: Reach, why: str) -> Verdict:
        detail = (f"{endpoint_text(self.model, r.src)} reaches {endpoint_text(self.model, r.dst)}"
                  f" ({ad.text(r.addresses)})" + (f" — possibly: {r.why}" if r.possible else "") + f": {why}. "
                  f"Path: {r.render()}")
        return Verdict(f"{_name(self.model, r.src)} -> {_name(self.model, r.dst)}", False, detail,
                       [h.to_dict() for h in r.path], r.possible)

    def _vpc_passes(self, vpcs: Iterable[Vpc], failed: set[str], why: str) -> list[Verdict]:
        return [Verdict(v.address, True, why) for v in vpcs if v.address not in failed]

    # -- invariants -------------------------------------------------------------------------
    def evaluate(self, inv: Invariant) -> list[Verdict]:
        return getattr(self, "_" + inv.kind.replace("-", "_"))(inv)

    def _tier_isolation(self, inv: Invariant) -> list[Verdict]:
        a, b = inv.params["between"]
        out, failed = [], set()
        for r in self.reaches:
            s, d = self.tiers(r.src), self.tiers(r.dst)
            if (a in s and b in d) or (b in s and a in d):
                unknown = [endpoint_text(self.model, e) for e in (r.src, r.dst) if len(self.tiers(e)) > 1]
                why = f"{a} and {b} must not reach each other" + (
                    f" (tier unknown for {', '.join(unknown)}: treated as any tier)" if unknown else "")
                out.append(self._verdict(r, why))
                failed |= {k for kind, k in (r.src, r.dst) if kind == "vpc"}
        relevant = [v for v in self.model.vpcs.values() if v.tiers & {a, b}]
        out += self._vpc_passes(relevant, failed, f"no path between {a} and {b}")
        return out

    def _no_internet(self, inv: Invariant) -> list[Verdict]:
        tiers = set(inv.params.get("tiers") or ())
        out = []
        for vpc in self.model.vpcs.values():
            if not vpc.tiers & tiers:
                continue
            label = "/".join(sorted(vpc.tiers)) if vpc.tier_known else "unknown tier (any tier)"
            problems = [f"{what} ({address})" for address, what in vpc.exposures]
            paths = [r for r in self.reaches if INTERNET in (r.src, r.dst) and ("vpc", vpc.address) in (r.src, r.dst)]
            if problems or paths:
                first = paths[0] if paths else None
                detail = (f"VPC {vpc.address} ({label}) " + (f"has {'; '.join(problems)}" if problems else "")
                          + ("; " if problems and paths else "")
                          + (f"{'is reached from' if first.dst[1] == vpc.address else 'reaches'} the internet: "
                             f"{first.render()}" if first else ""))
                out.append(Verdict(vpc.address, False, detail, [h.to_dict() for h in first.path] if first else [],
                                   bool(first and first.possible)))
            else:
                out.append(Verdict(vpc.address, True, f"{label}: no internet gateway, NAT, public IP or path to the internet"))
        return out

    def _onprem_same_tier(self, inv: Invariant) -> list[Verdict]:
        out, failed = [], set()
        for r in self.reaches:
            (sk, skey), (dk, dkey) = r.src, r.dst
            if sk == "vpc" and dk == "onprem":
                vpc_tiers, seg = self.tiers(r.src), dkey
            elif sk == "onprem" and dk == "vpc":
                vpc_tiers, seg = self.tiers(r.dst), skey
            else:
                continue
            if not seg or len(vpc_tiers) > 1 or seg not in vpc_tiers:
                why = ("a range no tier declares" if not seg else
                       "the VPC's tier is unknown" if len(vpc_tiers) > 1 else
                       f"a {'/'.join(sorted(vpc_tiers))} VPC and the {seg} segment")
                out.append(self._verdict(r, f"a tier reaches only its own town-hall segment; here {why}"))
                failed |= {k for kind, k in (r.src, r.dst) if kind == "vpc"} | {f"town-hall:{seg}"}
        out += self._vpc_passes(self.model.vpcs.values(), failed, "reaches only its own tier's town-hall segment")
        for tier, ranges in self.model.on_premises.items():
            if f"town-hall:{tier}" not in failed:
                out.append(Verdict(f"town-hall:{tier}", True, f"the {tier} segment ({ad.text(ranges)}) reaches only {tier} VPCs"))
        return out

    def _members_isolated(self, inv: Invariant) -> list[Verdict]:
        intent = self.intent
        if intent is None or intent.usage_mode != "shared" or intent.separation not in (inv.params.get("separations") or ()):
            return []
        out, failed = [], set()
        for r in self.reaches:
            if r.src[0] != "vpc" or r.dst[0] != "vpc":
                continue
            a, b = self.model.vpcs.get(r.src[1]), self.model.vpcs.get(r.dst[1])
            ma, mb = (a.member if a else None), (b.member if b else None)
            if ma is None or mb is None or ma != mb:
                out.append(self._verdict(r, f"members {ma or '(unknown)'} and {mb or '(unknown)'} of the shared use "
                                            f"must not reach each other (separation: {intent.separation})"))
                failed |= {r.src[1], r.dst[1]}
        if intent.separation == "account":
            serves: dict[str, set[str]] = {}
            for vpc in self.model.vpcs.values():
                serves.setdefault(vpc.account or "(unknown account)", set()).add(vpc.member or "(undeclared)")
            for account, members in sorted(serves.items()):
                if len(members) > 1:
                    out.append(Verdict(f"account:{account}", False, f"account {account} hosts VPCs of "
                                                                   f"{', '.join(sorted(members))}: with separation: "
                                                                   "account no account serves two members"))
                    failed |= {v.address for v in self.model.vpcs.values() if v.account == account}
        out += self._vpc_passes(self.model.vpcs.values(), failed, f"reaches no other member's VPC "
                                                                 f"(member {intent.municipality}, separation {intent.separation})")
        return [Verdict(v.resource, v.passed, v.detail.replace(f"member {intent.municipality}", "own member"), v.path,
                        v.possible) if v.passed else v for v in out]

    def _zone(self) -> tuple[set[str], str]:
        if self.intent is not None:
            return set(self.intent.tenancy_accounts), f"stack {self.intent.stack}"
        accounts = {v.account for v in self.model.vpcs.values() if v.account}
        accounts |= {t.account for t in self.model.tgws.values() if t.account}
        return accounts, "the plan's own accounts (no stack known)"

    def _tenancy_links(self, inv: Invariant) -> list[Verdict]:
        zone, where = self._zone()
        out: list[Verdict] = []

        def judge(resource: str, account: Optional[str], what: str) -> None:
            if account is None:
                out.append(Verdict(resource, False, f"{what}: the other account is unknown at plan time (possibly "
                                                    f"outside the tenancy of {where})", possible=True))
            elif account not in zone:
                out.append(Verdict(resource, False, f"{what} with account {account}, outside the tenancy of {where}"))
            else:
                out.append(Verdict(resource, True, f"{what} within the tenancy (account {account})"))

        for p in self.model.peerings.values():
            other = self.model.vpcs.get(p.peer_vpc or "")
            judge(p.address, other.account if other else p.peer_account, "VPC peering")
        for att in self.model.attachments.values():
            if att.kind == VPC_ATT:
                judge(att.address, att.account, f"Transit Gateway attachment of VPC {att.vpc or '(not in the plan)'}")
            elif att.kind == PEERING_ATT:
                peer = self.model.tgws.get(att.peer or "")
                judge(att.address, peer.account if peer else att.peer_account, "Transit Gateway peering")
            elif att.kind == UNKNOWN_ATT:
                judge(att.address, None, "Transit Gateway attachment not in the plan")
            elif att.kind == VPN_ATT and att.outside:
                out.append(Verdict(att.address, False, f"Site-to-Site VPN {att.address} on the Transit Gateway: "
                                                       f"{att.outside}; whoever holds its far end joins the network"))
            elif att.kind == VPN_ATT and self.intent is not None:
                out.append(Verdict(att.address, True, "Site-to-Site VPN to the town hall's peer the stack declares"))
        for vgw, (vpn, why) in self.model.vgw_outside.items():
            out.append(Verdict(vpn, False, f"Site-to-Site VPN {vpn} on virtual private gateway {vgw}: {why}; whoever "
                                           "holds its far end reaches the VPC"))
        for share in self.model.shares.values():
            if share.external_allowed is not False:
                out.append(Verdict(share.address, False, "RAM share allows external principals (allow_external_principals "
                                                         + ("unknown)" if share.external_allowed is None else "true)")
                                   + ": accounts outside the organization can be added", possible=share.external_allowed is None))
            for address, principal in share.principals:
                if principal is None:
                    judge(address, None, f"RAM share {share.address}")
                elif principal.startswith(ORG_ARN):
                    out.append(Verdict(address, False, f"RAM share {share.address} with {principal}: the whole "
                                                       "organization or an OU (other municipalities' accounts)"))
                elif principal.isdigit():
                    judge(address, principal, f"RAM share {share.address}")
                else:
                    account = principal.split(":")[4] if principal.count(":") >= 5 else None
                    judge(address, account, f"RAM share {share.address} with {principal}")
        for link in self.model.links:
            if link.account is None:
                out.append(Verdict(link.address, False, f"{link.what}: {link.why}", possible=True))
            else:
                judge(link.address, link.account, link.what)
        for r in self.reaches:
            if r.dst[0] == "external":
                out.append(self._verdict(r, "a path leaves the tenancy"))
        return out

    def _world_open(self, inv: Invariant) -> list[Verdict]:
        limit = int(load()[0].get("maxPublicAddresses", 0))
        town_hall = ad.union(self.model.on_premises.values())
        by_owner: dict[str, list] = {}
        for rule in self.model.ingress:
            by_owner.setdefault(rule.owner, []).append(rule)
        out = []
        for owner in sorted(set(by_owner) | set(self.model.filter_owners)):
            rules = by_owner.get(owner, [])
            unknown = [r for r in rules if r.admits is None]
            admitted = ad.union(r.admits for r in rules if r.admits is not None) - town_hall
            size = ad.public_size(admitted)
            what = rules[0].what if rules else self.model.filter_owners.get(owner, "security group")
            if unknown:
                out.append(Verdict(owner, False, f"{what} {owner}: rule {unknown[0].source} admits addresses unknown at "
                                                 f"plan time ({unknown[0].text}, ports {unknown[0].ports}): possibly the "
                                                 "whole internet", possible=True))
            elif size > limit:
                srcs = sorted({r.source for r in rules if r.admits is not None and ad.public_size(r.admits - town_hall)})
                out.append(Verdict(owner, False, f"{what} {owner} admits {size:,} public addresses "
                                                 f"({ad.text(admitted & ad.PUBLIC)}) over {len(srcs)} rule(s) "
                                                 f"({', '.join(srcs[:4])}); allowed: at most {limit}"))
            else:
                out.append(Verdict(owner, True, f"{what} admits {size} public address(es)"))
        return out

    def _declared(self, inv: Invariant) -> list[Verdict]:
        out = []
        if self.intent is None:
            for vpc in self.model.vpcs.values():
                out.append(Verdict(vpc.address, False, "no stack is known, so the VPC's tier is only what the plan says "
                                                       "of itself; judge the plan against the municipality's stack "
                                                       "(gcbase check --tenancy STACK)"))
            return out
        seen = set()
        for vpc in self.model.vpcs.values():
            if vpc.tier_source == "stack" and not vpc.tier_note:
                seen.add(vpc.system)
                out.append(Verdict(vpc.address, True, f"system {vpc.system} of the stack ({'/'.join(vpc.tiers)})"))
            else:
                seen.add(vpc.system)
                out.append(Verdict(vpc.address, False, f"VPC {vpc.address}: {vpc.tier_note or 'tier unknown'}; its tier "
                                                       "is unknown, so it counts as every tier"))
        for system in self.intent.systems if self.absence else ():
            if system.id not in seen:
                out.append(Verdict(f"system:{system.id}", False, f"system {system.id} ({system.tier}, {system.cidr}, "
                                                                 f"account {system.account}) is declared by the stack but "
                                                                 "no VPC of it is in the plan (missing)"))
        return out

    # -- everything -------------------------------------------------------------------------
    def all(self) -> dict[str, list[Verdict]]:
        return {inv.id: self.evaluate(inv) for inv in load()[1]}

    def summary(self) -> dict[str, Any]:
        return {
            "vpcs": len(self.model.vpcs), "reaches": len(self.reaches),
            "possible": sum(1 for r in self.reaches if r.possible),
        }


__all__ = ["Analysis", "Invariant", "Verdict", "load", "invariant_of"]
