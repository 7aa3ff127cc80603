"""WorkloadVpc under the mocks: three-tier separation, TGW placement, endpoints, flow logs."""

from __future__ import annotations

import pulumi
import pytest

from helpers import one, policy, synth, test_provider
from modules.network import TransitHub, TransitHubArgs
from modules.workload_vpc import WorkloadVpc, WorkloadVpcArgs

HUB_ACCOUNT = "210000000001"
SYSTEM_ACCOUNT = "210000000101"
ONPREM = {"mynumber": ["172.16.0.0/20", "192.168.10.0/24"], "lgwan": ["172.16.16.0/20"],
          "internet": ["172.16.32.0/20"]}
POOL = "10.20.0.0/16"
CIDR = "10.20.4.0/22"
SAME_TIER_PEER = "10.20.0.0/22"  # another VPC of the same tier (and member) the hub knows
ENDPOINTS = {"ssm", "ssmmessages", "ec2messages", "logs", "kms"}


def vpc_plan(tier: str, region: str = "ap-northeast-1", retention: int = 400):
    def program():
        hub_provider = test_provider(HUB_ACCOUNT, region, name="hub")
        system_provider = test_provider(SYSTEM_ACCOUNT, region, name="system")
        hub = TransitHub("hub", TransitHubArgs(
            name_prefix="gc131121-prod", connection="lgwan",
            lines=[{"connection_id": "dxcon-fgk3a9x1", "vlans": {"mynumber": 101, "lgwan": 111, "internet": 121}}],
            customer_asn=65101, cidr_pool=POOL, on_premises=ONPREM,
            vpc_groups={(tier, None): [SAME_TIER_PEER, CIDR]}, share_with_account_ids=[SYSTEM_ACCOUNT],
        ), pulumi.ResourceOptions(provider=hub_provider))
        WorkloadVpc("sys", WorkloadVpcArgs(
            name_prefix="gc131121-prod", system_id="juki", tier=tier, cidr=CIDR, region=region,
            hub=hub, hub_provider=hub_provider,
            flow_log_retention_days=retention, tags={"gcbase:tier": tier},
        ), pulumi.ResourceOptions(provider=system_provider))
    return synth(program)


@pytest.fixture(scope="module", params=["mynumber", "lgwan", "internet"])
def tier_plan(request):
    return request.param, vpc_plan(request.param)


@pytest.fixture(scope="module")
def closed_plan():
    return vpc_plan("mynumber")


def routes(plan):
    return plan.of_type("aws:ec2/route:Route")


def vpc_of(plan):
    return one(plan, "aws:ec2/vpc:Vpc")


def tgw_placement(plan) -> tuple[list[str], set[str]]:
    """(associated, propagated) hub route tables of the system's attachment, as kinds."""
    kinds = {r.id: r.name.removeprefix("hub-rt-") for r in plan.of_type("aws:ec2transitgateway/routeTable:RouteTable")}
    accepter = one(plan, "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter")
    att = accepter.inputs["transitGatewayAttachmentId"]
    mine = [r for r in plan.resources if r.inputs.get("transitGatewayAttachmentId") == att and r.name.startswith("sys-")]
    assert all(plan.account_of(r) == HUB_ACCOUNT for r in mine)
    assoc = [kinds[r.inputs["transitGatewayRouteTableId"]] for r in mine if "routeTableAssociation" in r.type]
    prop = {kinds[r.inputs["transitGatewayRouteTableId"]] for r in mine if "routeTablePropagation" in r.type}
    return assoc, prop


def test_vpc_resolves_dns_and_lives_in_the_system_account(tier_plan):
    _, plan = tier_plan
    vpc = vpc_of(plan)
    assert vpc.inputs["cidrBlock"] == CIDR
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
    assert vpc.inputs["tags"]["Name"] == "gc131121-prod-juki"
    assert plan.account_of(vpc) == SYSTEM_ACCOUNT


@pytest.mark.parametrize("tier", ["mynumber", "lgwan"])
def test_closed_tiers_have_no_path_to_the_internet(tier):
    plan = vpc_plan(tier)
    for token in ("aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
                  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"):
        assert plan.of_type(token) == [], token
    assert all(r.inputs.get("destinationCidrBlock") != "0.0.0.0/0" for r in routes(plan))
    assert not any("gatewayId" in r.inputs or "natGatewayId" in r.inputs for r in routes(plan))
    subnets = plan.of_type("aws:ec2/subnet:Subnet")
    assert sorted(s.inputs["cidrBlock"] for s in subnets) == ["10.20.4.0/24", "10.20.5.0/24"]
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    assert not any("public" in s.name for s in subnets)


def test_internet_tier_egresses_through_one_nat_per_az():
    plan = vpc_plan("internet")
    igw = one(plan, "aws:ec2/internetGateway:InternetGateway")
    assert igw.inputs["vpcId"] == vpc_of(plan).id
    subnets = {s.id: s for s in plan.of_type("aws:ec2/subnet:Subnet")}
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets.values())
    public = {i for i, s in subnets.items() if "public" in s.name}
    private = {i for i, s in subnets.items() if "private" in s.name}
    assert len(public) == 2 and len(private) == 2
    nats = plan.of_type("aws:ec2/natGateway:NatGateway")
    assert {n.inputs["subnetId"] for n in nats} == public
    assert {subnets[n.inputs["subnetId"]].inputs["availabilityZoneId"] for n in nats} == {"apne1-az4", "apne1-az1"}
    eips = {e.id for e in plan.of_type("aws:ec2/eip:Eip")}
    assert {n.inputs["allocationId"] for n in nats} == eips
    defaults = [r for r in routes(plan) if r.inputs.get("destinationCidrBlock") == "0.0.0.0/0"]
    assert sorted(r.name for r in defaults) == ["sys-private-0-default", "sys-private-1-default", "sys-public-default"]
    assert one(plan, "aws:ec2/route:Route", "public-default").inputs["gatewayId"] == igw.id
    assert {r.inputs["natGatewayId"] for r in defaults if "private" in r.name} == {n.id for n in nats}


def test_private_subnets_use_two_zone_ids_per_region():
    for region, zones in (("ap-northeast-1", {"apne1-az4", "apne1-az1"}), ("ap-northeast-3", {"apne3-az3", "apne3-az1"})):
        plan = vpc_plan("lgwan", region=region)
        subnets = plan.of_type("aws:ec2/subnet:Subnet")
        assert {s.inputs["availabilityZoneId"] for s in subnets} == zones
        assert "availabilityZone" not in subnets[0].inputs


def test_private_route_tables_send_only_their_tiers_town_hall_and_peers_to_the_tgw(tier_plan):
    tier, plan = tier_plan
    tgw = one(plan, "aws:ec2transitgateway/transitGateway:TransitGateway")
    private_tables = {t.id for t in plan.of_type("aws:ec2/routeTable:RouteTable") if "private" in t.name}
    assert len(private_tables) == 2
    to_tgw = [r for r in routes(plan) if "transitGatewayId" in r.inputs]
    assert {r.inputs["transitGatewayId"] for r in to_tgw} == {tgw.id}
    for table in private_tables:
        assert sorted(r.inputs["destinationCidrBlock"] for r in to_tgw if r.inputs["routeTableId"] == table) \
            == sorted([*ONPREM[tier], SAME_TIER_PEER])
    assert not any(r.inputs["destinationCidrBlock"] == POOL for r in to_tgw)  # never the whole pool


def test_attachment_is_requested_here_and_accepted_in_the_hub(tier_plan):
    _, plan = tier_plan
    att = one(plan, "aws:ec2transitgateway/vpcAttachment:VpcAttachment")
    assert plan.account_of(att) == SYSTEM_ACCOUNT
    assert att.inputs["vpcId"] == vpc_of(plan).id
    # The TGW is shared through RAM from the hub account: the attachment's owner cannot set the
    # default-route-table flags (the provider reads them back as true, a perpetual diff); the
    # hub's accepter sets them to false.
    assert "transitGatewayDefaultRouteTableAssociation" not in att.inputs
    assert "transitGatewayDefaultRouteTablePropagation" not in att.inputs
    private = {s.id for s in plan.of_type("aws:ec2/subnet:Subnet") if "private" in s.name}
    assert set(att.inputs["subnetIds"]) == private
    accepter = one(plan, "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter")
    assert plan.account_of(accepter) == HUB_ACCOUNT
    assert accepter.inputs["transitGatewayAttachmentId"] == att.id
    assert accepter.inputs["transitGatewayDefaultRouteTableAssociation"] is False
    assert accepter.inputs["transitGatewayDefaultRouteTablePropagation"] is False


def test_route_table_isolation_between_tiers(tier_plan):
    tier, plan = tier_plan
    assoc, prop = tgw_placement(plan)
    assert assoc == [tier]
    assert prop == {tier, f"onprem-{tier}"}
    if tier == "mynumber":
        assert "internet" not in prop
    if tier == "internet":
        assert "mynumber" not in prop


def test_default_security_group_is_locked(closed_plan):
    dsg = one(closed_plan, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert dsg.inputs["vpcId"] == vpc_of(closed_plan).id
    assert not dsg.inputs.get("ingress") and not dsg.inputs.get("egress")


def test_endpoints_give_the_maintenance_path_from_inside_only(tier_plan):
    _, plan = tier_plan
    sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "endpoints")
    assert [(r["protocol"], r["fromPort"], r["toPort"], r["cidrBlocks"]) for r in sg.inputs["ingress"]] \
        == [("tcp", 443, 443, [CIDR])]
    assert not sg.inputs.get("egress")
    for res in plan.resources:
        for rule in res.inputs.get("ingress") or []:
            assert "0.0.0.0/0" not in (rule.get("cidrBlocks") or []), res.name
    endpoints = plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    interface = [e for e in endpoints if e.inputs["vpcEndpointType"] == "Interface"]
    assert {e.inputs["serviceName"] for e in interface} == {f"com.amazonaws.ap-northeast-1.{s}" for s in ENDPOINTS}
    private = {s.id for s in plan.of_type("aws:ec2/subnet:Subnet") if "private" in s.name}
    for e in interface:
        assert e.inputs["privateDnsEnabled"] is True
        assert e.inputs["securityGroupIds"] == [sg.id]
        assert set(e.inputs["subnetIds"]) == private
    s3 = one(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "vpce-s3")
    assert s3.inputs["vpcEndpointType"] == "Gateway"
    assert s3.inputs["serviceName"] == "com.amazonaws.ap-northeast-1.s3"
    assert set(s3.inputs["routeTableIds"]) == {t.id for t in plan.of_type("aws:ec2/routeTable:RouteTable")
                                              if "private" in t.name}


def test_flow_logs_capture_all_traffic_into_an_encrypted_group(closed_plan):
    plan = closed_plan
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup")
    key = one(plan, "aws:kms/key:Key")
    role = one(plan, "aws:iam/role:Role")
    flow = one(plan, "aws:ec2/flowLog:FlowLog")
    assert flow.inputs["vpcId"] == vpc_of(plan).id
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow.inputs["logDestination"] == group.outputs["arn"]
    assert flow.inputs["iamRoleArn"] == role.outputs["arn"]
    assert group.inputs["name"] == "/gcbase/gc131121-prod/juki/vpc-flow-logs"
    assert group.inputs["retentionInDays"] == 400
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    assert plan.account_of(flow) == plan.account_of(group) == SYSTEM_ACCOUNT


def test_flow_log_key_policy_lets_logs_use_it_for_that_group_only(closed_plan):
    doc = policy(one(closed_plan, "aws:kms/key:Key"))
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    admin = by_sid["AccountAdministersTheKey"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{SYSTEM_ACCOUNT}:root"}
    logs = by_sid["CloudWatchLogsUsesTheKeyForThisLogGroupOnly"]
    assert logs["Principal"] == {"Service": "logs.ap-northeast-1.amazonaws.com"}
    assert logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"] == \
        f"arn:aws:logs:ap-northeast-1:{SYSTEM_ACCOUNT}:log-group:/gcbase/gc131121-prod/juki/vpc-flow-logs"
    assert all(s["Principal"] != "*" and s["Principal"] != {"AWS": "*"} for s in doc["Statement"])


def test_flow_log_role_trusts_the_service_for_this_account_only(closed_plan):
    role = one(closed_plan, "aws:iam/role:Role")
    assert role.inputs["name"] == "gc131121-prod-juki-flowlogs"
    (stmt,) = policy(role, "assumeRolePolicy")["Statement"]
    assert stmt["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert stmt["Action"] == "sts:AssumeRole"
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": SYSTEM_ACCOUNT}
    assert stmt["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ec2:ap-northeast-1:{SYSTEM_ACCOUNT}:vpc-flow-log/*"}
    group_arn = one(closed_plan, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]
    rp = one(closed_plan, "aws:iam/rolePolicy:RolePolicy")
    assert rp.inputs["role"] == role.id
    (write,) = policy(rp)["Statement"]
    assert write["Resource"] == [group_arn, f"{group_arn}:*"]
    assert "*" not in write["Action"] and not any(a.endswith("*") for a in write["Action"])


def test_component_outputs(closed_plan):
    comp = next(r for r in closed_plan.resources if r.type == "gcbase:network:WorkloadVpc")
    assert comp.outputs["vpcId"] == vpc_of(closed_plan).id
    assert comp.outputs["attachmentId"] == one(closed_plan, "aws:ec2transitgateway/vpcAttachment:VpcAttachment").id
    assert sorted(comp.outputs["subnetIds"]) == sorted(s.id for s in closed_plan.of_type("aws:ec2/subnet:Subnet"))


def test_a_region_without_zone_data_is_refused():
    from gcbase.errors import GcbaseError

    with pytest.raises(GcbaseError, match="no zones defined for us-east-1"):
        vpc_plan("lgwan", region="us-east-1")
