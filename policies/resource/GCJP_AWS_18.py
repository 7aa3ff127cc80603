"""GCJP_AWS_18: data stores are encrypted with a customer-managed KMS key, not an AWS-managed one."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from gcbase.check import conf as c
from gcbase.check.keys import customer_managed_key

SSE = "aws_s3_bucket_server_side_encryption_configuration"


class DataStoresUseCmk(BaseResourceCheck):
    def __init__(self):
        super().__init__(name=c.title(__file__), id="GCJP_AWS_18", categories=[CheckCategories.ENCRYPTION],
                         supported_resources=[SSE, *KEY_ATTRIBUTES])

    def scan_resource_conf(self, conf):
        if self.entity_type == SSE:
            self.evaluated_keys = ["rule"]
            for rule in (r for r in c.values(conf, "rule") if isinstance(r, dict)):
                default = c.block(rule, "apply_server_side_encryption_by_default")
                algorithm = c.value(default, "sse_algorithm")
                if algorithm not in ("aws:kms", "aws:kms:dsse"):
                    self.details.append(f"sse_algorithm is {algorithm or 'unset'}: S3-managed keys, not a customer-managed key")
                    return CheckResult.FAILED
                ok, why = customer_managed_key(c.value(default, "kms_master_key_id"))
                if not ok:
                    self.details.append(f"kms_master_key_id: {why}")
                    return CheckResult.FAILED
            return CheckResult.PASSED
        if self.entity_type == "aws_ssm_parameter" and c.value(conf, "type") != "SecureString":
            return CheckResult.UNKNOWN  # a plain String parameter holds no secret
        path = KEY_ATTRIBUTES[self.entity_type]
        self.evaluated_keys = [path.replace(".", "/[0]/")]
        *blocks, attr = path.split(".")
        ok, why = customer_managed_key(c.value(c.block(conf, *blocks) if blocks else conf, attr))
        if ok:
            return CheckResult.PASSED
        self.details.append(f"{path}: {why}")
        return CheckResult.FAILED


# Resource type -> attribute (dotted through nested blocks) that names its KMS key.
KEY_ATTRIBUTES = {
    "aws_cloudwatch_log_group": "kms_key_id",
    "aws_sns_topic": "kms_master_key_id",
    "aws_sqs_queue": "kms_master_key_id",
    "aws_backup_vault": "kms_key_arn",
    "aws_db_instance": "kms_key_id",
    "aws_rds_cluster": "kms_key_id",
    "aws_ebs_volume": "kms_key_id",
    "aws_efs_file_system": "kms_key_id",
    "aws_dynamodb_table": "server_side_encryption.kms_key_arn",
    "aws_secretsmanager_secret": "kms_key_id",
    "aws_ssm_parameter": "key_id",
    "aws_kinesis_stream": "kms_key_id",
    "aws_elasticache_replication_group": "kms_key_id",
    "aws_redshift_cluster": "kms_key_id",
}

check = DataStoresUseCmk()
