"""Neutralise text that came from an input (a plan, a stack config, a waiver file) where it lands:
in the report model (gcbase.report.collect, read by every writer) and on the terminal.

A resource address, a policy statement id, a waiver reason or a file name is whatever its author
wrote. Shown as it is, a line break forges another console line (`gate: PASS`) or breaks a
Markdown table row, an ESC sequence recolours or erases the terminal, a bidi override
(U+202A-202E, U+2066-2069) shows `txt.exe` for `exe.txt`, a zero-width character makes two
different names look alike, and the control characters XML 1.0 cannot carry crash the xlsx
writer. Every such character is written as a visible escape (`\\n`, `\\x1b`, `\\u202e`), the same
one gcbase.errors uses for error lines, so the terminal and every report show the same text.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from typing import Any

from gcbase.errors import printable


def clean(text: Any) -> str:
    """One visible line: controls (C0, C1, DEL), bidi overrides and isolates, zero-width and
    line/paragraph separators escaped; every other character (Japanese included) kept."""
    return printable(str(text))


def clean_lines(text: str) -> str:
    """Text of several lines (a rendered matrix or path list) with each line cleaned: its line breaks kept,
    none of its contents able to add one."""
    return "".join(clean(line) + "\n" for line in text.splitlines())


def clean_opt(text: Any) -> Any:
    """clean() for a value that may be None or empty (kept as it is then)."""
    return clean(text) if text else text


def clean_deep(value: Any) -> Any:
    """Every string inside JSON-like data (dict keys too) cleaned; other values kept."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_deep(v) for v in value)
    return value


@lru_cache(maxsize=64)
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def clean_fields(obj: Any, names: tuple[str, ...]) -> Any:
    """A copy of a (frozen) dataclass with the named text fields cleaned."""
    assert is_dataclass(obj)
    known = _field_names(type(obj))
    return replace(obj, **{n: clean_opt(getattr(obj, n)) for n in names if n in known})


__all__ = ["clean", "clean_lines", "clean_opt", "clean_deep", "clean_fields"]
