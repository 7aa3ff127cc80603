"""The fuzz suite's volume: at least 200 generated hostile inputs per run (issue 8).

Runs after the fuzz modules (pytest orders files by name within a directory); when some of them
were deselected (-k, a single file) the count is not meaningful and the test is skipped.
"""

from __future__ import annotations

import pytest

from robust_kit import EXAMPLES, LONG

MINIMUM = 200
FAMILIES = ("stack config", "waiver file", "Pulumi.yaml", "preview", "export", "tfplan", "expectations",
            # issue 15 (test_fuzz_hostile.py): encodings, numbers, size caps, device files, output, waiver shapes
            "encoding", "number", "size", "device", "output", "waiver shape")


def test_at_least_200_hostile_inputs_per_run():
    ran = {family for family in FAMILIES if any(name.startswith(family) for name in EXAMPLES)}
    if ran != set(FAMILIES):
        pytest.skip(f"only part of the fuzz suite ran ({', '.join(sorted(ran)) or 'none'})")
    total = sum(EXAMPLES.values())
    assert total >= MINIMUM * (10 if LONG else 1), EXAMPLES
    for family in FAMILIES:  # every input gcbase reads gets its share
        assert sum(n for name, n in EXAMPLES.items() if name.startswith(family)) >= 10, (family, EXAMPLES)
