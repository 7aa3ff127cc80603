"""Generated escalation rows: every non-privileged party role x every privileged capability, chains,
and one identity per role; each weakening of the issue is caught with its deciding statement."""

from __future__ import annotations

import json

import pytest

from gcbase.boundaries import evaluate
from gcbase.boundaries.batch import prove_denied
from gcbase.boundaries.escalation import Generator, load, rows
from gcbase.boundaries.evaluator import Evaluator
from gcbase.boundaries.expectations import default_catalogue
from gcbase.boundaries.from_plan import from_plan
from gcbase.errors import GcbaseError
from helpers import plan_of, settings_of

STACKS = ["131121-prod", "131121-stg", "363421-prod"]
JUKI = "210000000101"
ROLE = "aws:iam/role:Role"


def _res(plan, token, name):
    return next(r for r in plan.resources if r.type == token and r.name.endswith(name))


def _edit(res, key, fn):
    doc = json.loads(res.inputs[key])
    fn(doc)
    res.inputs[key] = json.dumps(doc)


def broken(plan, stack):
    result = evaluate(plan, settings_of(stack))
    return {(row.id, cell.party): check for row, cell, check in result.mismatches()}


@pytest.mark.parametrize("stack", STACKS)
def test_every_example_proves_the_whole_generated_matrix(stack):
    result = evaluate(plan_of(stack), settings_of(stack))
    generated = [r for r in result.rows if r.row.generated]
    assert {r.row.id for r in generated} >= {"esc-assume-privileged-role", "esc-change-party-role", "esc-pass-role",
                                             "esc-key-policy", "esc-stop-trail", "esc-weaken-archive",
                                             "esc-one-identity-one-role"}
    checks = [x for r in generated for c in r.cells for x in c.checks]
    assert len(checks) > 500 and all(x.ok for x in checks)
    assert all(c.cell.expect == "deny" for r in generated for c in r.cells)


def test_prod_asks_every_non_privileged_party_role():
    s = settings_of("131121-prod")
    model = from_plan(plan_of("131121-prod"), s.accounts.governance, list(s.account_ids))
    gen = Generator(model, s, default_catalogue(), Evaluator(model))
    parties = {(a.party, a.role.account) for a in gen.actors}
    assert ("integrated-operator", JUKI) in parties and ("asp", JUKI) in parties
    assert not any(p in ("governance", "break-glass") for p, _ in parties)
    assert len(gen.actors) == 5 + 5 + 1 + 4 + 5  # auditor, account operator, network operator, ASPs, integrated


def test_proving_in_batches_decides_as_one_request_at_a_time():
    """Every generated request of 131121-stg: the batch (presolve, simplified ground formulas) gives the
    same decision as the solver on each request alone."""
    s = settings_of("131121-stg")
    model = from_plan(plan_of("131121-stg"), s.accounts.governance, list(s.account_ids))
    ev = Evaluator(model)
    reqs = [x[2] for _, by_party in rows(model, s, default_catalogue(), ev) for items in by_party.values() for x in items]
    batch = prove_denied(ev, reqs)
    alone = [Evaluator(model).evaluate(r) for r in reqs[::7]]
    assert len(reqs) > 500
    assert [d.allowed for d in batch[::7]] == [d.allowed for d in alone] and not any(d.allowed for d in batch)
    assert {d.layer for d in batch} >= {"proof", "trust", "identity", "service"}


def test_asp_allowed_iam_policy_actions_is_caught_with_the_granting_statement():
    plan = plan_of("131121-stg")
    for res in [_res(plan, "aws:iam/policy:Policy", "asp-juki-boundary"),
                _res(plan, "aws:iam/rolePolicy:RolePolicy", "asp-juki-asp-policy")]:
        key = "policy"
        _edit(res, key, lambda d: d["Statement"].insert(0, {"Sid": "IamPolicies", "Effect": "Allow",
                                                            "Action": "iam:*Policy*", "Resource": "*"}))
    boundary = _res(plan, "aws:iam/policy:Policy", "asp-juki-boundary")
    _edit(boundary, "policy", lambda d: d.update(Statement=[s for s in d["Statement"]
                                                            if s.get("Sid") != "DenyIamExceptPassingOwnRoles"]))
    got = broken(plan, "131121-stg")
    check = got[("esc-change-party-role", "asp")]
    assert check.request.action.startswith("iam:") and check.decision.allowed
    assert check.decision.deciding == "gcbase-asp-policy: IamPolicies"


def test_asp_path_to_break_glass_through_a_tag_and_a_trust_is_caught():
    plan = plan_of("131121-stg")
    bg = next(r for r in plan.of_type(ROLE) if r.inputs["name"] == "gcbase-break-glass" and "220000000101" in r.urn + str(r.provider))
    bg.inputs["tags"] = {**bg.inputs["tags"], "gcbase:system": "juki"}
    _edit(bg, "assumeRolePolicy", lambda d: d["Statement"].append(
        {"Sid": "SystemAccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::220000000101:root"},
         "Action": "sts:AssumeRole"}))
    got = broken(plan, "131121-stg")
    check = got[("esc-assume-privileged-role", "asp")]
    assert check.request.resource == "arn:aws:iam::220000000101:role/gcbase-break-glass"
    assert check.decision.deciding == "trust policy of gcbase-break-glass: SystemAccount"


def test_pass_role_on_every_role_is_caught():
    plan = plan_of("131121-stg")
    _edit(_res(plan, "aws:iam/rolePolicy:RolePolicy", "asp-juki-asp-policy"), "policy",
          lambda d: d["Statement"][0].update(Resource="*"))
    _edit(_res(plan, "aws:iam/policy:Policy", "asp-juki-boundary"), "policy", lambda d: d.update(Statement=[
        {**s, "Resource": "*"} if s.get("Sid") == "PassOnlyThisSystemsRoles" else s for s in d["Statement"]
        if s.get("Sid") not in ("DenyIamExceptPassingOwnRoles", "OnOwnRolesOnlyPassRole")]))
    direct = [x for row, cell, x in evaluate(plan, settings_of("131121-stg")).mismatches()
              if (row.id, cell.party) == ("esc-pass-role", "asp") and not x.via]  # chains follow (a passed role's own)
    check = direct[0]
    assert check.request.action == "iam:PassRole" and check.decision.deciding == "gcbase-asp-policy: PassOnlyThisSystemsRoles"


def test_a_chain_through_a_role_the_operator_can_assume_is_caught():
    """A assumes B which can do X: the account operator may assume app-admin, which may rewrite party roles."""
    plan = plan_of("131121-stg")
    like = next(r for r in plan.of_type(ROLE) if r.inputs["name"] == "gcbase-auditor" and "220000000001" in str(r.provider))
    import copy
    admin = copy.deepcopy(like)
    admin.urn, admin.name = like.urn.replace("auditor", "app-admin"), "mutant-app-admin"
    admin.inputs.update(name="app-admin", assumeRolePolicy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::220000000001:root"}, "Action": "sts:AssumeRole"}]}),
        tags={"gcbase:managed-by": "gcbase"}, managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"])
    admin.outputs = {**admin.outputs, "arn": "arn:aws:iam::220000000001:role/app-admin"}
    plan.resources.append(admin)
    _edit(_res(plan, "aws:iam/rolePolicy:RolePolicy", "220000000001-account-operator-account-operator"), "policy",
          lambda d: d["Statement"].append({"Sid": "AssumeAnyRole", "Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Resource": "arn:aws:iam::220000000001:role/*"}))
    result = evaluate(plan, settings_of("131121-stg"))
    chained = [x for row, cell, x in result.mismatches() if cell.party == "account-operator" and x.via]
    assert chained and chained[0].via == ("arn:aws:iam::220000000001:role/gcbase-account-operator",)
    assert chained[0].request.principal == "arn:aws:iam::220000000001:role/app-admin"


def _workload_role(plan, name, service, statements, path="/workload/juki/", account="210000000101"):
    """A role of the plan that is no party's (a workload role a vendor program adds), with one inline policy."""
    import copy
    like = next(r for r in plan.of_type(ROLE) if r.inputs["name"] == "gcbase-auditor" and account in str(r.provider))
    role = copy.deepcopy(like)
    role.urn, role.name = like.urn.replace("auditor", name), f"mutant-{name}"
    role.inputs = {"name": name, "path": path, "tags": {"gcbase:system": "juki"}, "assumeRolePolicy": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                                                "Action": "sts:AssumeRole"}]}),
        "inlinePolicies": [{"name": f"{name}-policy", "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})}]}
    role.outputs = {"arn": f"arn:aws:iam::{account}:role{path}{name}", "id": name}
    plan.resources.append(role)
    return role


def _party_mismatches(plan, stack, party):
    return [(row.id, x) for row, cell, x in evaluate(plan, settings_of(stack)).mismatches() if cell.party == party]


@pytest.mark.parametrize("statement,row", [
    ({"Sid": "Trust", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
      "Resource": "arn:aws:iam::210000000101:role/gcbase-break-glass"}, "esc-change-trust"),
    ({"Sid": "Version", "Effect": "Allow", "Action": "iam:CreatePolicyVersion",
      "Resource": "arn:aws:iam::210000000101:policy/gcbase-asp-boundary-juki"}, "esc-version-policy"),
    ({"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::210000000101:role/gcbase-account-operator"}, "esc-pass-role"),
])
def test_a_workload_role_the_asp_can_pass_acts_for_the_asp(statement, row):
    """G-1: the ASP passes its workload roles to a compute service; what such a role may do, the ASP may do."""
    plan = plan_of("131121-prod")
    _workload_role(plan, "juki-worker", "lambda.amazonaws.com", [statement])
    found = [(r, x) for r, x in _party_mismatches(plan, "131121-prod", "asp") if r == row]
    assert found, row
    check = found[0][1]
    assert check.request.principal == "arn:aws:iam::210000000101:role/workload/juki/juki-worker"
    assert check.via == ("arn:aws:iam::210000000101:role/gcbase-asp-juki",)
    assert check.decision.deciding == f"juki-worker-policy: {statement['Sid']}"


def test_a_role_no_service_may_assume_is_no_pass_link():
    """Passing a role whose trust admits no service gives the service nothing to run as."""
    plan = plan_of("131121-prod")
    role = _workload_role(plan, "juki-worker", "lambda.amazonaws.com", [
        {"Sid": "Trust", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
         "Resource": "arn:aws:iam::210000000101:role/gcbase-break-glass"}])
    role.inputs["assumeRolePolicy"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999900000000:root"}, "Action": "sts:AssumeRole"}]})
    assert not [r for r, _ in _party_mismatches(plan, "131121-prod", "asp") if r == "esc-change-trust"]


def test_a_workload_role_of_another_system_is_not_reachable_by_this_asp():
    """juki's ASP may pass only workload/juki/* roles: a role under another system's path is not its link."""
    plan = plan_of("131121-prod")
    _workload_role(plan, "zei-worker", "lambda.amazonaws.com", [
        {"Sid": "Trust", "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
         "Resource": "arn:aws:iam::210000000101:role/gcbase-break-glass"}], path="/workload/zei/")
    s = settings_of("131121-prod")
    model = from_plan(plan, s.accounts.governance, list(s.account_ids))
    gen = Generator(model, s, default_catalogue(), Evaluator(model))
    asp = next(a for a in gen.actors if a.party == "asp" and a.system == "juki")
    assert "arn:aws:iam::210000000101:role/workload/zei/zei-worker" not in {r.arn for r, _ in gen.reachable(asp)}
    operator = next(a for a in gen.actors if a.party == "account-operator" and a.role.account == JUKI)
    assert "arn:aws:iam::210000000101:role/workload/zei/zei-worker" in {r.arn for r, _ in gen.reachable(operator)}


def test_a_reachable_role_with_a_policy_gcbase_cannot_read_is_undecided_never_a_pass():
    """Unknown is never a pass: a workload role the ASP can pass, with a managed policy gcbase has no document
    for, leaves the ASP's checks on its behalf undecided (mismatches), not denied."""
    plan = plan_of("131121-prod")
    role = _workload_role(plan, "juki-worker", "lambda.amazonaws.com", [
        {"Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}])
    role.inputs["managedPolicyArns"] = ["arn:aws:iam::aws:policy/SomeVendorPolicy"]
    found = [x for r, x in _party_mismatches(plan, "131121-prod", "asp")
             if x.request.principal.endswith("/juki-worker")]
    assert found and all(x.undecided for x in found)
    assert "SomeVendorPolicy" in found[0].decision.deciding


def test_a_managed_policy_attached_to_a_party_role_is_a_versioning_target():
    s = settings_of("131121-prod")
    model = from_plan(plan_of("131121-prod"), s.accounts.governance, list(s.account_ids))
    gen = Generator(model, s, default_catalogue(), Evaluator(model))
    asp = next(a for a in gen.actors if a.party == "asp" and a.system == "juki")
    cap = next(c for c in gen.capabilities if c.id == "esc-version-policy")
    role = next(r for r in model.roles.values() if r.name == "gcbase-auditor" and r.account == JUKI)
    role.managed.append(f"arn:aws:iam::{JUKI}:policy/juki-reader")
    targets = gen.targets(cap, asp, JUKI)
    assert f"arn:aws:iam::{JUKI}:policy/juki-reader" in targets
    assert f"arn:aws:iam::{JUKI}:policy/gcbase-asp-boundary-juki" in targets


def test_one_identity_one_role_for_a_vendor_in_two_parties():
    """vendor-a is juki's ASP and the account operator of 131121-prod: its ASP people cannot enter the operator's
    role, and the proof fails once the operator's trust stops asking for the party tag."""
    result = evaluate(plan_of("131121-prod"), settings_of("131121-prod"))
    row = next(r for r in result.rows if r.row.id == "esc-one-identity-one-role")
    asp = next(c for c in row.cells if c.cell.party == "asp")
    tried = [x for x in asp.checks if x.request.resource.endswith(":role/gcbase-account-operator")
             and dict(x.request.context).get("aws:PrincipalTag/gcbase:vendor") == "vendor-a"]
    assert tried and all(x.ok for x in tried)
    assert any(x.request.principal.startswith("arn:aws:iam::410000000001:") for x in tried)  # from its own account too
    plan = plan_of("131121-prod")
    for res in plan.of_type(ROLE):
        if res.inputs["name"] == "gcbase-account-operator":
            _edit(res, "assumeRolePolicy", lambda d: [s["Condition"]["StringEquals"].pop("aws:PrincipalTag/gcbase:party")
                                                      for s in d["Statement"]])
    assert ("esc-one-identity-one-role", "asp") in broken(plan, "131121-prod")


def test_catalogue_problems_are_one_line_each(tmp_path):
    bad = tmp_path / "e.yaml"
    bad.write_text("capabilities:\n  - {id: x, title: {ja: a}, actions: [nope], targets: somewhere}\n", encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load(bad)
    assert [str(p) for p in info.value.problems] == [f"{bad}: capabilities[0]: needs title and reason in ja and en (quote text with commas)"]
    bad.write_text("capabilities:\n  - {id: x, title: {ja: a, en: b}, reason: {ja: a, en: b}, actions: [nope], "
                   "targets: somewhere, except: {asp: {ja: x}}}\n", encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load(bad)
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "capabilities[0].targets: one of privileged-roles, other-party-roles, party-roles-here, party-policies-here, "
        "other-roles-here, new-roles-here, keys, trails-here, log-archive, detection-here, account-wide",
        "capabilities[0].actions: a list of service:Action",
        "capabilities[0].except.asp: every exception gives its reason in ja and en"]


def test_the_data_key_finding_is_found_again_if_the_fix_is_undone():
    """Before: the data key's admin statement allowed kms:Create*, and nothing stopped the system's own ASP
    from granting its residents' data key to any principal (any account's)."""
    plan = plan_of("131121-stg")
    _edit(_res(plan, "aws:kms/key:Key", "juki-key-cmk"), "policy", lambda d: [
        s.update(Action=["kms:Create*" if a == "kms:CreateAlias" else a for a in s["Action"]])
        for s in d["Statement"] if s.get("Sid") == "AccountAdministersButCannotUseTheKey"])
    _edit(_res(plan, "aws:iam/policy:Policy", "asp-juki-boundary"), "policy", lambda d: d.update(
        Statement=[s for s in d["Statement"] if s.get("Sid") != "GrantKeysOnlyForAwsResources"]))
    result = evaluate(plan, settings_of("131121-stg"))
    key = next(arn for arn, doc in from_plan(plan, "900000000001", ["220000000001", "220000000101"]).resource_policies.items()
               if doc.name == "gc131121-stg-juki-data")
    granted = [x for row, cell, x in result.mismatches() if row.id == "esc-key-policy" and x.request.resource == key]
    assert granted and granted[0].request.action == "kms:CreateGrant"
    assert granted[0].decision.deciding == "PowerUserAccess: statement 1"
