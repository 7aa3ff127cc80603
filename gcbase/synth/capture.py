"""Run one program's capture in a child process whose imports include the program's own environment.

`python -m gcbase.synth.capture REQUEST.json RESULT.json`: the child is gcbase's interpreter with
the program environment's site-packages added after gcbase's own (gcbase/synth/venv.py says why),
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


def run_in_child(site_packages: Path, request: dict[str, Any], where: str) -> Plan:
    """Capture in a child process; the request holds run_file's arguments (paths as strings)."""
    with tempfile.TemporaryDirectory(prefix="gcbase-capture-") as tmp:
        req, res = Path(tmp) / "request.json", Path(tmp) / "result.json"
        req.write_text(json.dumps({**request, "site_packages": str(site_packages)}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        try:
            done = subprocess.run([sys.executable, "-m", "gcbase.synth.capture", str(req), str(res)],
                                  capture_output=True, text=True, timeout=TIMEOUT, env=env)
        except subprocess.TimeoutExpired:
            raise GcbaseError.one(where, "", f"the program did not finish within {TIMEOUT} s") from None
        if not res.is_file():
            tail = [ln for ln in (done.stderr or "").splitlines() if ln.strip()][-1:] or ["no output"]
            raise GcbaseError.one(where, "", f"the capture process failed (exit {done.returncode}): {tail[0]}")
        result = json.loads(res.read_text(encoding="utf-8"))
    if "error" in result:
        raise GcbaseError.one(result["error"]["file"], "", result["error"]["message"])
    return Plan.from_dict(result["plan"])


def main(argv: list[str]) -> int:
    import site

    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    # gcbase's capture and everything it needs first, then the program's environment after it
    from gcbase.synth import mocks
    from gcbase.synth.failure import locate

    site.addsitedir(request.pop("site_packages"))
    main_file, cwd = Path(request.pop("main_file")), Path(request.pop("cwd"))
    try:
        plan = mocks.run_file(main_file, cwd=cwd, **request)
        result: dict[str, Any] = {"plan": plan.to_dict()}
    except GcbaseError as err:
        result = {"error": {"file": err.problems[0].file, "message": err.problems[0].message}}
    except Exception as err:  # the program failed: one line naming where
        where, message = locate(err, cwd, main_file)
        result = {"error": {"file": where, "message": message}}
    Path(argv[1]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
