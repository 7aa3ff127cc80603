"""The fleet generator: one valid, varied, deterministic stack per municipality."""

from collections import Counter

from gcbase.fleet.generate import generate, municipality_codes, stack_config
from gcbase.validate import settings_from_values


def _settings(stack, config):
    return settings_from_values({k.split(":", 1)[1]: v for k, v in config.items()}, f"Pulumi.{stack}.yaml", stack)


def test_every_municipality_gets_a_valid_stack():
    codes = municipality_codes()
    assert len(codes) == 1741
    modes, connections, tiers = Counter(), Counter(), Counter()
    for stack, config in generate():
        s = _settings(stack, config)
        modes[s.usage.mode] += 1
        connections[s.network.connection] += 1
        tiers.update(x.tier for x in s.systems)
    assert sum(modes.values()) == 1741
    assert modes["shared"] > 100 and modes["single"] > 100
    assert connections["lgwan"] > 100 and connections["closed-network"] > 100
    assert set(tiers) == {"mynumber", "lgwan", "internet"}


def test_deterministic_and_real_names():
    assert stack_config("131121") == stack_config("131121")
    assert stack_config("131121") != stack_config("131130")
    s = _settings("363421-prod", stack_config("363421"))
    assert s.municipality.name == "神山町"
