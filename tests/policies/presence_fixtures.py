"""Fixtures of the presence checks (GCJP_AWS_70, 71): what the stack's scope requires exists. Built here and
pinned by tests/policies/test_presence_fixtures.py; `uv run python -m tests.policies.presence_fixtures` writes them."""

from __future__ import annotations

from pathlib import Path

from tests.network.builder import Ref, Tf
from tests.network.fixtures import dumps
from tests.network.scenarios import HUB, JUKI, SENKYO, intent

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _tag(system: str) -> dict:
    return {"selection_tag": [{"type": "STRINGEQUALS", "key": "gcbase:system", "value": system}]}


def _condition(op: str, system: str) -> dict:
    return {"condition": [{op: [{"key": "aws:ResourceTag/gcbase:system", "value": system}]}]}


# How each system's selection picks it (default: by its gcbase:system tag). Review G-6: an explicit `resources`
# list, `not_resources` and a `condition` used to be ignored, so each of these passed.
PASSING_SELECTIONS = {
    "juki": {**_tag("juki"), **_condition("string_equals", "juki")},  # a condition that agrees with the tag
    "senkyo": {"resources": ["arn:aws:dynamodb:ap-northeast-1:210000000103:table/senkyo-*"]},  # its tables' ARNs
}
NARROWED_SELECTIONS = {
    "juki": {**_tag("juki"), **_condition("string_not_equals", "juki")},  # contradicts the tag: selects nothing
    "senkyo": {"resources": ["arn:aws:dynamodb:ap-northeast-1:210000000103:table/none"]},  # an unrelated table
    "web": {**_tag("web"), "not_resources": ["*"]},  # excludes everything
}


def _backups(systems: tuple[str, ...], selections: dict | None = None) -> dict:
    tf = Tf()
    for system, account in (("juki", JUKI), ("senkyo", SENKYO), ("web", "210000000104")):
        tf.r("aws_vpc", system, account=account, cidr_block={"juki": "10.20.0.0/22", "senkyo": "10.20.8.0/22",
                                                            "web": "10.20.12.0/22"}[system])
        if selections is not None:  # each system's data: a table tagged with the system
            tf.r("aws_dynamodb_table", f"{system}_data", name=f"{system}-data", hash_key="id",
                 tags={"gcbase:system": system})
            tf.resources[-1]["values"]["arn"] = f"arn:aws:dynamodb:ap-northeast-1:{account}:table/{system}-data"
        if system in systems:
            plan = tf.r("aws_backup_plan", f"{system}_plan", account=account,
                        rule=[{"rule_name": "daily", "target_vault_name": "v", "schedule": "cron(0 17 * * ? *)"}])
            tf.resources[-1]["values"]["arn"] = f"arn:aws:backup:ap-northeast-1:{account}:backup-plan:{system}"
            how = (selections or {}).get(system) or _tag(system)
            tf.r("aws_backup_selection", f"{system}_selection", plan_id=Ref(plan), name=system, iam_role_arn="arn:x",
                 **how)
    return tf.plan()


def _trails(accounts: tuple[str, ...], data_only: tuple[str, ...] = ()) -> dict:
    tf = Tf()
    for account in accounts:
        tf.r("aws_cloudtrail", f"trail_{account}", name=f"t{account}", s3_bucket_name="archive",
             is_multi_region_trail=True)
        tf.resources[-1]["values"]["arn"] = f"arn:aws:cloudtrail:ap-northeast-1:{account}:trail/t{account}"
    for account in data_only:  # advanced selectors naming S3 data events only: no API activity recorded (G-7)
        tf.r("aws_cloudtrail", f"data_only_{account}", name=f"d{account}", s3_bucket_name="archive",
             is_multi_region_trail=True, advanced_event_selector=[{"name": "data only", "field_selector": [
                 {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}])
        tf.resources[-1]["values"]["arn"] = f"arn:aws:cloudtrail:ap-northeast-1:{account}:trail/d{account}"
    return tf.plan()


def _coverage(unchecked: bool) -> dict:
    tf = Tf()
    tf.r("aws_vpc", "juki", account=JUKI, cidr_block="10.20.0.0/22")
    tf.r("aws_kms_key", "data", enable_key_rotation=True)
    if unchecked:
        tf.r("aws_appfabric_app_bundle", "bundle")  # an AWS type no check reads
        # an entry into the VPC from the internet: CKV2_AWS_5 only lists it as something a security group may be
        # attached to, which judges the group, not the endpoint (review G-11)
        tf.r("aws_ec2_client_vpn_endpoint", "entry", server_certificate_arn="arn:x", client_cidr_block="10.99.0.0/22",
             security_group_ids=["sg-1"])
    doc = tf.plan()
    if unchecked:  # what gcbase's exporter lists when a resource has no Terraform type (another provider)
        doc["gcbase"] = {"not_checked": [{"urn": "urn:pulumi:s::p::random:index/randomPassword:RandomPassword::pw",
                                          "type": "random:index/randomPassword:RandomPassword"}]}
    return doc


CASES = {
    "GCJP_AWS_72": (lambda: _coverage(False), lambda: _coverage(True)),
    "GCJP_AWS_70": (lambda: _backups(("juki", "senkyo", "web"), PASSING_SELECTIONS), lambda: _backups(("juki", "web"))),
    "GCJP_AWS_71": (lambda: _trails((HUB, JUKI, SENKYO, "210000000104")),
                    lambda: _trails((HUB, JUKI, SENKYO), data_only=("210000000104",))),
}


# More failing fixtures of a check, file name -> builder
EXTRA = {
    "GCJP_AWS_70": {"fail-narrowed.json": lambda: _backups(("juki", "senkyo", "web"), NARROWED_SELECTIONS)},
}


def build(check_id: str) -> dict[str, dict]:
    good, bad = CASES[check_id]
    extra = {name: make() for name, make in EXTRA.get(check_id, {}).items()}
    return {"pass.json": good(), "fail.json": bad(), **extra, "intent.json": intent().to_dict()}


def main() -> None:
    for check_id in CASES:
        folder = FIXTURES / check_id
        folder.mkdir(parents=True, exist_ok=True)
        for name, doc in build(check_id).items():
            (folder / name).write_text(dumps(doc), encoding="utf-8")
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()
