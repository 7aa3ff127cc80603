"""Shared test helpers (import with `from helpers import ...`): run Pulumi code under gcbase's
mocks, query captured plans, and get the example stacks' plans synthesized once per session."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gcbase.model import Plan, Resource  # noqa: E402
from gcbase.synth import mocks  # noqa: E402

EXAMPLES = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))


def synth(fn, *, stack: str = "131121-prod", config: dict | None = None, secret_keys=None) -> Plan:
    """Run fn() (which declares resources) under the mocks; return the captured Plan."""
    return mocks.run(fn, project="gcbase", stack=stack, config=config, secret_keys=secret_keys)


def one(plan: Plan, token: str, name_contains: str = "") -> Resource:
    """The single resource of a type (optionally whose logical name contains a text)."""
    found = [r for r in plan.of_type(token) if name_contains in r.name]
    assert len(found) == 1, f"expected one {token} containing {name_contains!r}, found {[r.name for r in found]}"
    return found[0]


def policy(res: Resource, key: str = "policy") -> dict:
    """A JSON policy input parsed (they are strings in the inputs, as AWS takes them)."""
    value = res.inputs[key]
    return json.loads(value) if isinstance(value, str) else value


def test_provider(account: str = "111111111111", region: str = "ap-northeast-1", name: str = "p"):
    """An explicit provider like the ones Tenancy creates (call inside a synth fn)."""
    import pulumi_aws as aws

    return aws.Provider(name, region=region, allowed_account_ids=[account],
                        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{account}:role/GCBaseDeployRole")])


test_provider.__test__ = False  # not a test function


_PLANS: dict = {}


def plan_of(stack: str) -> Plan:
    """A private copy of an example stack's plan, synthesized once per session (tests may mutate it)."""
    import copy

    from gcbase.synth import synth_stack

    if stack not in _PLANS:
        _PLANS[stack] = synth_stack(stack)
    return copy.deepcopy(_PLANS[stack])


def settings_of(stack: str):
    from gcbase.synth import STACKS_DIR
    from gcbase.validate import load_settings

    return load_settings(STACKS_DIR / f"Pulumi.{stack}.yaml")


def fleet_jobs(codes: list[str]) -> list:
    """Fleet jobs for generated municipality stacks (config values, no files)."""
    from gcbase.fleet.generate import stack_config
    from gcbase.fleet.jobs import Job

    return [Job(stack=f"{c}-prod", config=stack_config(c)) for c in codes]


def quiet_fleet(jobs: list, out: Path, **kwargs):
    """run_fleet in this process (workers=1) without boundaries unless asked, progress discarded."""
    import io

    from gcbase.fleet.run import run_fleet

    kwargs.setdefault("workers", 1)
    kwargs.setdefault("boundaries", False)
    return run_fleet(jobs, out, stream=io.StringIO(), terminal=False, **kwargs)
