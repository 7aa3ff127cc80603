"""Account audit: CloudTrail, AWS Config and security alarms of one account (E.7 ログ管理).

One per account. The trail and Config deliver to the log archive in the shared account
(modules/log_archive.py), encrypted with the archive's key; the trail also copies events to a
CloudWatch Logs group in the account, encrypted with a per-account key, where the alarms of
modules/alarms.py watch them.

Control Tower records every enrolled account with its own Config recorder and delivery channel
(one of each per region: a second fails to create). With `inherit_config` the recorder and its
running status are declared as inherited (InheritedService, never created) and Config delivers
where Control Tower's channel says (Control Tower's log archive, not gcbase's). What it records is
Control Tower's and is not declared: tests/test_inherited_services.py pins what each check then says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import policy_document
from modules.alarms import SecurityAlarms, SecurityAlarmsArgs
from modules.inherited import InheritedService
from modules.log_archive import CONFIG_PREFIX, TRAIL_PREFIX, trail_name


def config_role_arn(account_id: str) -> str:
    """AWS Config's service-linked role (created by AWS when Config is first enabled)."""
    return f"arn:aws:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


@dataclass
class AccountAuditArgs:
    name_prefix: str
    account_id: str
    providers: dict[str, aws.Provider]  # region -> provider of this account, primary first
    primary_region: str
    log_bucket_name: pulumi.Input[str]
    log_bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]  # the log archive's key (trail and Config deliveries)
    cloudwatch_retention_days: int
    tags: dict[str, str] = field(default_factory=dict)
    config_snapshot_frequency: str = "TwentyFour_Hours"  # daily configuration snapshot
    key_deletion_window_days: int = 30
    inherit_config: bool = False  # Control Tower's recorder and delivery channel already run in the account


class AccountAudit(pulumi.ComponentResource):
    trail_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    audit_key_arn: pulumi.Output[str]
    alarm_topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AccountAuditArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:audit:AccountAudit", name, None, opts)
        if args.primary_region not in args.providers:
            raise ValueError(f"no provider for the primary region {args.primary_region}")
        self._args = args
        self._primary = args.providers[args.primary_region]
        self._log_group_name = f"/gcbase/{args.name_prefix}/cloudtrail"

        self.key = self._create_key(name)
        self.log_group = self._create_log_group(name)
        self.trail = self._create_trail(name)
        self.recorders = {
            region: self._declare_config(name, region, provider) if args.inherit_config
            else self._create_config(name, region, provider)
            for region, provider in args.providers.items()
        }
        self.alarms = SecurityAlarms(f"{name}-alarms", SecurityAlarmsArgs(
            name_prefix=args.name_prefix,
            account_id=args.account_id,
            log_group_name=self.log_group.name,
            kms_key_arn=self.key.arn,
            tags=args.tags,
        ), pulumi.ResourceOptions(parent=self, provider=self._primary))

        self.trail_arn = self.trail.arn
        self.log_group_name = self.log_group.name
        self.audit_key_arn = self.key.arn
        self.alarm_topic_arn = self.alarms.topic_arn
        self.register_outputs({
            "trailArn": self.trail_arn,
            "logGroupName": self.log_group_name,
            "auditKeyArn": self.audit_key_arn,
            "alarmTopicArn": self.alarm_topic_arn,
        })

    def _opts(self, provider: aws.Provider, depends_on: Optional[list] = None) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=provider, depends_on=depends_on)

    def _create_key(self, name: str) -> aws.kms.Key:
        """Per-account key for the trail's log group and the alarm topic."""
        a = self._args
        doc = policy_document("logging/audit-key-policy.json", account_id=a.account_id,
                              region=a.primary_region, log_group_name=self._log_group_name)
        key = aws.kms.Key(
            f"{name}-key",
            description=f"{a.name_prefix} audit logs and alarms ({a.account_id})",
            enable_key_rotation=True,  # CKV_AWS_7
            deletion_window_in_days=a.key_deletion_window_days,
            policy=json.dumps(doc),
            tags=a.tags,
            opts=self._opts(self._primary),
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{a.name_prefix}-audit",
                      target_key_id=key.key_id, opts=self._opts(self._primary))
        return key

    def _create_log_group(self, name: str) -> aws.cloudwatch.LogGroup:
        a = self._args
        return aws.cloudwatch.LogGroup(
            f"{name}-trail-logs",
            name=self._log_group_name,
            kms_key_id=self.key.arn,  # CKV_AWS_158
            retention_in_days=a.cloudwatch_retention_days,  # CKV_AWS_66 / CKV_AWS_338 (profile value)
            tags=a.tags,
            opts=self._opts(self._primary),
        )

    def _create_trail(self, name: str) -> aws.cloudtrail.Trail:
        a = self._args
        role = aws.iam.Role(
            f"{name}-trail-role",
            name=f"{a.name_prefix}-cloudtrail-logs",
            assume_role_policy=json.dumps(policy_document(
                "logging/trail-cloudwatch-assume-role.json", account_id=a.account_id)),
            tags=a.tags,
            opts=self._opts(self._primary),
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-trail-role-policy",
            role=role.name,
            policy=self.log_group.arn.apply(lambda arn: json.dumps(policy_document(
                "logging/trail-cloudwatch-policy.json", log_group_arn=arn))),
            opts=self._opts(self._primary),
        )
        return aws.cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name(a.name_prefix),  # the archive's key and bucket policies expect this name
            s3_bucket_name=a.log_bucket_name,
            s3_key_prefix=TRAIL_PREFIX,
            kms_key_id=a.kms_key_arn,  # CKV_AWS_35: SSE-KMS with the archive CMK
            is_multi_region_trail=True,  # CKV_AWS_67
            include_global_service_events=True,
            enable_log_file_validation=True,  # CKV_AWS_36
            enable_logging=True,
            event_selectors=[aws.cloudtrail.TrailEventSelectorArgs(
                include_management_events=True, read_write_type="All")],
            cloud_watch_logs_group_arn=self.log_group.arn.apply(lambda arn: f"{arn}:*"),  # CKV2_AWS_10
            cloud_watch_logs_role_arn=role.arn,
            tags=a.tags,
            opts=self._opts(self._primary, depends_on=[role_policy]),
        )

    def _declare_config(self, name: str, region: str, provider: aws.Provider) -> InheritedService:
        recorder = InheritedService("gcbase:audit:InheritedConfigRecorder", f"{name}-config-inherited-{region}",
                                    {}, provider, self)
        InheritedService("gcbase:audit:InheritedConfigRecorderStatus", f"{name}-config-status-inherited-{region}",
                         {"isEnabled": True}, provider, self)
        return recorder

    def _create_config(self, name: str, region: str, provider: aws.Provider) -> aws.cfg.Recorder:
        a = self._args
        recorder = aws.cfg.Recorder(
            f"{name}-config-{region}",
            name=f"{a.name_prefix}-recorder",
            role_arn=config_role_arn(a.account_id),
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=True,
                # Global resources (IAM) are recorded once, in the primary region only.
                include_global_resource_types=region == a.primary_region,
            ),
            opts=self._opts(provider),
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-config-delivery-{region}",
            name=f"{a.name_prefix}-delivery",
            s3_bucket_name=a.log_bucket_name,
            s3_key_prefix=CONFIG_PREFIX,
            s3_kms_key_arn=a.kms_key_arn,
            snapshot_delivery_properties=aws.cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs(
                delivery_frequency=a.config_snapshot_frequency),
            opts=self._opts(provider, depends_on=[recorder]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-config-status-{region}",
            name=recorder.name,
            is_enabled=True,
            opts=self._opts(provider, depends_on=[channel]),
        )
        return recorder
