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
