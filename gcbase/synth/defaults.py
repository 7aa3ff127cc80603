"""Default providers, as the Pulumi engine makes them for resources declared without one.

A resource with no explicit provider uses the engine's default provider for its package,
configured from the stack config's `<package>:*` keys (`aws:region: ap-northeast-3`). The SDK
never registers that provider, so under the mocks it would be missing: its region would be lost
from the ARNs the mocks make and from the exported plan (whose checks read the provider's region).
gcbase adds it to the plan as the engine records it (`pulumi:providers:aws::default`).
"""

from __future__ import annotations

from typing import Any

from gcbase.model import Resource, provider_config

NAME = "default"


def configs(config: dict[str, Any]) -> dict[str, dict]:
    """package -> default provider configuration, from flat config {"aws:region": "..."}."""
    out: dict[str, dict] = {}
    for key, value in config.items():
        package, _, name = key.partition(":")
        if name and ":" not in name:
            out.setdefault(package, {})[name] = value
    return {package: provider_config(values) for package, values in out.items()}


def add(resources: list[Resource], config: dict[str, dict], project: str, stack: str) -> list[Resource]:
    """The resources with one default provider per package that a resource without a provider uses;
    those resources then name it, as in the engine's state."""
    from gcbase.synth.ids import hexdigest

    made: dict[str, Resource] = {}
    for res in resources:
        if not res.custom or res.is_provider or res.provider:
            continue
        package = res.type.split(":", 1)[0]
        if package not in made:
            urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::{NAME}"
            inputs = dict(config.get(package) or {})
            made[package] = Resource(urn=urn, type=f"pulumi:providers:{package}", name=NAME, custom=True,
                                     id=hexdigest(urn, 32), inputs=inputs, outputs=dict(inputs))
        prov = made[package]
        res.provider = f"{prov.urn}::{prov.id}"
    return resources + list(made.values())
