"""baselines/boundaries/expectations.yaml: complete, bilingual, both directions; errors are precise."""

from __future__ import annotations

import pytest

from gcbase.boundaries.expectations import MIN_CELLS, load
from gcbase.errors import GcbaseError


def test_catalogue_has_enough_bilingual_expectations_in_both_directions():
    cat = load()
    cells = [c for r in cat.rows for c in r.cells]
    assert len(cells) >= MIN_CELLS
    assert {c.expect for c in cells} == {"allow", "deny"}
    assert sum(c.expect == "allow" for c in cells) >= 10
    assert all(c.ja and c.en for c in cells) and all(r.title_ja and r.title_en for r in cat.rows)
    assert len({r.id for r in cat.rows}) == len(cat.rows)
    assert set(cat.party_ids) == {c.party for c in cells}  # every party has at least one cell


def test_issue_examples_are_all_covered():
    """The must-deny and must-allow examples of the issue, each present as a row."""
    ids = {r.id for r in load().rows}
    assert {"stop-cloudtrail", "delete-cloudtrail", "delete-log-object", "overwrite-log-object", "disable-guardduty",
            "stop-config", "disable-security-hub", "edit-scp", "leave-organization", "act-outside-japan",
            "asp-other-system-same-account", "asp-shared-network-route", "use-other-data-key", "use-own-data-key",
            "break-glass-without-mfa", "asp-deploy-own-vpc", "auditor-read-logs", "auditor-read-config",
            "operate-shared-network", "break-glass-with-mfa"} <= ids


def test_invalid_file_reports_every_problem(tmp_path):
    bad = tmp_path / "e.yaml"
    bad.write_text("""
rows:
  - id: x
    title: {ja: ア}
    action: s3:GetObject
    resource: "*"
    in: everywhere
    cells:
      nobody: {expect: allow, ja: a, en: b}
      auditor: {expect: maybe}
""", encoding="utf-8")
    with pytest.raises(GcbaseError) as err:
        load(bad)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "rows[0].in: 'everywhere'; expected one of all, shared, systems, mynumber" in text
    assert "rows[0].title: needs ja and en" in text
    assert "rows[0].cells.nobody: unknown party" in text
    assert "rows[0].cells.auditor: expect must be allow or deny" in text
    assert f"at least {MIN_CELLS} are required" in text
