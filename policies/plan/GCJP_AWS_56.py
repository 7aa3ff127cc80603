"""GCJP_AWS_56: Backup vault, Glacier vault, SNS, SQS, Secrets Manager, ECR, DynamoDB, Lambda and log resource policies give nothing outside the zone of trust."""

from gcbase.check.trustcheck import ExternalAccessCheck


class ServicePoliciesInsideZone(ExternalAccessCheck):
    id = "GCJP_AWS_56"


check = ServicePoliciesInsideZone()
