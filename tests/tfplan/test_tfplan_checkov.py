"""Checkov judges the exported plan exactly as it judges the same plan written by Terraform.

fixtures/baseline.json is written by hand as `terraform show -json` prints it for the HCL twin
of tfplan_program.Baseline (unknown ids left out, references in `configuration`, provider
defaults present). Both go through Checkov's terraform_plan runner in-process; the verdicts,
check by check and resource by resource, must be identical.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from tfplan_program import baseline

from helpers import synth
from gcbase.tfplan import write

os.environ.setdefault("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
os.environ.pop("BC_API_KEY", None)
FIXTURE = Path(__file__).parent / "fixtures" / "baseline.json"


def verdicts(path: Path) -> dict[tuple[str, str], str]:
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.plan_runner import Runner

    report = Runner().run(root_folder=None, files=[str(path)], runner_filter=RunnerFilter(framework=["terraform_plan"]))
    assert not report.parsing_errors, report.parsing_errors
    return {(c.resource, c.check_id): c.check_result["result"].name for c in report.passed_checks + report.failed_checks}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    return write(synth(baseline), tmp_path_factory.mktemp("tfplan") / "baseline.tfplan.json")


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, str], str]:
    return verdicts(FIXTURE)


def test_verdicts_equal_the_handwritten_terraform_plan(exported, expected):
    got = verdicts(exported)
    assert len(expected) >= 60
    assert {k: v for k, v in got.items() if expected.get(k) != v} == {}
    assert set(got) == set(expected)


@pytest.mark.parametrize("resource, check, verdict", [
    ("aws_s3_bucket.trail_logs", "CKV2_AWS_6", "PASSED"),     # bucket <-> public access block (graph)
    ("aws_s3_bucket.access_logs", "CKV2_AWS_6", "FAILED"),    # no public access block connected
    ("aws_s3_bucket.trail_logs", "CKV_AWS_145", "PASSED"),    # bucket <-> SSE-KMS configuration (graph)
    ("aws_s3_bucket.access_logs", "CKV_AWS_145", "FAILED"),
    ("aws_vpc.vpc", "CKV2_AWS_11", "PASSED"),                 # VPC <-> flow log (graph)
    ("aws_vpc.vpc", "CKV2_AWS_12", "PASSED"),                 # VPC <-> default SG without rules (graph)
    ("aws_cloudtrail.trail", "CKV2_AWS_10", "PASSED"),        # trail <-> log group via "<arn>:*"
    ("aws_cloudtrail.trail", "CKV_AWS_35", "PASSED"),         # trail encrypted with a CMK
    ("aws_kms_key.trail_key", "CKV_AWS_7", "PASSED"),         # key rotation
    ("aws_security_group.app_sg", "CKV_AWS_24", "FAILED"),    # 22 open to the world
    ("aws_security_group.app_sg", "CKV_AWS_260", "PASSED"),   # 80 is not
    ("aws_cloudwatch_log_group.flow_group", "CKV_AWS_158", "FAILED"),  # no CMK
    ("aws_iam_role_policy.flow_log_role_write_logs", "CKV_AWS_290", "FAILED"),  # write without constraint
    ("aws.p", "CKV_AWS_41", "PASSED"),                        # the explicit provider, no credentials
])
def test_known_verdicts(exported, resource, check, verdict):
    assert verdicts(exported)[(resource, check)] == verdict


def test_graph_verdicts_come_from_the_references(exported, tmp_path):
    """Without `references` (values known instead) Checkov builds no edges: graph checks flip."""
    doc = json.loads(exported.read_text())
    flat = copy.deepcopy(doc)
    for res in flat["configuration"]["root_module"]["resources"]:
        res["expressions"] = {}
    stripped = tmp_path / "stripped.json"
    stripped.write_text(json.dumps(flat))
    got = verdicts(stripped)
    assert got[("aws_s3_bucket.trail_logs", "CKV2_AWS_6")] == "FAILED"
    assert got[("aws_s3_bucket.trail_logs", "CKV_AWS_145")] == "FAILED"
    assert got[("aws_vpc.vpc", "CKV2_AWS_11")] == "FAILED"
    assert got[("aws_cloudtrail.trail", "CKV2_AWS_10")] == "FAILED"


def test_checkov_ignores_the_gcbase_section(exported, tmp_path):
    doc = json.loads(exported.read_text())
    assert "not_checked" in doc["gcbase"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({k: v for k, v in doc.items() if k != "gcbase"}))
    assert verdicts(bare) == verdicts(exported)
