"""Network paths: 三層分離 and tenant separation proven over routes, not sampled per resource.

model.py      the network model (VPCs, route tables, Transit Gateway tables and attachments, peering,
              sharing, filters), with unknown values kept unknown
from_plan.py  built from a Terraform plan (every plan source reaches the checks as one)
live.py       built from a deployed account through the AWS APIs
reach.py      reachability: every (source, destination) with addresses and the path hop by hop
invariants.py the invariants of baselines/network/invariants.yaml, each mapped to a requirement
"""

from __future__ import annotations

from typing import Any

from gcbase.network.model import NetworkModel
from gcbase.network.reach import Reach, Reachability

__all__ = ["NetworkModel", "Reach", "Reachability", "analysis"]


def analysis(index: Any) -> Any:
    """The network analysis of a PlanIndex (memoized on it: every network check reads the same one)."""
    if "network" not in index.memo:
        from gcbase.network.from_plan import from_plan
        from gcbase.network.invariants import Analysis

        index.memo["network"] = Analysis(from_plan(index, index.intent), index.intent,
                                          absence=index.judges_absence)
    return index.memo["network"]
