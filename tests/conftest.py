"""pytest configuration: shared helpers live in tests/helpers.py (`from helpers import ...`).

There is exactly one conftest.py in the suite: a second one would be imported under the same
module name and shadow this one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
for path in (TESTS, TESTS.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from helpers import plan_of, synth  # noqa: E402


@pytest.fixture
def synth_fn():
    return synth


@pytest.fixture
def plans():
    return plan_of
