"""WorkloadVpc: one system's VPC in the system's account, attached to the shared TransitHub.

Private subnets in two AZs; the My Number and LGWAN tiers get no internet gateway, no NAT and
no default route (三層の対策); the internet tier gets public subnets with one NAT per AZ.
The maintenance path is SSM Session Manager through interface endpoints, never the internet.
Flow logs for ALL traffic go to a KMS-encrypted CloudWatch log group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import policy_document
from gcbase.errors import GcbaseError
from modules.network import TransitHub, network_defaults

ANYWHERE = "0.0.0.0/0"


@dataclass
class WorkloadVpcArgs:
    name_prefix: str
    system_id: str
    tier: str  # mynumber | lgwan | internet
    cidr: str
    region: str
    hub: TransitHub
    hub_provider: Optional[pulumi.ProviderResource] = None
    member: Optional[str] = None  # shared use: the member municipality served (None: the stack's own)
    flow_log_retention_days: int = 365
    tags: dict[str, str] = field(default_factory=dict)


class WorkloadVpc(pulumi.ComponentResource):
    def __init__(self, name: str, args: WorkloadVpcArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:network:WorkloadVpc", name, None, opts)
        self._name = name
        self._args = args
        self._cfg = network_defaults()["vpc"]
        self._base = f"{args.name_prefix}-{args.system_id}"
        self._internet = args.tier == "internet"
        if args.region not in self._cfg["zones"]:
            raise GcbaseError.one("gcbase:regions", "primary", f"no zones defined for {args.region}")
        zones = list(self._cfg["zones"][args.region])
        blocks = list(IPv4Network(args.cidr).subnets(prefixlen_diff=int(self._cfg["subnetPrefixDiff"])))

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags(self._base),
            opts=self._child(),
        )
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",  # no rules: the default SG allows nothing (CKV2_AWS_12)
            vpc_id=self.vpc.id,
            tags=self._tags(f"{self._base}-default-locked"),
            opts=self._child(),
        )
        self.private_subnets = [self._create_subnet("private", i, zone, blocks[i]) for i, zone in enumerate(zones)]
        self.private_route_tables = [self._create_route_table(f"private-{i}", s) for i, s in enumerate(self.private_subnets)]
        nat_ids = self._create_internet_edge(zones, blocks) if self._internet else []

        self.attachment = self._create_attachment()
        self._create_routes(nat_ids)
        self._create_endpoints()
        self._create_flow_logs()

        self.vpc_id = self.vpc.id
        self.subnet_ids = [s.id for s in self.private_subnets]
        self.attachment_id = self.attachment.id
        self.register_outputs({
            "vpcId": self.vpc_id,
            "subnetIds": self.subnet_ids,
            "attachmentId": self.attachment_id,
        })

    # -- helpers ----------------------------------------------------------------------------
    def _child(self, **kw) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kw)

    def _tags(self, name: str) -> dict[str, str]:
        return {**self._args.tags, "Name": name}

    def _create_subnet(self, role: str, i: int, zone: str, block: IPv4Network) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            f"{self._name}-{role}-{i}",
            vpc_id=self.vpc.id,
            cidr_block=str(block),
            availability_zone_id=zone,
            map_public_ip_on_launch=False,  # CKV_AWS_130: never public IPs by default, even in public subnets
            tags=self._tags(f"{self._base}-{role}-{zone}"),
            opts=self._child(),
        )

    def _create_route_table(self, role: str, *subnets: aws.ec2.Subnet) -> aws.ec2.RouteTable:
        table = aws.ec2.RouteTable(f"{self._name}-rt-{role}", vpc_id=self.vpc.id,
                                   tags=self._tags(f"{self._base}-{role}"), opts=self._child())
        for j, subnet in enumerate(subnets):
            aws.ec2.RouteTableAssociation(f"{self._name}-rt-{role}-{j}", route_table_id=table.id,
                                          subnet_id=subnet.id, opts=self._child())
        return table

    def _create_internet_edge(self, zones: list[str], blocks: list[IPv4Network]) -> list[pulumi.Output[str]]:
        """Internet tier only: IGW, public subnets, one NAT gateway per AZ."""
        igw = aws.ec2.InternetGateway(f"{self._name}-igw", vpc_id=self.vpc.id,
                                      tags=self._tags(f"{self._base}-igw"), opts=self._child())
        offset = len(zones)
        public = [self._create_subnet("public", i, z, blocks[offset + i]) for i, z in enumerate(zones)]
        public_rt = self._create_route_table("public", *public)
        aws.ec2.Route(f"{self._name}-public-default", route_table_id=public_rt.id,
                      destination_cidr_block=ANYWHERE, gateway_id=igw.id, opts=self._child())
        nat_ids = []
        for i, subnet in enumerate(public):
            eip = aws.ec2.Eip(f"{self._name}-nat-eip-{i}", domain="vpc",
                              tags=self._tags(f"{self._base}-nat-{i}"), opts=self._child(depends_on=[igw]))
            nat = aws.ec2.NatGateway(f"{self._name}-nat-{i}", allocation_id=eip.id, subnet_id=subnet.id,
                                     connectivity_type="public", tags=self._tags(f"{self._base}-nat-{i}"),
                                     opts=self._child(depends_on=[igw]))
            nat_ids.append(nat.id)
        return nat_ids

    def _create_attachment(self) -> aws.ec2transitgateway.VpcAttachment:
        """TGW attachment in this account, accepted and placed by the tier rules in the hub account."""
        a = self._args
        attachment = aws.ec2transitgateway.VpcAttachment(
            f"{self._name}-tgw-attach",
            transit_gateway_id=a.hub.transit_gateway_id,
            vpc_id=self.vpc.id,
            subnet_ids=[s.id for s in self.private_subnets],
            dns_support="enable",
            # No default-route-table flags here: the TGW is another account's (RAM share), so the
            # provider cannot set them and reads them back as true (a diff on every update). The
            # hub's accepter sets them, and the TGW has no default tables at all.
            tags=self._tags(f"{self._base}-tgw"),
            opts=self._child(depends_on=[a.hub]),  # after the RAM share reached this account
        )
        hub_opts = self._child(provider=a.hub_provider) if a.hub_provider else self._child()
        self.accepter = accepter = aws.ec2transitgateway.VpcAttachmentAccepter(
            f"{self._name}-tgw-accept",
            transit_gateway_attachment_id=attachment.id,
            transit_gateway_default_route_table_association=False,
            transit_gateway_default_route_table_propagation=False,
            tags={**a.tags, "Name": f"{self._base}-tgw", "gcbase:route-table": a.tier,
                  **({"gcbase:member": a.member} if a.member else {})},
            opts=hub_opts,
        )
        self.hub_routing = a.hub.attach_vpc(f"{self._name}-tgw", a.tier, a.member, accepter.transit_gateway_attachment_id,
                                            pulumi.ResourceOptions.merge(hub_opts, pulumi.ResourceOptions(
                                                depends_on=[accepter])))
        return attachment

    def _create_routes(self, nat_ids: list[pulumi.Output[str]]) -> None:
        """To the TGW only what the tier rules let this VPC reach (its tier's town-hall ranges, its
        tier's other VPCs of the same member); on the internet tier a default route to its own NAT."""
        dests = self._args.hub.destinations(self._args.tier, self._args.member, self._args.cidr)
        for i, table in enumerate(self.private_route_tables):
            for j, dest in enumerate(dests):
                aws.ec2.Route(f"{self._name}-private-{i}-tgw-{j}", route_table_id=table.id,
                              destination_cidr_block=dest, transit_gateway_id=self._args.hub.transit_gateway_id,
                              opts=self._child(depends_on=[self.accepter]))
            if self._internet:
                aws.ec2.Route(f"{self._name}-private-{i}-default", route_table_id=table.id,
                              destination_cidr_block=ANYWHERE, nat_gateway_id=nat_ids[i], opts=self._child())

    def _create_endpoints(self) -> None:
        """Maintenance path: SSM Session Manager and friends over PrivateLink, S3 over a gateway."""
        a, port = self._args, int(self._cfg["endpointPort"])
        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{self._name}-endpoints-sg",
            name=f"{self._base}-endpoints",
            description=f"HTTPS to VPC endpoints from {a.cidr} only",
            vpc_id=self.vpc.id,
            ingress=[aws.ec2.SecurityGroupIngressArgs(
                description="HTTPS from inside the VPC", protocol="tcp",
                from_port=port, to_port=port, cidr_blocks=[a.cidr])],
            egress=[],  # endpoints answer; they never start connections
            tags=self._tags(f"{self._base}-endpoints"),
            opts=self._child(),
        )
        subnet_ids = [s.id for s in self.private_subnets]
        # Only the system account's own principals use the endpoints (AWS's default endpoint policy lets
        # credentials of any account through: external access, GCJP_AWS_57).
        policy = self.vpc.owner_id.apply(lambda acct: json.dumps(policy_document("network/endpoint-policy.json",
                                                                                 account_id=acct)))
        for service in self._cfg["interfaceEndpoints"]:
            aws.ec2.VpcEndpoint(
                f"{self._name}-vpce-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{a.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=subnet_ids,
                security_group_ids=[self.endpoint_security_group.id],
                policy=policy,
                tags=self._tags(f"{self._base}-{service}"),
                opts=self._child(),
            )
        aws.ec2.VpcEndpoint(
            f"{self._name}-vpce-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{a.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in self.private_route_tables],
            policy=policy,
            tags=self._tags(f"{self._base}-s3"),
            opts=self._child(),
        )

    def _create_flow_logs(self) -> None:
        a = self._args
        group_name = f"/gcbase/{a.name_prefix}/{a.system_id}/vpc-flow-logs"
        account = self.vpc.owner_id
        self.flow_log_key = aws.kms.Key(
            f"{self._name}-flowlogs-key",
            description=f"{self._base} VPC flow logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=account.apply(lambda acct: json.dumps(policy_document(
                "network/flow_logs_key_policy.json", account_id=acct, region=a.region, log_group_name=group_name))),
            tags=self._tags(f"{self._base}-flowlogs"),
            opts=self._child(),
        )
        aws.kms.Alias(f"{self._name}-flowlogs-alias", name=f"alias/{self._base}-flowlogs",
                      target_key_id=self.flow_log_key.key_id, opts=self._child())
        self.flow_log_group = aws.cloudwatch.LogGroup(
            f"{self._name}-flowlogs",
            name=group_name,
            retention_in_days=a.flow_log_retention_days,
            kms_key_id=self.flow_log_key.arn,
            tags=self._tags(f"{self._base}-flowlogs"),
            opts=self._child(),
        )
        role = aws.iam.Role(
            f"{self._name}-flowlogs-role",
            name=f"{self._base}-flowlogs",
            assume_role_policy=account.apply(lambda acct: json.dumps(policy_document(
                "network/flow_logs_trust.json", account_id=acct, region=a.region))),
            tags=self._tags(f"{self._base}-flowlogs"),
            opts=self._child(),
        )
        aws.iam.RolePolicy(
            f"{self._name}-flowlogs-policy",
            name="deliver-flow-logs",
            role=role.id,
            policy=self.flow_log_group.arn.apply(lambda arn: json.dumps(policy_document(
                "network/flow_logs_policy.json", log_group_arn=arn))),
            opts=self._child(),
        )
        self.flow_log = aws.ec2.FlowLog(
            f"{self._name}-flowlog",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type=self._cfg["flowLogDestinationType"],
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=int(self._cfg["flowLogMaxAggregationSeconds"]),
            tags=self._tags(f"{self._base}-flowlog"),
            opts=self._child(),
        )
