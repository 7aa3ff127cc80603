"""AccountAudit (and its SecurityAlarms) under the mocks: trail, Config, alarms of one account."""

from __future__ import annotations

import json

import pulumi
import pytest

from helpers import one, policy, synth, test_provider
from modules.alarms import alarm_catalog
from modules.audit import AccountAudit, AccountAuditArgs
from modules.log_archive import CONFIG_PREFIX, TRAIL_PREFIX, trail_name

ACCT = "210000000101"
PREFIX = "gc131121-prod"
PRIMARY, DR = "ap-northeast-1", "ap-northeast-3"
BUCKET = f"{PREFIX}-log-archive-210000000001"
ARCHIVE_KEY = "arn:aws:kms:ap-northeast-1:210000000001:key/11111111-2222-3333-4444-555555555555"
SLR = f"arn:aws:iam::{ACCT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def _args(providers, **over) -> AccountAuditArgs:
    base = dict(name_prefix=PREFIX, account_id=ACCT, providers=providers, primary_region=PRIMARY,
                log_bucket_name=BUCKET, log_bucket_arn=f"arn:aws:s3:::{BUCKET}", kms_key_arn=ARCHIVE_KEY,
                cloudwatch_retention_days=400, tags={"gcbase:environment": "prod"})
    return AccountAuditArgs(**{**base, **over})


def _providers():
    return {PRIMARY: test_provider(ACCT, PRIMARY, "p1"), DR: test_provider(ACCT, DR, "p3")}


@pytest.fixture(scope="module")
def plan():
    return synth(lambda: AccountAudit("audit", _args(_providers())))


def _stmt(doc, sid):
    found = [s for s in doc["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, sid
    return found[0]


def test_trail_flags(plan):
    trail = one(plan, "aws:cloudtrail/trail:Trail")
    i = trail.inputs
    assert i["name"] == trail_name(PREFIX)
    assert i["isMultiRegionTrail"] is True
    assert i["includeGlobalServiceEvents"] is True
    assert i["enableLogFileValidation"] is True
    assert i["enableLogging"] is True
    assert i["kmsKeyId"] == ARCHIVE_KEY
    assert i["s3BucketName"] == BUCKET and i["s3KeyPrefix"] == TRAIL_PREFIX
    assert i["eventSelectors"] == [{"includeManagementEvents": True, "readWriteType": "All"}]
    assert plan.region_of(trail) == PRIMARY and plan.account_of(trail) == ACCT


def test_trail_copies_to_an_encrypted_log_group_with_profile_retention(plan):
    trail = one(plan, "aws:cloudtrail/trail:Trail")
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup")
    key = one(plan, "aws:kms/key:Key")
    role = one(plan, "aws:iam/role:Role")
    assert group.inputs["retentionInDays"] == 400
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert trail.inputs["cloudWatchLogsGroupArn"] == group.outputs["arn"] + ":*"
    assert trail.inputs["cloudWatchLogsRoleArn"] == role.outputs["arn"]


def test_trail_role_is_assumable_by_cloudtrail_of_this_account_and_writes_only_the_group(plan):
    role = one(plan, "aws:iam/role:Role")
    (assume,) = policy(role, "assumeRolePolicy")["Statement"]
    assert assume["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and assume["Action"] == "sts:AssumeRole"
    assert assume["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCT}}
    (write,) = policy(one(plan, "aws:iam/rolePolicy:RolePolicy"))["Statement"]
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup")
    assert write["Effect"] == "Allow"
    assert set(write["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert write["Resource"] == group.outputs["arn"] + ":log-stream:*"


def test_audit_key_rotates_and_lets_logs_use_it_for_the_trail_group_only(plan):
    key = one(plan, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    doc = policy(key)
    assert _stmt(doc, "EnableAccountAdministration")["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    logs = _stmt(doc, "AllowCloudWatchLogsTrailGroup")
    assert logs["Principal"] == {"Service": f"logs.{PRIMARY}.amazonaws.com"}
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup")
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group.outputs["arn"]}}
    pub = _stmt(doc, "AllowAlarmPublishersEncryptedTopic")
    assert pub["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCT}}


def test_config_recorder_in_every_region_global_types_only_in_primary(plan):
    recorders = plan.of_type("aws:cfg/recorder:Recorder")
    assert {plan.region_of(r) for r in recorders} == {PRIMARY, DR}
    for rec in recorders:
        assert plan.account_of(rec) == ACCT
        assert rec.inputs["roleArn"] == SLR
        assert rec.inputs["recordingGroup"]["allSupported"] is True
        assert rec.inputs["recordingGroup"]["includeGlobalResourceTypes"] is (plan.region_of(rec) == PRIMARY)


def test_config_delivers_to_archive_with_kms_and_is_enabled(plan):
    channels = plan.of_type("aws:cfg/deliveryChannel:DeliveryChannel")
    statuses = plan.of_type("aws:cfg/recorderStatus:RecorderStatus")
    assert {plan.region_of(c) for c in channels} == {PRIMARY, DR}
    assert {plan.region_of(s) for s in statuses} == {PRIMARY, DR}
    for ch in channels:
        assert ch.inputs["s3BucketName"] == BUCKET
        assert ch.inputs["s3KeyPrefix"] == CONFIG_PREFIX
        assert ch.inputs["s3KmsKeyArn"] == ARCHIVE_KEY
    recorder_names = {r.inputs["name"] for r in plan.of_type("aws:cfg/recorder:Recorder")}
    for st in statuses:
        assert st.inputs["isEnabled"] is True
        assert st.inputs["name"] in recorder_names
        channel = next(c for c in channels if plan.region_of(c) == plan.region_of(st))
        assert channel.urn in st.dependencies  # recording starts only once delivery exists


def test_metric_filters_and_alarms_follow_the_catalogue(plan):
    catalog = alarm_catalog()
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup")
    topic = one(plan, "aws:sns/topic:Topic")
    ids = {spec["id"] for spec in catalog["metricFilters"]}
    assert ids == {"iam-policy-change", "unauthorized-api-calls", "root-account-usage"}
    for spec in catalog["metricFilters"]:
        mf = one(plan, "aws:cloudwatch/logMetricFilter:LogMetricFilter", f"-{spec['id']}-")
        assert mf.inputs["logGroupName"] == group.outputs["name"]
        assert mf.inputs["pattern"] == spec["pattern"]
        assert mf.inputs["metricTransformation"]["name"] == spec["metric"]
        alarm = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", f"-{spec['id']}-")
        assert alarm.inputs["metricName"] == spec["metric"]
        assert alarm.inputs["namespace"] == catalog["namespace"] == mf.inputs["metricTransformation"]["namespace"]
        assert alarm.inputs["threshold"] == spec["threshold"]
        assert alarm.inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm.inputs["actionsEnabled"] is True
        assert alarm.inputs["alarmActions"] == [topic.outputs["arn"]]
        assert plan.region_of(alarm) == PRIMARY


def test_catalogue_patterns_match_the_cis_events():
    specs = {s["id"]: s for s in alarm_catalog()["metricFilters"]}
    assert '$.userIdentity.type="Root"' in specs["root-account-usage"]["pattern"]
    assert "$.userIdentity.invokedBy NOT EXISTS" in specs["root-account-usage"]["pattern"]
    for event in ("PutRolePolicy", "AttachUserPolicy", "CreatePolicyVersion", "DetachGroupPolicy"):
        assert f"($.eventName={event})" in specs["iam-policy-change"]["pattern"]
    assert '"AccessDenied*"' in specs["unauthorized-api-calls"]["pattern"]


def test_trail_tampering_rule_notifies_the_topic(plan):
    rule = one(plan, "aws:cloudwatch/eventRule:EventRule")
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["source"] == ["aws.cloudtrail"]
    assert set(pattern["detail"]["eventName"]) == {"StopLogging", "DeleteTrail", "UpdateTrail"}
    target = one(plan, "aws:cloudwatch/eventTarget:EventTarget")
    assert target.inputs["rule"] == rule.inputs["name"]
    assert target.inputs["arn"] == one(plan, "aws:sns/topic:Topic").outputs["arn"]


def test_alarm_topic_encrypted_and_publishable_by_cloudwatch_and_events_of_this_account(plan):
    topic = one(plan, "aws:sns/topic:Topic")
    key = one(plan, "aws:kms/key:Key")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    doc = policy(one(plan, "aws:sns/topicPolicy:TopicPolicy"))
    pub = _stmt(doc, "AlarmAndEventPublish")
    assert set(pub["Principal"]["Service"]) == {"cloudwatch.amazonaws.com", "events.amazonaws.com"}
    assert pub["Resource"] == topic.outputs["arn"]
    assert pub["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCT}}
    tls = _stmt(doc, "DenyInsecureTransport")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_everything_lives_in_the_account_and_outputs_are_registered(plan):
    for res in plan:
        if res.custom and not res.is_provider:
            assert plan.account_of(res) == ACCT, res.name
    comp = one(plan, "gcbase:audit:AccountAudit")
    assert comp.outputs["trailArn"] == one(plan, "aws:cloudtrail/trail:Trail").outputs["arn"]
    assert comp.outputs["alarmTopicArn"] == one(plan, "aws:sns/topic:Topic").outputs["arn"]


def test_missing_primary_provider_is_refused():
    with pytest.raises(ValueError, match="primary region"):
        synth(lambda: AccountAudit("audit", _args({DR: test_provider(ACCT, DR, "p3")})))
