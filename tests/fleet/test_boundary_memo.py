"""A fleet worker shares boundary proofs across its stacks (gcbase/boundaries/memo.py): the second stack of
the same templates finds every decision the first one proved, and the results equal a run without the memo."""

from __future__ import annotations

import json

from gcbase.boundaries import memo
from helpers import fleet_jobs, quiet_fleet

CODES = ["012033", "012041"]  # one system on LGWAN each: other code, accounts, vendor


def _results(out):
    found = {}
    for path in sorted((out / "results").glob("*.json")):
        r = json.loads(path.read_text(encoding="utf-8"))
        r.pop("run")
        found[r["stack"]] = r
    return found


def test_the_second_stack_of_a_worker_reuses_the_first_ones_proofs_and_the_results_are_the_same(tmp_path, monkeypatch):
    seen: list[int] = []
    start = memo.MemoEvaluator.__init__

    def counting(self, *args, **kwargs):
        seen.append(len(memo.SHARED.decisions))  # the memo's size as each stack's matrix starts
        start(self, *args, **kwargs)

    memo.reset()
    monkeypatch.setattr(memo.MemoEvaluator, "__init__", counting)
    try:
        quiet_fleet(fleet_jobs(CODES), tmp_path / "memo", boundaries=True)
        after = len(memo.SHARED.decisions)
    finally:
        memo.reset()
    assert seen[0] == 0 and seen[1] > 100 and after == seen[1]  # the second stack added nothing
    monkeypatch.setenv("GCBASE_BOUNDARY_MEMO", "0")
    quiet_fleet(fleet_jobs(CODES), tmp_path / "off", boundaries=True)
    with_memo, without = _results(tmp_path / "memo"), _results(tmp_path / "off")
    assert set(with_memo) == {f"{c}-prod" for c in CODES}
    assert with_memo == without and all(r["boundaries"]["summary"]["checks"] > 500 for r in without.values())
