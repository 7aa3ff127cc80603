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


def _plain(data: Any) -> bool:
    """Only what orjson writes byte for byte as json.dumps(indent=2, ensure_ascii=False) does: str keys, strings,
    ints, booleans, None, lists, tuples (both write arrays) and dicts (floats are spelled differently: 1e+16 and
    1e16)."""
    stack = [data]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if not all(type(k) is str for k in node):
                return False
            stack.extend(node.values())
        elif kind is list or kind is tuple:
            stack.extend(node)
        elif not (node is None or kind in (str, bool) or (kind is int and -(2**63) <= node < 2**64)):
            return False
    return True


def dumps_json(data: Any) -> str:
    """json.dumps(data, ensure_ascii=False, indent=2): with orjson when the output is the same (json's encoder
    is pure Python once indent is set, a tenth of a second on a large plan's results)."""
    if _plain(data):
        try:
            import orjson  # policy_sentry's dependency

            return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
        except (ImportError, TypeError, ValueError):  # lone surrogates, and the like: json says what is wrong
            pass
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def write_json(path: Path | str, data: Any) -> Path:
    return write_text(path, dumps_json(data) + "\n")
