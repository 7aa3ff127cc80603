"""Deterministic ids, ARNs and computed attributes for resources captured under mocks.

The same program and config always give the same ids, so plans diff cleanly and golden
files stay stable. Values look like the real ones (vpc-0123..., arn:aws:...) so that
checks and policy evaluation that parse them behave as they would after `pulumi up`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from gcbase.model import provider_account

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "ap-northeast-1"

# Pulumi module -> (AWS id prefix, ARN service, ARN resource part) for custom resources.
# {id} is the synthesized id, {name} the resource's name property (or id).
_TYPES: dict[str, tuple[str, str, str]] = {
    "aws:ec2/vpc:Vpc": ("vpc-", "ec2", "vpc/{id}"),
    "aws:ec2/subnet:Subnet": ("subnet-", "ec2", "subnet/{id}"),
    "aws:ec2/routeTable:RouteTable": ("rtb-", "ec2", "route-table/{id}"),
    "aws:ec2/securityGroup:SecurityGroup": ("sg-", "ec2", "security-group/{id}"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ("sg-", "ec2", "security-group/{id}"),
    "aws:ec2/internetGateway:InternetGateway": ("igw-", "ec2", "internet-gateway/{id}"),
    "aws:ec2/natGateway:NatGateway": ("nat-", "ec2", "natgateway/{id}"),
    "aws:ec2/eip:Eip": ("eipalloc-", "ec2", "elastic-ip/{id}"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("vpce-", "ec2", "vpc-endpoint/{id}"),
    "aws:ec2/flowLog:FlowLog": ("fl-", "ec2", "vpc-flow-log/{id}"),
    "aws:ec2/networkAcl:NetworkAcl": ("acl-", "ec2", "network-acl/{id}"),
    "aws:ec2/customerGateway:CustomerGateway": ("cgw-", "ec2", "customer-gateway/{id}"),
    "aws:ec2/vpnConnection:VpnConnection": ("vpn-", "ec2", "vpn-connection/{id}"),
    "aws:ec2/instance:Instance": ("i-", "ec2", "instance/{id}"),
    "aws:ec2transitgateway/transitGateway:TransitGateway": ("tgw-", "ec2", "transit-gateway/{id}"),
    "aws:ec2transitgateway/routeTable:RouteTable": ("tgw-rtb-", "ec2", "transit-gateway-route-table/{id}"),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": ("tgw-attach-", "ec2", "transit-gateway-attachment/{id}"),
    "aws:directconnect/gateway:Gateway": ("", "directconnect", "dx-gateway/{id}"),
    "aws:directconnect/transitVirtualInterface:TransitVirtualInterface": ("dxvif-", "directconnect", "dxvif/{id}"),
    "aws:directconnect/gatewayAssociation:GatewayAssociation": ("", "directconnect", "dx-gateway-association/{id}"),
    "aws:kms/key:Key": ("", "kms", "key/{id}"),
    "aws:kms/alias:Alias": ("", "kms", "{id}"),
    "aws:iam/role:Role": ("", "iam", "role/{name}"),
    "aws:iam/policy:Policy": ("", "iam", "policy/{name}"),
    "aws:iam/user:User": ("", "iam", "user/{name}"),
    "aws:iam/group:Group": ("", "iam", "group/{name}"),
    "aws:cloudtrail/trail:Trail": ("", "cloudtrail", "trail/{name}"),
    "aws:cloudwatch/logGroup:LogGroup": ("", "logs", "log-group:{name}"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("", "cloudwatch", "alarm:{name}"),
    "aws:cloudwatch/eventRule:EventRule": ("", "events", "rule/{name}"),
    "aws:sns/topic:Topic": ("", "sns", "{name}"),
    "aws:sqs/queue:Queue": ("", "sqs", "{name}"),
    "aws:guardduty/detector:Detector": ("", "guardduty", "detector/{id}"),
    "aws:securityhub/account:Account": ("", "securityhub", "hub/default"),
    "aws:accessanalyzer/analyzer:Analyzer": ("", "access-analyzer", "analyzer/{name}"),
    "aws:backup/vault:Vault": ("", "backup", "backup-vault:{name}"),
    "aws:backup/plan:Plan": ("", "backup", "backup-plan:{id}"),
    "aws:organizations/policy:Policy": ("p-", "organizations", "policy/o-gcbase0000/service_control_policy/{id}"),
    "aws:ram/resourceShare:ResourceShare": ("", "ram", "resource-share/{id}"),
    "aws:lambda/function:Function": ("", "lambda", "function:{name}"),
    "aws:secretsmanager/secret:Secret": ("", "secretsmanager", "secret:{name}"),
    "aws:dynamodb/table:Table": ("", "dynamodb", "table/{name}"),
    "aws:rds/instance:Instance": ("", "rds", "db:{name}"),
    "aws:ecs/cluster:Cluster": ("", "ecs", "cluster/{name}"),
    "aws:ssm/parameter:Parameter": ("", "ssm", "parameter/{name}"),
    "aws:cfg/recorder:Recorder": ("", "config", "config-recorder/{name}"),
    "aws:cfg/rule:Rule": ("", "config", "config-rule/{id}"),
}

_BUCKET_TYPES = {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"}

# Properties that hold a resource's name, by type, for auto-naming and ARNs.
_NAME_PROPS = ("name", "bucket", "trailName", "roleName", "functionName")
_GLOBAL_SERVICES = {"iam", "organizations"}
_NO_ACCOUNT_SERVICES = {"s3"}


def hexdigest(seed: str, n: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def _uuid(seed: str) -> str:
    h = hexdigest(seed, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def region_account(provider: dict) -> tuple[str, str]:
    return provider.get("region") or DEFAULT_REGION, provider_account(provider) or DEFAULT_ACCOUNT


def _module(token: str) -> str:
    return token.split(":")[1].split("/")[0] if token.count(":") >= 2 else ""


def synthesize(token: str, name: str, inputs: dict[str, Any], provider: dict, custom: bool | None) -> tuple[str, dict]:
    """Return (id, state) for a newly registered resource."""
    state = dict(inputs)
    if token.startswith("pulumi:providers:"):
        return _uuid(f"provider/{name}"), state
    region, account = region_account(provider)
    seed = f"{token}/{name}/{account}/{region}"
    prefix, service, res_part = _TYPES.get(token, ("", _module(token), "{id}"))

    resource_name = next((state[p] for p in _NAME_PROPS if isinstance(state.get(p), str)), None)
    if token in _BUCKET_TYPES:
        if not isinstance(state.get("bucket"), str):
            state["bucket"] = f"{name}-{hexdigest(seed, 7)}"
        resource_name = state["bucket"]
        service = "s3"
        rid = state["bucket"]
        arn = f"arn:aws:s3:::{rid}"
    else:
        if prefix:
            rid = f"{prefix}{hexdigest(seed, 17)}"
        elif service in ("kms", "guardduty", "backup") and token in _TYPES and "{id}" in res_part:
            rid = _uuid(seed) if service == "kms" else hexdigest(seed, 32)
        elif token == "aws:directconnect/gateway:Gateway":
            rid = _uuid(seed)
        elif resource_name:
            rid = resource_name
        else:
            rid = f"{name}-{hexdigest(seed, 7)}"
        if resource_name is None and "name" not in state and custom and token in _TYPES and "{name}" in res_part:
            state["name"] = f"{name}-{hexdigest(seed, 7)}"
            resource_name = state["name"]
        arn_region = "" if service in _GLOBAL_SERVICES else region
        arn_account = "" if service in _NO_ACCOUNT_SERVICES else account
        arn = f"arn:aws:{service}:{arn_region}:{arn_account}:" + res_part.format(id=rid, name=resource_name or rid)
    if token == "aws:kms/alias:Alias":
        arn = f"arn:aws:kms:{region}:{account}:{state.get('name', rid)}"
    state.setdefault("arn", arn)
    state.setdefault("id", rid)
    _computed(token, state, rid, region, account, seed)
    return rid, state


def _computed(token: str, state: dict, rid: str, region: str, account: str, seed: str) -> None:
    """Attributes the provider computes that programs commonly reference."""
    if token == "aws:kms/key:Key":
        state.setdefault("keyId", rid)
    elif token == "aws:ec2/vpc:Vpc":
        state.setdefault("defaultSecurityGroupId", f"sg-{hexdigest(seed + 'dsg', 17)}")
        state.setdefault("defaultRouteTableId", f"rtb-{hexdigest(seed + 'drt', 17)}")
        state.setdefault("defaultNetworkAclId", f"acl-{hexdigest(seed + 'dacl', 17)}")
        state.setdefault("mainRouteTableId", state["defaultRouteTableId"])
        state.setdefault("ownerId", account)
    elif token == "aws:ec2transitgateway/transitGateway:TransitGateway":
        state.setdefault("associationDefaultRouteTableId", f"tgw-rtb-{hexdigest(seed + 'a', 17)}")
        state.setdefault("propagationDefaultRouteTableId", f"tgw-rtb-{hexdigest(seed + 'a', 17)}")
        state.setdefault("ownerId", account)
    elif token == "aws:directconnect/gateway:Gateway":
        state.setdefault("ownerAccountId", account)
    elif token == "aws:iam/role:Role":
        state.setdefault("uniqueId", "AROA" + hexdigest(seed, 17).upper())
    elif token == "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration":
        state.setdefault("websiteDomain", f"s3-website-{region}.amazonaws.com")
        state.setdefault("websiteEndpoint", f"{state.get('bucket', rid)}.s3-website-{region}.amazonaws.com")
    elif token in _BUCKET_TYPES:
        state.setdefault("bucketDomainName", f"{state['bucket']}.s3.amazonaws.com")
        state.setdefault("bucketRegionalDomainName", f"{state['bucket']}.s3.{region}.amazonaws.com")
        state.setdefault("region", region)
    elif token == "aws:ec2/vpnConnection:VpnConnection":
        state.setdefault("tunnel1Address", "198.51.100.1")
        state.setdefault("tunnel2Address", "198.51.100.2")
        if state.get("transitGatewayId"):
            state.setdefault("transitGatewayAttachmentId", f"tgw-attach-{hexdigest(seed + 'vpn', 17)}")
    elif token == "aws:directconnect/gatewayAssociation:GatewayAssociation":
        state.setdefault("transitGatewayAttachmentId", f"tgw-attach-{hexdigest(seed + 'dx', 17)}")
        state.setdefault("dxGatewayAssociationId", _uuid(seed + "assoc"))
        state.setdefault("associatedGatewayType", "transitGateway")
    elif token == "aws:ec2transitgateway/vpcAttachment:VpcAttachment":
        state.setdefault("vpcOwnerId", account)
    elif token == "aws:guardduty/detector:Detector":
        state.setdefault("accountId", account)
    elif token in ("aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"):
        state.setdefault("executionArn", f"arn:aws:execute-api:{region}:{account}:{rid}")
        state.setdefault("rootResourceId", hexdigest(seed + "root", 10))
        state.setdefault("apiEndpoint", f"https://{rid}.execute-api.{region}.amazonaws.com")
    elif token == "aws:lambda/function:Function":
        state.setdefault("invokeArn", f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                                      f"{state['arn']}/invocations")
        state.setdefault("qualifiedArn", f"{state['arn']}:$LATEST")
    elif token == "aws:ram/resourceShare:ResourceShare":
        state["arn"] = f"arn:aws:ram:{region}:{account}:resource-share/{_uuid(seed)}"
