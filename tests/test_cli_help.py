"""What a user expects of the command line: --version, a description under every command's --help,
and `gcbase fleet merge --help` describing merge, not the fleet run."""

from __future__ import annotations

import pytest

from gcbase.cli import COMMANDS, build_parser, main
from gcbase.version import version


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"gcbase {version()}\n"
    assert version()[0].isdigit()


def test_every_command_has_a_description():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    names = [c.__name__.rsplit(".", 1)[1] for c in COMMANDS]
    assert sorted(sub.choices) == sorted(names)
    for name, parser in sub.choices.items():
        assert parser.description and len(parser.description) > 40, name


@pytest.mark.parametrize("command", ["validate", "synth", "check", "boundaries", "network", "fleet"])
def test_help_shows_the_description(capsys, command):
    text = _help(capsys, command)
    usage, _, rest = text.partition("\n\n")
    assert usage.startswith(f"usage: gcbase {command}")
    assert not rest.startswith(("positional arguments:", "options:")), rest[:80]  # a description comes first


def test_fleet_merge_help_is_merges_own(capsys):
    text = _help(capsys, "fleet", "merge")
    assert text.startswith("usage: gcbase fleet merge")
    assert "Combine the result directories of fleet runs" in text
    assert "--workers" not in text and "--all-municipalities" not in text  # a fleet run's options, not merge's
    assert "`gcbase fleet merge --help` describes merge." in _help(capsys, "fleet")


def test_fleet_merge_keeps_refusing_run_options(tmp_path, capsys):
    assert main(["fleet", "merge", str(tmp_path), "-o", str(tmp_path / "out"), "--workers", "2"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: gcbase fleet merge: --workers go with a fleet run, not with merge"]
