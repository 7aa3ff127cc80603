"""Deployability against the AWS API models: names and texts in the example plans match the
length and pattern constraints of the request members they become (botocore's service models,
the same ones the AWS SDKs validate with), which the SDK mocks never check.
"""

from __future__ import annotations

import re
from functools import lru_cache

import botocore.session
import pytest

from gcbase.synth import all_stack_files, synth_stack

STACKS = [p.name[len("Pulumi."):-len(".yaml")] for p in all_stack_files()]

# (Pulumi type, input) -> (service, operation, request member path): what the provider sends.
MEMBERS = {
    ("aws:kms/alias:Alias", "name"): ("kms", "CreateAlias", "AliasName"),
    ("aws:kms/key:Key", "description"): ("kms", "CreateKey", "Description"),
    ("aws:kms/key:Key", "policy"): ("kms", "CreateKey", "Policy"),
    ("aws:iam/role:Role", "name"): ("iam", "CreateRole", "RoleName"),
    ("aws:iam/role:Role", "assumeRolePolicy"): ("iam", "CreateRole", "AssumeRolePolicyDocument"),
    ("aws:iam/policy:Policy", "name"): ("iam", "CreatePolicy", "PolicyName"),
    ("aws:iam/rolePolicy:RolePolicy", "name"): ("iam", "PutRolePolicy", "PolicyName"),
    ("aws:cloudtrail/trail:Trail", "name"): ("cloudtrail", "CreateTrail", "Name"),
    ("aws:cfg/recorder:Recorder", "name"): ("config", "PutConfigurationRecorder", "ConfigurationRecorder.name"),
    ("aws:cfg/deliveryChannel:DeliveryChannel", "name"): ("config", "PutDeliveryChannel", "DeliveryChannel.name"),
    ("aws:backup/vault:Vault", "name"): ("backup", "CreateBackupVault", "BackupVaultName"),
    ("aws:backup/selection:Selection", "name"): ("backup", "CreateBackupSelection", "BackupSelection.SelectionName"),
    ("aws:accessanalyzer/analyzer:Analyzer", "analyzerName"): ("accessanalyzer", "CreateAnalyzer", "analyzerName"),
    ("aws:cloudwatch/logGroup:LogGroup", "name"): ("logs", "CreateLogGroup", "logGroupName"),
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "name"): ("logs", "PutMetricFilter", "filterName"),
    ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "pattern"): ("logs", "PutMetricFilter", "filterPattern"),
    ("aws:cloudwatch/eventRule:EventRule", "name"): ("events", "PutRule", "Name"),
    ("aws:cloudwatch/eventRule:EventRule", "description"): ("events", "PutRule", "Description"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "name"): ("cloudwatch", "PutMetricAlarm", "AlarmName"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmDescription"): ("cloudwatch", "PutMetricAlarm", "AlarmDescription"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "namespace"): ("cloudwatch", "PutMetricAlarm", "Namespace"),
    ("aws:ram/resourceShare:ResourceShare", "name"): ("ram", "CreateResourceShare", "name"),
    ("aws:ec2/customerGateway:CustomerGateway", "deviceName"): ("ec2", "CreateCustomerGateway", "DeviceName"),
}


@lru_cache(maxsize=None)
def plan_of(stack: str):
    return synth_stack(stack)


@lru_cache(maxsize=None)
def constraint(service: str, operation: str, member: str) -> dict:
    """A request member's constraints (pattern, min, max) from the AWS API model botocore ships."""
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    for part in member.split("."):
        shape = shape.members[part]
    return shape.metadata


def _regex(pattern: str) -> re.Pattern:
    """The model's Java-style pattern in Python: \\p{L}, \\p{Z}, \\p{N} as ASCII classes (stricter)."""
    return re.compile(pattern.replace("\\p{L}", "a-zA-Z").replace("\\p{Z}", " ").replace("\\p{N}", "0-9"))


@pytest.mark.parametrize("stack", STACKS)
def test_names_and_texts_fit_the_api_models(stack):
    plan = plan_of(stack)
    checked = 0
    for (kind, key), (service, operation, member) in MEMBERS.items():
        limit = constraint(service, operation, member)
        for res in plan.of_type(kind):
            value = res.inputs.get(key)
            if value is None:
                continue
            checked += 1
            assert limit.get("min", 0) <= len(value) <= limit.get("max", len(value)), (res.name, key, len(value))
            if "pattern" in limit:
                assert _regex(limit["pattern"]).fullmatch(value), (res.name, key, value, limit["pattern"])
    assert checked > 100


@pytest.mark.parametrize("stack", STACKS)
def test_texts_match_the_api_patterns(stack):
    """IAM role descriptions take Latin-1 only: a Japanese title made CreateRole fail."""
    role_desc = constraint("iam", "CreateRole", "Description")
    assert role_desc["pattern"].startswith("[\\u0009")  # Latin-1 only, as IAM documents it
    latin1 = re.compile(r"[\t\n\r\x20-\x7E\xA1-\xFF]*")
    described = [r for r in plan_of(stack).of_type("aws:iam/role:Role") if "description" in r.inputs]
    assert described
    for role in described:
        text = role.inputs["description"]
        assert latin1.fullmatch(text) and len(text) <= role_desc["max"], text
    limits = {("aws:cloudwatch/eventRule:EventRule", "description"): constraint("events", "PutRule", "Description"),
              ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmDescription"): constraint("cloudwatch", "PutMetricAlarm", "AlarmDescription"),
              ("aws:cloudwatch/logMetricFilter:LogMetricFilter", "pattern"): constraint("logs", "PutMetricFilter", "filterPattern"),
              ("aws:iam/policy:Policy", "description"): constraint("iam", "CreatePolicy", "Description")}
    for (kind, key), limit in limits.items():
        for res in plan_of(stack).of_type(kind):
            assert len(res.inputs[key]) <= limit["max"], (res.name, key)
    for sg in plan_of(stack).of_type("aws:ec2/securityGroup:SecurityGroup"):  # EC2-VPC group description characters
        assert re.fullmatch(r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}", sg.inputs["description"])
