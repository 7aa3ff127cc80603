"""Read the gcbase: config of the running Pulumi stack into Settings (once, at the top).

This is the only place the Pulumi program touches configuration. It works the same under
`pulumi up` (values from Pulumi.<stack>.yaml through the CLI) and under gcbase's mocks
(values set by gcbase.synth from the same file).
"""

from __future__ import annotations

import re
from typing import Optional

import pulumi
from pulumi.runtime.config import is_config_secret

from gcbase.errors import GcbaseError
from gcbase.model import SECRET_MASK
from gcbase.settings import StackConfig
from gcbase.validate import NAMESPACE, settings_from_values
from gcbase.settings import Settings

_OBJECT_KEYS = ("usage", "accounts", "regions", "network", "systems", "profile", "guardrails", "vendors", "operators")
_SCALAR_KEYS = ("municipality", "environment")
SECRET_KEYS = ("vpnPresharedKey",)
# AWS's rule for a VPN tunnel's pre-shared key (CreateVpnConnection, PreSharedKey).
PSK = re.compile(r"[A-Za-z1-9._][A-Za-z0-9._]{7,63}")
PSK_RULE = ("must be 8 to 64 characters of letters, digits, '.' and '_', not starting with 0 "
            "(AWS's rule for VPN tunnel keys); the secret's value is not shown")


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
        secret = [k for k in values if is_config_secret(f"{NAMESPACE}:{k}")]  # their plaintext is never shown
        settings = settings_from_values(values, file, stack, secret)
    except GcbaseError as err:
        raise pulumi.RunError("invalid stack config:\n" + str(err)) from None
    # get, not get_secret: the plaintext must be checked before it is wrapped (pulumi 3.272 prints no
    # warning for get on a secret key; pulumi#7127 would bring one back); kept secret below
    psk = cfg.get("vpnPresharedKey")
    if psk is not None and psk != SECRET_MASK and not PSK.fullmatch(psk):
        # checked here, where the value is known: gcbase's offline synth sees only the ciphertext
        raise pulumi.RunError("invalid stack config:\n" + str(GcbaseError.one(file, "vpnPresharedKey", PSK_RULE)))
    return settings, None if psk is None else pulumi.Output.secret(psk)


__all__ = ["read", "SECRET_KEYS", "_known_keys"]
