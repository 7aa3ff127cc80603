"""Address sets for the network analysis: netaddr's IPSet (BSD), never string compares.

A route's destination, a VPC's CIDRs, a town-hall segment, what a security group admits: each is
an IPSet over IPv4 and IPv6. `parse` returns None for a value unknown at plan time (a reference,
Pulumi's unknown marker, a prefix-list id), which the analysis treats as "could be anything".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Optional

from netaddr import AddrFormatError, IPNetwork, IPSet

UNIVERSE_V4 = IPSet(["0.0.0.0/0"])
UNIVERSE_V6 = IPSet(["::/0"])
UNIVERSE = UNIVERSE_V4 | UNIVERSE_V6
EMPTY = IPSet()

# Not the internet: IANA special-purpose space an AWS route can point at without reaching the public
# internet (RFC 1918, RFC 6598 shared space, loopback, link-local, RFC 4193 ULA, multicast, reserved).
_NOT_PUBLIC = IPSet([
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/3", "::/8", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32",
])
PUBLIC = UNIVERSE - _NOT_PUBLIC


@lru_cache(maxsize=4096)
def _network(text: str) -> Optional[IPNetwork]:
    try:
        net = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError, IndexError):
        return None
    if "/" not in text:  # a bare address is a /32 or /128, not a classful network
        net = IPNetwork(f"{net.ip}/{net.ip.version == 4 and 32 or 128}")
    return net.cidr


def parse(value: Any) -> Optional[IPSet]:
    """An IPSet of one CIDR (or bare address) or a list of them; None when any is not a literal CIDR."""
    items = value if isinstance(value, (list, tuple)) else [value]
    nets = []
    for item in items:
        net = _network(item) if isinstance(item, str) else None
        if net is None:
            return None
        nets.append(net)
    return IPSet(nets)


def union(sets: Iterable[IPSet]) -> IPSet:
    out = IPSet()
    for s in sets:
        out |= s
    return out


def text(s: IPSet, limit: int = 4) -> str:
    """'10.20.0.0/22, 172.16.0.0/20' (the first `limit` CIDRs, then how many more)."""
    if s == UNIVERSE:
        return "0.0.0.0/0, ::/0"
    cidrs = [str(c) for c in s.iter_cidrs()]
    shown = ", ".join(cidrs[:limit])
    return shown + (f" (+{len(cidrs) - limit} more)" if len(cidrs) > limit else "") if cidrs else "(none)"


def public_size(s: IPSet) -> int:
    """How many public addresses a set admits (IPv6 counted per /64, so sizes stay comparable)."""
    pub = s & PUBLIC
    v4 = sum(c.size for c in pub.iter_cidrs() if c.version == 4)
    v6 = sum(max(1, c.size >> 64) for c in pub.iter_cidrs() if c.version == 6)
    return v4 + v6


def prefix_len(s: IPSet) -> int:
    """Longest-prefix-match rank of a route destination: its (single) CIDR's length; for a set, the shortest."""
    cidrs = list(s.iter_cidrs())
    return min((c.prefixlen for c in cidrs), default=0)
