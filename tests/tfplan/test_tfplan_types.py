"""The token table is real (every token exists in the SDK) and complete for our modules."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from gcbase.tfplan import types

ROOT = Path(__file__).resolve().parents[2]
_TOKEN = re.compile(r"'(aws:[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+)'")


def _sdk_token(module: str, cls: str) -> str | None:
    """The Pulumi type token a pulumi_aws class registers (read from its source)."""
    pkg = importlib.import_module(f"pulumi_aws.{module}")
    klass = getattr(pkg, cls, None)
    if klass is None or not inspect.isclass(klass):
        return None
    found = _TOKEN.findall(inspect.getsource(klass))
    return found[0] if found else None


def _module_classes() -> set[tuple[str, str]]:
    used = set()
    for path in (ROOT / "modules").glob("*.py"):
        used |= set(re.findall(r"\baws\.([a-z0-9_]+)\.([A-Z][A-Za-z0-9]+)\(", path.read_text()))
    return {(m, c) for m, c in used if not c.endswith("Args")}


def test_every_token_in_the_table_exists_in_the_sdk():
    tokens = set(types.table()["types"])
    assert len(tokens) > 250
    missing = []
    for token in tokens:
        module, name = token.split(":")[1].split("/")[0], token.rsplit(":", 1)[1]
        pkg = "lambda_" if module == "lambda" else module
        if _sdk_token(pkg, name) != token:
            missing.append(token)
    assert missing == []


def test_every_aws_class_our_modules_use_is_mapped():
    used = _module_classes()
    assert used, "no aws.<module>.<Class>( calls found under modules/"
    unmapped = sorted(f"aws.{m}.{c}" for m, c in used
                      if (tok := _sdk_token(m, c)) is not None and types.terraform_type(tok) is None)
    assert unmapped == []


def test_terraform_types_are_terraform_identifiers():
    for tf_type in types.table()["types"].values():
        assert re.fullmatch(r"aws_[a-z0-9_]+", tf_type), tf_type


@pytest.mark.parametrize("pulumi_name, block_list, tf_type, expected", [
    ("rules", True, "aws_backup_plan", "rule"),
    ("inlinePolicies", True, "aws_iam_role", "inline_policy"),
    ("metricQueries", True, "aws_cloudwatch_metric_alarm", "metric_query"),
    ("globalSecondaryIndexes", True, "aws_dynamodb_table", "global_secondary_index"),
    ("ingress", True, "aws_security_group", "ingress"),
    ("egress", True, "aws_network_acl", "egress"),
    ("stringEquals", True, "aws_backup_selection", "string_equals"),
    ("rules", True, "aws_s3_bucket", "rules"),
    ("subnetIds", False, "aws_lb", "subnet_ids"),  # a list of strings keeps its name
    ("tunnel1IkeVersions", False, "aws_vpn_connection", "tunnel1_ike_versions"),
    ("s3BucketName", False, "aws_cloudtrail", "s3_bucket_name"),
])
def test_attribute_names(pulumi_name, block_list, tf_type, expected):
    assert types.attribute(tf_type, pulumi_name, block_list) == expected


def test_maps_and_objects():
    assert types.is_map("tags", {"owner": "x"})
    assert types.is_map("anything", {"gcbase:system": "x"})
    assert not types.is_map("versioningConfiguration", {"status": "Enabled"})


def test_has_arn_reads_the_sdk():
    assert types.has_arn("aws:s3/bucket:Bucket")
    assert not types.has_arn("aws:s3/bucketVersioning:BucketVersioning")
    assert types.has_arn("aws:lambda/function:Function")


def _sdk_tokens() -> list[str]:
    """Every resource token the installed pulumi_aws registers (its resource_modules table)."""
    import json

    import pulumi_aws

    src = Path(pulumi_aws.__file__).read_text(encoding="utf-8")
    modules = json.loads(re.search(r'resource_modules="""(.*?)"""', src, re.S).group(1))
    return sorted({tok for mod in modules for tok in mod["classes"]})


# Terraform types Checkov checks that no Pulumi token of the installed SDK produces, and why.
CHECKOV_ONLY = {
    "aws_alb": "an alias of aws_lb in the Terraform provider; pulumi-aws's alb module is exported as aws_lb",
    "aws_alb_listener": "alias of aws_lb_listener (same)", "aws_alb_target_group": "alias of aws_lb_target_group (same)",
    "aws_db_security_group": "EC2-Classic, removed from the Terraform provider (v5) and from pulumi-aws",
    "aws_elasticache_security_group": "EC2-Classic, removed (same)",
    "aws_redshift_security_group": "EC2-Classic, removed (same)",
}


def test_every_sdk_resource_has_a_terraform_type_from_the_provider_metadata():
    """Not a hand list: pulumi-aws's bridge metadata (bridge-renames.json), hand-checked overrides
    (types.yaml), and the module-prefix rule for the newest tokens give every token a Terraform type."""
    tokens = _sdk_tokens()
    assert len(tokens) > 1500
    assert [t for t in tokens if types.terraform_type(t) is None] == []
    assert len(types.bridge()) > 1000 and types.bridge()["aws:ec2/vpc:Vpc"] == "aws_vpc"
    assert types.module_prefixes()["ec2transitgateway"] == "aws_ec2_transit_gateway"
    assert types.terraform_type("aws:guardduty/detectorFeature:DetectorFeature") == "aws_guardduty_detector_feature"


def test_every_type_checkov_checks_is_exported_from_some_token():
    from checkov.terraform.checks.resource.registry import resource_registry

    from gcbase.check.runner import _checkov

    _checkov()
    checked = {t for t, checks in resource_registry.checks.items()
               if t.startswith("aws_") and any(c.id.startswith(("CKV_AWS_", "CKV2_AWS_")) for c in checks)}
    exported = {types.terraform_type(t) for t in _sdk_tokens()}
    assert checked - exported == set(CHECKOV_ONLY)


def test_the_hand_table_wins_where_it_differs_from_the_bridge():
    """types.yaml is checked against the installed SDK (above); where the bridge metadata (an older
    release) names another type, the hand table's is the one Checkov checks today."""
    differs = {t: (h, types.bridge()[t]) for t, h in types.table()["types"].items()
               if t in types.bridge() and types.bridge()[t] != h}
    assert all(types.terraform_type(t) == h for t, (h, _) in differs.items())
    assert differs.get("aws:s3/bucket:Bucket") == ("aws_s3_bucket", "aws_s3_bucket_legacy")


def test_instance_connect_endpoint_is_not_a_transit_gateway_resource():
    """pulumi-aws files EC2 Instance Connect Endpoint under ec2transitgateway; the module prefix would call it
    aws_ec2_transit_gateway_instance_connect_endpoint, a type no check knows. Terraform's name is the one read."""
    token = "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint"
    assert token in _sdk_tokens()
    assert types.terraform_type(token) == "aws_ec2_instance_connect_endpoint"
