"""synth_program on two ordinary Pulumi Python AWS programs (not gcbase's own modules).

Each is read like the CLI reads it (Pulumi.yaml + Pulumi.dev.yaml) and run under the mocks; the
tests check that references between resources resolve to the referenced resource's id or ARN,
and that parents and providers are recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import one, policy
from gcbase.errors import GcbaseError
from gcbase.model import SECRET_MASK
from gcbase.synth.program import synth_program

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
WEBSITE = PROGRAMS / "website-bucket"
HUB = PROGRAMS / "hub-and-spoke"
ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"


@pytest.fixture(scope="module")
def website():
    return synth_program(WEBSITE, stack="dev")


@pytest.fixture(scope="module")
def hub():
    return synth_program(HUB, stack="dev")


# --- website-bucket --------------------------------------------------------------------------

def test_website_captures_every_resource(website):
    assert (website.project, website.stack, website.source) == ("website-bucket", "dev", "program")
    assert website.config_file == str(WEBSITE / "Pulumi.dev.yaml")
    assert sorted(r.type for r in website.resources) == sorted([
        "pulumi:providers:aws", "website:index:StaticWebsite", "aws:s3/bucket:Bucket",
        "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketObjectv2:BucketObjectv2"])


def test_website_policy_is_public_read_on_the_bucket_arn(website):
    bucket = one(website, "aws:s3/bucket:Bucket")
    doc = policy(one(website, "aws:s3/bucketPolicy:BucketPolicy"))
    [statement] = doc["Statement"]
    assert statement["Principal"] == "*" and statement["Effect"] == "Allow"
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [f"{bucket.outputs['arn']}/*"]
    assert bucket.outputs["arn"] == f"arn:aws:s3:::{bucket.outputs['bucket']}"
    assert bucket.outputs["bucket"].startswith("koho-site-bucket-")


def test_website_access_block_off_and_website_on_the_same_bucket(website):
    name = one(website, "aws:s3/bucket:Bucket").outputs["bucket"]
    block = one(website, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert {k: block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                         "restrictPublicBuckets")} == dict.fromkeys(
        ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), False)
    site = one(website, "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration")
    assert site.inputs["bucket"] == block.inputs["bucket"] == name
    assert site.inputs["indexDocument"] == {"suffix": "index.html"}
    assert site.inputs["errorDocument"] == {"key": "error.html"}
    assert website.outputs == {"bucketName": name,
                               "websiteUrl": f"http://{name}.s3-website-ap-northeast-1.amazonaws.com"}


def test_website_parents_providers_and_dependencies(website):
    component = one(website, "website:index:StaticWebsite")
    provider = one(website, "pulumi:providers:aws")
    assert provider.inputs["region"] == "ap-northeast-1"  # from aws:region in Pulumi.dev.yaml
    children = [r for r in website.resources if r.custom and not r.is_provider]
    assert len(children) == 6
    for res in children:
        assert res.parent == component.urn
        assert res.provider == f"{provider.urn}::{provider.id}"
        assert website.region_of(res) == "ap-northeast-1"
    bucket_policy = one(website, "aws:s3/bucketPolicy:BucketPolicy")
    block = one(website, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    bucket = one(website, "aws:s3/bucket:Bucket")
    assert block.urn in bucket_policy.dependencies  # depends_on: the block is lifted first
    assert bucket_policy.property_dependencies["policy"] == [bucket.urn]


# --- hub-and-spoke ---------------------------------------------------------------------------

def test_hub_reads_cidrs_from_config(hub):
    vpcs = {r.name: r.inputs["cidrBlock"] for r in hub.of_type("aws:ec2/vpc:Vpc")}
    assert vpcs == {"inspection-vpc": "10.0.0.0/16", "spoke-app-vpc": "10.1.0.0/16", "spoke-data-vpc": "10.2.0.0/16"}
    spoke_subnets = sorted(r.inputs["cidrBlock"] for r in hub.of_type("aws:ec2/subnet:Subnet") if "spoke-app" in r.name)
    assert spoke_subnets == ["10.1.0.0/24", "10.1.1.0/24"]
    moved = synth_program(HUB, stack="dev", extra_config={"hub-and-spoke:inspectionCidr": "10.9.0.0/16"})
    assert one(moved, "aws:ec2/vpc:Vpc", "inspection").inputs["cidrBlock"] == "10.9.0.0/16"


def test_hub_attachments_reference_their_vpc_and_subnets(hub):
    tgw = one(hub, "aws:ec2transitgateway/transitGateway:TransitGateway")
    assert tgw.inputs["defaultRouteTableAssociation"] == "disable"
    assert tgw.inputs["defaultRouteTablePropagation"] == "disable"
    for prefix in ("inspection", "spoke-app", "spoke-data"):
        vpc = one(hub, "aws:ec2/vpc:Vpc", f"{prefix}-vpc")
        attachment = one(hub, ATTACHMENT, prefix)
        assert vpc.id.startswith("vpc-")
        assert attachment.inputs["vpcId"] == vpc.id
        assert attachment.inputs["transitGatewayId"] == tgw.id
        subnets = [s for s in hub.of_type("aws:ec2/subnet:Subnet") if s.parent == vpc.parent
                   and s.name.startswith(f"{prefix}-{'tgw' if prefix == 'inspection' else 'private'}")]
        assert len(subnets) == 2
        assert sorted(attachment.inputs["subnetIds"]) == sorted(s.id for s in subnets)
        assert attachment.property_dependencies["vpcId"] == [vpc.urn]
    assert one(hub, ATTACHMENT, "inspection").inputs["applianceModeSupport"] == "enable"


def test_hub_spokes_reach_only_the_inspection_vpc(hub):
    tables = {r.name: r.id for r in hub.of_type("aws:ec2transitgateway/routeTable:RouteTable")}
    attachments = {r.name.split("-tgw")[0]: r.id for r in hub.of_type(ATTACHMENT)}
    assoc = {r.inputs["transitGatewayAttachmentId"]: r.inputs["transitGatewayRouteTableId"]
             for r in hub.of_type("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")}
    assert assoc == {attachments["spoke-app"]: tables["hub-spokes-rt"],
                     attachments["spoke-data"]: tables["hub-spokes-rt"],
                     attachments["inspection"]: tables["hub-inspection-rt"]}
    props = sorted((r.inputs["transitGatewayAttachmentId"], r.inputs["transitGatewayRouteTableId"])
                   for r in hub.of_type("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"))
    assert props == sorted([(attachments["spoke-app"], tables["hub-inspection-rt"]),
                            (attachments["spoke-data"], tables["hub-inspection-rt"])])
    [default] = hub.of_type("aws:ec2transitgateway/route:Route")
    assert default.inputs == {"destinationCidrBlock": "0.0.0.0/0",
                              "transitGatewayAttachmentId": attachments["inspection"],
                              "transitGatewayRouteTableId": tables["hub-spokes-rt"]}
    for spoke in ("spoke-app", "spoke-data"):
        route = one(hub, "aws:ec2/route:Route", f"{spoke}-default")
        table = one(hub, "aws:ec2/routeTable:RouteTable", f"{spoke}-private")
        assert route.inputs["routeTableId"] == table.id
        assert "gatewayId" not in route.inputs and "natGatewayId" not in route.inputs  # no internet path of its own
        assert route.inputs["transitGatewayId"] == hub.outputs["transitGatewayId"]


def test_hub_vpn_key_is_a_secret_and_providers_parents_are_set(hub):
    vpn = one(hub, "aws:ec2/vpnConnection:VpnConnection")
    assert vpn.inputs["tunnel1PresharedKey"] == vpn.inputs["tunnel2PresharedKey"] == SECRET_MASK
    assert "v1:qC9s4cFf0gB3vD2y" not in json.dumps(hub.to_dict())  # the encrypted config value is not carried
    cgw = one(hub, "aws:ec2/customerGateway:CustomerGateway")
    assert vpn.inputs["customerGatewayId"] == cgw.id and cgw.inputs["ipAddress"] == "203.0.113.10"
    provider = one(hub, "pulumi:providers:aws")
    components = {r.urn: r for r in hub.resources if not r.custom}
    assert sorted(r.type for r in components.values()) == [
        "hubspoke:network:InspectionVpc", "hubspoke:network:SpokeVpc", "hubspoke:network:SpokeVpc",
        "hubspoke:network:TransitHub"]
    for res in hub.resources:
        if res.custom and not res.is_provider:
            assert res.parent in components, res.name
            assert hub.provider_of(res) is provider
    assert hub.meta["invokes"] == ["aws:index/getAvailabilityZones:getAvailabilityZones"]
    zones = {r.inputs["availabilityZone"] for r in hub.of_type("aws:ec2/subnet:Subnet")}
    assert zones == {"ap-northeast-1a", "ap-northeast-1c"}
    assert hub.outputs["spokeVpcIds"] == {"app": one(hub, "aws:ec2/vpc:Vpc", "spoke-app").id,
                                          "data": one(hub, "aws:ec2/vpc:Vpc", "spoke-data").id}


def test_hub_is_deterministic(hub):
    again = synth_program(HUB, stack="dev")
    assert {r.urn: (r.id, r.inputs) for r in again.resources} == {r.urn: (r.id, r.inputs) for r in hub.resources}


def test_program_errors_are_one_line(tmp_path):
    bad = tmp_path / "Pulumi.dev.yaml"
    bad.write_text("config:\n  aws:region: ap-northeast-1\n")  # spokes etc. missing
    with pytest.raises(GcbaseError) as err:
        synth_program(HUB, config_file=bad)
    [problem] = err.value.problems
    assert "hub-and-spoke:inspectionCidr" in problem.message


def test_program_with_one_stack_config_uses_it(tmp_path):
    """Like the CLI in a project with a single stack: --config may be left out."""
    plan = synth_program(PROGRAMS / "website-bucket")
    assert plan.stack == "dev"
    assert plan.config_file and plan.config_file.endswith("Pulumi.dev.yaml")


def test_program_with_several_stack_configs_asks_for_one(tmp_path):
    import shutil

    project = tmp_path / "site"
    shutil.copytree(PROGRAMS / "website-bucket", project)
    shutil.copy(project / "Pulumi.dev.yaml", project / "Pulumi.prod.yaml")
    with pytest.raises(GcbaseError) as info:
        synth_program(project)
    assert str(info.value) == (f"{project}: several stack configs (Pulumi.dev.yaml, Pulumi.prod.yaml); "
                               "choose one with --config FILE")
