"""An account service Digital Agency's Control Tower or mandatory templates already run in every
Government Cloud account (gcbase:guardrails.inheritedServices): declared in the plan, never created.
Used by modules/audit.py (Config) and modules/security.py (GuardDuty, Security Hub); exported as the
resource it stands for, with no-op actions (gcbase/tfplan/types.yaml, components).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws


class InheritedService(pulumi.ComponentResource):
    """An account service Digital Agency's Control Tower or templates run: declared in the plan,
    never created. The token names what it stands for (gcbase/tfplan/types.yaml, components); its
    input "provider" (the URN of the account and region's provider) places it, in the plan and in
    the stack's state alike (gcbase.model.Plan.provider_of). Its name carries "inherited", so no
    waiver written for the resource gcbase would create matches it by address."""

    def __init__(self, token: str, name: str, props: dict[str, Any], provider: aws.Provider,
                 parent: pulumi.Resource):
        super().__init__(token, name, {**props, "managedBy": "digital-agency", "provider": provider.urn},
                         pulumi.ResourceOptions(parent=parent, provider=provider))
        self.register_outputs({})
