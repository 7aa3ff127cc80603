"""A program that fails under the mocks, in one line naming the program's file and line.

The failure may come from the program's body, from a module it imports, or from a callback the
SDK runs later (`apply`), in which case the SDK re-raises it from its own frames; the innermost
frame inside the project directory is where the program went wrong. No traceback is printed.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pulumi


def _frames(err: BaseException) -> list[traceback.FrameSummary]:
    """Frames of the error and of the errors it was raised from (the SDK chains an apply's error)."""
    out: list[traceback.FrameSummary] = []
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        out = list(traceback.extract_tb(current.__traceback__)) + out
        current = current.__cause__ or current.__context__
    return out


def locate(err: BaseException, project_dir: Path, main_file: Path) -> tuple[str, str]:
    """(file:line inside the project, or the main file; one-line message)."""
    root = Path(project_dir).resolve()
    inside = []
    for frame in _frames(err):
        try:
            path = Path(frame.filename).resolve()
            if path.is_relative_to(root) and "site-packages" not in path.parts:  # not its virtualenv's packages
                inside.append(frame)
        except (OSError, ValueError):
            continue
    where = f"{inside[-1].filename}:{inside[-1].lineno}" if inside else str(main_file)
    text = " ".join(str(err).split()) or type(err).__name__
    if isinstance(err, pulumi.RunError):
        return where, text
    hint = ""
    if isinstance(err, ModuleNotFoundError):
        hint = " (declare it in the program's requirements.txt or pyproject.toml, or its runtime virtualenv)"
    return where, f"program failed: {type(err).__name__}: {text}{hint}"
