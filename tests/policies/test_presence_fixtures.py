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


def test_without_a_stack_a_narrowed_backup_selection_does_not_count():
    """GCJP_AWS_70 with no stack known judges accounts: a selection whose condition contradicts its tag, or whose
    not_resources excludes everything, selects nothing (review G-6); an agreeing condition still counts."""
    import json

    from gcbase.check import run_tfplan

    def accounts(name):
        doc = json.loads((FIXTURES / "GCJP_AWS_70" / name).read_text(encoding="utf-8"))
        return {f.resource: f.result for f in run_tfplan(doc, only=["GCJP_AWS_70"], waivers=(), intent=None).findings}

    assert set(accounts("pass.json").values()) == {"PASSED"}
    narrowed = accounts("fail-narrowed.json")
    assert narrowed["account:210000000101"] == "FAILED" and narrowed["account:210000000104"] == "FAILED"
