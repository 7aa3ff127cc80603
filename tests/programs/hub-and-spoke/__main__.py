"""Hub and spoke: a Transit Gateway hub, an inspection (egress) VPC and two spoke VPCs.

Config is read once, here; every CIDR comes from the stack config.
"""

import pulumi
import pulumi_aws as aws

from inspection_vpc import InspectionVpc, InspectionVpcArgs
from spoke_vpc import SpokeVpc, SpokeVpcArgs
from transit_hub import TransitHub, TransitHubArgs

config = pulumi.Config()
region = pulumi.Config("aws").require("region")
inspection_cidr = config.require("inspectionCidr")
spokes = config.require_object("spokes")
on_premises_cidr = config.require("onPremisesCidr")

provider = aws.Provider("network", region=region)
zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider)).names[:2]
opts = pulumi.ResourceOptions(provider=provider)

hub = TransitHub("hub", TransitHubArgs(
    amazon_side_asn=config.get_int("amazonSideAsn") or 64512,
    customer_gateway_ip=config.require("customerGatewayIp"),
    customer_asn=config.require_int("customerAsn"),
    vpn_preshared_key=config.require_secret("vpnPresharedKey"),
    on_premises_cidr=on_premises_cidr,
), opts)

inspection = InspectionVpc("inspection", InspectionVpcArgs(
    cidr=inspection_cidr, zones=zones, hub=hub, spoke_cidrs=[s["cidr"] for s in spokes],
), opts)

spoke_vpcs = {s["name"]: SpokeVpc(f"spoke-{s['name']}", SpokeVpcArgs(cidr=s["cidr"], zones=zones, hub=hub), opts)
              for s in spokes}

pulumi.export("transitGatewayId", hub.tgw.id)
pulumi.export("inspectionVpcId", inspection.vpc.id)
pulumi.export("spokeVpcIds", {name: spoke.vpc.id for name, spoke in spoke_vpcs.items()})
