"""Deterministic fleet generator: one realistic stack config per local government.

Real codes and names from baselines/municipalities.csv; usage mode, connection kind,
systems and tiers vary by municipality in a way that is the same on every run (seeded by
the code), so tests and benchmarks are repeatable.
"""

from __future__ import annotations

import hashlib
import random
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Iterator

import yaml

from gcbase import baselines

# Businesses most municipalities move first, with the tier they usually run in.
_SYSTEMS = [
    ("juki", "juki", "mynumber"),
    ("zei", "kojin-juminzei", "mynumber"),
    ("kokuho", "kokumin-kenko-hoken", "mynumber"),
    ("kaigo", "kaigo-hoken", "mynumber"),
    ("fukushi", "shogaisha-fukushi", "mynumber"),
    ("senkyo", "senkyo", "lgwan"),
    ("shugaku", "shugaku", "mynumber"),
    ("zaimu", "zaimu-kaikei", "lgwan"),
    ("shinsei", "denshi-shinsei", "internet"),
]
# The town hall's range per tier (one /20 each in 172.16.0.0/16) and the VLAN offset per tier.
_TOWN_HALL = {"mynumber": ("172.16.0.0/20", 0), "lgwan": ("172.16.16.0/20", 10), "internet": ("172.16.32.0/20", 20)}


def _rng(code: str) -> random.Random:
    return random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:16], 16))


def _account(code: str, n: int) -> str:
    return f"{code}{n:06d}"


def municipality_codes() -> list[str]:
    return [c for c, row in baselines.municipalities().items() if row["kind"] == "municipality"]


def stack_config(code: str, environment: str = "prod") -> dict[str, Any]:
    """The config mapping ({"gcbase:<key>": value}) of one generated stack."""
    muni = baselines.municipalities()[code]
    rng = _rng(code)
    town = muni["name"].endswith(("町", "村"))
    same_pref = [c for c, r in baselines.municipalities().items()
                 if r["kind"] == "municipality" and r["prefecture"] == muni["prefecture"] and c != code]
    shared = town and len(same_pref) >= 2 and rng.random() < 0.7
    second_octet = int(hashlib.sha256(code.encode()).hexdigest()[:4], 16) % 200 + 20
    pool = IPv4Network(f"10.{second_octet}.0.0/16")
    count = rng.randint(1, 4) if not town else rng.randint(1, 2)
    chosen = [_SYSTEMS[0]] + rng.sample(_SYSTEMS[1:], count - 1)
    subnets = list(pool.subnets(new_prefix=22))
    systems = [
        {"id": sid, "business": business, "vendor": f"vendor-{rng.choice('abcdefgh')}", "tier": tier,
         "cidr": str(subnets[i]), "account": _account(code, 101 + i)}
        for i, (sid, business, tier) in enumerate(chosen)
    ]
    tiers = [t for t in _TOWN_HALL if any(s["tier"] == t for s in systems)]
    lines = [{"connectionId": f"dxcon-{hashlib.sha256((code + str(i)).encode()).hexdigest()[:8]}",
              "vlans": {t: 100 + i + _TOWN_HALL[t][1] for t in tiers}}
             for i in range(2)]
    config: dict[str, Any] = {
        "gcbase:municipality": code,
        "gcbase:environment": environment,
        "gcbase:usage": {"mode": "single"},
        "gcbase:accounts": {"shared": _account(code, 1), "identity": _account(code, 9), "governance": "900000000001"},
        "gcbase:network": {
            "connection": "lgwan" if rng.random() < 0.6 else "closed-network",
            "redundancy": "dual",
            "lines": lines,
            "cidrPool": str(pool),
            "onPremisesCidrs": {t: [_TOWN_HALL[t][0]] for t in tiers},
            "customerAsn": 65000 + rng.randint(1, 500),
        },
        "gcbase:systems": systems,
    }
    if shared:
        config["gcbase:usage"] = {
            "mode": "shared",
            "separation": rng.choice(["account", "network", "application"]),
            "members": sorted(rng.sample(same_pref, 2)),
        }
    return config


def generate(codes: list[str] | None = None, environment: str = "prod") -> Iterator[tuple[str, dict[str, Any]]]:
    """(stack name, config) for every municipality (or the given codes), in code order."""
    for code in sorted(codes or municipality_codes()):
        yield f"{code}-{environment}", stack_config(code, environment)


def write_stack_files(directory: Path, codes: list[str] | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for stack, config in generate(codes):
        path = directory / f"Pulumi.{stack}.yaml"
        path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths
