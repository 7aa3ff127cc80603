"""Every example and every mutant through `gcbase check`'s verdict and through the policy pack (its
analyzer servicer, in-process): the pack must block exactly when the gate fails and report exactly
the same unwaived failures. Prints one line per plan and a summary; exit 1 on any difference.

    scripts/pack-equivalence [MUTATION_ID ...]
"""

from __future__ import annotations

import sys
import time

from gcbase.errors import GcbaseError
from tests.mutation.harness import Harness, MutationError, RefusedConfig
from tests.mutation.mutations import MUTATIONS
from tests.policypack.test_pack import EXAMPLES, gcbase_verdict, pack_verdict


def compare(plan, baseline=None) -> tuple[str, bool, str]:
    state, failures = gcbase_verdict(plan)
    blocked, findings = pack_verdict(plan, baseline)
    same = blocked == (state in ("fail", "error")) and findings == failures
    return state, same, f"pack {'blocks' if blocked else 'passes'}, {len(findings)} finding(s); gcbase {len(failures)}"


def _verdicts(ids: list[str]) -> list[tuple]:
    """In a worker process: each mutant's verdict both ways, as plain values (run_parallel)."""
    by_id = {m.id: m for m in MUTATIONS}
    harness = Harness()
    out: list[tuple] = []
    for mid in ids:
        m = by_id[mid]
        try:
            plan = harness.mutant(m)
        except (RefusedConfig, GcbaseError) as err:
            out.append((mid, "refused", str(err).splitlines()[0]))
            continue
        except MutationError as err:
            out.append((mid, "error", str(err)))
            continue
        state, failures = gcbase_verdict(plan)
        blocked, findings = pack_verdict(plan, harness.plan(m.stack))
        out.append((mid, "plan", state, sorted(failures), blocked, sorted(findings)))
    return out


def run_parallel(mutations: list, workers: int = 0) -> dict[str, tuple]:
    """mutation id -> ("refused", line) | ("error", why) | ("plan", gcbase state, gcbase's unwaived failures,
    whether the pack blocks, the pack's advisory findings), over the machine's CPUs (harness.over_workers): the
    same synth and the same two verdicts per mutant as compare()."""
    from tests.mutation.harness import over_workers

    return {row[0]: row[1:] for part in over_workers(mutations, _verdicts, workers or None) for row in part}


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    harness = Harness()
    rows = []
    if not argv:
        for stack in EXAMPLES:
            state, same, what = compare(harness.plan(stack))
            rows.append((f"example {stack}", state, same, what))
            print(f"{'same' if same else 'DIFFERENT':9} example {stack:40} gcbase {state:8} {what}", flush=True)
    for m in [m for m in MUTATIONS if not argv or m.id in argv]:
        try:
            plan = harness.mutant(m)
        except (RefusedConfig, GcbaseError) as err:
            rows.append((m.id, "refused", True, str(err).splitlines()[0]))
            print(f"{'same':9} {m.id:48} refused by validation before any plan (exit 2 both ways)", flush=True)
            continue
        except MutationError as err:
            rows.append((m.id, "error", False, str(err)))
            print(f"{'ERROR':9} {m.id:48} {err}", flush=True)
            continue
        state, same, what = compare(plan, harness.plan(m.stack))
        rows.append((m.id, state, same, what))
        print(f"{'same' if same else 'DIFFERENT':9} {m.id:48} gcbase {state:8} {what}", flush=True)
    differ = [r for r in rows if not r[2]]
    print(f"equivalence: {len(rows) - len(differ)}/{len(rows)} plans give the same verdict and findings "
          f"({time.perf_counter() - start:.0f}s)")
    return 1 if differ else 0


if __name__ == "__main__":
    from tests.policypack.equivalence import main as _main

    sys.exit(_main(sys.argv[1:]))
