"""Is a KMS key reference a customer-managed key? (Checks on encryption at rest share this.)"""

from __future__ import annotations

import re
from typing import Any

_KEY_RESOURCES = ("aws_kms_key.", "aws_kms_replica_key.", "aws_kms_alias.", "aws_kms_external_key.")
_AWS_MANAGED = re.compile(r"(^|:)alias/aws/")
_KEY_ID = re.compile(r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+|[0-9a-f-]{36}|mrk-[0-9a-f]{32}|alias/.+)$")


def customer_managed_key(value: Any) -> tuple[bool, str]:
    """(True, "") when value names a customer-managed key, else (False, why)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value in (None, "", False):
        return False, "no key set: AWS-owned or AWS-managed encryption only"
    text = str(value)
    if any(text.startswith(p) for p in _KEY_RESOURCES) and text.count(".") >= 1:
        return True, ""  # a key (or alias of a key) this plan creates
    if _AWS_MANAGED.search(text):
        return False, f"{text} is an AWS-managed key"
    if _KEY_ID.match(text):
        return True, ""
    return False, f"{text!r} is not a KMS key id, key ARN or alias"
