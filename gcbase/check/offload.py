"""Checkov in a second process for one command's plans, so that loading it overlaps the command's own work.

Why: in a cold `gcbase check --plan` Checkov's import and the registration of every check take about 1 s and its
run about 0.7 s, while gcbase's own work (its imports, the stack config and intent, reading the plan, the
plan-level checks) takes another 0.5 s; in one process all of it runs one after the other on one core
(docs/PERFORMANCE.md, "Cold check"). The `gcbase` entry point (gcbase/entry.py) calls start() first for `check`:
a child Python process loads Checkov and registers the checks (runner._checkov, the same code) while this
process does its own work. runner.py hands each plan's Terraform plan JSON to the child as soon as it has the
plan, runs the plan-level checks meanwhile, then reads the child's rows: the rows runner.checkov_rows_of_file
makes in-process, made there by the same function on the same JSON text, returned as plain JSON (strings and
lists). tests/policies/test_offload.py compares the console, --json and every report format with and without it.

When the child is not usable (it failed to start, died, answered something that is not a reply to the request
asked, or Checkov raised there), the plan is checked in this process instead, exactly as without the child: an
answer is either the child's complete rows or nothing. Only the entry point calls start(): the fleet's workers,
the policy pack and callers of gcbase.cli.main or run_tfplan keep Checkov in their own process.
GCBASE_CHECKOV_PROCESS=0 (or GCBASE_SPEEDUPS=0) turns it off. The child inherits the environment and stderr
(Checkov's log lines, at ERROR as in-process); it ends when this process closes its stdin (at exit, waited
for) or is killed if it is still loading then.

Protocol (one JSON object per line): the child first writes {"covered": [...], "names": {...}} (what
runner.checkov_covered_types() and runner.checkov_names() answer once Checkov is loaded), or {"error": ...} if
loading failed; then for each request {"id": N, "path": FILE, "only": [...] | null, "file": NAME}
(runner.checkov_rows_of_file's arguments: a whole run, or one restricted to some checks) it writes
{"id": N, "rows": [...], "errored": [...]} or {"error": ...}. An answer that is not to the oldest open request
closes the child.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

ENV = "GCBASE_CHECKOV_PROCESS"
_ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (or site-packages) gcbase is imported from
_CODE = f"import sys; sys.path.insert(0, {str(_ROOT)!r}); from gcbase.check.offload import serve; serve()"


class _Child:
    def __init__(self) -> None:
        self.proc: Optional[subprocess.Popen] = subprocess.Popen(
            [sys.executable, "-P", "-c", _CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            encoding="utf-8", env=dict(os.environ), cwd=os.getcwd())
        self._hello: Optional[dict[str, Any]] = None
        self._asked: list[int] = []  # ids of the requests not answered yet, oldest first
        self._next = 0
        atexit.register(self.close)

    def _read(self) -> Optional[dict[str, Any]]:
        if self.proc is None:
            return None
        try:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            answer = json.loads(line) if line else None
        except (OSError, ValueError):
            answer = None
        if not isinstance(answer, dict) or "error" in answer:
            self.close()
            return None
        return answer

    def hello(self) -> Optional[dict[str, Any]]:
        """What the child says once Checkov is loaded there (waits for it); None if it is not usable."""
        if self._hello is None and self.proc is not None:
            answer = self._read()
            ok = answer is not None and isinstance(answer.get("covered"), list) and isinstance(answer.get("names"), dict)
            self._hello = answer if ok else None
            if not ok:
                self.close()
        return self._hello

    def send(self, path: str, only: Optional[list[str]], file: str) -> bool:
        """Ask for Checkov's rows on the plan JSON at `path` (answered in order; receive() reads the answer).
        False when the child is not usable (then nothing was asked)."""
        if self.proc is None:
            return False
        self._next += 1
        try:
            self.proc.stdin.write(json.dumps({"id": self._next, "path": path, "only": only,  # type: ignore[union-attr]
                                              "file": file}) + "\n")
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError):
            self.close()
            return False
        self._asked.append(self._next)
        return True

    def receive(self) -> Optional[tuple[list, list]]:
        """The answer to the oldest request: (rows, rows of checks that raised), or None (the child is closed)."""
        if self.hello() is None or not self._asked:
            return None
        answer = self._read()
        if (answer is None or answer.get("id") != self._asked.pop(0) or not isinstance(answer.get("rows"), list)
                or not isinstance(answer.get("errored"), list)):
            self.close()
            return None
        return answer["rows"], answer["errored"]

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if self._hello is None:  # still loading Checkov (or broken): nothing of its is wanted any more
                proc.kill()
            else:
                proc.stdin.close()  # type: ignore[union-attr]  # the child exits at once (os._exit)
            proc.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


_CHILD: list[_Child] = []


def start() -> None:
    """Start the child for this command's plans, unless it is off or Checkov is already loaded here."""
    if _CHILD or os.environ.get(ENV, "1") == "0" or os.environ.get("GCBASE_SPEEDUPS", "1") == "0":
        return
    if "checkov.terraform.checks.resource.registry" in sys.modules:
        return
    try:
        _CHILD.append(_Child())
    except OSError:
        return


def child() -> Optional[_Child]:
    """The usable child, if this process started one and has not loaded Checkov itself."""
    if not _CHILD or _CHILD[0].proc is None:
        return None
    return _CHILD[0]


def _encode(answer: dict[str, Any]) -> str:
    """One answer, one line (JSON escapes every control character)."""
    return json.dumps(answer)


def serve() -> None:
    """The child: load Checkov, say so, then answer one request per line until stdin closes."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything printed by the checks goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    from gcbase.check import runner
    from gcbase.errors import GcbaseError

    def say(obj: dict[str, Any]) -> None:
        out.write(_encode(obj) + "\n")
        out.flush()

    try:
        runner._checkov()
        from gcbase.check import resultmemo

        resultmemo.store_registry()
        say({"covered": sorted(runner.checkov_covered_types()), "names": runner.checkov_names()})
    except Exception as err:  # noqa: BLE001 - the parent loads Checkov itself and says what is wrong
        say({"error": f"{type(err).__name__}"})
        os._exit(0)
    for line in sys.stdin:
        try:
            req = json.loads(line)
            rows, errored = runner.checkov_rows_alone(Path(req["path"]), req["only"], req["file"])
            say({"id": req["id"], "rows": rows, "errored": errored})
        except (Exception, GcbaseError) as err:  # noqa: BLE001 - the parent checks this plan itself
            say({"error": f"{type(err).__name__}"})
    out.flush()
    os._exit(0)  # no teardown of Checkov's ~2 million objects: the parent waits for this exit
