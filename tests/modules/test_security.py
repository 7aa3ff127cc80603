"""SecurityServices: detection in every region, account hardening once."""

from __future__ import annotations

from helpers import one, synth, test_provider
from modules.security import SecurityServices, SecurityServicesArgs

ACCOUNT = "111111111111"
REGIONS = ("ap-northeast-1", "ap-northeast-3")
TAGS = {"gcbase:municipality": "131121", "gcbase:managed-by": "gcbase"}
FSBP = "arn:aws:securityhub:{}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:{}::standards/cis-aws-foundations-benchmark/v/3.0.0"


def _synth(regions=REGIONS, **kw):
    def fn():
        providers = {r: test_provider(ACCOUNT, r, name=f"p-{r}") for r in regions}
        SecurityServices("sec", SecurityServicesArgs(account_id=ACCOUNT, providers=providers, tags=TAGS, **kw))

    return synth(fn)


def test_guardduty_enabled_in_every_region_with_protection_plans():
    plan = _synth()
    detectors = plan.of_type("aws:guardduty/detector:Detector")
    assert sorted(plan.region_of(d) for d in detectors) == list(REGIONS)
    for det in detectors:
        assert det.inputs["enable"] is True
        assert det.inputs["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
        assert det.inputs["tags"] == TAGS
        features = [f for f in plan.of_type("aws:guardduty/detectorFeature:DetectorFeature")
                    if f.inputs["detectorId"] == det.id]
        assert {f.inputs["name"]: f.inputs["status"] for f in features} == {
            "S3_DATA_EVENTS": "ENABLED", "EBS_MALWARE_PROTECTION": "ENABLED",
            "RDS_LOGIN_EVENTS": "ENABLED", "RUNTIME_MONITORING": "ENABLED"}
        runtime, = [f for f in features if f.inputs["name"] == "RUNTIME_MONITORING"]
        assert {c["name"]: c["status"] for c in runtime.inputs["additionalConfigurations"]} == {
            "EC2_AGENT_MANAGEMENT": "ENABLED", "ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED",
            "EKS_ADDON_MANAGEMENT": "ENABLED"}
        assert all(plan.region_of(f) == plan.region_of(det) for f in features)


def test_security_hub_has_exactly_fsbp_and_cis_3_in_each_region():
    plan = _synth()
    hubs = plan.of_type("aws:securityhub/account:Account")
    assert len(hubs) == 2
    for hub in hubs:
        region = plan.region_of(hub)
        assert hub.inputs["enableDefaultStandards"] is False
        assert hub.inputs["controlFindingGenerator"] == "SECURITY_CONTROL"
        subs = [s for s in plan.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
                if plan.region_of(s) == region]
        assert sorted(s.inputs["standardsArn"] for s in subs) == sorted([FSBP.format(region), CIS.format(region)])
        for sub in subs:
            assert hub.urn in sub.dependencies  # subscribing needs the hub enabled first


def test_access_analyzer_and_ebs_encryption_in_every_region():
    plan = _synth()
    analyzers = plan.of_type("aws:accessanalyzer/analyzer:Analyzer")
    assert sorted(plan.region_of(a) for a in analyzers) == list(REGIONS)
    for a in analyzers:
        assert a.inputs["type"] == "ACCOUNT"
        assert a.inputs["analyzerName"] == "sec-account-analyzer"
    ebs = plan.of_type("aws:ebs/encryptionByDefault:EncryptionByDefault")
    assert sorted(plan.region_of(e) for e in ebs) == list(REGIONS)
    assert all(e.inputs["enabled"] is True for e in ebs)


def test_account_wide_settings_once_in_the_primary_region():
    plan = _synth()
    pab = one(plan, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
    assert plan.region_of(pab) == REGIONS[0]
    assert {k: pab.inputs[k] for k in ("accountId", "blockPublicAcls", "blockPublicPolicy",
                                       "ignorePublicAcls", "restrictPublicBuckets")} == {
        "accountId": ACCOUNT, "blockPublicAcls": True, "blockPublicPolicy": True,
        "ignorePublicAcls": True, "restrictPublicBuckets": True}
    pw = one(plan, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy")
    assert plan.region_of(pw) == REGIONS[0]
    assert pw.inputs["minimumPasswordLength"] == 14
    assert pw.inputs["passwordReusePrevention"] == 24
    assert pw.inputs["maxPasswordAge"] == 90
    for flag in ("requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers",
                 "requireSymbols", "allowUsersToChangePassword"):
        assert pw.inputs[flag] is True, flag


def test_every_child_is_parented_and_uses_this_accounts_providers():
    plan = _synth()
    comp, = plan.of_type("gcbase:security:SecurityServices")
    children = [r for r in plan if r.parent == comp.urn]
    assert len(children) == 2 * (1 + 4 + 1 + 2 + 1 + 1) + 2
    assert all(plan.account_of(r) == ACCOUNT for r in children)


def test_overrides_come_through_the_args():
    plan = _synth(regions=("ap-northeast-1",), name_prefix="gc131121-prod",
                  finding_publishing_frequency="SIX_HOURS",
                  guardduty_features=[{"name": "S3_DATA_EVENTS"}],
                  password_policy={"minimumPasswordLength": 20, "passwordReusePrevention": 24, "maxPasswordAge": 60,
                                   "requireLowercaseCharacters": True, "requireUppercaseCharacters": True,
                                   "requireNumbers": True, "requireSymbols": True,
                                   "allowUsersToChangePassword": True, "hardExpiry": False})
    det = one(plan, "aws:guardduty/detector:Detector")
    assert det.inputs["findingPublishingFrequency"] == "SIX_HOURS"
    assert [f.inputs["name"] for f in plan.of_type("aws:guardduty/detectorFeature:DetectorFeature")] == ["S3_DATA_EVENTS"]
    assert one(plan, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy").inputs["minimumPasswordLength"] == 20
    assert one(plan, "aws:accessanalyzer/analyzer:Analyzer").inputs["analyzerName"] == "gc131121-prod-account-analyzer"


def test_default_args_are_independent_copies():
    a = SecurityServicesArgs(account_id=ACCOUNT, providers={}, tags={})
    a.guardduty_features.append({"name": "LAMBDA_NETWORK_LOGS"})
    b = SecurityServicesArgs(account_id=ACCOUNT, providers={}, tags={})
    assert [f["name"] for f in b.guardduty_features] == [
        "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING"]
