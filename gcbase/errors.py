"""User-facing problems: one line each, naming the file, the key and what is allowed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs")  # line breaks, controls, bidi overrides, zero-width


def printable(text: str) -> str:
    """text with every character that could break or disguise a line escaped (\\n, \\x1b, \\u202e)."""
    if text.isprintable():
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _INVISIBLE else ch
                   for ch in text)


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        """One line, whatever a hostile file put into its keys or values."""
        file, key, message = printable(str(self.file)), printable(str(self.key)), printable(str(self.message))
        return f"{file}: {key}: {message}" if key else f"{file}: {message}"


class GcbaseError(Exception):
    """Raised with every problem found in one input; the CLI prints one line each, exit 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, file: str, key: str, message: str) -> "GcbaseError":
        return cls([Problem(str(file), key, message)])
