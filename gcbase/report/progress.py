"""Progress over many stacks: a rich progress bar on a terminal, plain lines in CI logs.

    with Progress(len(refs)) as progress:
        for ref in refs:
            progress.start(ref)
            ...
            progress.done(ref, "3 failures")

Plain lines (when stderr is not a terminal, or TERM=dumb) are one per event, so a CI log shows
which stack a long run is on without carriage returns or colour codes.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Optional, TextIO


def is_terminal(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


class Progress:
    def __init__(self, total: int, stream: Optional[TextIO] = None, terminal: Optional[bool] = None,
                 label: str = "gcbase"):
        self.total = total
        self.stream = stream or sys.stderr
        self.terminal = is_terminal(self.stream) if terminal is None else terminal
        self.label = label
        self.count = 0
        self._started = 0.0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Progress":
        if self.terminal and self.total > 1:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn)

            console = Console(file=self.stream, force_terminal=True)
            self._bar = Bar(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def start(self, name: str) -> None:
        self._started = time.monotonic()
        if self._bar is not None:
            self._bar.update(self._task, description=f"{self.label} {name}")
        elif not self.terminal:
            self._line(f"[{self.count + 1}/{self.total}] {name} ...")

    def done(self, name: str, summary: str = "") -> None:
        self.count += 1
        seconds = time.monotonic() - self._started
        text = f"[{self.count}/{self.total}] {name}" + (f": {summary}" if summary else "") + f" ({seconds:.1f} s)"
        if self._bar is not None:
            self._bar.console.print(text, highlight=False, markup=False)
            self._bar.advance(self._task)
        else:
            self._line(text)

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
