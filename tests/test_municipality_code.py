"""A 全国地方公共団体コード written without quotes is a number to YAML (011002, with a leading 0 and digits
0-7, even an octal one: 4610): gcbase says in one line, naming the file and the key, to quote it,
instead of a pydantic message or a wrong code."""

from __future__ import annotations

from pathlib import Path

import pytest

from gcbase.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _stack_file(tmp_path: Path, source: str, stack: str, replace: tuple[str, str]) -> Path:
    text = (ROOT / "stacks" / source).read_text(encoding="utf-8")
    assert replace[0] in text
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(text.replace(*replace), encoding="utf-8")
    return path


@pytest.mark.parametrize("replace,stack,line", [
    (('gcbase:municipality: "131121"', "gcbase:municipality: 131121"), "131121-prod",
     'gcbase:municipality: 131121 was read by YAML as a number, not the code; quote it: "131121"'),
    (('gcbase:municipality: "131121"', "gcbase:municipality: 011002"), "011002-prod",
     "gcbase:municipality: 4610 was read by YAML as a number, not the code; a code with a leading 0 such as 011002 "
     'is read as an octal number; quote it: "011002"'),
])
def test_an_unquoted_code_is_one_line_saying_to_quote_it(tmp_path, capsys, replace, stack, line):
    path = _stack_file(tmp_path, "Pulumi.131121-prod.yaml", stack, replace)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {path}: {line}"]


def test_an_unquoted_member_code_too(tmp_path, capsys):
    path = _stack_file(tmp_path, "Pulumi.363421-prod.yaml", "363421-prod",
                       ('members: ["363022", "363219"]', 'members: [363022, "363219"]'))
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f'error: {path}: gcbase:usage.members[0]: 363022 was read by YAML as a number, not the code; quote it: "363022"']


def test_quoted_codes_are_valid(capsys):
    assert main(["validate"]) == 0
    assert "error" not in capsys.readouterr().err
