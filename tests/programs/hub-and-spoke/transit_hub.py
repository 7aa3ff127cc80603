"""TransitHub: the Transit Gateway, its two route tables and the on-premises VPN.

Default association and propagation are off: every attachment is placed explicitly, so a
spoke can only reach the inspection VPC, never another spoke directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws


@dataclass
class TransitHubArgs:
    amazon_side_asn: int
    customer_gateway_ip: str
    customer_asn: int
    vpn_preshared_key: pulumi.Input[str]
    on_premises_cidr: str


class TransitHub(pulumi.ComponentResource):
    def __init__(self, name: str, args: TransitHubArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("hubspoke:network:TransitHub", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.tgw = aws.ec2transitgateway.TransitGateway(
            f"{name}-tgw",
            amazon_side_asn=args.amazon_side_asn,
            default_route_table_association="disable",
            default_route_table_propagation="disable",
            auto_accept_shared_attachments="disable",
            dns_support="enable",
            vpn_ecmp_support="enable",
            tags={"Name": f"{name}-tgw"},
            opts=child,
        )
        self.spoke_table = self._create_table(name, "spokes")
        self.inspection_table = self._create_table(name, "inspection")
        self.vpn = self._create_vpn(name, args)
        self.register_outputs({
            "transitGatewayId": self.tgw.id,
            "spokeRouteTableId": self.spoke_table.id,
            "inspectionRouteTableId": self.inspection_table.id,
        })

    def _create_table(self, name: str, role: str) -> aws.ec2transitgateway.RouteTable:
        return aws.ec2transitgateway.RouteTable(
            f"{name}-{role}-rt",
            transit_gateway_id=self.tgw.id,
            tags={"Name": f"{name}-{role}"},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_vpn(self, name: str, args: TransitHubArgs) -> aws.ec2.VpnConnection:
        child = pulumi.ResourceOptions(parent=self)
        cgw = aws.ec2.CustomerGateway(
            f"{name}-cgw",
            type="ipsec.1",
            bgp_asn=str(args.customer_asn),
            ip_address=args.customer_gateway_ip,
            tags={"Name": f"{name}-town-hall"},
            opts=child,
        )
        return aws.ec2.VpnConnection(
            f"{name}-vpn",
            customer_gateway_id=cgw.id,
            transit_gateway_id=self.tgw.id,
            type="ipsec.1",
            static_routes_only=False,
            tunnel1_preshared_key=args.vpn_preshared_key,
            tunnel2_preshared_key=args.vpn_preshared_key,
            remote_ipv4_network_cidr=args.on_premises_cidr,
            tags={"Name": f"{name}-vpn"},
            opts=child,
        )

    def attach(self, name: str, vpc_id: pulumi.Input[str], subnet_ids: list, *, inspection: bool,
               parent: pulumi.Resource) -> aws.ec2transitgateway.VpcAttachment:
        """Attach a VPC; spokes associate with the spoke table and propagate into the inspection table."""
        child = pulumi.ResourceOptions(parent=parent)
        attachment = aws.ec2transitgateway.VpcAttachment(
            f"{name}-tgw-attachment",
            transit_gateway_id=self.tgw.id,
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            appliance_mode_support="enable" if inspection else "disable",
            transit_gateway_default_route_table_association=False,
            transit_gateway_default_route_table_propagation=False,
            tags={"Name": f"{name}-attachment"},
            opts=child,
        )
        associate_with = self.inspection_table if inspection else self.spoke_table
        aws.ec2transitgateway.RouteTableAssociation(
            f"{name}-tgw-association",
            transit_gateway_attachment_id=attachment.id,
            transit_gateway_route_table_id=associate_with.id,
            opts=child,
        )
        if not inspection:
            aws.ec2transitgateway.RouteTablePropagation(
                f"{name}-tgw-propagation",
                transit_gateway_attachment_id=attachment.id,
                transit_gateway_route_table_id=self.inspection_table.id,
                opts=child,
            )
        return attachment
