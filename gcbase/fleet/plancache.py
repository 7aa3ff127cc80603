"""A content-addressed cache of synthesized plans: re-checking the fleet after a policy change
does not synthesize 1,741 stacks again.

A plan is a pure function of what the synth reads: the stack's config, the program (Pulumi.yaml,
stacks/, modules/), gcbase's own code, the baseline data the program reads, and the installed
Pulumi SDK and provider package. The key is a SHA-256 over all of these, so any change to one of
them (a baseline SCP, a module, an SDK upgrade) is a miss and the stack is synthesized again.
Policies (policies/) and the data only checks and reports read (CHECK_ONLY) are left out: that
is the point, a changed check or waiver reuses every plan. tests/fleet/test_plancache.py runs a
synth with an audit hook and proves every file it opens is covered by the key.

Layout: DIR/<first two hex digits>/<key>.plan.json (gcbase's plan JSON, secrets already masked
as in every plan file). An entry that cannot be read (truncated, edited, another schema) is a
miss and is written again. Entries are written atomically, so workers sharing DIR are safe.
"""

from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

from gcbase.model import Plan
from gcbase.outputs import write_text

SCHEMA = "gcbase-plan-cache/1"
ROOT = Path(__file__).resolve().parents[2]
INPUTS = ("Pulumi.yaml", "stacks", "modules", "gcbase", "baselines")  # what a synth reads (and more)
STACK_CONFIGS = "Pulumi.*.yaml"  # under stacks/: a file job's own config is keyed by its content
CHECK_ONLY = ("baselines/requirements.yaml", "baselines/checkov_builtin.yaml", "baselines/waivers.yaml",
              "baselines/boundaries")  # read by checks, reports and the boundary matrix, never by a synth
PACKAGES = ("pulumi", "pulumi-aws")


def _inputs(root: Path) -> list[Path]:
    skip = [root / p for p in CHECK_ONLY]
    files: list[Path] = []
    for name in INPUTS:
        top = root / name
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


@lru_cache(maxsize=4)
def fingerprint(root: Path = ROOT) -> str:
    """SHA-256 of every synth input but the stack's config, and of the SDK's versions (once per process)."""
    h = hashlib.sha256(SCHEMA.encode())
    for pkg in PACKAGES:
        h.update(f"\0{pkg}={version(pkg)}".encode())
    h.update(f"\0python={platform.python_version()}".encode())
    for path in _inputs(root):
        h.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


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

    def get(self, digest: str) -> Optional[Plan]:
        try:
            data = json.loads(self.path(digest).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("schema") != SCHEMA or data.get("key") != digest:
                return None
            return Plan.from_dict(data["plan"])
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing, truncated or edited: synthesize again

    def put(self, digest: str, plan: Plan) -> None:
        entry = {"schema": SCHEMA, "key": digest, "plan": plan.to_dict()}
        self.path(digest).parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path(digest), json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
