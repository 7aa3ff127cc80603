"""StaticWebsite: an S3 bucket configured as a public website.

Public on purpose: it is the kind of program gcbase should flag (public-read policy,
access block switched off), and it exercises references between resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws


@dataclass
class StaticWebsiteArgs:
    index_document: str = "index.html"
    error_document: str = "error.html"
    tags: dict[str, str] = field(default_factory=dict)


class StaticWebsite(pulumi.ComponentResource):
    def __init__(self, name: str, args: StaticWebsiteArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("website:index:StaticWebsite", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", force_destroy=True, tags=args.tags, opts=child)
        self.website = aws.s3.BucketWebsiteConfiguration(
            f"{name}-website",
            bucket=self.bucket.id,
            index_document=aws.s3.BucketWebsiteConfigurationIndexDocumentArgs(suffix=args.index_document),
            error_document=aws.s3.BucketWebsiteConfigurationErrorDocumentArgs(key=args.error_document),
            opts=child,
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        self.access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            block_public_acls=False,
            block_public_policy=False,
            ignore_public_acls=False,
            restrict_public_buckets=False,
            opts=child,
        )
        self.policy = self._create_policy(name)
        self.index = aws.s3.BucketObjectv2(
            f"{name}-index",
            bucket=self.bucket.id,
            key=args.index_document,
            content="<html><body><h1>お知らせ</h1></body></html>",
            content_type="text/html; charset=utf-8",
            opts=child,
        )
        self.endpoint = self.website.website_endpoint
        self.register_outputs({"bucketName": self.bucket.bucket, "endpoint": self.endpoint})

    def _create_policy(self, name: str) -> aws.s3.BucketPolicy:
        document = self.bucket.arn.apply(lambda arn: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "PublicReadGetObject",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [f"{arn}/*"],
            }],
        }))
        # The access block must be off before a public policy is accepted.
        return aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=document,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.access_block]),
        )
