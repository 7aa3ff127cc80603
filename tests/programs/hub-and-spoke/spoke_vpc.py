"""SpokeVpc: a private VPC whose only way out is the Transit Gateway."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from transit_hub import TransitHub


@dataclass
class SpokeVpcArgs:
    cidr: str
    zones: list[str]
    hub: TransitHub


def subnet_cidrs(cidr: str, count: int, new_prefix: int = 24) -> list[str]:
    """The first `count` subnets of `cidr` (computed, not hard-coded)."""
    nets = ipaddress.ip_network(cidr).subnets(new_prefix=new_prefix)
    return [str(next(nets)) for _ in range(count)]


class SpokeVpc(pulumi.ComponentResource):
    def __init__(self, name: str, args: SpokeVpcArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("hubspoke:network:SpokeVpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )
        self.subnets = [
            aws.ec2.Subnet(
                f"{name}-private-{i}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{zone}"},
                opts=child,
            )
            for i, (cidr, zone) in enumerate(zip(subnet_cidrs(args.cidr, len(args.zones)), args.zones))
        ]
        self.attachment = args.hub.attach(name, self.vpc.id, [s.id for s in self.subnets],
                                          inspection=False, parent=self)
        self.route_table = self._create_routes(name)
        self.register_outputs({"vpcId": self.vpc.id, "attachmentId": self.attachment.id})

    def _create_routes(self, name: str) -> aws.ec2.RouteTable:
        child = pulumi.ResourceOptions(parent=self)
        table = aws.ec2.RouteTable(f"{name}-private-rt", vpc_id=self.vpc.id,
                                   tags={"Name": f"{name}-private"}, opts=child)
        aws.ec2.Route(
            f"{name}-default-route",
            route_table_id=table.id,
            destination_cidr_block="0.0.0.0/0",
            transit_gateway_id=self.attachment.transit_gateway_id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.attachment]),
        )
        for i, subnet in enumerate(self.subnets):
            aws.ec2.RouteTableAssociation(f"{name}-private-rta-{i}", route_table_id=table.id,
                                          subnet_id=subnet.id, opts=child)
        return table
