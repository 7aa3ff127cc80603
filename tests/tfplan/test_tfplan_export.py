"""The exporter's mapping rules, on resources declared with the real pulumi_aws SDK under the mocks."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from helpers import synth, test_provider
from gcbase.model import SECRET_MASK
from gcbase.tfplan import export, unchecked, write
from gcbase.tfplan.export import identifier


def _planned(doc: dict, address: str) -> dict:
    found = [r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address]
    assert len(found) == 1, [r["address"] for r in doc["planned_values"]["root_module"]["resources"]]
    return found[0]


def _config(doc: dict, address: str) -> dict:
    return next(r for r in doc["configuration"]["root_module"]["resources"] if r["address"] == address)


def _change(doc: dict, address: str) -> dict:
    return next(r for r in doc["resource_changes"] if r["address"] == address)["change"]


def test_document_shape():
    doc = export(synth(lambda: aws.kms.Key("k", enable_key_rotation=True)))
    assert doc["format_version"] == "1.2" and doc["terraform_version"]
    res = _planned(doc, "aws_kms_key.k")
    assert res["mode"] == "managed" and res["type"] == "aws_kms_key" and res["name"] == "k"
    assert res["provider_name"] == "registry.terraform.io/hashicorp/aws"
    assert res["values"]["enable_key_rotation"] is True
    assert res["values"]["id"] and res["values"]["arn"].startswith("arn:aws:kms:ap-northeast-1:")
    change = _change(doc, "aws_kms_key.k")
    assert change["actions"] == ["create"] and change["before"] is None and change["after"] == res["values"]
    assert change["after_unknown"] == {}
    assert _config(doc, "aws_kms_key.k")["expressions"] == {"enable_key_rotation": {"constant_value": True}}


def test_renames_blocks_and_maps():
    def prog():
        b = aws.s3.Bucket("b", bucket="gc-b", tags={"gcbase:system": "jumin", "owner": "x"})
        aws.s3.BucketLifecycleConfiguration("lc", bucket=b.id, rules=[{
            "id": "archive", "status": "Enabled", "filter": {"prefix": "AWSLogs/"},
            "transitions": [{"days": 90, "storage_class": "GLACIER"}], "expiration": {"days": 2555},
            "noncurrent_version_transitions": [{"noncurrent_days": 30, "storage_class": "GLACIER"}]}])
        aws.cloudtrail.Trail("t", name="t", s3_bucket_name="gc-b", event_selectors=[{
            "read_write_type": "All", "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}])
        aws.lambda_.Function("f", name="f", role="arn:aws:iam::123456789012:role/r", runtime="python3.12",
                             handler="h.h", code=pulumi.AssetArchive({}),
                             environment={"variables": {"LOG_LEVEL": "INFO", "tableName": "t"}})
        aws.backup.Selection("sel", name="sel", plan_id="p", iam_role_arn="arn:aws:iam::123456789012:role/b",
                             conditions=[{"string_equals": [{"key": "aws:ResourceTag/gcbase:system", "value": "jumin"}],
                                          "string_likes": [{"key": "aws:ResourceTag/x", "value": "y*"}]}])
    doc = export(synth(prog))
    bucket = _planned(doc, "aws_s3_bucket.b")["values"]
    assert bucket["tags"] == {"gcbase:system": "jumin", "owner": "x"}  # a map: keys untouched, not a block
    rule = _planned(doc, "aws_s3_bucket_lifecycle_configuration.lc")["values"]["rule"]
    assert rule == [{"id": "archive", "status": "Enabled", "filter": [{"prefix": "AWSLogs/"}],
                     "transition": [{"days": 90, "storage_class": "GLACIER"}], "expiration": [{"days": 2555}],
                     "noncurrent_version_transition": [{"noncurrent_days": 30, "storage_class": "GLACIER"}]}]
    trail = _planned(doc, "aws_cloudtrail.t")["values"]
    assert trail["event_selector"] == [{"read_write_type": "All",
                                        "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]
    assert trail["s3_bucket_name"] == "gc-b"  # a literal, no property dependency: stays a known value
    fn = _planned(doc, "aws_lambda_function.f")["values"]
    assert fn["environment"] == [{"variables": {"LOG_LEVEL": "INFO", "tableName": "t"}}]
    cond = _planned(doc, "aws_backup_selection.sel")["values"]["condition"]
    assert cond == [{"string_equals": [{"key": "aws:ResourceTag/gcbase:system", "value": "jumin"}],
                     "string_like": [{"key": "aws:ResourceTag/x", "value": "y*"}]}]


def test_security_group_ingress_keeps_its_name():
    doc = export(synth(lambda: aws.ec2.SecurityGroup("sg", vpc_id="vpc-1", ingress=[
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"]}])))
    values = _planned(doc, "aws_security_group.sg")["values"]
    assert values["ingress"] == [{"cidr_blocks": ["10.0.0.0/8"], "from_port": 443, "protocol": "tcp", "to_port": 443}]
    assert "ingres" not in values


def test_bucket_policy_references_its_bucket():
    def prog():
        b = aws.s3.Bucket("logs", bucket="gc-logs")
        aws.s3.BucketPolicy("logs-policy", bucket=b.id, policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
        aws.s3.BucketPublicAccessBlock("logs-pab", bucket=b.bucket, block_public_acls=True)
    doc = export(synth(prog))
    expr = _config(doc, "aws_s3_bucket_policy.logs_policy")["expressions"]
    assert expr["bucket"] == {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}
    assert json.loads(expr["policy"]["constant_value"]) == {"Version": "2012-10-17", "Statement": []}
    # unknown until the bucket exists, as Terraform prints it: absent from values, marked in after_unknown
    assert "bucket" not in _planned(doc, "aws_s3_bucket_policy.logs_policy")["values"]
    assert _change(doc, "aws_s3_bucket_policy.logs_policy")["after_unknown"] == {"bucket": True}
    # b.bucket equals the bucket's id: referenced as .id, the attribute Terraform configs use
    assert _config(doc, "aws_s3_bucket_public_access_block.logs_pab")["expressions"]["bucket"] == {
        "references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}


def test_nested_and_list_references():
    def prog():
        key = aws.kms.Key("key")
        topic = aws.sns.Topic("alerts", name="alerts", kms_master_key_id=key.id)
        aws.cloudwatch.MetricAlarm("root-use", name="root-use", comparison_operator="GreaterThanOrEqualToThreshold",
                                   evaluation_periods=1, metric_name="RootUse", namespace="gcbase", period=300,
                                   statistic="Sum", threshold=1, alarm_actions=["arn:aws:sns:ap-northeast-1:1:other", topic.arn])
    doc = export(synth(prog))
    assert _config(doc, "aws_sns_topic.alerts")["expressions"]["kms_master_key_id"] == {
        "references": ["aws_kms_key.key.id", "aws_kms_key.key"]}
    alarm = "aws_cloudwatch_metric_alarm.root_use"
    assert _planned(doc, alarm)["values"]["alarm_actions"] == ["arn:aws:sns:ap-northeast-1:1:other", None]
    assert _change(doc, alarm)["after_unknown"]["alarm_actions"] == [False, True]
    assert _config(doc, alarm)["expressions"]["alarm_actions"] == {
        "references": ["aws_sns_topic.alerts.arn", "aws_sns_topic.alerts"]}


def test_role_inline_and_managed_policies_become_their_own_resources():
    def prog():
        pol = aws.iam.Policy("ops", name="ops", policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
        aws.iam.Role("audit", name="gc-audit", assume_role_policy="{}",
                     inline_policies=[{"name": "read-logs", "policy": '{"Statement": []}'}],
                     managed_policy_arns=["arn:aws:iam::aws:policy/SecurityAudit", pol.arn])
    doc = export(synth(prog))
    role = _planned(doc, "aws_iam_role.audit")["values"]
    assert role["inline_policy"] == [{"name": "read-logs", "policy": '{"Statement": []}'}]
    inline = _planned(doc, "aws_iam_role_policy.audit_read_logs")["values"]
    assert inline["name"] == "read-logs" and inline["policy"] == '{"Statement": []}'
    assert _config(doc, "aws_iam_role_policy.audit_read_logs")["expressions"]["role"] == {
        "references": ["aws_iam_role.audit.id", "aws_iam_role.audit"]}
    aws_managed = _planned(doc, "aws_iam_role_policy_attachment.audit_SecurityAudit")["values"]
    assert aws_managed["policy_arn"] == "arn:aws:iam::aws:policy/SecurityAudit"
    ours = _config(doc, "aws_iam_role_policy_attachment.audit_ops")["expressions"]
    assert ours["policy_arn"] == {"references": ["aws_iam_policy.ops.arn", "aws_iam_policy.ops"]}
    assert ours["role"] == {"references": ["aws_iam_role.audit.name", "aws_iam_role.audit"]}


def test_unknown_type_is_reported_not_dropped():
    """Every AWS token has a Terraform type (pulumi-aws's bridge metadata); a resource of another provider
    has none: it is listed as not checked (and GCJP_AWS_72 fails it), never dropped silently."""
    import pulumi

    def prog():
        aws.kms.Key("k")
        aws.sagemaker.Domain("studio", domain_name="d", auth_mode="IAM", vpc_id="vpc-1", subnet_ids=["s"],
                             default_user_settings={"execution_role": "arn:aws:iam::1:role/r"})
        pulumi.CustomResource("random:index/randomPassword:RandomPassword", "pw", {"length": 16})
    plan = synth(prog)
    missing = unchecked(plan)
    assert [m["type"] for m in missing] == ["random:index/randomPassword:RandomPassword"]
    assert missing[0]["urn"].endswith("::pw")
    doc = export(plan)
    assert doc["gcbase"]["not_checked"] == missing
    assert sorted(r["type"] for r in doc["planned_values"]["root_module"]["resources"]) == ["aws_kms_key",
                                                                                           "aws_sagemaker_domain"]


def test_secrets_stay_masked(tmp_path):
    plan = synth(lambda: aws.ssm.Parameter("pw", name="/x/pw", type="SecureString",
                                           value=pulumi.Output.secret("s3cr3t-value")))
    path = write(plan, tmp_path / "plan.json")
    text = path.read_text()
    assert "s3cr3t-value" not in text
    doc = json.loads(text)
    res = _planned(doc, "aws_ssm_parameter.pw")
    assert res["values"]["value"] == SECRET_MASK
    assert res["sensitive_values"] == {"value": True}
    assert _change(doc, "aws_ssm_parameter.pw")["after_sensitive"] == {"value": True}


def test_inherited_policy_component_exported_as_organizations_policy():
    scp = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                                              "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["ap-northeast-1"]}}}]})

    def prog():
        pulumi.ComponentResource("gcbase:guardrails:InheritedPolicy", "da-region",
                                 {"name": "da-region", "content": scp, "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-1"]})
        pulumi.ComponentResource("gcbase:other:Thing", "thing", {"name": "x"})
    doc = export(synth(prog))
    res = _planned(doc, "aws_organizations_policy.da_region")
    assert res["values"]["content"] == scp and res["values"]["type"] == "SERVICE_CONTROL_POLICY"
    assert "targets" not in res["values"]
    assert _change(doc, "aws_organizations_policy.da_region")["actions"] == ["no-op"]
    assert len(doc["planned_values"]["root_module"]["resources"]) == 1  # other components are not resources
    assert doc["gcbase"]["not_checked"] == []


def test_inherited_role_component_exported_as_role_and_attachments():
    """Digital Agency's governance role: Checkov and the waivers see the role and its attachment as before."""
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                "Principal": {"AWS": "arn:aws:iam::900000000001:root"}}]})
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    def prog():
        pulumi.ComponentResource("gcbase:identity:InheritedRole", "gc-roles-1-governance", {
            "name": "GCGovernanceRole", "assumeRolePolicy": trust, "managedPolicyArns": [admin], "path": "/",
            "managedBy": "digital-agency", "arn": "arn:aws:iam::210000000101:role/GCGovernanceRole"})
    doc = export(synth(prog))
    role = _planned(doc, "aws_iam_role.gc_roles_1_governance")["values"]
    assert role == {"arn": "arn:aws:iam::210000000101:role/GCGovernanceRole", "assume_role_policy": trust,
                    "id": "GCGovernanceRole", "name": "GCGovernanceRole", "path": "/"}  # a role's id is its name
    attach = "aws_iam_role_policy_attachment.gc_roles_1_governance_administratoraccess"
    assert _planned(doc, attach)["values"]["policy_arn"] == admin
    assert "role" not in _planned(doc, attach)["values"]  # a reference to the role, as Terraform prints it
    assert _config(doc, attach)["expressions"]["role"] == {
        "references": ["aws_iam_role.gc_roles_1_governance.name", "aws_iam_role.gc_roles_1_governance"]}
    assert _change(doc, "aws_iam_role.gc_roles_1_governance")["actions"] == ["no-op"]
    assert _change(doc, attach)["actions"] == ["no-op"]
    assert len(doc["planned_values"]["root_module"]["resources"]) == 2
    assert doc["gcbase"]["urns"][attach] == doc["gcbase"]["urns"]["aws_iam_role.gc_roles_1_governance"]


def test_addresses_are_identifiers_unique_and_stable():
    def prog():
        aws.kms.Key("gc.key")
        aws.kms.Key("gc-key")
        aws.kms.Key("1st key")
    first, second = export(synth(prog)), export(synth(prog))
    assert first == second
    addresses = [r["address"] for r in first["planned_values"]["root_module"]["resources"]]
    assert addresses == ["aws_kms_key.gc_key", "aws_kms_key.gc_key_2", "aws_kms_key.r_1st_key"]
    assert identifier("a:b/c") == "a_b_c"


def test_explicit_provider_becomes_an_aliased_provider_config():
    def prog():
        prov = test_provider("222222222222", "ap-northeast-3", name="osaka")
        aws.kms.Key("k", opts=pulumi.ResourceOptions(provider=prov))
    doc = export(synth(prog))
    cfg = doc["configuration"]["provider_config"]["aws.osaka"]
    assert cfg["alias"] == "osaka" and cfg["name"] == "aws"
    assert cfg["expressions"]["region"] == {"constant_value": "ap-northeast-3"}
    assert cfg["expressions"]["assume_role"] == [{"role_arn": {"constant_value": "arn:aws:iam::222222222222:role/GCBaseDeployRole"}}]
    assert _config(doc, "aws_kms_key.k")["provider_config_key"] == "aws.osaka"
    assert ":222222222222:" in _planned(doc, "aws_kms_key.k")["values"]["arn"]


def test_unknown_values_from_a_preview_are_left_out_like_terraform_does():
    from gcbase.model import UNKNOWN, Plan, Resource

    plan = Plan(project="gcbase", stack="s", source="preview", resources=[Resource(
        urn="urn:pulumi:s::gcbase::aws:s3/bucket:Bucket::b", type="aws:s3/bucket:Bucket", name="b",
        inputs={"bucket": "gc-b", "objectLockEnabled": UNKNOWN, "tags": {"a": "b"}})])
    doc = export(plan)
    assert _planned(doc, "aws_s3_bucket.b")["values"] == {"bucket": "gc-b", "tags": {"a": "b"}}
    assert _change(doc, "aws_s3_bucket.b")["after_unknown"] == {"id": True, "object_lock_enabled": True}
    assert UNKNOWN not in json.dumps(doc)


def test_gcbase_section_maps_addresses_and_urns_both_ways():
    def prog():
        aws.iam.Role("audit", name="gc-audit", assume_role_policy="{}",
                     inline_policies=[{"name": "read", "policy": "{}"}])
    plan = synth(prog)
    role = next(r for r in plan if r.type == "aws:iam/role:Role")
    gc = export(plan)["gcbase"]
    assert gc["addresses"] == {role.urn: "aws_iam_role.audit"}
    assert gc["urns"] == {"aws_iam_role.audit": role.urn, "aws_iam_role_policy.audit_read": role.urn}
    assert gc["project"] == "gcbase" and gc["stack"] == "131121-prod" and gc["source"] == "synth"
