"""pytest configuration: shared helpers live in tests/helpers.py (`from helpers import ...`).

There is exactly one conftest.py in the suite: a second one would be imported under the same
module name and shadow this one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# gcbase's on-disk caches (gcbase/diskcache.py) of this test session: its own directory, removed at the end;
# never the user's ~/.cache/gcbase. Child processes inherit it.
_CACHE = tempfile.mkdtemp(prefix="gcbase-test-cache-")
os.environ["GCBASE_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
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
