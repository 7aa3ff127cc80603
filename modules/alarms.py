"""Security alarms of one account (AWS BLEA gov-base detection; CIS 4.x metric filters).

Metric filters and alarms on the account's CloudTrail log group, an EventBridge rule on
changes to CloudTrail itself, and one KMS-encrypted SNS topic they all notify. The patterns,
thresholds and periods are data: baselines/logging/alarms.yaml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import BASELINES, policy_document
from gcbase.yamlio import load_yaml

ALARM_CATALOG = "logging/alarms.yaml"


@lru_cache(maxsize=None)
def alarm_catalog(relpath: str = ALARM_CATALOG) -> dict[str, Any]:
    """The alarm catalogue: {namespace, metricFilters: [...], eventRules: [...]}."""
    return load_yaml(BASELINES / relpath, "alarm catalogue")


@dataclass
class SecurityAlarmsArgs:
    name_prefix: str
    account_id: str
    log_group_name: pulumi.Input[str]  # the CloudTrail log group of this account
    kms_key_arn: pulumi.Input[str]  # customer-managed key that encrypts the topic
    tags: dict[str, str] = field(default_factory=dict)
    catalog: str = ALARM_CATALOG


class SecurityAlarms(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecurityAlarmsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:alarms:SecurityAlarms", name, None, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        catalog = alarm_catalog(args.catalog)

        self.topic = self._create_topic(name)
        self.alarms = [self._create_metric_alarm(name, catalog["namespace"], spec)
                       for spec in catalog.get("metricFilters", [])]
        self.rules = [self._create_event_rule(name, spec) for spec in catalog.get("eventRules", [])]

        self.topic_arn = self.topic.arn
        self.register_outputs({"topicArn": self.topic_arn})

    def _create_topic(self, name: str) -> aws.sns.Topic:
        a = self._args
        topic = aws.sns.Topic(
            f"{name}-topic",
            name=f"{a.name_prefix}-security-alarms",
            kms_master_key_id=a.kms_key_arn,  # CKV_AWS_26: encrypted with a customer-managed key
            tags=a.tags,
            opts=self._child,
        )
        aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=topic.arn.apply(lambda arn: json.dumps(policy_document(
                "logging/alarm-topic-policy.json", topic_arn=arn, account_id=a.account_id))),
            opts=self._child,
        )
        return topic

    def _create_metric_alarm(self, name: str, namespace: str, spec: dict[str, Any]) -> aws.cloudwatch.MetricAlarm:
        a = self._args
        mfilter = aws.cloudwatch.LogMetricFilter(
            f"{name}-{spec['id']}-filter",
            name=f"{a.name_prefix}-{spec['id']}",
            log_group_name=a.log_group_name,
            pattern=spec["pattern"],
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name=spec["metric"], namespace=namespace, value="1", default_value="0"),
            opts=self._child,
        )
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{spec['id']}-alarm",
            name=f"{a.name_prefix}-{spec['id']}",
            alarm_description=f"{spec['title']['ja']} / {spec['title']['en']} ({spec['control']})",
            namespace=namespace,
            metric_name=spec["metric"],
            statistic="Sum",
            period=spec["periodSeconds"],
            evaluation_periods=spec["evaluationPeriods"],
            threshold=spec["threshold"],
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            actions_enabled=True,  # CKV_AWS_319
            alarm_actions=[self.topic.arn],
            tags=a.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[mfilter]),
        )

    def _create_event_rule(self, name: str, spec: dict[str, Any]) -> aws.cloudwatch.EventRule:
        a = self._args
        rule = aws.cloudwatch.EventRule(
            f"{name}-{spec['id']}-rule",
            name=f"{a.name_prefix}-{spec['id']}",
            description=f"{spec['title']['ja']} / {spec['title']['en']} ({spec['control']})",
            event_pattern=json.dumps(spec["pattern"]),
            state="ENABLED",
            tags=a.tags,
            opts=self._child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-{spec['id']}-target",
            rule=rule.name,
            arn=self.topic.arn,
            opts=self._child,
        )
        return rule
