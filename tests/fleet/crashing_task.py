"""Stand-in for gcbase.fleet.worker.run_job in a spawned pool: one stack kills its process, as
a crash in native code or the OOM killer would (tests/fleet/test_fleet.py)."""

from __future__ import annotations

import os

from gcbase.fleet.worker import SCHEMA

CRASH = "012033-prod"


def task(job):
    if job.stack == CRASH:
        os._exit(7)
    return {"schema": SCHEMA, "stack": job.stack, "status": "ok", "errors": [], "findings": [],
            "run": {"seconds": {}, "pid": os.getpid()}}
