"""The presence checks' fixtures on disk are what tests/policies/presence_fixtures.py builds."""

from __future__ import annotations

import pytest

from tests.network.fixtures import dumps
from tests.policies.presence_fixtures import CASES, FIXTURES, build


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_fixture_files_match(check_id):
    for name, doc in build(check_id).items():
        assert (FIXTURES / check_id / name).read_text(encoding="utf-8") == dumps(doc), \
            f"{check_id}/{name}: run `uv run python -m tests.policies.presence_fixtures`"
