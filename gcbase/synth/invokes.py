"""Answers for the data sources (invokes) a program calls while it runs under the mocks.

`pulumi preview` reads data sources from the cloud; offline there is no cloud, so the common
lookups get plausible, deterministic answers in the provider's region and account (the same
program always sees the same AMI id, the same zones). get_policy_document renders the real IAM
JSON from its statements, because checks read that JSON. Every other invoke gets an empty
answer and is listed in the plan (meta "invokesUnanswered") and on the console, so nothing a
program derived from it passes unnoticed. docs/SYNTH.md lists the answered tokens.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable

from gcbase.synth.ids import hexdigest, region_account

_AZ_IDS = {
    "ap-northeast-1": [("ap-northeast-1a", "apne1-az4"), ("ap-northeast-1c", "apne1-az1"), ("ap-northeast-1d", "apne1-az2")],
    "ap-northeast-3": [("ap-northeast-3a", "apne3-az3"), ("ap-northeast-3b", "apne3-az1"), ("ap-northeast-3c", "apne3-az2")],
}
# the Elastic Load Balancing account that writes access logs, per region (AWS documentation)
_ELB_ACCOUNTS = {"ap-northeast-1": "582318560864", "ap-northeast-3": "383597477331", "us-east-1": "127311923021",
                 "us-west-2": "797873946194", "eu-west-1": "156460612806"}
_DEFAULT_VPC_CIDR = "172.31.0.0/16"

Answer = Callable[[dict, str, str], dict]


def _seed(args: dict, region: str, account: str) -> str:
    return json.dumps([args, region, account], sort_keys=True, default=str)


def _caller(args: dict, region: str, account: str) -> dict:
    return {"accountId": account, "arn": f"arn:aws:iam::{account}:root", "userId": account, "id": account}


def _region(args: dict, region: str, account: str) -> dict:
    return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region}


def _partition(args: dict, region: str, account: str) -> dict:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}


def _zones(args: dict, region: str, account: str) -> dict:
    azs = _AZ_IDS.get(region, [(f"{region}a", f"{region}-az1"), (f"{region}b", f"{region}-az2"),
                               (f"{region}c", f"{region}-az3")])
    return {"names": [a for a, _ in azs], "zoneIds": [z for _, z in azs], "id": region,
            "groupNames": [region]}


def _ami(args: dict, region: str, account: str) -> dict:
    ami = f"ami-{hexdigest(_seed(args, region, account), 17)}"
    names = [v for f in args.get("filters") or [] if f.get("name") == "name" for v in f.get("values") or []]
    name = (names[0] if names else "image").replace("*", "2026.12.01")
    return {"id": ami, "imageId": ami, "arn": f"arn:aws:ec2:{region}::image/{ami}", "architecture": "x86_64",
            "name": name, "ownerId": (args.get("owners") or ["137112412989"])[0], "rootDeviceName": "/dev/xvda",
            "rootDeviceType": "ebs", "virtualizationType": "hvm", "state": "available", "public": True}


def _vpc(args: dict, region: str, account: str) -> dict:
    vpc = f"vpc-{hexdigest(_seed(args, region, account), 17)}"
    return {"id": vpc, "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc}", "cidrBlock": _DEFAULT_VPC_CIDR,
            "default": bool(args.get("default", True)), "ownerId": account, "state": "available",
            "mainRouteTableId": f"rtb-{hexdigest(vpc + 'main', 17)}"}


def _subnets(args: dict, region: str, account: str) -> dict:
    seed = _seed(args, region, account)
    ids = [f"subnet-{hexdigest(seed + str(i), 17)}" for i in range(len(_zones({}, region, account)["names"]))]
    return {"ids": ids, "id": region, "vpcId": args.get("vpcId")}


def _elb_account(args: dict, region: str, account: str) -> dict:
    elb = _ELB_ACCOUNTS.get(args.get("region") or region, "000000000000")
    return {"id": elb, "arn": f"arn:aws:iam::{elb}:root"}


def _ecr_token(args: dict, region: str, account: str) -> dict:
    endpoint = f"https://{account}.dkr.ecr.{region}.amazonaws.com"
    password = "offline-" + hexdigest(account + region, 12)
    token = base64.b64encode(f"AWS:{password}".encode()).decode()
    return {"id": region, "proxyEndpoint": endpoint, "userName": "AWS", "password": password,
            "authorizationToken": token, "expiresAt": "2026-12-31T00:00:00Z", "registryId": account}


def _policy(args: dict, region: str, account: str) -> dict:
    return {"json": json.dumps(policy_document(args)), "minifiedJson": json.dumps(policy_document(args), separators=(",", ":")),
            "id": hexdigest(json.dumps(args, sort_keys=True), 10)}


def _managed_policy(args: dict, region: str, account: str) -> dict:
    arn = args.get("arn") or f"arn:aws:iam::aws:policy/{args.get('name') or 'unknown'}"
    return {"arn": arn, "id": arn, "name": arn.rsplit("/", 1)[-1]}


def _iam_user(args: dict, region: str, account: str) -> dict:
    name = args.get("userName") or "user"
    return {"arn": f"arn:aws:iam::{account}:user/{name}", "id": name, "userName": name, "path": "/",
            "userId": "AIDA" + hexdigest(account + name, 17).upper()}


def _iam_role(args: dict, region: str, account: str) -> dict:
    name = args.get("name") or "role"
    return {"arn": f"arn:aws:iam::{account}:role/{name}", "id": name, "name": name, "path": "/",
            "uniqueId": "AROA" + hexdigest(account + name, 17).upper()}


ANSWERS: dict[str, Answer] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _zones,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy,
    "aws:iam/getPolicy:getPolicy": _managed_policy,
    "aws:iam/getUser:getUser": _iam_user,
    "aws:iam/getRole:getRole": _iam_role,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getSubnetIds:getSubnetIds": _subnets,
    "aws:elb/getServiceAccount:getServiceAccount": _elb_account,
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": _ecr_token,
    "aws:ecr/getCredentials:getCredentials": _ecr_token,
}


def answer(token: str, args: dict, provider: dict) -> tuple[dict, bool]:
    """(result, answered) for one invoke; an unanswered one gets an empty result."""
    fn = ANSWERS.get(token)
    if fn is None:
        return {}, False
    region, account = region_account(provider)
    return fn(args, region, account), True


def policy_document(args: dict) -> dict:
    """Render aws.iam.get_policy_document arguments as the IAM JSON the provider would return."""
    doc: dict[str, Any] = {"Version": args.get("version") or "2012-10-17", "Statement": []}
    for st in args.get("statements") or []:
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, tf in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"), ("notResources", "NotResource")):
            if st.get(key):
                vals = st[key]
                out[tf] = vals[0] if len(vals) == 1 else vals
        for key, tf in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if st.get(key):
                block: dict[str, Any] = {}
                for p in st[key]:
                    ids_ = p.get("identifiers") or []
                    block[p.get("type")] = ids_[0] if len(ids_) == 1 else ids_
                out[tf] = block
        if st.get("conditions"):
            cond: dict[str, dict] = {}
            for c in st["conditions"]:
                vals = c.get("values") or []
                cond.setdefault(c["test"], {})[c["variable"]] = vals[0] if len(vals) == 1 else vals
            out["Condition"] = cond
        doc["Statement"].append(out)
    return doc
