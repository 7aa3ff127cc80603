"""Small content-keyed caches shared by processes: derived data that is a pure function of its key.

What is stored here is never a verdict someone has not computed: parsed YAML documents (keyed by the
file's text and the loader's code), cloudsplaining's action expansions (keyed by the action list and
policy_sentry's data), what one resource-based policy exposes outside the zone of trust (keyed by the
document, the zone and the prover's code: gcbase/trust/memo.py), a fleet's check results per stack and
check (keyed by the plan and the check's code and data: gcbase/fleet/results.py). A wrong entry could only come from a wrong key, so each key names
everything the value is a function of, including the versions of the code that computed it.

Where: $GCBASE_CACHE_DIR, else $XDG_CACHE_HOME/gcbase, else ~/.cache/gcbase; never the repository.
GCBASE_CACHE=0 turns every one of these caches off (reads and writes).

Format: one file per entry, `<sha256 of the payload>\\n<payload JSON>`. An entry that cannot be read,
does not parse, or whose payload does not match its digest (truncated, edited, flipped) is ignored as
a miss (and written again); nothing here raises into a run. Entries are written atomically
(a temporary file renamed over the entry), so concurrent writers (fleet workers) are safe: the last
one wins and both wrote the same value for the same key.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

try:  # policy_sentry's dependency; json is the fallback (same values, slower)
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson comes with policy_sentry
    _orjson = None

ENV_DIR = "GCBASE_CACHE_DIR"
ENV_SWITCH = "GCBASE_CACHE"


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1") != "0"


def root() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gcbase"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def dumps(value: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> Any:
    return _orjson.loads(data) if _orjson is not None else json.loads(data)


def path(kind: str, key: str, base: Optional[Path | str] = None) -> Path:
    return (Path(base) if base is not None else root()) / kind / key[:2] / f"{key}.json"


def read(kind: str, key: str, base: Optional[Path | str] = None) -> Optional[Any]:
    """The value stored for key (under base, default root()), or None (off, missing, unreadable, corrupt)."""
    if not enabled():
        return None
    try:
        raw = path(kind, key, base).read_bytes()
        head, sep, payload = raw.partition(b"\n")
        if not sep or head.decode("ascii") != hashlib.sha256(payload).hexdigest():
            return None
        entry = loads(payload)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry.get("value")
    except Exception:  # noqa: BLE001 - a cache entry that cannot be used, whatever is wrong with it, is a miss
        return None


def write(kind: str, key: str, value: Any, base: Optional[Path | str] = None) -> bool:
    """Store value for key (atomically); False when off or it could not be written (the run goes on)."""
    if not enabled():
        return False
    try:
        payload = dumps({"key": key, "value": value})
        target = path(kind, key, base)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return True
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        return False


def code_version(*files: str | Path) -> str:
    """A digest of source files (the code that computes a cached value)."""
    return digest(*(Path(f).read_bytes() for f in files))
