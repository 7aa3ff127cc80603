"""Write output files atomically: a reader never sees half a file, a failure leaves none."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def prepare_dir(path: Path | str) -> Path:
    """Create an output directory (-o DIR) before any work is done, or say in one line why not."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise GcbaseError.one(str(p), "", "exists and is not a directory; expected an output directory") from None
    except OSError as err:
        raise GcbaseError.one(str(p), "", f"cannot create the output directory: {err.strerror or err}") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise GcbaseError.one(str(p), "", "output directory is not writable")
    return p


def check_destination(path: Path | str) -> Path:
    """Fail before the work, not after it: an output file's directory must exist and be writable."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise GcbaseError.one(str(p), "", "is a directory; expected an output file name")
    if not parent.is_dir():
        raise GcbaseError.one(str(p), "", f"output directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GcbaseError.one(str(p), "", f"output directory {parent} is not writable")
    return p


def write_bytes(path: Path | str, data: bytes) -> Path:
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise GcbaseError.one(str(path), "", f"output directory {parent} does not exist")
    fd = None
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as fh:
            fd = None
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        raise GcbaseError.one(str(path), "", f"cannot write output: {err.strerror or err}") from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_text(path: Path | str, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: Path | str, data: Any) -> Path:
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
