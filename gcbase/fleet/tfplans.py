"""The Terraform plan JSON of a cached plan, kept beside the plan cache (DIR/fleet-tfplans/), so a re-check that runs
a few checks again reads the plan the checks read instead of reading gcbase's plan and exporting it again
(docs/PERFORMANCE.md, "Fleet re-checks": the export alone was ~0.1-0.2 s of a stack's 0.4 s).

The export (gcbase/tfplan) is a function of the plan and of gcbase's code, and the plan is a function of its plan-
cache key (gcbase/fleet/plancache.py), which holds gcbase's whole code: so the Terraform plan JSON is a function of
that key too, and is stored under it with the plan's meta (what raw_results reads beside it: the stack's intent and
scope, as a plan-cache hit gives them: read from JSON). The checks get the plan as it comes back from JSON, so only
a plan that comes back from JSON equal to what the export gave (no tuple, no non-string key, no NaN) is stored: a
checker then reads the same values either way. An entry that cannot be read is a miss (gcbase/diskcache.py checks
its digest), and the plan is read and exported as before.
"""

from __future__ import annotations

from typing import Any, Optional

from gcbase import diskcache

KIND = "fleet-tfplans"
SCHEMA = "gcbase-fleet-tfplan/1"


def key(plan_key: str) -> str:
    return diskcache.digest(SCHEMA, plan_key)


def read(plan_cache: str, plan_key: str) -> Optional[tuple[dict[str, Any], dict[str, Any]]]:
    """(the Terraform plan JSON, the plan's meta), or None."""
    found = diskcache.read(KIND, key(plan_key), plan_cache)
    if not (isinstance(found, dict) and found.get("schema") == SCHEMA and isinstance(found.get("tfplan"), dict)
            and isinstance(found.get("meta"), dict) and "planned_values" in found["tfplan"]):
        return None
    return found["tfplan"], found["meta"]


def write(plan_cache: str, plan_key: str, tfplan: dict[str, Any], meta: dict[str, Any]) -> bool:
    """Store them when the Terraform plan JSON comes back from JSON equal to what it is (else False: nothing
    stored). The meta is stored as JSON gives it back (a fresh synth's intent holds tuples): that is the meta
    every plan-cache hit already gives the checks (gcbase/fleet/plancache.py reads the plan from JSON), and
    raw_results reads only its intent (through Intent.from_dict) and scope."""
    try:
        if diskcache.loads(diskcache.dumps(tfplan)) != tfplan:
            return False
        value = {"schema": SCHEMA, "tfplan": tfplan, "meta": diskcache.loads(diskcache.dumps(meta))}
    except (TypeError, ValueError):
        return False
    return diskcache.write(KIND, key(plan_key), value, plan_cache)
