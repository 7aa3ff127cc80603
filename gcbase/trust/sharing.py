"""Sharing mechanisms that are not policy documents: KMS grants, S3 ACLs, Lambda permissions, RAM
shares, snapshot and image sharing. Each names principals; every one outside the zone is a finding.

A Lambda permission is a policy statement in another shape: it is turned into one and asked like any
resource-based policy (gcbase.trust.external), so its source account, source ARN and organization
conditions are honoured.
"""

from __future__ import annotations

from typing import Any, Iterable

from gcbase.check.planindex import PlanIndex, PlanResource
from gcbase.trust.inventory import Item, table

ALL = "all"


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _kms_grant(index: PlanIndex, res: PlanResource) -> Item:
    item = Item(res.address, "", resource=None)
    ops = ", ".join(str(o) for o in _list(res.values.get("operations"))) or "(operations unknown)"
    for attr in ("grantee_principal", "retiring_principal"):
        value = res.values.get(attr)
        if value is None and index.is_unknown(res, attr):
            item.unknown = f"{attr} is known only after apply"
        elif isinstance(value, str) and value:
            item.shares.append((value, f"a KMS grant ({attr.split('_')[0]}) for {ops}"))
    return item


def _bucket_acl(index: PlanIndex, res: PlanResource) -> Item:
    item = Item(res.address, "")
    t = table()
    canned = res.values.get("acl")
    if isinstance(canned, str) and canned in t["publicCannedAcls"]:
        item.shares.append((ALL, f"the canned ACL {canned}"))
    owner = res.get("access_control_policy.owner.id")
    for grant in res.all("access_control_policy.grant"):
        grantee = (grant or {}).get("grantee") or {}
        grantee = grantee[0] if isinstance(grantee, list) and grantee else grantee
        if not isinstance(grantee, dict):
            continue
        perm = grant.get("permission", "?")
        if grantee.get("uri") in t["publicGroups"]:
            item.shares.append((ALL, f"{perm} to the group {grantee['uri'].rsplit('/', 1)[-1]}"))
        elif grantee.get("type") == "CanonicalUser" and grantee.get("id") and grantee.get("id") != owner:
            item.shares.append((f"canonical user {grantee['id']}", f"{perm} (a canonical user id is not an account of the zone)"))
        elif grantee.get("type") == "AmazonCustomerByEmail":
            item.shares.append((f"e-mail {grantee.get('email_address', '?')}", f"{perm} to an AWS customer by e-mail"))
    return item


def _lambda_permission(index: PlanIndex, res: PlanResource) -> Item:
    v = res.values
    principal = v.get("principal")
    item = Item(res.address, "")
    if principal is None:
        item.unknown = "principal is known only after apply"
        return item
    statement: dict[str, Any] = {"Sid": v.get("statement_id") or "permission", "Effect": "Allow",
                                 "Action": v.get("action") or "lambda:InvokeFunction", "Resource": "*"}
    statement["Principal"] = "*" if principal == "*" else (
        {"Service": principal} if str(principal).endswith(".amazonaws.com") else {"AWS": principal})
    cond: dict[str, dict[str, Any]] = {}
    if v.get("source_account"):
        cond.setdefault("StringEquals", {})["aws:SourceAccount"] = v["source_account"]
    if v.get("source_arn"):
        cond.setdefault("ArnLike", {})["aws:SourceArn"] = v["source_arn"]
    if v.get("principal_org_id"):
        cond.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = v["principal_org_id"]
    if cond:
        statement["Condition"] = cond
    item.doc = {"Version": "2012-10-17", "Statement": [statement]}
    return item


def _ram(index: PlanIndex, res: PlanResource) -> Item:
    item = Item(res.address, "")
    principal = res.values.get("principal")
    share = index.targets(res, "resource_share_arn", ("aws_ram_resource_share",))
    what = f"the RAM share {share[0].values.get('name') or share[0].address}" if share else "a RAM share"
    if share and share[0].values.get("allow_external_principals"):
        what += " (allow_external_principals is true)"
    if principal is None:
        item.unknown = "principal is known only after apply"
    else:
        item.shares.append((str(principal), what))
    return item


def _snapshot(index: PlanIndex, res: PlanResource) -> Item:
    item = Item(res.address, "")
    what = {"aws_snapshot_create_volume_permission": "an EBS snapshot (create volume)",
            "aws_ami_launch_permission": "an AMI (launch)"}.get(res.type, "a database snapshot")
    if res.type in ("aws_db_snapshot", "aws_db_cluster_snapshot"):
        for acct in _list(res.values.get("shared_accounts")):
            item.shares.append((str(acct), what))
        if res.values.get("shared_accounts") is None and index.is_unknown(res, "shared_accounts"):
            item.unknown = "shared_accounts is known only after apply"
        return item
    for attr in ("account_id", "group", "organization_arn", "organizational_unit_arn"):
        value = res.values.get(attr)
        if value is None and index.is_unknown(res, attr):
            item.unknown = f"{attr} is known only after apply"
        elif value:
            item.shares.append((str(value), what))
    return item


def _ssm_document(index: PlanIndex, res: PlanResource) -> Item:
    """An SSM document's permissions: {type: Share, account_ids: "111,222" or "All"} (All: public)."""
    item = Item(res.address, "")
    perms = res.values.get("permissions")
    perms = perms[0] if isinstance(perms, list) and perms else perms
    if perms is None and index.is_unknown(res, "permissions"):
        item.unknown = "permissions is known only after apply"
    elif isinstance(perms, dict):
        ids = perms.get("account_ids")
        if ids is None and perms.get("type"):
            item.unknown = "permissions.account_ids is known only after apply"
        for acct in (ids.split(",") if isinstance(ids, str) else _list(ids)):
            acct = str(acct).strip()
            if acct:
                item.shares.append((ALL if acct.lower() == "all" else acct, "an SSM document"))
    return item


def _endpoint_service(index: PlanIndex, res: PlanResource) -> Item:
    """Who may connect an interface endpoint to a PrivateLink endpoint service: a way into its VPC."""
    item = Item(res.address, "")
    attr = "allowed_principals" if res.type == "aws_vpc_endpoint_service" else "principal_arn"
    value = res.values.get(attr)
    if value is None and index.is_unknown(res, attr):
        item.unknown = f"{attr} is known only after apply"
    for principal in _list(value):
        item.shares.append((str(principal), "a PrivateLink endpoint service (connections into its VPC)"))
    return item


HANDLERS = {
    "aws_kms_grant": _kms_grant, "aws_s3_bucket_acl": _bucket_acl, "aws_lambda_permission": _lambda_permission,
    "aws_ram_principal_association": _ram, "aws_snapshot_create_volume_permission": _snapshot,
    "aws_ami_launch_permission": _snapshot, "aws_db_snapshot": _snapshot, "aws_db_cluster_snapshot": _snapshot,
    "aws_ssm_document": _ssm_document, "aws_vpc_endpoint_service": _endpoint_service,
    "aws_vpc_endpoint_service_allowed_principal": _endpoint_service,
}


def sharing_items(index: PlanIndex) -> list[Item]:
    out = []
    for tf_type, check in table()["sharing"].items():
        for res in index.of_type(tf_type):
            item = HANDLERS[tf_type](index, res)
            item.check = check
            out.append(item)
    for res in index.of_type("aws_s3_bucket"):  # the bucket's own (deprecated) acl argument
        if isinstance(res.values.get("acl"), str) and res.values["acl"] in table()["publicCannedAcls"]:
            out.append(Item(res.address, table()["sharing"]["aws_s3_bucket_acl"],
                            shares=[(ALL, f"the canned ACL {res.values['acl']}")]))
    return out


def outside(principal: str, zone: Any) -> Iterable[str]:
    """Why a shared-with principal is outside the zone (nothing when it is inside)."""
    from gcbase.trust.principals import account_of

    if principal == ALL or principal == "*":
        return ["everyone"]
    if principal.startswith("arn:aws:organizations::"):
        return ["an organization or OU: Government Cloud's holds every other municipality's accounts"]
    if principal.endswith(".amazonaws.com"):
        return []  # an AWS service acting in the account that shares
    acct = account_of(principal)
    if acct and acct in zone.inside:
        return []
    if acct and acct in zone.vendor_accounts:
        return [f"vendor {zone.vendor_accounts[acct]}'s own account (trusted to assume its roles only)"]
    return [f"account {acct} outside the zone of trust" if acct else "not an account of the zone of trust"]
