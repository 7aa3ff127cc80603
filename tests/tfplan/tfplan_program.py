"""The Pulumi twin of fixtures/baseline.json, which is the same plan written by hand as
`terraform show -json` prints it: the same resources, declared with pulumi_aws.

Children inherit the explicit provider from the component (as in our modules), so the
exporter has to find it through the parent chain.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

ACCOUNT = "111111111111"
REGION = "ap-northeast-1"
PREFIX = "gc131121-prod"


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class Baseline(pulumi.ComponentResource):
    """KMS key; trail bucket with versioning, SSE-KMS, public access block, access logging and a
    TLS-only policy; access-log bucket with versioning only; CloudTrail and its log group; VPC with
    flow log and default security group; a security group (443 from 10/8, 22 from anywhere);
    the flow-log role with an inline policy; a SecureString parameter."""

    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:test:Baseline", name, None, opts)
        o = pulumi.ResourceOptions(parent=self)
        key = aws.kms.Key("trail-key", description="trail", enable_key_rotation=True, deletion_window_in_days=30,
                          policy=_doc({"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                       "Action": "kms:*", "Resource": "*"}), opts=o)
        access = aws.s3.Bucket("access-logs", bucket=f"{PREFIX}-access-logs", opts=o)
        aws.s3.BucketVersioning("access-logs-versioning", bucket=access.id,
                                versioning_configuration={"status": "Enabled"}, opts=o)
        logs = aws.s3.Bucket("trail-logs", bucket=f"{PREFIX}-trail-logs", opts=o)
        aws.s3.BucketVersioning("trail-logs-versioning", bucket=logs.id,
                                versioning_configuration={"status": "Enabled"}, opts=o)
        aws.s3.BucketServerSideEncryptionConfiguration("trail-logs-sse", bucket=logs.id, rules=[{
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
            "bucket_key_enabled": True}], opts=o)
        aws.s3.BucketPublicAccessBlock("trail-logs-pab", bucket=logs.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=o)
        aws.s3.BucketLogging("trail-logs-logging", bucket=logs.id, target_bucket=access.id,
                             target_prefix="trail-logs/", opts=o)
        aws.s3.BucketPolicy("trail-logs-policy", bucket=logs.id, policy=_doc({
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{PREFIX}-trail-logs", f"arn:aws:s3:::{PREFIX}-trail-logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}), opts=o)
        group = aws.cloudwatch.LogGroup("trail-group", name=f"/{PREFIX}/cloudtrail", retention_in_days=365,
                                        kms_key_id=key.arn, opts=o)
        aws.cloudtrail.Trail("trail", name=f"{PREFIX}-trail", s3_bucket_name=logs.id, kms_key_id=key.arn,
                             enable_log_file_validation=True, is_multi_region_trail=True,
                             include_global_service_events=True,
                             cloud_watch_logs_group_arn=group.arn.apply(lambda a: f"{a}:*"),
                             event_selectors=[{"read_write_type": "All", "include_management_events": True}], opts=o)
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.1.0.0/16", enable_dns_hostnames=True, enable_dns_support=True, opts=o)
        aws.ec2.DefaultSecurityGroup("vpc-default-sg", vpc_id=vpc.id, opts=o)
        role = aws.iam.Role("flow-log-role", name=f"{PREFIX}-flow-log", assume_role_policy=_doc({
            "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}),
            inline_policies=[{"name": "write-logs", "policy": _doc({
                "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"})}], opts=o)
        flow_group = aws.cloudwatch.LogGroup("flow-group", name=f"/{PREFIX}/flow", retention_in_days=30, opts=o)
        aws.ec2.FlowLog("vpc-flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination=flow_group.arn,
                        log_destination_type="cloud-watch-logs", iam_role_arn=role.arn, opts=o)
        aws.ec2.SecurityGroup("app-sg", name=f"{PREFIX}-app", description="app", vpc_id=vpc.id, ingress=[
            {"description": "https from the town hall", "protocol": "tcp", "from_port": 443, "to_port": 443,
             "cidr_blocks": ["10.0.0.0/8"]},
            {"description": "ssh from anywhere", "protocol": "tcp", "from_port": 22, "to_port": 22,
             "cidr_blocks": ["0.0.0.0/0"]}],
            egress=[{"description": "all out", "protocol": "-1", "from_port": 0, "to_port": 0,
                     "cidr_blocks": ["0.0.0.0/0"]}], opts=o)
        aws.ssm.Parameter("db-password", name=f"/{PREFIX}/db-password", type="SecureString",
                          value=pulumi.Output.secret("hunter2-not-real"), key_id=key.arn, opts=o)
        self.register_outputs({})


def baseline() -> None:
    prov = aws.Provider("p", region=REGION, allowed_account_ids=[ACCOUNT], assume_roles=[
        aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{ACCOUNT}:role/GCBaseDeployRole")])
    Baseline("base", pulumi.ResourceOptions(providers={"aws": prov}))
