"""Log archive: the WORM bucket every account's CloudTrail and AWS Config deliver to.

Lives in the municipality's shared account (E.7 ログ管理). One customer-managed KMS key, one
archive bucket under S3 Object Lock in COMPLIANCE mode, and one bucket for the archive's own
S3 server access logs. Retention and transition days come from the profile through Args.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import policy_document

# Key prefixes inside the archive bucket. AWS appends AWSLogs/<account-id>/, so every account
# writes under its own prefix, and the bucket policy grants each member only that prefix.
TRAIL_PREFIX = "cloudtrail"
CONFIG_PREFIX = "config"


def trail_name(name_prefix: str) -> str:
    """Name of each account's trail: the archive's key and bucket policies name it exactly."""
    return f"{name_prefix}-trail"


@dataclass
class LogArchiveArgs:
    name_prefix: str
    account_id: str  # the shared account that owns the archive
    member_account_ids: list[str]  # every account whose trail and Config deliver here
    region: str  # primary region (where the trails live)
    retention_days: int  # Object Lock default retention (COMPLIANCE) and earliest expiry
    transition_days: int  # archive objects move to Glacier after this many days
    tags: dict[str, str] = field(default_factory=dict)
    access_log_transition_days: int = 90  # AWS BLEA gov-base: access logs to Glacier after 90 days
    access_log_expiration_days: int = 2555  # AWS BLEA gov-base: access logs deleted after 7 years
    abort_multipart_days: int = 7  # incomplete multipart uploads removed (CKV_AWS_300)
    key_deletion_window_days: int = 30  # longest KMS waiting period: a scheduled deletion can be undone
    config_delivery: bool = True  # False when Control Tower's Config delivers elsewhere: no grants for it


CONFIG_SIDS = ("AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck", "AWSConfigBucketDelivery",
               "AllowConfigDelivery")  # the statements of the archive's policies that let AWS Config deliver


def _without_config(doc: dict) -> dict:
    return {**doc, "Statement": [st for st in doc["Statement"] if st.get("Sid") not in CONFIG_SIDS]}


class LogArchive(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    kms_key_arn: pulumi.Output[str]
    access_log_bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: LogArchiveArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:log_archive:LogArchive", name, None, opts)
        _validate(args)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)

        self.key = self._create_key(name)
        self.access_log_bucket = self._create_access_log_bucket(name)
        self.bucket = self._create_archive_bucket(name)

        # CloudTrail (InsufficientS3BucketPolicyException) and AWS Config (InsufficientDelivery-
        # PolicyException) check the bucket policy when a trail or delivery channel is created:
        # whoever takes the archive's name or ARN waits for the policy (the URN is known in preview).
        self.bucket_name = pulumi.Output.all(self.bucket.bucket, self.bucket_policy.urn).apply(lambda v: v[0])
        self.bucket_arn = pulumi.Output.all(self.bucket.arn, self.bucket_policy.urn).apply(lambda v: v[0])
        self.kms_key_arn = self.key.arn
        self.access_log_bucket_name = self.access_log_bucket.bucket
        self.register_outputs({
            "bucketName": self.bucket_name,
            "bucketArn": self.bucket_arn,
            "kmsKeyArn": self.kms_key_arn,
            "accessLogBucketName": self.access_log_bucket_name,
        })

    def _create_key(self, name: str) -> aws.kms.Key:
        a = self._args
        members = list(a.member_account_ids)
        # CloudTrail: encrypt only for our members' trails (aws:SourceArn + encryption context);
        # Config: service principal with aws:SourceAccount (service-linked role delivery);
        # CloudWatch Logs: log groups of the member accounts in the primary region.
        doc = policy_document(
            "logging/archive-key-policy.json",
            account_id=a.account_id,
            region=a.region,
            member_account_ids=members,
            trail_arns=[f"arn:aws:cloudtrail:{a.region}:{m}:trail/{trail_name(a.name_prefix)}" for m in members],
            trail_context_arns=[f"arn:aws:cloudtrail:*:{m}:trail/*" for m in members],
            log_context_arns=[f"arn:aws:logs:{a.region}:{m}:*" for m in members],
        )
        doc = doc if a.config_delivery else _without_config(doc)
        key = aws.kms.Key(
            f"{name}-key",
            description=f"{a.name_prefix} log archive (CloudTrail, AWS Config)",
            enable_key_rotation=True,  # CKV_AWS_7, Security Hub KMS.4
            deletion_window_in_days=a.key_deletion_window_days,
            policy=json.dumps(doc),  # CKV2_AWS_64: explicit key policy, no wildcard principal
            tags=a.tags,
            opts=self._child,
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{a.name_prefix}-log-archive",
                      target_key_id=key.key_id, opts=self._child)
        return key

    def _create_archive_bucket(self, name: str) -> aws.s3.Bucket:
        a = self._args
        bucket = aws.s3.Bucket(
            f"{name}-archive",
            bucket=_archive_bucket_name(a),
            object_lock_enabled=True,  # WORM needs Object Lock at creation
            force_destroy=False,
            tags=a.tags,
            opts=self._child,
        )
        versioning = self._secure_basics(name, "archive", bucket, "aws:kms", self.key.arn)
        lock = aws.s3.BucketObjectLockConfiguration(
            f"{name}-archive-lock",
            bucket=bucket.bucket,
            object_lock_enabled="Enabled",
            # Project default: logs kept as WORM; COMPLIANCE mode cannot be shortened, even by root.
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                    mode="COMPLIANCE", days=a.retention_days)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.s3.BucketLogging(  # CKV_AWS_18, Security Hub S3.9
            f"{name}-archive-logging",
            bucket=bucket.bucket,
            target_bucket=self.access_log_bucket.bucket,
            target_prefix=f"{_archive_bucket_name(a)}/",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self._access_log_policy]),
        )
        lifecycle = self._lifecycle(name, "archive", bucket, versioning,
                                    a.transition_days, a.retention_days)
        def bucket_policy(arn: str) -> str:
            doc = policy_document(
                "logging/archive-bucket-policy.json",
                bucket_arn=arn,
                member_account_ids=list(a.member_account_ids),
                trail_object_arns=[f"{arn}/{TRAIL_PREFIX}/AWSLogs/{m}/*" for m in a.member_account_ids],
                config_object_arns=[f"{arn}/{CONFIG_PREFIX}/AWSLogs/{m}/Config/*" for m in a.member_account_ids],
            )
            return json.dumps(doc if a.config_delivery else _without_config(doc))

        policy = bucket.arn.apply(bucket_policy)
        # The policy denies lifecycle and Object Lock changes to everyone: apply it last.
        self.bucket_policy = aws.s3.BucketPolicy(
            f"{name}-archive-policy", bucket=bucket.bucket, policy=policy,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[lock, lifecycle]))
        return bucket

    def _create_access_log_bucket(self, name: str) -> aws.s3.Bucket:
        a = self._args
        bucket = aws.s3.Bucket(
            f"{name}-access-logs",
            bucket=f"{a.name_prefix}-access-logs-{a.account_id}",
            force_destroy=False,
            tags=a.tags,
            opts=self._child,
        )
        # S3 server access logging can only deliver to a target bucket with SSE-S3 (AES256);
        # SSE-KMS targets are not supported, so this bucket cannot use the CMK.
        versioning = self._secure_basics(name, "access-logs", bucket, "AES256", None)
        self._lifecycle(name, "access-logs", bucket, versioning,
                        a.access_log_transition_days, a.access_log_expiration_days)
        # TLS only; S3 log delivery (logging.s3.amazonaws.com) only from the archive bucket.
        policy = bucket.arn.apply(lambda arn: json.dumps(policy_document(
            "logging/access-log-bucket-policy.json", bucket_arn=arn, account_id=a.account_id,
            source_bucket_arn=f"arn:aws:s3:::{_archive_bucket_name(a)}")))
        self._access_log_policy = aws.s3.BucketPolicy(
            f"{name}-access-logs-policy", bucket=bucket.bucket, policy=policy, opts=self._child)
        return bucket

    def _secure_basics(self, name: str, role: str, bucket: aws.s3.Bucket, algorithm: str,
                       key_arn: Optional[pulumi.Output[str]]) -> aws.s3.BucketVersioning:
        """Versioning, default encryption, public access block, owner-enforced ownership."""
        versioning = aws.s3.BucketVersioning(  # CKV_AWS_21, BLEA: trail bucket versioned
            f"{name}-{role}-versioning",
            bucket=bucket.bucket,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=self._child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(  # CKV_AWS_145 (KMS) / CKV_AWS_19
            f"{name}-{role}-encryption",
            bucket=bucket.bucket,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm=algorithm, kms_master_key_id=key_arn),
                bucket_key_enabled=algorithm == "aws:kms",
            )],
            opts=self._child,
        )
        aws.s3.BucketPublicAccessBlock(  # CKV2_AWS_6, Security Hub S3.8
            f"{name}-{role}-pab",
            bucket=bucket.bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=self._child,
        )
        aws.s3.BucketOwnershipControls(  # ACLs disabled (Security Hub S3.12)
            f"{name}-{role}-ownership",
            bucket=bucket.bucket,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=self._child,
        )
        return versioning

    def _lifecycle(self, name: str, role: str, bucket: aws.s3.Bucket, versioning: aws.s3.BucketVersioning,
                   transition_days: int, expiration_days: int) -> aws.s3.BucketLifecycleConfiguration:
        """Glacier after transition_days (current and noncurrent), expire after expiration_days."""
        return aws.s3.BucketLifecycleConfiguration(  # CKV2_AWS_61
            f"{name}-{role}-lifecycle",
            bucket=bucket.bucket,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id=f"{role}-retention",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                transitions=[aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                    days=transition_days, storage_class="GLACIER")],
                noncurrent_version_transitions=[aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionTransitionArgs(
                    noncurrent_days=transition_days, storage_class="GLACIER")],
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expiration_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=expiration_days),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=self._args.abort_multipart_days),
            )],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )


def _archive_bucket_name(a: LogArchiveArgs) -> str:
    return f"{a.name_prefix}-log-archive-{a.account_id}"


def _validate(a: LogArchiveArgs) -> None:
    if a.account_id not in a.member_account_ids:
        raise ValueError("the log archive account must be one of member_account_ids")
    if not 0 < a.transition_days < a.retention_days:
        raise ValueError(f"transition_days ({a.transition_days}) must be between 1 and retention_days ({a.retention_days})")
    if not 0 < a.access_log_transition_days < a.access_log_expiration_days:
        raise ValueError("access_log_transition_days must be positive and below access_log_expiration_days")
