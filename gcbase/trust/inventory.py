"""Every resource-based policy and sharing mechanism of a Terraform plan (baselines/trust/resources.yaml).

Each becomes an Item: a policy document with the ARN of the resource it protects, or the principals a
share names. A value the plan does not know (computed at apply time) is kept as unknown, never read
as "nothing granted".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from gcbase.baselines import BASELINES
from gcbase.check.planindex import PlanIndex, PlanResource
from gcbase.yamlio import load_yaml

RESOURCES_FILE = BASELINES / "trust" / "resources.yaml"


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    return load_yaml(RESOURCES_FILE)


@dataclass
class Item:
    address: str
    check: str
    doc: Optional[dict] = None  # a resource-based policy
    resource: Optional[str] = None  # the ARN it protects, when known
    trust: bool = False
    shares: list[tuple[str, str]] = field(default_factory=list)  # (principal, what is shared): sharing mechanisms
    unknown: str = ""  # why the item cannot be read (then it cannot be proven)
    note: str = ""


def _doc(value: Any) -> tuple[Optional[dict], str]:
    if isinstance(value, dict):
        return value, ""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None, "the policy is not JSON"
        return (parsed, "") if isinstance(parsed, dict) else (None, "the policy is not a JSON object")
    return None, ""


def _arn(index: PlanIndex, res: PlanResource, spec: dict) -> Optional[str]:
    if "bucket" in spec:
        bucket = res.values.get(spec["bucket"])
        if not isinstance(bucket, str):
            found = index.targets(res, spec["bucket"], ("aws_s3_bucket",))
            bucket = (found[0].values.get("bucket") or found[0].values.get("id")) if found else res.values.get("id")
        return f"arn:aws:s3:::{bucket}" if isinstance(bucket, str) and bucket else None
    target = spec.get("target")
    if target:
        found = index.targets(res, target["attr"], tuple(target["types"]))
        arn = found[0].values.get("arn") if found else None
        return arn if isinstance(arn, str) else None
    arn = res.values.get("arn")
    return arn if isinstance(arn, str) else None


def _replaced(index: PlanIndex) -> set[str]:
    """Addresses whose own policy another resource replaces (an aws_vpc_endpoint_policy on an endpoint)."""
    out: set[str] = set()
    for tf_type, spec in table()["policies"].items():
        if spec.get("missing") or not spec.get("target"):
            continue
        for res in index.of_type(tf_type):
            for t in index.targets(res, spec["target"]["attr"], tuple(spec["target"]["types"])):
                if table()["policies"].get(t.type, {}).get("missing"):
                    out.add(t.address)
    return out


def policy_items(index: PlanIndex) -> list[Item]:
    out: list[Item] = []
    replaced = _replaced(index)
    for tf_type, spec in table()["policies"].items():
        for res in index.of_type(tf_type):
            item = Item(res.address, spec["check"], resource=_arn(index, res, spec), trust=spec.get("kind") == "trust")
            value = res.values.get(spec["policy"])
            if value is None and index.is_unknown(res, spec["policy"]):
                item.unknown = f"{spec['policy']} is known only after apply"
            elif value is None:
                if spec.get("missing") != "full-access" or res.address in replaced:
                    continue  # no policy: nothing granted beyond the account's own IAM
                item.doc, item.note = table()["defaultEndpointPolicy"], "no policy: AWS's default endpoint policy"
            else:
                item.doc, item.unknown = _doc(value)
            out.append(item)
    return out


def items(index: PlanIndex) -> list[Item]:
    from gcbase.trust.sharing import sharing_items

    return [*policy_items(index), *sharing_items(index)]
