"""gcbase's version, as installed (pyproject.toml): `gcbase --version` and every report show it."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("gcbase")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


__all__ = ["version"]
