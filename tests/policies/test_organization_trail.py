"""GCJP_AWS_71 and organization trails: one stands in for every account only in the organization's management
account (Digital Agency's governance account, as the stack declares it); elsewhere it records its own account."""

from __future__ import annotations

from gcbase.check import run_tfplan
from tests.network.builder import Tf
from tests.network.scenarios import HUB, JUKI, SENKYO, intent

WEB = "210000000104"


def _outcome(trails: list[tuple[str, bool]]) -> tuple[set[str], set[str]]:
    tf = Tf()
    for account, organization in trails:
        tf.r("aws_cloudtrail", f"trail_{account}", account=account, name=f"t{account}", s3_bucket_name="archive",
             is_multi_region_trail=True, is_organization_trail=organization)
        tf.resources[-1]["values"]["arn"] = f"arn:aws:cloudtrail:ap-northeast-1:{account}:trail/t{account}"
    report = run_tfplan(tf.plan(), only=["GCJP_AWS_71"], waivers=(), intent=intent())
    return ({f.resource for f in report.findings if f.result == "PASSED"},
            {f.resource for f in report.findings if f.result == "FAILED"})


def test_organization_trail_in_a_member_account_records_only_that_account():
    passed, failed = _outcome([(HUB, True)])
    assert passed == {f"account:{HUB}"}
    assert failed == {f"account:{a}" for a in (JUKI, SENKYO, WEB)}


def test_organization_trail_in_the_management_account_records_every_account():
    management = intent().governance_account
    passed, failed = _outcome([(management, True)])
    assert failed == set()
    assert passed == {f"account:{a}" for a in (HUB, JUKI, SENKYO, WEB)}

