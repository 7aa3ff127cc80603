"""The one way gcbase reads a file a user gives it: plans, previews, stack exports, stack configs,
waiver files, Pulumi.yaml. Every problem is one GcbaseError line naming the file.

- Regular files only. The file is opened with O_NONBLOCK (a FIFO cannot block the open) and
  judged by fstat of what was opened (a symlink to /dev/zero or a FIFO is refused, not read).
- The size cap counts the bytes actually read, never st_size (which a device, /proc file or a
  file still growing gets wrong): reading stops one chunk past the cap.
- Text: UTF-8, UTF-8 with a byte-order mark, UTF-16 and UTF-32 with a byte-order mark (Windows
  PowerShell's `>` writes UTF-16 LE with one; Checkov's CLI and the Pulumi CLI read them). UTF-16
  without a BOM cannot be told from binary and is refused like any other non-UTF-8 text.
- JSON: duplicate keys, NaN/Infinity and numbers beyond MAX_DIGITS digits (or a float that
  overflows to infinity) are refused in one line naming the key; Python's own limit (4300 digits)
  would otherwise be a traceback, and a 1e999 would silently become infinity.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError

CHUNK = 1024 * 1024
MAX_DIGITS = 100  # no value in a plan, preview, export or config comes near; a float overflows at ~309
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: Path | str, what: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most max_bytes, or one GcbaseError line naming the file."""
    file = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags)
    except FileNotFoundError:
        raise GcbaseError.one(file, "", f"{what} not found") from None
    except PermissionError:
        raise GcbaseError.one(file, "", f"{what} is not readable (permission denied)") from None
    except OSError as err:
        if err.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket, or a FIFO's other end
            raise GcbaseError.one(file, "", f"is not a regular file; expected a {what}") from None
        raise GcbaseError.one(file, "", f"cannot read the {what}: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise GcbaseError.one(file, "", f"is {_not_regular(mode)}, not a regular file; expected a {what}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise GcbaseError.one(file, "", f"{what} is larger than {max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except BlockingIOError:
        raise GcbaseError.one(file, "", f"is not a regular file; expected a {what}") from None
    except OSError as err:
        raise GcbaseError.one(file, "", f"cannot read the {what}: {err.strerror or err}") from None
    finally:
        os.close(fd)


def decode(data: bytes, file: str, what: str) -> str:
    """Text of UTF-8 (with or without a BOM) or of UTF-16/32 with a BOM; one line otherwise."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as err:
                raise GcbaseError.one(file, "", f"not {name} text (byte {err.start + len(bom)}) after its "
                                                f"{name} byte-order mark; save the {what} as UTF-8") from None
    nul = data.find(b"\x00")
    if nul >= 0:  # no text format gcbase reads has one; UTF-16/32 without a mark is full of them
        raise GcbaseError.one(file, "", f"not UTF-8 text (byte {nul} is NUL); save the {what} as UTF-8 "
                                        "(UTF-16 and UTF-32 need a byte-order mark)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise GcbaseError.one(file, "", f"not UTF-8 text (byte {err.start}); save the {what} as UTF-8 "
                                        "(UTF-16 and UTF-32 need a byte-order mark)") from None


def read_text(path: Path | str, what: str, max_bytes: int) -> str:
    return decode(read_bytes(path, what, max_bytes), str(path), what)


class _Number:
    """A JSON number refused by parse_json; kept as a marker until its key is known."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _where(doc: Any) -> tuple[str, str]:
    """(key path, number text) of the first refused number in doc, iteratively."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, _Number):
            return at, node.text
        if isinstance(node, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{at}[{i}]") for i, v in reversed(list(enumerate(node))))
    return "", ""


def parse_json(text: str, file: str, what: str, hint: str = "") -> Any:
    """JSON as the Pulumi CLI and Terraform write it, or one GcbaseError line naming the key."""
    refused: list[_Number] = []

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)  # in C; the keys are looked at one by one only when one repeats
        if len(out) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise GcbaseError.one(file, key, "duplicate key; JSON objects name each key once")
                seen.add(key)
        return out

    def constant(name: str) -> Any:
        raise GcbaseError.one(file, "", f"not JSON: {name} is not a JSON value")

    def integer(digits: str) -> Any:
        if len(digits.lstrip("-")) > MAX_DIGITS:
            refused.append(_Number(digits))
            return refused[-1]
        return int(digits)

    def real(digits: str) -> Any:
        value = float(digits)
        if len(digits) > MAX_DIGITS * 4 or value in (float("inf"), float("-inf")):
            refused.append(_Number(digits))
            return refused[-1]
        return value

    # int() of every integer in C unless the text holds a run of digits long enough to need the check
    long_digits = re.search(f"[0-9]{{{MAX_DIGITS + 1}}}", text) is not None
    try:
        doc = json.loads(text, object_pairs_hook=unique, parse_constant=constant,
                         parse_int=integer if long_digits else None, parse_float=real)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno} column {err.colno}: {err.msg}"
        raise GcbaseError.one(file, "", f"not JSON ({where}); expected {what}" + (f" ({hint})" if hint else "")) from None
    except RecursionError:
        raise GcbaseError.one(file, "", "JSON nested too deeply") from None
    if refused:
        key, number = _where(doc)
        shown = number if len(number) <= 24 else f"{number[:12]}...{number[-6:]}"
        raise GcbaseError.one(file, key, f"the number {shown} ({len(number)} characters) is beyond what "
                                         f"{what} holds (at most {MAX_DIGITS} digits, finite)")
    return doc


def read_json(path: Path | str, what: str, max_bytes: int, hint: str = "") -> Any:
    return parse_json(read_text(path, what, max_bytes), str(path), what, hint)


__all__ = ["read_bytes", "decode", "read_text", "parse_json", "read_json", "MAX_DIGITS"]
