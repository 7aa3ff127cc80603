"""README's table of checks is generated from the catalogue and up to date."""

from __future__ import annotations

import pytest

from gcbase.check import load_catalogue
from gcbase.check.table import BEGIN, END, README, main, render, rewrite


def test_readme_table_is_up_to_date():
    assert main(["--check", str(README)]) == 0, "run scripts/gen-check-table"


def test_table_lists_every_check_and_requirement():
    cat = load_catalogue()
    table = render(cat)
    for meta in cat.custom():
        assert f"| {meta.id} | {meta.severity} |" in table
    for rid in cat.requirements:
        assert f"| {rid} |" in table


def test_rewrite_replaces_only_the_section(tmp_path):
    text = f"# title\n\nbefore\n\n{BEGIN}\nold table\n{END}\n\nafter\n"
    out = rewrite(text, "NEW")
    assert out == f"# title\n\nbefore\n\n{BEGIN}\nNEW\n{END}\n\nafter\n"
    stale = tmp_path / "README.md"
    stale.write_text(text)
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0
    with pytest.raises(ValueError):
        rewrite("no markers", "x")
