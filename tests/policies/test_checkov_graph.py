"""gcbase's check wrapper hands every Checkov check the resource graph, as Checkov's own registry
does (BaseCheckRegistry.run_check sets `check.graph` from what the terraform_plan Runner built).
CKV_AWS_379 (S3 secure data transport) is a built-in that reads it: a public ACL passes only when
the graph shows the bucket's public access block or website configuration. Without the graph the
check raised (ERRORED, exit 2) on every bucket ACL of a plan.

The fixture follows Terraform's JSON output format and the check's own example: a public-read ACL
on a bucket whose public access block restricts public buckets, and one on a website bucket."""

from __future__ import annotations

import json

from gcbase.check import run_tfplan
from gcbase.check.findings import PASSED
from helpers import ROOT

PLAN = ROOT / "tests" / "policies" / "fixtures" / "checkov-graph" / "plan.json"
CHECK = "CKV_AWS_379"


def _checkov_alone() -> dict[str, str]:
    """What Checkov's terraform_plan Runner decides with its own run_check (gcbase's wrapper removed)."""
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.checks.resource.registry import resource_registry
    from checkov.terraform.plan_runner import Runner

    from gcbase.check import runner as gcbase_runner

    gcbase_runner._checkov()  # registers gcbase's checks and installs the wrapper
    with gcbase_runner._LOCK:
        wrapper = resource_registry.__dict__.pop("run_check")
        try:
            report = Runner().run(root_folder=None, files=[str(PLAN)],
                                  runner_filter=RunnerFilter(framework=["terraform_plan"], checks=[CHECK]))
        finally:
            resource_registry.run_check = wrapper
    reports = report if isinstance(report, list) else [report]
    return {rec.resource: rec.check_result["result"].name for r in reports
            for rec in (*r.passed_checks, *r.failed_checks) if rec.check_id == CHECK}


def test_a_graph_reading_builtin_gets_the_graph_and_decides_as_checkov_does():
    report = run_tfplan(json.loads(PLAN.read_text(encoding="utf-8")), only=[CHECK], waivers=())
    ours = {f.resource: f.result for f in report.findings if f.check_id == CHECK}
    assert ours == {"aws_s3_bucket_acl.blocked": PASSED, "aws_s3_bucket_acl.site": PASSED}, \
        [(f.resource, f.result, f.details) for f in report.findings]
    assert not report.errored()
    assert ours == _checkov_alone()


def test_the_cli_reports_no_check_error_on_it(capsys):
    from gcbase.cli import main

    code = main(["check", "--plan", str(PLAN), "--no-boundaries", "--scope", "part"])
    printed = capsys.readouterr()
    assert code != 2 and "the check raised" not in printed.err, printed.err
