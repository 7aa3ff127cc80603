"""A small Terraform plan JSON builder for the network tests, written the way Terraform (and gcbase's
exporter) write plans: literal values in planned_values, references in configuration expressions,
values known only after apply left out of planned_values and marked in resource_changes.after_unknown.

    tf = Tf()
    vpc = tf.r("aws_vpc", "juki", account=A, cidr_block="10.0.0.0/22", tags={"gcbase:tier": "mynumber"})
    tf.r("aws_internet_gateway", "igw", vpc_id=Ref(vpc))
    plan = tf.plan()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

REGION = "ap-northeast-1"
# resource types whose ARN gcbase reads an account from (as the exporter writes it)
_ARN = {"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_ec2_transit_gateway": "transit-gateway",
        "aws_ec2_transit_gateway_vpc_attachment": "transit-gateway-attachment", "aws_route_table": "route-table",
        "aws_security_group": "security-group", "aws_internet_gateway": "internet-gateway",
        "aws_ram_resource_share": "resource-share", "aws_vpc_peering_connection": "vpc-peering-connection",
        "aws_vpc_endpoint_service": "vpc-endpoint-service", "aws_vpclattice_service_network": "servicenetwork"}


@dataclass(frozen=True)
class Ref:
    """A reference to another resource's attribute (default id): unknown at plan time."""
    address: str
    attr: str = "id"


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply, with no reference (e.g. computed by AWS)."""


def _split(value: Any) -> tuple[Any, Any, bool]:
    """(planned value, configuration expression, unknown) of one attribute value."""
    if isinstance(value, Ref):
        return None, {"references": [f"{value.address}.{value.attr}", value.address]}, True
    if isinstance(value, Unknown):
        return None, {}, True
    if isinstance(value, list) and any(isinstance(v, (Ref, Unknown)) for v in value):
        refs = [x for v in value if isinstance(v, Ref) for x in (f"{v.address}.{v.attr}", v.address)]
        return [None if isinstance(v, (Ref, Unknown)) else v for v in value], {"references": refs}, True
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        planned, exprs, unknown = [], [], False
        for block in value:
            pv, ex = {}, {}
            for k, v in block.items():
                p, e, u = _split(v)
                if p is not None:
                    pv[k] = p
                ex[k] = e
                unknown = unknown or u
            planned.append(pv)
            exprs.append(ex)
        return planned, exprs, False
    return value, {"constant_value": value}, False


class Tf:
    def __init__(self) -> None:
        self.resources: list[dict] = []
        self.config: list[dict] = []
        self.changes: list[dict] = []

    def r(self, tf_type: str, name: str, /, account: Optional[str] = None, **attrs: Any) -> str:
        address = f"{tf_type}.{name}"
        values: dict[str, Any] = {}
        exprs: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for key, value in attrs.items():
            planned, expr, is_unknown = _split(value)
            if planned is not None:
                values[key] = planned
            exprs[key] = expr
            if is_unknown:
                unknown[key] = True
        values.setdefault("id", f"{name}-id")
        if account and tf_type in _ARN:
            values["arn"] = f"arn:aws:ec2:{REGION}:{account}:{_ARN[tf_type]}/{name}-id"
        self.resources.append({"address": address, "mode": "managed", "type": tf_type, "name": name,
                               "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                               "values": values})
        self.config.append({"address": address, "mode": "managed", "type": tf_type, "name": name,
                            "provider_config_key": "aws", "expressions": exprs})
        self.changes.append({"address": address, "mode": "managed", "type": tf_type, "name": name,
                             "provider_name": "registry.terraform.io/hashicorp/aws",
                             "change": {"actions": ["create"], "before": None, "after": values,
                                        "after_unknown": unknown}})
        return address

    def plan(self) -> dict[str, Any]:
        return {"format_version": "1.2", "terraform_version": "1.9.0",
                "planned_values": {"root_module": {"resources": self.resources}},
                "resource_changes": self.changes,
                "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
                    "region": {"constant_value": REGION}}}}, "root_module": {"resources": self.config}}}
