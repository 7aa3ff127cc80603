"""Paths as reports show them: relative to the repository, never the build machine's absolute paths.

A report travels (attached to a pull request, mailed to a CISO, uploaded to code scanning): where
gcbase was checked out or which directory a CI runner used is nobody's business and changes the
output from one machine to the next. A path inside the repository is shown relative to it
(stacks/Pulumi.131121-prod.yaml); a path outside it relative to the working directory when it
lies there, as given when it was given relative, and otherwise by its file name only.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Optional

from gcbase.baselines import ROOT


def _inside(path: str, base: str) -> Optional[str]:
    """path relative to base (posix), or None when it is not inside."""
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        return None
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return PurePath(rel).as_posix()


def shown_path(path: Optional[str], root: Path | str = ROOT, cwd: Path | str | None = None) -> Optional[str]:
    """How a report names a file it points at (see the module's docstring). Empty and None stay as they are."""
    if not path:
        return path
    text = str(path)
    if text.startswith("(") or "://" in text:  # "(command line)", a URI: not a file of this machine
        return text
    cwd = str(cwd or os.getcwd())
    absolute = text if os.path.isabs(text) else os.path.normpath(os.path.join(cwd, text))
    for base in dict.fromkeys((str(root), os.path.realpath(root))):
        for candidate in dict.fromkeys((absolute, os.path.realpath(absolute))):
            rel = _inside(candidate, base)
            if rel is not None:
                return rel
    if not os.path.isabs(text):
        return PurePath(text).as_posix()
    rel = _inside(absolute, cwd)
    return rel if rel is not None else PurePath(text).name


def scrub(text: str, root: Path | str = ROOT, cwd: Path | str | None = None) -> str:
    """Free text (a check's detail, an exception) with the repository's and the working directory's
    absolute prefixes removed, so a message quoting a file names it relative to them."""
    if not text:
        return text
    prefixes = {str(root), os.path.realpath(root), str(cwd or os.getcwd())}
    for prefix in sorted((p for p in prefixes if p and p != os.sep), key=len, reverse=True):
        text = text.replace(prefix.rstrip(os.sep) + os.sep, "")
    return text


__all__ = ["scrub", "shown_path"]
