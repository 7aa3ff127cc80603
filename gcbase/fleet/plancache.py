"""A content-addressed cache of synthesized plans: re-checking the fleet after a policy change
does not synthesize 1,741 stacks again.

A plan is a pure function of what the synth reads: the stack's config, the program (Pulumi.yaml,
stacks/, modules/), gcbase's own code, the baseline data the program reads, and the installed
Pulumi SDK and provider package. The key is a SHA-256 over all of these, so any change to one of
them (a baseline SCP, a module, an SDK upgrade) is a miss and the stack is synthesized again.
Policies (policies/) and the data only checks and reports read (CHECK_ONLY: requirements, the
built-in check mapping, waivers, boundary expectations) are left out: that is the point, a changed
policy or waiver reuses every plan. gcbase's own code is in the key as a whole, so a change to it
(even to code only checks run) synthesizes again. The locked package set (uv.lock) is in it too.
tests/fleet/test_plancache.py runs a synth with an audit hook and proves every file it opens under
the repository is covered by the key.

Layout: DIR/<first two hex digits>/<key>.plan.json (gcbase's plan JSON, secrets already masked
as in every plan file, with the SHA-256 of that JSON). An entry that cannot be read, or whose plan
does not match its digest or its stack (truncated, edited, another schema), is a miss and is
written again. Entries are written atomically, so workers sharing DIR are safe; a hit touches its
entry, so a CI job can drop the entries a run did not use (docs/ci/github-fleet.yml).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

from gcbase.baselines import ROOT
from gcbase.errors import GcbaseError
from gcbase.model import Plan
from gcbase.outputs import write_text

SCHEMA = "gcbase-plan-cache/1"
INPUTS = ("Pulumi.yaml", "uv.lock", "stacks", "modules", "gcbase", "baselines")  # what a synth reads (and more)
STACK_CONFIGS = "Pulumi.*.yaml"  # under stacks/: a file job's own config is keyed by its content
CHECK_ONLY = ("baselines/requirements.yaml", "baselines/checkov_builtin.yaml", "baselines/waivers.yaml",
              "baselines/waivers-policy.yaml",
              "baselines/boundaries", "stacks/waivers")  # read by checks, reports, the matrix; never by a synth
PACKAGES = ("pulumi", "pulumi-aws")


def _inputs(root: Path) -> list[Path]:
    skip = [root / p for p in CHECK_ONLY]
    files: list[Path] = []
    for name in INPUTS:
        top = root / name
        if not top.exists():  # not a gcbase checkout: nothing to key plans on
            raise GcbaseError.one(str(top), "", "missing; the plan cache keys plans on gcbase's program and data")
        candidates = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in candidates:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            if path.parent == root / "stacks" and path.match(STACK_CONFIGS):
                continue
            if any(path == s or s in path.parents for s in skip):
                continue
            files.append(path)
    return files


_SEEDED: dict[Path, str] = {}


def seed_fingerprint(digest: str, root: Path = ROOT) -> None:
    """The fingerprint the fleet's parent computed (a worker runs the same tree: no need to hash it again)."""
    _SEEDED[root] = digest


def fingerprint(root: Path = ROOT) -> str:
    """SHA-256 of every synth input but the stack's config, and of the SDK's versions (once per process)."""
    return _SEEDED[root] if root in _SEEDED else _fingerprint(root)


@lru_cache(maxsize=4)
def _fingerprint(root: Path) -> str:
    h = hashlib.sha256(SCHEMA.encode())
    for pkg in PACKAGES:
        h.update(f"\0{pkg}={version(pkg)}".encode())
    h.update(f"\0python={platform.python_version()}".encode())
    for path in _inputs(root):
        h.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _clear() -> None:
    _SEEDED.clear()
    _fingerprint.cache_clear()


fingerprint.cache_clear = _clear  # type: ignore[attr-defined] # as an lru_cache's (tests change the tree)


def key(stack: str, config: Optional[dict[str, Any]] = None, file: Optional[str] = None,
        root: Path = ROOT) -> str:
    """The cache key of one stack: its name, its config (values, or the file's bytes), the fingerprint."""
    h = hashlib.sha256(fingerprint(root).encode())
    h.update(b"\0stack\0" + stack.encode())
    if config is not None:
        h.update(b"\0values\0" + json.dumps(config, sort_keys=True, ensure_ascii=False).encode())
    if file is not None:
        h.update(b"\0file\0" + Path(file).read_bytes())
    return h.hexdigest()


class PlanCache:
    def __init__(self, directory: Path | str):
        self.dir = Path(directory)

    def path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.plan.json"

    def get(self, digest: str, stack: str) -> Optional[Plan]:
        path = self.path(digest)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("schema") != SCHEMA or data.get("key") != digest:
                return None
            plan = data.get("plan")
            if not isinstance(plan, dict) or data.get("sha256") != _digest(plan) or plan.get("stack") != stack:
                return None  # edited, or not this stack's
            found = Plan.from_dict(plan)
            os.utime(path)  # used by this run (a CI job keeps only what its runs used)
            return found
        except Exception:  # noqa: BLE001 - an entry that cannot be read, whatever is wrong with it, is a miss
            return None

    def put(self, digest: str, plan: Plan) -> None:
        data = plan.to_dict()
        entry = {"schema": SCHEMA, "key": digest, "sha256": _digest(data), "plan": data}
        self.path(digest).parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path(digest), json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def _digest(plan: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(plan, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def probe(directory: Path | str) -> None:
    """Raise one clear GcbaseError unless DIR can hold the cache (created when missing)."""
    where = Path(directory)
    if where.exists() and not where.is_dir():
        raise GcbaseError.one("--plan-cache", "", f"{where} exists and is not a directory")
    try:
        where.mkdir(parents=True, exist_ok=True)
        write_text(where / ".probe", "")
        (where / ".probe").unlink()
    except (OSError, GcbaseError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise GcbaseError.one("--plan-cache", "", f"{where}: cannot be written ({reason})") from None
