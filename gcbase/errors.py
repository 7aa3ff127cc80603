"""User-facing problems: one line each, naming the file, the key and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}" if self.key else f"{self.file}: {self.message}"


class GcbaseError(Exception):
    """Raised with every problem found in one input; the CLI prints one line each, exit 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, file: str, key: str, message: str) -> "GcbaseError":
        return cls([Problem(str(file), key, message)])
