"""A public static website on S3 (website configuration, public-read policy)."""

import pulumi
import pulumi_aws as aws

from static_website import StaticWebsite, StaticWebsiteArgs

config = pulumi.Config()
aws_config = pulumi.Config("aws")

tokyo = aws.Provider("tokyo", region=aws_config.require("region"))
site = StaticWebsite(
    config.require("siteName"),
    StaticWebsiteArgs(
        index_document=config.get("indexDocument") or "index.html",
        error_document=config.get("errorDocument") or "error.html",
        tags={"Project": pulumi.get_project(), "Stack": pulumi.get_stack()},
    ),
    opts=pulumi.ResourceOptions(provider=tokyo),
)

pulumi.export("bucketName", site.bucket.bucket)
pulumi.export("websiteUrl", site.endpoint.apply(lambda e: f"http://{e}"))
