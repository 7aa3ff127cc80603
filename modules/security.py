"""Security services of one Government Cloud account (E セキュリティ: detection and hardening).

In every region the account uses: GuardDuty with its protection plans, Security Hub with
exactly the standards in baselines/security.yaml (AWS FSBP and CIS 3.0), an account-level
IAM Access Analyzer and EBS encryption by default. Once per account (IAM and the S3
account-level block are global): S3 Block Public Access and the IAM password policy.
Values come from baselines/security.yaml; a caller may pass its own through the Args.

GuardDuty and Security Hub may already run in the account, enabled by Digital Agency's Control
Tower and mandatory templates (an account has one detector and one Security Hub per region: a
second fails to create). Listed in `inherited`, they are declared as inherited (InheritedService,
never created, as the SCPs are) and their settings (protection plans, standards) are the
template's: gcbase does not assert them, so GCJP_AWS_37/38 fail until someone verifies the
template and records that as a waiver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from gcbase.baselines import BASELINES
from gcbase.yamlio import load_yaml
from modules.inherited import InheritedService


@lru_cache(maxsize=None)
def security_baseline() -> dict[str, Any]:
    """baselines/security.yaml, read once."""
    return load_yaml(BASELINES / "security.yaml")


def _default(*path: str):
    def make():
        node: Any = security_baseline()
        for key in path:
            node = node[key]
        return node.copy() if isinstance(node, (dict, list)) else node
    return make


@dataclass
class SecurityServicesArgs:
    account_id: str
    providers: Mapping[str, aws.Provider]  # region -> provider of this account; primary first
    tags: Mapping[str, str]
    name_prefix: Optional[str] = None  # for resource names; defaults to the component name
    finding_publishing_frequency: str = field(default_factory=_default("guardDuty", "findingPublishingFrequency"))
    guardduty_features: list[dict] = field(default_factory=_default("guardDuty", "features"))
    standards_arns: list[str] = field(default_factory=_default("securityHub", "standards"))  # ${region} filled
    control_finding_generator: str = field(default_factory=_default("securityHub", "controlFindingGenerator"))
    auto_enable_controls: bool = field(default_factory=_default("securityHub", "autoEnableControls"))
    analyzer_type: str = field(default_factory=_default("accessAnalyzer", "type"))
    password_policy: dict[str, Any] = field(default_factory=_default("passwordPolicy"))
    inherited: tuple[str, ...] = ()  # "guardduty", "securityhub": already enabled by Digital Agency


class SecurityServices(pulumi.ComponentResource):
    """GuardDuty, Security Hub, Access Analyzer and account hardening for one account."""

    def __init__(self, name: str, args: SecurityServicesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("gcbase:security:SecurityServices", name, None, opts)
        if not args.providers:
            raise ValueError("SecurityServices needs at least one region provider")
        self._name = name
        self._args = args
        self._prefix = args.name_prefix or name
        self.primary_region, primary = next(iter(args.providers.items()))

        self.detector_ids: dict[str, pulumi.Output[str]] = {}
        self.standards_subscriptions: dict[str, list[aws.securityhub.StandardsSubscription]] = {}
        self.analyzer_arns: dict[str, pulumi.Output[str]] = {}
        unknown = set(args.inherited) - {"guardduty", "securityhub"}
        if unknown:
            raise ValueError(f"SecurityServices cannot inherit {sorted(unknown)}: only guardduty and securityhub")
        for region, provider in args.providers.items():
            if "guardduty" in args.inherited:
                InheritedService("gcbase:security:InheritedDetector", f"{self._name}-guardduty-inherited-{region}",
                                 {"enable": True}, provider, self)
            else:
                self.detector_ids[region] = self._create_guardduty(region, provider).id
            if "securityhub" in args.inherited:
                InheritedService("gcbase:security:InheritedSecurityHub",
                                 f"{self._name}-securityhub-inherited-{region}", {}, provider, self)
            else:
                self.standards_subscriptions[region] = self._create_security_hub(region, provider)
            self.analyzer_arns[region] = self._create_access_analyzer(region, provider).arn
            self._create_ebs_encryption(region, provider)

        self._create_public_access_block(primary)
        self._create_password_policy(primary)
        self.register_outputs({
            "detectorIds": self.detector_ids,
            "analyzerArns": self.analyzer_arns,
        })

    def _child(self, provider: aws.Provider, **kwargs) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=provider, **kwargs)

    def _create_guardduty(self, region: str, provider: aws.Provider) -> aws.guardduty.Detector:
        detector = aws.guardduty.Detector(
            f"{self._name}-guardduty-{region}",
            enable=True,
            finding_publishing_frequency=self._args.finding_publishing_frequency,
            tags=dict(self._args.tags),
            opts=self._child(provider),
        )
        for feature in self._args.guardduty_features:
            extra = [
                aws.guardduty.DetectorFeatureAdditionalConfigurationArgs(name=conf, status="ENABLED")
                for conf in feature.get("additionalConfigurations", [])
            ]
            aws.guardduty.DetectorFeature(
                f"{self._name}-guardduty-{region}-{feature['name'].lower().replace('_', '-')}",
                detector_id=detector.id,
                name=feature["name"],
                status="ENABLED",
                additional_configurations=extra or None,
                opts=self._child(provider),
            )
        return detector

    def _create_security_hub(self, region: str, provider: aws.Provider) -> list[aws.securityhub.StandardsSubscription]:
        hub = aws.securityhub.Account(
            f"{self._name}-securityhub-{region}",
            enable_default_standards=False,
            auto_enable_controls=self._args.auto_enable_controls,
            control_finding_generator=self._args.control_finding_generator,
            opts=self._child(provider),
        )
        subscriptions = []
        for arn_template in self._args.standards_arns:
            arn = arn_template.replace("${region}", region)
            # ".../standards/cis-aws-foundations-benchmark/v/3.0.0" -> "cis-aws-foundations-benchmark-v3-0-0"
            slug = arn.split(":standards/", 1)[1].replace("/v/", "-v").replace("/", "-").replace(".", "-")
            subscriptions.append(aws.securityhub.StandardsSubscription(
                f"{self._name}-securityhub-{region}-{slug}",
                standards_arn=arn,
                opts=self._child(provider, depends_on=[hub]),
            ))
        return subscriptions

    def _create_access_analyzer(self, region: str, provider: aws.Provider) -> aws.accessanalyzer.Analyzer:
        return aws.accessanalyzer.Analyzer(
            f"{self._name}-access-analyzer-{region}",
            analyzer_name=f"{self._prefix}-{self._args.analyzer_type.lower()}-analyzer",
            type=self._args.analyzer_type,
            tags=dict(self._args.tags),
            opts=self._child(provider),
        )

    def _create_ebs_encryption(self, region: str, provider: aws.Provider) -> aws.ebs.EncryptionByDefault:
        return aws.ebs.EncryptionByDefault(
            f"{self._name}-ebs-encryption-{region}",
            enabled=True,
            opts=self._child(provider),
        )

    def _create_public_access_block(self, provider: aws.Provider) -> aws.s3.AccountPublicAccessBlock:
        return aws.s3.AccountPublicAccessBlock(
            f"{self._name}-s3-public-access-block",
            account_id=self._args.account_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=self._child(provider),
        )

    def _create_password_policy(self, provider: aws.Provider) -> aws.iam.AccountPasswordPolicy:
        p = self._args.password_policy
        return aws.iam.AccountPasswordPolicy(
            f"{self._name}-password-policy",
            minimum_password_length=p["minimumPasswordLength"],
            password_reuse_prevention=p["passwordReusePrevention"],
            max_password_age=p["maxPasswordAge"],
            require_lowercase_characters=p["requireLowercaseCharacters"],
            require_uppercase_characters=p["requireUppercaseCharacters"],
            require_numbers=p["requireNumbers"],
            require_symbols=p["requireSymbols"],
            allow_users_to_change_password=p["allowUsersToChangePassword"],
            hard_expiry=p["hardExpiry"],
            opts=self._child(provider),
        )
