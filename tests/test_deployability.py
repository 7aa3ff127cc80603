"""Deployability: what AWS would reject in the example stacks although the SDK mocks accept it.

The mocks take any property value, so `pulumi up` is the first to see a bad enum, a name that is
too long or a policy over its size quota. These tests scan the synthesized example plans for the
AWS limits and allowed values (IAM, S3, KMS, CloudWatch Logs, GuardDuty, Security Hub, Config,
Backup, Direct Connect, VPN); tests/test_deployability_config.py pins the validation rules that
keep stack configs inside them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache

import pytest

from gcbase.rules import CLOUDWATCH_RETENTION_DAYS
from gcbase.synth import all_stack_files, synth_stack

STACKS = [p.name[len("Pulumi."):-len(".yaml")] for p in all_stack_files()]


@lru_cache(maxsize=None)
def plan_of(stack: str):
    return synth_stack(stack)


def of(stack: str, kind: str):
    return plan_of(stack).of_type(kind)


def iam_chars(document: str) -> int:
    """IAM counts policy size without white space."""
    return len(re.sub(r"\s", "", document))


@pytest.mark.parametrize("stack", STACKS)
def test_iam_names_sessions_and_policy_sizes(stack):
    plan = plan_of(stack)
    roles = of(stack, "aws:iam/role:Role")
    assert roles
    for role in roles:
        name = role.inputs["name"]
        assert re.fullmatch(r"[\w+=,.@-]{1,64}", name), name  # IAM role name: 64 characters
        assert 3600 <= role.inputs.get("maxSessionDuration", 3600) <= 43200, name
        assert iam_chars(role.inputs["assumeRolePolicy"]) <= 2048, name  # trust policy default quota
    for pol in of(stack, "aws:iam/policy:Policy"):
        assert re.fullmatch(r"[\w+=,.@-]{1,128}", pol.inputs["name"])
        assert iam_chars(pol.inputs["policy"]) <= 6144, pol.inputs["name"]  # managed policy
    inline: dict[tuple, int] = defaultdict(int)
    for rp in of(stack, "aws:iam/rolePolicy:RolePolicy"):
        if "name" in rp.inputs:
            assert re.fullmatch(r"[\w+=,.@-]{1,128}", rp.inputs["name"])
        inline[(plan.account_of(rp), rp.inputs["role"])] += iam_chars(rp.inputs["policy"])
    assert inline
    for (account, role), size in inline.items():
        assert size <= 10240, f"{account} {role}: {size} characters of inline policies"
    attached: dict[tuple, int] = defaultdict(int)
    for att in of(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        attached[(plan.account_of(att), att.inputs["role"])] += 1
    assert max(attached.values()) <= 10  # managed policies per role (default quota)


@pytest.mark.parametrize("stack", STACKS)
def test_bucket_names_and_lifecycle_rules(stack):
    buckets = of(stack, "aws:s3/bucket:Bucket")
    assert buckets
    for b in buckets:
        name = b.inputs["bucket"]
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name) and ".." not in name, name
    locked = {b.inputs["bucket"] for b in buckets if b.inputs.get("objectLockEnabled")}
    assert {c.inputs["bucket"] for c in of(stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")} <= locked
    for lc in of(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"):
        for rule in lc.inputs["rules"]:
            assert "filter" in rule or "prefix" in rule, rule["id"]  # the provider warns, S3 may reject
            assert rule["status"] in ("Enabled", "Disabled")
            for t in rule.get("transitions", []):
                assert t["storageClass"] in ("GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                                             "DEEP_ARCHIVE", "GLACIER_IR")
                assert t["days"] < rule["expiration"]["days"]


@pytest.mark.parametrize("stack", STACKS)
def test_log_groups_keys_and_aliases(stack):
    groups = of(stack, "aws:cloudwatch/logGroup:LogGroup")
    assert groups
    for g in groups:
        assert re.fullmatch(r"[\w/.#-]{1,512}", g.inputs["name"])
        assert g.inputs["retentionInDays"] in CLOUDWATCH_RETENTION_DAYS, g.inputs["name"]
    for key in of(stack, "aws:kms/key:Key"):
        assert len(key.inputs["policy"].encode()) <= 32768  # key policy size
        assert 7 <= key.inputs["deletionWindowInDays"] <= 30
        assert 90 <= key.inputs.get("rotationPeriodInDays", 365) <= 2560
    for alias in of(stack, "aws:kms/alias:Alias"):
        name = alias.inputs["name"]
        assert re.fullmatch(r"alias/[a-zA-Z0-9/_-]{1,250}", name) and not name.startswith("alias/aws/"), name


GUARDDUTY_FEATURES = {"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS",
                      "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
RUNTIME_CONFIGS = {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}


@pytest.mark.parametrize("stack", STACKS)
def test_detection_services_use_values_the_apis_accept(stack):
    plan = plan_of(stack)
    per_detector: dict[str, set] = defaultdict(set)
    for f in of(stack, "aws:guardduty/detectorFeature:DetectorFeature"):
        assert f.inputs["name"] in GUARDDUTY_FEATURES and f.inputs["status"] in ("ENABLED", "DISABLED")
        for conf in f.inputs.get("additionalConfigurations", []):
            assert conf["name"] in RUNTIME_CONFIGS and conf["status"] in ("ENABLED", "DISABLED")
        per_detector[f.inputs["detectorId"]].add(f.inputs["name"])
    assert per_detector
    for names in per_detector.values():
        assert not {"RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"} <= names  # mutually exclusive
    for d in of(stack, "aws:guardduty/detector:Detector"):
        assert d.inputs["findingPublishingFrequency"] in ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
    for sub in of(stack, "aws:securityhub/standardsSubscription:StandardsSubscription"):
        arn = sub.inputs["standardsArn"]
        # CIS 1.2.0 is the only global ruleset ARN; every other standard names the region it is in.
        assert re.fullmatch(rf"arn:aws:securityhub:{plan.region_of(sub)}::standards/[a-z-]+/v/[0-9.]+", arn), arn
    for hub in of(stack, "aws:securityhub/account:Account"):
        assert hub.inputs["controlFindingGenerator"] in ("SECURITY_CONTROL", "STANDARD_CONTROL")


@pytest.mark.parametrize("stack", STACKS)
def test_config_recorder_channel_and_status_are_created_in_order(stack):
    plan = plan_of(stack)
    urns = plan.by_urn()
    statuses = of(stack, "aws:cfg/recorderStatus:RecorderStatus")
    assert statuses
    for status in statuses:
        channels = [urns[u] for u in status.dependencies if urns[u].type == "aws:cfg/deliveryChannel:DeliveryChannel"]
        assert len(channels) == 1 and plan.region_of(channels[0]) == plan.region_of(status)
        (channel,) = channels
        assert any(urns[u].type == "aws:cfg/recorder:Recorder" for u in channel.dependencies)
        assert channel.inputs["snapshotDeliveryProperties"]["deliveryFrequency"] in (
            "One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")


@pytest.mark.parametrize("stack", STACKS)
def test_trails_and_config_deliveries_wait_for_the_archive_bucket_policy(stack):
    """CloudTrail and AWS Config refuse a bucket whose policy does not yet let them write."""
    plan = plan_of(stack)
    (archive,) = [b for b in of(stack, "aws:s3/bucket:Bucket") if b.inputs.get("objectLockEnabled")]
    (archive_policy,) = [p for p in of(stack, "aws:s3/bucketPolicy:BucketPolicy")
                         if p.inputs["bucket"] == archive.inputs["bucket"]]
    users = of(stack, "aws:cloudtrail/trail:Trail") + of(stack, "aws:cfg/deliveryChannel:DeliveryChannel")
    assert len(users) == 3 * len(of(stack, "aws:cloudtrail/trail:Trail"))  # one trail, two channels per account
    for res in users:
        assert res.inputs["s3BucketName"] == archive.inputs["bucket"]
        assert archive_policy.urn in res.dependencies, f"{res.name} may be created before the bucket policy"
    assert plan.outputs["logArchiveBucket"] == archive.inputs["bucket"]


@pytest.mark.parametrize("stack", STACKS)
def test_backup_plans_vaults_and_locks(stack):
    vaults = of(stack, "aws:backup/vault:Vault")
    assert vaults
    for v in vaults:
        assert re.fullmatch(r"[a-zA-Z0-9_-]{2,50}", v.inputs["name"])
    for lock in of(stack, "aws:backup/vaultLockConfiguration:VaultLockConfiguration"):
        assert 3 <= lock.inputs["changeableForDays"] <= 36500  # compliance mode cooling-off
        assert 1 <= lock.inputs["minRetentionDays"] <= 36500
    for sel in of(stack, "aws:backup/selection:Selection"):
        assert re.fullmatch(r"[a-zA-Z0-9_.-]{1,50}", sel.inputs["name"])
    for plan in of(stack, "aws:backup/plan:Plan"):
        for rule in plan.inputs["rules"]:
            assert re.fullmatch(r"[a-zA-Z0-9_.-]{1,50}", rule["ruleName"])
            fields = re.fullmatch(r"cron\((.*)\)", rule["schedule"]).group(1).split()
            assert len(fields) == 6 and "?" in (fields[2], fields[4])  # AWS cron: 6 fields, one "?"
            assert rule["startWindow"] >= 60 and rule["completionWindow"] >= rule["startWindow"] + 60
            lifes = [rule["lifecycle"], *(c["lifecycle"] for c in rule.get("copyActions", []))]
            locks = [lk.inputs["minRetentionDays"] for lk in of(stack, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")]
            assert all(life["deleteAfter"] >= max(locks) for life in lifes)  # a locked vault refuses shorter


@pytest.mark.parametrize("stack", STACKS)
def test_network_values(stack):
    plan = plan_of(stack)
    for vif in of(stack, "aws:directconnect/transitVirtualInterface:TransitVirtualInterface"):
        assert vif.inputs["mtu"] in (1500, 8500) and 1 <= vif.inputs["vlan"] <= 4094
        assert vif.inputs["addressFamily"] in ("ipv4", "ipv6")
    for vpn in of(stack, "aws:ec2/vpnConnection:VpnConnection"):
        for t in ("tunnel1", "tunnel2"):
            assert set(vpn.inputs[f"{t}IkeVersions"]) <= {"ikev1", "ikev2"}
            for phase in ("Phase1", "Phase2"):
                assert set(vpn.inputs[f"{t}{phase}EncryptionAlgorithms"]) <= {"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"}
                assert set(vpn.inputs[f"{t}{phase}IntegrityAlgorithms"]) <= {"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"}
            assert set(vpn.inputs[f"{t}Phase1DhGroupNumbers"]) <= {2, *range(14, 25)}
            assert set(vpn.inputs[f"{t}Phase2DhGroupNumbers"]) <= {2, 5, *range(14, 25)}
    for sg in of(stack, "aws:ec2/securityGroup:SecurityGroup"):
        assert len(sg.inputs["name"]) <= 255 and not sg.inputs["name"].startswith("sg-")
    # The TGW belongs to the shared account: an attachment requested from another account cannot
    # set the default-route-table flags (the provider reads them back as true, a diff every run).
    tgw_account = plan.account_of(plan.of_type("aws:ec2transitgateway/transitGateway:TransitGateway")[0])
    for att in of(stack, "aws:ec2transitgateway/vpcAttachment:VpcAttachment"):
        if plan.account_of(att) != tgw_account:
            assert "transitGatewayDefaultRouteTableAssociation" not in att.inputs
            assert "transitGatewayDefaultRouteTablePropagation" not in att.inputs


@pytest.mark.parametrize("stack", STACKS)
def test_alarms_events_topics_and_scps(stack):
    for rule in of(stack, "aws:cloudwatch/eventRule:EventRule"):
        pattern = json.loads(rule.inputs["eventPattern"])
        assert isinstance(pattern, dict) and all(isinstance(v, (list, dict)) for v in pattern.values())
        assert len(rule.inputs["name"]) <= 64
    for alarm in of(stack, "aws:cloudwatch/metricAlarm:MetricAlarm"):
        assert alarm.inputs["period"] in (10, 20, 30) or alarm.inputs["period"] % 60 == 0
    for topic in of(stack, "aws:sns/topic:Topic"):
        assert re.fullmatch(r"[\w-]{1,256}", topic.inputs["name"])
    for scp in of(stack, "gcbase:guardrails:InheritedPolicy"):
        assert len(scp.inputs["content"]) <= 5120
