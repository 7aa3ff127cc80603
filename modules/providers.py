"""One explicit AWS provider per (account, region): never ambient default credentials.

Each provider assumes the deploy role Digital Agency's account vending created in that
account, and refuses to act in any other account (allowed_account_ids).
"""

from __future__ import annotations

from typing import Mapping

import pulumi
import pulumi_aws as aws


def account_provider(
    name: str,
    account_id: str,
    region: str,
    role_name: str,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.Provider:
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[account_id],
        assume_roles=[aws.ProviderAssumeRoleArgs(
            role_arn=f"arn:aws:iam::{account_id}:role/{role_name}",
            session_name="gcbase",
        )],
        default_tags=aws.ProviderDefaultTagsArgs(tags=dict(tags)),
        opts=pulumi.ResourceOptions(parent=parent),
    )
