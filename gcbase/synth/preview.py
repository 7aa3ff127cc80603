"""What the engine answers for a resource during `pulumi preview`, rather than after `pulumi up`.

During a preview nothing is created: a new resource's id and every attribute the provider computes
(ARN, generated ids, endpoints) are unknown, while what the program set is known and so are the
names the provider would generate (auto-naming happens before the create). The SDK then leaves
every Output derived from an unknown unevaluated, and programs such as `api.execution_arn + "/*"`
inside an `apply` run only on known values, as they do under `pulumi preview`. The plan keeps the
unknowns as Pulumi's unknown marker (gcbase.model.UNKNOWN), which the Terraform-plan export turns
into `after_unknown`: analyses report such a value unknown, never a pass.
"""

from __future__ import annotations

from typing import Any

from gcbase.model import UNKNOWN

# Properties the provider fills in at preview time when the program leaves them out (auto-names).
AUTONAMED = ("name", "bucket")


def planned(inputs: dict[str, Any], state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, state) as a preview reports a resource to be created: the inputs and auto-names
    known, every attribute the provider computes unknown, the id unknown ("")."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if key in inputs or key in AUTONAMED:
            out[key] = value
        else:
            out[key] = UNKNOWN
    return "", out


def unknown_paths(value: Any, where: str) -> list[str]:
    """Where a captured value holds the unknown marker ("<urn> inputs.policy"), for plan.meta."""
    if value == UNKNOWN:
        return [where]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in unknown_paths(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in unknown_paths(v, f"{where}[{i}]")]
    return []
