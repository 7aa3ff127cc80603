"""LogArchive under the mocks: WORM archive bucket, its key, its access-log bucket."""

from __future__ import annotations

import pulumi
import pytest

from helpers import one, policy, synth, test_provider
from modules.log_archive import CONFIG_PREFIX, TRAIL_PREFIX, LogArchive, LogArchiveArgs, trail_name

SHARED = "210000000001"
MEMBERS = [SHARED, "210000000101", "210000000102"]
PREFIX = "gc131121-prod"
ARCHIVE = f"{PREFIX}-log-archive-{SHARED}"
ACCESS = f"{PREFIX}-access-logs-{SHARED}"
TAGS = {"gcbase:municipality": "131121"}


def _args(**over) -> LogArchiveArgs:
    base = dict(name_prefix=PREFIX, account_id=SHARED, member_account_ids=list(MEMBERS),
                region="ap-northeast-1", retention_days=3001, transition_days=400, tags=TAGS)
    return LogArchiveArgs(**{**base, **over})


def _synth(args: LogArchiveArgs):
    return synth(lambda: LogArchive("logs", args, pulumi.ResourceOptions(provider=test_provider(SHARED))))


@pytest.fixture(scope="module")
def plan():
    return _synth(_args())


def _by_bucket(plan, token, bucket):
    found = [r for r in plan.of_type(token) if r.inputs.get("bucket") == bucket]
    assert len(found) == 1, f"{token} for {bucket}: {[r.name for r in found]}"
    return found[0]


def _stmt(doc, sid):
    found = [s for s in doc["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, sid
    return found[0]


def _as_list(v):
    return v if isinstance(v, list) else [v]


def test_archive_bucket_is_named_and_object_lock_enabled(plan):
    bucket = one(plan, "aws:s3/bucket:Bucket", "archive")
    assert bucket.inputs["bucket"] == ARCHIVE
    assert bucket.inputs["objectLockEnabled"] is True
    assert bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["tags"] == TAGS
    assert plan.account_of(bucket) == SHARED


def test_object_lock_is_compliance_mode_with_retention_from_args(plan):
    lock = _by_bucket(plan, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", ARCHIVE)
    assert lock.inputs["objectLockEnabled"] == "Enabled"
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 3001}


@pytest.mark.parametrize("bucket", [ARCHIVE, ACCESS])
def test_versioning_enabled_public_access_blocked_acls_disabled(plan, bucket):
    ver = _by_bucket(plan, "aws:s3/bucketVersioning:BucketVersioning", bucket)
    assert ver.inputs["versioningConfiguration"]["status"] == "Enabled"
    pab = _by_bucket(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert pab.inputs[flag] is True, flag
    own = _by_bucket(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
    assert own.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"


def test_archive_encrypted_with_the_cmk_and_bucket_key(plan):
    key = one(plan, "aws:kms/key:Key")
    sse = _by_bucket(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", ARCHIVE)
    rule = sse.inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key.outputs["arn"]}
    assert rule["bucketKeyEnabled"] is True


def test_access_log_bucket_uses_sse_s3_because_log_delivery_requires_it(plan):
    sse = _by_bucket(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", ACCESS)
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_archive_access_logs_go_to_the_access_log_bucket(plan):
    log = _by_bucket(plan, "aws:s3/bucketLogging:BucketLogging", ARCHIVE)
    assert log.inputs["targetBucket"] == ACCESS
    assert log.inputs["targetPrefix"] == f"{ARCHIVE}/"


def test_key_rotation_and_alias(plan):
    key = one(plan, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    alias = one(plan, "aws:kms/alias:Alias")
    assert alias.inputs["name"] == f"alias/{PREFIX}-log-archive"
    assert alias.inputs["targetKeyId"] == key.outputs["keyId"]


def test_key_policy_admin_cloudtrail_config_and_logs_scoped_to_members(plan):
    doc = policy(one(plan, "aws:kms/key:Key"))
    admin = _stmt(doc, "EnableAccountAdministration")
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{SHARED}:root"}
    trail_arns = [f"arn:aws:cloudtrail:ap-northeast-1:{m}:trail/{trail_name(PREFIX)}" for m in MEMBERS]
    gen = _stmt(doc, "AllowCloudTrailEncryptMemberTrails")
    assert gen["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert gen["Action"] == "kms:GenerateDataKey*"
    assert gen["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arns
    assert gen["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] == [
        f"arn:aws:cloudtrail:*:{m}:trail/*" for m in MEMBERS]
    desc = _stmt(doc, "AllowCloudTrailDescribeKey")
    assert desc["Action"] == "kms:DescribeKey"
    assert desc["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arns
    cfg = _stmt(doc, "AllowConfigDelivery")
    assert cfg["Principal"] == {"Service": "config.amazonaws.com"}
    assert cfg["Condition"]["StringEquals"]["aws:SourceAccount"] == MEMBERS
    logs = _stmt(doc, "AllowCloudWatchLogs")
    assert logs["Principal"] == {"Service": "logs.ap-northeast-1.amazonaws.com"}
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == [
        f"arn:aws:logs:ap-northeast-1:{m}:*" for m in MEMBERS]
    # Nothing is granted to everyone.
    assert all(s["Principal"] != "*" and s["Principal"] != {"AWS": "*"} for s in doc["Statement"])


def test_archive_bucket_policy_denies_plain_http(plan):
    doc = policy(_by_bucket(plan, "aws:s3/bucketPolicy:BucketPolicy", ARCHIVE))
    tls = _stmt(doc, "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Resource"] == [f"arn:aws:s3:::{ARCHIVE}", f"arn:aws:s3:::{ARCHIVE}/*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_archive_bucket_policy_denies_delete_and_retention_changes_to_everyone(plan):
    doc = policy(_by_bucket(plan, "aws:s3/bucketPolicy:BucketPolicy", ARCHIVE))
    deny = _stmt(doc, "DenyDeleteAndRetentionChanges")
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert set(deny["Action"]) == {"s3:DeleteBucket", "s3:DeleteObject*", "s3:PutLifecycleConfiguration",
                                   "s3:PutBucketObjectLockConfiguration"}
    assert "Condition" not in deny  # no exceptions, not even for the deploy role
    assert set(deny["Resource"]) == {f"arn:aws:s3:::{ARCHIVE}", f"arn:aws:s3:::{ARCHIVE}/*"}


def test_archive_bucket_policy_allows_member_trails_and_config_only(plan):
    doc = policy(_by_bucket(plan, "aws:s3/bucketPolicy:BucketPolicy", ARCHIVE))
    acl = _stmt(doc, "AWSCloudTrailAclCheck")
    assert acl["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and acl["Action"] == "s3:GetBucketAcl"
    assert acl["Resource"] == f"arn:aws:s3:::{ARCHIVE}"
    assert acl["Condition"]["StringEquals"]["aws:SourceAccount"] == MEMBERS
    write = _stmt(doc, "AWSCloudTrailWrite")
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == [f"arn:aws:s3:::{ARCHIVE}/{TRAIL_PREFIX}/AWSLogs/{m}/*" for m in MEMBERS]
    assert write["Condition"]["StringEquals"] == {"s3:x-amz-acl": "bucket-owner-full-control",
                                                  "aws:SourceAccount": MEMBERS}
    cfg = _stmt(doc, "AWSConfigBucketDelivery")
    assert cfg["Principal"] == {"Service": "config.amazonaws.com"}
    assert cfg["Resource"] == [f"arn:aws:s3:::{ARCHIVE}/{CONFIG_PREFIX}/AWSLogs/{m}/Config/*" for m in MEMBERS]
    assert cfg["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    for sid in ("AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck"):
        assert _stmt(doc, sid)["Condition"]["StringEquals"]["aws:SourceAccount"] == MEMBERS
    allows = [s for s in doc["Statement"] if s["Effect"] == "Allow"]
    assert {p for s in allows for p in _as_list(s["Principal"]["Service"])} == {
        "cloudtrail.amazonaws.com", "config.amazonaws.com"}


def test_bucket_policy_is_applied_after_lock_and_lifecycle(plan):
    pol = _by_bucket(plan, "aws:s3/bucketPolicy:BucketPolicy", ARCHIVE)
    lock = _by_bucket(plan, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", ARCHIVE)
    life = _by_bucket(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ARCHIVE)
    assert lock.urn in pol.dependencies and life.urn in pol.dependencies


def test_archive_lifecycle_glacier_after_transition_and_no_expiry_before_retention(plan):
    life = _by_bucket(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ARCHIVE)
    (rule,) = life.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["transitions"] == [{"days": 400, "storageClass": "GLACIER"}]
    assert rule["noncurrentVersionTransitions"] == [{"noncurrentDays": 400, "storageClass": "GLACIER"}]
    assert rule["expiration"]["days"] >= 3001
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] >= 3001


def test_access_log_lifecycle_defaults_are_blea(plan):
    life = _by_bucket(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ACCESS)
    (rule,) = life.inputs["rules"]
    assert rule["transitions"] == [{"days": 90, "storageClass": "GLACIER"}]
    assert rule["expiration"] == {"days": 2555}


def test_access_log_lifecycle_days_come_from_args():
    plan = _synth(_args(access_log_transition_days=30, access_log_expiration_days=400))
    (rule,) = _by_bucket(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", ACCESS).inputs["rules"]
    assert rule["transitions"][0]["days"] == 30 and rule["expiration"]["days"] == 400


def test_access_log_bucket_policy_tls_only_and_delivery_from_archive_only(plan):
    doc = policy(_by_bucket(plan, "aws:s3/bucketPolicy:BucketPolicy", ACCESS))
    tls = _stmt(doc, "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    put = _stmt(doc, "S3ServerAccessLogsDelivery")
    assert put["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert put["Resource"] == f"arn:aws:s3:::{ACCESS}/*"
    assert put["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:s3:::{ARCHIVE}"}
    assert put["Condition"]["StringEquals"] == {"aws:SourceAccount": SHARED}


def test_component_outputs(plan):
    comp = one(plan, "gcbase:log_archive:LogArchive")
    key = one(plan, "aws:kms/key:Key")
    assert comp.outputs == {"bucketName": ARCHIVE, "bucketArn": f"arn:aws:s3:::{ARCHIVE}",
                            "kmsKeyArn": key.outputs["arn"], "accessLogBucketName": ACCESS}
    assert all(r.parent for r in plan if r.custom and not r.is_provider)


@pytest.mark.parametrize("over, message", [
    ({"transition_days": 3001}, "transition_days"),
    ({"member_account_ids": ["210000000101"]}, "member_account_ids"),
    ({"access_log_transition_days": 3000}, "access_log_transition_days"),
])
def test_inconsistent_args_are_refused(over, message):
    with pytest.raises(ValueError, match=message):
        _synth(_args(**over))
