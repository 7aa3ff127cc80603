"""Read the gcbase: config of the running Pulumi stack into Settings (once, at the top).

This is the only place the Pulumi program touches configuration. It works the same under
`pulumi up` (values from Pulumi.<stack>.yaml through the CLI) and under gcbase's mocks
(values set by gcbase.synth from the same file).
"""

from __future__ import annotations

from typing import Optional

import pulumi

from gcbase.errors import GcbaseError
from gcbase.settings import StackConfig
from gcbase.validate import NAMESPACE, settings_from_values
from gcbase.settings import Settings

_OBJECT_KEYS = ("usage", "accounts", "regions", "network", "systems", "profile", "guardrails")
_SCALAR_KEYS = ("municipality", "environment")
SECRET_KEYS = ("vpnPresharedKey",)


def _known_keys() -> tuple[str, ...]:
    return tuple(f.alias or n for n, f in StackConfig.model_fields.items())


def read() -> tuple[Settings, Optional[pulumi.Output[str]]]:
    """(settings, VPN pre-shared key as a secret Output or None). Raises pulumi.RunError."""
    cfg = pulumi.Config(NAMESPACE)
    values: dict = {}
    for key in _SCALAR_KEYS:
        value = cfg.get(key)
        if value is not None:
            values[key] = value
    for key in _OBJECT_KEYS:
        value = cfg.get_object(key)
        if value is not None:
            values[key] = value
    stack = pulumi.get_stack()
    file = f"stacks/Pulumi.{stack}.yaml"
    try:
        settings = settings_from_values(values, file, stack)
    except GcbaseError as err:
        raise pulumi.RunError("invalid stack config:\n" + str(err)) from None
    psk = cfg.get_secret("vpnPresharedKey")
    return settings, psk


__all__ = ["read", "SECRET_KEYS", "_known_keys"]
