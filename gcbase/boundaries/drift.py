"""Drift: how a live account's authorization model differs from the stack's plan.

The expectations catch drift that breaks a boundary; this catches the rest (an extra policy on
a role that its boundary still contains today, a changed trust or key policy). Compared per
account, by names that both sides share: role names, SCP names, bucket names, key aliases.
"""

from __future__ import annotations

import json

from gcbase.boundaries.model import FULL_AWS_ACCESS, UNEVALUATED, AuthzModel, Doc


def _canon(doc: Doc | None) -> str:
    return json.dumps(doc.document, sort_keys=True) if doc else ""


def _scps(model: AuthzModel, account: str) -> dict[str, str]:
    return {d.name: _canon(d) for lvl in model.scp_levels.get(account, []) for d in lvl.policies}


def _policies_by_name(model: AuthzModel, account: str, kind: str, region: str) -> dict[str, str]:
    out = {}
    for arn, doc in model.resource_policies.items():
        owner = model.resource_accounts.get(arn) or (arn.split(":")[4] if arn.count(":") >= 5 else "")
        in_region = kind != "key" or arn.split(":")[3] == region  # a live run reads keys of one region
        if doc.kind == kind and owner == account and in_region:
            out[doc.name] = _canon(doc)
    return out


def diff(plan: AuthzModel, live: AuthzModel, account: str, region: str) -> list[str]:
    """One line per difference, in a stable order."""
    out: list[str] = []
    planned = {r.name: r for r in plan.roles.values() if r.account == account}
    actual = {r.name: r for r in live.roles.values() if r.account == account}
    for name in sorted(planned):
        p, a = planned[name], actual.get(name)
        if a is None:
            out.append(f"role {name}: in the plan, missing in account {account}")
            continue
        pp, ap = {d.name: _canon(d) for d in p.policies}, {d.name: _canon(d) for d in a.policies}
        for extra in sorted(set(ap) - set(pp)):
            out.append(f"role {name}: policy {extra} attached in the account, not in the plan")
        for missing in sorted(set(pp) - set(ap)):
            out.append(f"role {name}: policy {missing} of the plan is not attached")
        unevaluated = {d.name for d in [*p.policies, *a.policies] if d.document is UNEVALUATED}
        for same in sorted(set(pp) & set(ap) - unevaluated):
            if pp[same] != ap[same]:
                out.append(f"role {name}: policy {same} differs from the plan")
        if (p.boundary is None) != (a.boundary is None) or _canon(p.boundary) != _canon(a.boundary):
            got = a.boundary.name if a.boundary else "none"
            out.append(f"role {name}: permission boundary is {got}, the plan has "
                       f"{p.boundary.name if p.boundary else 'none'}" + ("" if got == "none" or not p.boundary
                                                                          or got != p.boundary.name else " (document differs)"))
        if _canon(p.trust) != _canon(a.trust):
            out.append(f"role {name}: trust policy differs from the plan")
    for name in sorted(set(actual) - set(planned)):
        if name.startswith("gcbase-") or name == "GCGovernanceRole":
            out.append(f"role {name}: in account {account}, not in the plan")
    ps, ls = _scps(plan, account), _scps(live, account)
    if plan.scp_levels.get(account) and live.scp_levels.get(account):
        for name in sorted(set(ps) - set(ls)):
            out.append(f"SCP {name}: in the plan, not applied to account {account}")
        for name in sorted(set(ls) - set(ps)):
            out.append(f"SCP {name}: applied to account {account}, not in the plan")
        for name in sorted(set(ps) & set(ls) - {FULL_AWS_ACCESS.name}):  # AWS owns FullAWSAccess
            if ps[name] != ls[name]:
                out.append(f"SCP {name}: content differs from the plan")
    for kind, what in (("bucket", "bucket policy"), ("key", "key policy")):
        pp, lp = _policies_by_name(plan, account, kind, region), _policies_by_name(live, account, kind, region)
        for name in sorted(pp):
            if name not in lp:
                out.append(f"{what} {name}: in the plan, missing in account {account}")
            elif pp[name] != lp[name]:
                out.append(f"{what} {name}: differs from the plan")
    return out


def add_drift(result, settings, live: AuthzModel, account: str, region: str,
              plan_model: AuthzModel | None = None) -> None:
    """Attach the drift of `account` to a live BoundaryResult (synthesizing the plan if needed)."""
    if plan_model is None:
        from gcbase.boundaries.from_plan import from_plan
        from gcbase.synth import synth_stack

        plan_model = from_plan(synth_stack(settings.stack), settings.accounts.governance, list(settings.account_ids))
    result.drift.extend(diff(plan_model, live, account, region))
