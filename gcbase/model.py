"""The internal resource model every input becomes and every check reads.

synth (Pulumi mocks), the `pulumi preview --json` importer and the `pulumi stack export`
importer all produce a Plan; the Terraform plan exporter and the checks consume it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator, Optional

# What every output shows in place of a secret value (the same text `pulumi preview` uses).
SECRET_MASK = "[secret]"
COMPONENT_PROVIDER = "provider"  # a component's input naming the provider (URN) of what it stands for
# Pulumi's signature keys for secrets and unknowns (sdk/go/common/resource/sig).
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def provider_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Provider config travels and is stored as strings (objects as JSON); give it back its structure."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        elif value in ("true", "false"):
            value = value == "true"
        out[key] = value
    return out


def provider_account(inputs: dict[str, Any]) -> Optional[str]:
    """The account an AWS provider acts in: allowedAccountIds, else its assume-role ARN's account."""
    cfg = provider_config(inputs)
    allowed = cfg.get("allowedAccountIds")
    if isinstance(allowed, str):
        allowed = [allowed]
    if allowed:
        return str(allowed[0])
    for role in cfg.get("assumeRoles") or []:
        parts = str((role or {}).get("roleArn", "")).split(":") if isinstance(role, dict) else []
        if len(parts) > 4 and parts[4]:
            return parts[4]
    return None


@dataclass
class Resource:
    urn: str
    type: str  # Pulumi type token, e.g. aws:s3/bucketV2:BucketV2
    name: str  # logical name
    custom: bool = True
    parent: Optional[str] = None  # parent URN
    provider: Optional[str] = None  # provider reference "urn::id"
    id: Optional[str] = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


@dataclass
class Plan:
    project: str
    stack: str
    source: str  # synth | program | preview | stack-export | tf-plan
    resources: list[Resource] = field(default_factory=list)
    config_file: Optional[str] = None  # the stack config the plan came from, for report locations
    outputs: dict[str, Any] = field(default_factory=dict)  # stack outputs
    meta: dict[str, Any] = field(default_factory=dict)  # municipality, environment, ...

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, token: str) -> list[Resource]:
        return [r for r in self.resources if r.type == token]

    def provider_of(self, res: Resource) -> Optional[Resource]:
        """The provider resource a resource uses (explicit, or inherited from its parents). A
        component that stands for a resource (an inherited service) names its provider's URN in its
        input "provider": Pulumi records no provider for a component, in state or under the mocks."""
        urns = self.by_urn()
        current: Optional[Resource] = res
        while current is not None:
            if current.provider:
                return urns.get(current.provider.rsplit("::", 1)[0])
            named = None if current.custom else current.inputs.get(COMPONENT_PROVIDER)
            if isinstance(named, str) and named in urns:
                return urns[named]
            current = urns.get(current.parent) if current.parent else None
        return None

    def region_of(self, res: Resource) -> Optional[str]:
        prov = self.provider_of(res)
        return prov.inputs.get("region") if prov else None

    def account_of(self, res: Resource) -> Optional[str]:
        prov = self.provider_of(res)
        return provider_account(prov.inputs) if prov is not None else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Plan":
        res = [Resource(**r) for r in data.get("resources", [])]
        return cls(**{**data, "resources": res})
