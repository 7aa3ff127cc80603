"""Tenancy options that change where things are created: guardrails deployed in an organization
you administer (instead of declared as Digital Agency's)."""

from __future__ import annotations

from gcbase.fleet.generate import stack_config
from gcbase.synth import synth_values

CODE = "011002"
STACK = f"{CODE}-prod"


def test_guardrails_deployed_in_an_organization_you_administer_are_created_in_its_management_account():
    """CreatePolicy and AttachPolicy work only in the organization's management account: with
    guardrails.deploy the SCPs use a provider for the governance account (which they never target)."""
    config = dict(stack_config(CODE))
    config["gcbase:guardrails"] = {"deploy": True, "targetId": "ou-ab12-cdefgh34"}
    plan = synth_values(STACK, config)
    governance = config["gcbase:accounts"]["governance"]
    policies = plan.of_type("aws:organizations/policy:Policy")
    attachments = plan.of_type("aws:organizations/policyAttachment:PolicyAttachment")
    assert policies and attachments
    assert {plan.account_of(r) for r in policies + attachments} == {governance}
    assert not [r for r in synth_values(STACK, stack_config(CODE)).resources if r.is_provider and governance in r.name]  # inherited: no provider
