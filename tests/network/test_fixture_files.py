"""The network checks' fixtures on disk are exactly what tests/network/fixtures.py builds from the scenario."""

from __future__ import annotations

import pytest

from tests.network.fixtures import CASES, FIXTURES, build, dumps


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_fixture_files_match_the_scenario(check_id):
    for name, doc in build(check_id).items():
        on_disk = (FIXTURES / check_id / name).read_text(encoding="utf-8")
        assert on_disk == dumps(doc), f"{check_id}/{name}: run `uv run python -m tests.network.fixtures`"
