"""Run one program's capture in a child process whose imports include the program's own environment.

`python -m gcbase.synth.capture REQUEST.json RESULT.json`: the child is gcbase's interpreter; it
imports the capture (the Pulumi core SDK, grpc, protobuf) from gcbase's environment, then puts the
program environment's site-packages first on the import path (gcbase/synth/venv.py says why),
runs the program under the mocks (gcbase/synth/mocks.py) and writes the plan, or the one line that
says why it failed, to RESULT.json. A child per program keeps one program's packages out of the
next program's run and out of gcbase's own process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError
from gcbase.model import Plan

TIMEOUT = 600  # seconds for one program


def run_in_child(site_packages: Path, request: dict[str, Any]) -> Plan:
    """Capture one program in a child process (request: run_file's arguments, paths as strings)."""
    result = run_batch(site_packages, [request])[0]
    if isinstance(result, GcbaseError):
        raise result
    return result


def run_batch(site_packages: Path, requests: list[dict[str, Any]]) -> list[Plan | GcbaseError]:
    """Capture several programs that share one environment in one child process, one after the
    other (the corpus: importing a provider SDK once instead of once per program)."""
    where = requests[0]["main_file"] if len(requests) == 1 else str(site_packages)
    with tempfile.TemporaryDirectory(prefix="gcbase-capture-") as tmp:
        req, res = Path(tmp) / "request.json", Path(tmp) / "result.json"
        req.write_text(json.dumps({"site_packages": str(site_packages), "requests": requests}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        try:
            done = subprocess.run([sys.executable, "-m", "gcbase.synth.capture", str(req), str(res)],
                                  capture_output=True, text=True, timeout=TIMEOUT * len(requests), env=env)
        except subprocess.TimeoutExpired:
            raise GcbaseError.one(where, "", f"the program did not finish within {TIMEOUT} s") from None
        if not res.is_file():
            tail = [ln for ln in (done.stderr or "").splitlines() if ln.strip()][-1:] or ["no output"]
            raise GcbaseError.one(where, "", f"the capture process failed (exit {done.returncode}): {tail[0]}")
        results = json.loads(res.read_text(encoding="utf-8"))
    return [GcbaseError.one(r["error"]["file"], "", r["error"]["message"]) if "error" in r
            else Plan.from_dict(r["plan"]) for r in results]


def _forget(program_dir: Path) -> None:
    """Drop the modules a program imported from its own directory, so the next program's `vpc.py`
    is its own."""
    root = str(program_dir.resolve())
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if file.startswith(root + os.sep):
            del sys.modules[name]


def main(argv: list[str]) -> int:
    import site

    batch = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    # gcbase's capture and everything it needs first, then the program's environment before the rest
    from gcbase.synth import mocks
    from gcbase.synth.failure import locate

    before = list(sys.path)
    site.addsitedir(batch["site_packages"])  # with its .pth files
    added = [p for p in sys.path if p not in before]
    sys.path[:] = added + before  # the program's packages first; what is imported already stays gcbase's
    results: list[dict[str, Any]] = []
    for request in batch["requests"]:
        main_file, cwd = Path(request.pop("main_file")), Path(request.pop("cwd"))
        try:
            results.append({"plan": mocks.run_file(main_file, cwd=cwd, **request).to_dict()})
        except GcbaseError as err:
            results.append({"error": {"file": err.problems[0].file, "message": err.problems[0].message}})
        except Exception as err:  # the program failed: one line naming where
            where, message = locate(err, cwd, main_file)
            results.append({"error": {"file": where, "message": message}})
        _forget(cwd)
    Path(argv[1]).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
