"""InspectionVpc: the hub's egress VPC. Spoke traffic enters from the Transit Gateway,
leaves through a NAT gateway, and the replies return to the spokes through the TGW."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from spoke_vpc import subnet_cidrs
from transit_hub import TransitHub


@dataclass
class InspectionVpcArgs:
    cidr: str
    zones: list[str]
    hub: TransitHub
    spoke_cidrs: list[str]


class InspectionVpc(pulumi.ComponentResource):
    def __init__(self, name: str, args: InspectionVpcArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("hubspoke:network:InspectionVpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr, enable_dns_hostnames=True,
                               tags={"Name": f"{name}-vpc"}, opts=child)
        cidrs = subnet_cidrs(args.cidr, 2 * len(args.zones), new_prefix=28)
        self.tgw_subnets = [self._subnet(f"{name}-tgw-{i}", cidrs[i], z) for i, z in enumerate(args.zones)]
        self.public_subnet = self._subnet(f"{name}-public-0", cidrs[len(args.zones)], args.zones[0])
        self.igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, opts=child)
        eip = aws.ec2.Eip(f"{name}-nat-eip", domain="vpc", opts=child)
        self.nat = aws.ec2.NatGateway(f"{name}-nat", allocation_id=eip.id, subnet_id=self.public_subnet.id,
                                      opts=pulumi.ResourceOptions(parent=self, depends_on=[self.igw]))
        self.attachment = args.hub.attach(name, self.vpc.id, [s.id for s in self.tgw_subnets],
                                          inspection=True, parent=self)
        self._create_routes(name, args)
        self.register_outputs({"vpcId": self.vpc.id, "natGatewayId": self.nat.id})

    def _subnet(self, name: str, cidr: str, zone: str) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(name, vpc_id=self.vpc.id, cidr_block=cidr, availability_zone=zone,
                              tags={"Name": name}, opts=pulumi.ResourceOptions(parent=self))

    def _create_routes(self, name: str, args: InspectionVpcArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        tgw_rt = aws.ec2.RouteTable(f"{name}-tgw-rt", vpc_id=self.vpc.id, opts=child)
        aws.ec2.Route(f"{name}-tgw-to-nat", route_table_id=tgw_rt.id, destination_cidr_block="0.0.0.0/0",
                      nat_gateway_id=self.nat.id, opts=child)
        for i, subnet in enumerate(self.tgw_subnets):
            aws.ec2.RouteTableAssociation(f"{name}-tgw-rta-{i}", route_table_id=tgw_rt.id,
                                          subnet_id=subnet.id, opts=child)
        public_rt = aws.ec2.RouteTable(f"{name}-public-rt", vpc_id=self.vpc.id, opts=child)
        aws.ec2.Route(f"{name}-public-to-igw", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0",
                      gateway_id=self.igw.id, opts=child)
        for i, cidr in enumerate(args.spoke_cidrs):
            aws.ec2.Route(f"{name}-public-to-spoke-{i}", route_table_id=public_rt.id, destination_cidr_block=cidr,
                          transit_gateway_id=args.hub.tgw.id,
                          opts=pulumi.ResourceOptions(parent=self, depends_on=[self.attachment]))
        aws.ec2.RouteTableAssociation(f"{name}-public-rta", route_table_id=public_rt.id,
                                      subnet_id=self.public_subnet.id, opts=child)
        # Spokes send everything else to the inspection VPC.
        aws.ec2transitgateway.Route(
            f"{name}-spokes-default",
            destination_cidr_block="0.0.0.0/0",
            transit_gateway_attachment_id=self.attachment.id,
            transit_gateway_route_table_id=args.hub.spoke_table.id,
            opts=child,
        )
