"""Progress: plain lines when not on a terminal, a rich bar on one."""

from __future__ import annotations

import io
import re

from gcbase.report.progress import Progress, is_terminal


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(stream, total=2, **kw) -> str:
    with Progress(total, stream, **kw) as progress:
        for name in ("131121-prod", "131121-stg")[:total]:
            progress.start(name)
            progress.done(name, "0 failures")
    return stream.getvalue()


def test_plain_lines_when_not_a_terminal():
    out = run(io.StringIO())
    lines = [re.sub(r"\(\d+\.\d s\)", "(T)", line) for line in out.splitlines()]
    assert lines == ["[1/2] 131121-prod ...", "[1/2] 131121-prod: 0 failures (T)",
                     "[2/2] 131121-stg ...", "[2/2] 131121-stg: 0 failures (T)"]
    assert "\x1b" not in out and "\r" not in out


def test_progress_bar_on_a_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = Tty()
    assert is_terminal(stream)
    out = run(stream)
    assert "\x1b[" in out  # terminal control sequences: a live bar
    assert "2/2" in out and "[2/2] 131121-stg: 0 failures" in out
    assert "131121-prod ..." not in out  # no plain "starting" lines under the bar


def test_dumb_terminal_and_single_stack_get_plain_lines(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    assert not is_terminal(Tty())
    assert run(Tty()).startswith("[1/2] 131121-prod ...")
    monkeypatch.setenv("TERM", "xterm")
    out = run(Tty(), total=1)  # one stack on a terminal: no bar, just the result line
    assert "\x1b" not in out and re.fullmatch(r"\[1/1\] 131121-prod: 0 failures \(\d+\.\d s\)\n", out)
