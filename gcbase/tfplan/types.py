"""Pulumi type tokens and property names -> Terraform resource types and attribute names.

The data lives in types.yaml beside this file; this module only reads it and applies the
generic rules (camelCase -> snake_case, Pulumi's pluralised block lists -> Terraform's
singular block names) that the table corrects where they are wrong.
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from gcbase.yamlio import load_yaml

TABLE_FILE = Path(__file__).with_name("types.yaml")
_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    return load_yaml(TABLE_FILE)


BRIDGE_FILE = Path(__file__).with_name("bridge-renames.json")


@lru_cache(maxsize=1)
def bridge() -> dict[str, str]:
    """pulumi-aws's own token -> Terraform type table (bridge metadata; scripts/gen-type-table)."""
    import json

    return dict(json.loads(BRIDGE_FILE.read_text(encoding="utf-8"))["resources"])


@lru_cache(maxsize=1)
def module_prefixes() -> dict[str, str]:
    """Pulumi module -> the Terraform prefix its resources take, learned from the bridge table (the most
    common one: ec2transitgateway -> aws_ec2_transit_gateway, cfg -> aws_config, directconnect -> aws_dx)."""
    from collections import Counter

    counts: dict[str, Counter] = {}
    for token, tf_type in bridge().items():
        module, name = token.split(":")[1].split("/")
        suffix = "_" + snake(name)
        if tf_type.endswith(suffix):
            counts.setdefault(module, Counter())[tf_type[: -len(suffix)]] += 1
    return {module: c.most_common(1)[0][0] for module, c in counts.items()}


def terraform_type(token: str) -> Optional[str]:
    """The Terraform resource type for a Pulumi token: gcbase's checked table (types.yaml) first, then
    pulumi-aws's bridge metadata, then, for an AWS token neither lists (a newer resource), its module's
    prefix and the snake-cased name. None for a token of another provider or a component."""
    found = table()["types"].get(token)
    if found or not token.startswith("aws:") or token.count(":") != 2 or "/" not in token:
        return found
    if token in bridge():
        return bridge()[token]
    module, name = token.split(":")[1].split("/", 1)  # aws:<module>/<camelName>:<ClassName>
    return f"{module_prefixes().get(module, 'aws_' + module)}_{snake(name)}"


def component(token: str) -> Optional[dict[str, Any]]:
    """How a gcbase component that stands for an AWS resource is exported, if it is."""
    return (table().get("components") or {}).get(token)


def schema_version(tf_type: str) -> int:
    return int((table().get("schema_versions") or {}).get(tf_type, 0))


@lru_cache(maxsize=8192)  # the same property names in every resource of every plan
def snake(name: str) -> str:
    """camelCase -> snake_case (tunnel1Address -> tunnel1_address, s3BucketName -> s3_bucket_name)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def singular(word: str) -> str:
    """Undo Pulumi's pluralisation of a block list name (its last word only)."""
    head, _, last = word.rpartition("_")
    if last.endswith("ss") or not last.endswith("s"):
        out = last
    elif last.endswith("ies"):
        out = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes")):
        out = last[:-2]
    else:
        out = last[:-1]
    return f"{head}_{out}" if head else out


def attribute(tf_type: str, pulumi_name: str, block_list: bool) -> str:
    """The Terraform attribute name for a Pulumi property (block_list: a list of objects)."""
    name = snake(pulumi_name)
    renames = table().get("renames") or {}
    for scope in (tf_type, "*"):
        mapped = (renames.get(scope) or {}).get(name)
        if mapped:
            return mapped
    return singular(name) if block_list else name


def is_map(name: str, value: dict) -> bool:
    """A dict is a map (data keys) rather than a nested block (Pulumi's MaxItems=1 object)."""
    if snake(name) in set(table().get("maps") or ()):
        return True
    return not all(isinstance(k, str) and _CAMEL.match(k) for k in value)


@lru_cache(maxsize=None)
def has_arn(token: str) -> bool:
    """Whether the resource has an `arn` attribute, read from the bridged SDK class."""
    try:
        module, cls_name = token.split(":")[1].split("/")[0], token.rsplit(":", 1)[1]
        pkg = importlib.import_module(f"pulumi_aws.{module}_" if module in ("lambda",) else f"pulumi_aws.{module}")
        return isinstance(getattr(getattr(pkg, cls_name), "arn", None), property)
    except (ImportError, AttributeError, IndexError, ValueError):
        return False
