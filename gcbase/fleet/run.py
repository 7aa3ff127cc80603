"""Run a fleet: many stacks over a pool of worker processes, one result file per stack.

Layout of the output directory:
  DIR/fleet.json              the run's manifest: the stacks selected (in order), options
  DIR/results/<stack>.json    one result per stack (gcbase.fleet.worker), written atomically

The parent hands jobs (config values or file paths) to the workers and writes each result as
it arrives, so an interrupted run keeps everything finished; `resume=True` skips stacks whose
result file is already there (and was made with or without boundaries as now). A stack that
cannot be checked gets a result with its errors.
A worker process that dies (a crash in native code, the OOM killer) takes the stacks it had
with it: those are retried one by one in a fresh process, and the one that kills it again is
recorded as an error, so the rest of the fleet still finishes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional, TextIO

from gcbase.fleet import results, worker
from gcbase.fleet.jobs import Job
from gcbase.outputs import write_json, write_text
from gcbase.report.progress import Progress

MANIFEST = "fleet.json"
RESULTS = "results"
RUN_SCHEMA = "gcbase-fleet-run/1"
IN_FLIGHT_PER_WORKER = 2  # queued jobs per worker: enough to keep it busy, few to lose in a crash


@dataclass
class FleetRun:
    out_dir: Path
    total: int = 0  # stacks selected
    skipped: int = 0  # finished by an earlier run (resume)
    done: int = 0  # checked by this run
    errors: dict[str, list[str]] = field(default_factory=dict)  # stack -> its errors (this run's stacks)
    seconds: float = 0.0
    workers: int = 1
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # worker pid -> peak RSS
    cache_hits: int = 0  # stacks whose plan came from the plan cache
    cache_errors: dict[str, str] = field(default_factory=dict)  # stack -> why its plan was not stored


class _Progress(Progress):
    """The shared progress display, fed with results that finish out of order in the workers."""

    def finished(self, name: str, summary: str, seconds: float) -> None:
        self._started = time.monotonic() - seconds
        self.done(name, summary)


def read_result(path: Path) -> Optional[dict[str, Any]]:
    """A stack's result file, or None when it is missing or not a complete result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != worker.SCHEMA or "status" not in data:
        return None
    return data


def summary_line(result: dict[str, Any]) -> str:
    if result["status"] != "ok":
        return f"error: {(result.get('errors') or ['?'])[0]}"
    failed = sum(1 for f in result["findings"] if f[2] == "FAILED")
    errored = sum(1 for f in result["findings"] if f[2] == "ERRORED")  # a check raised: not evaluated
    line = f"{result['resources']} resources, {len(result['findings'])} results, {failed} failed"
    line += f", {errored} errored (check raised)" if errored else ""
    b = result.get("boundaries")
    if b is not None:
        line += f", {b['summary']['mismatches']} boundary mismatch(es)"
    return line


def _seconds(result: dict[str, Any]) -> float:
    return sum((result.get("run") or {}).get("seconds", {}).values())


def _context() -> Any:
    # spawn: a worker starts from a clean interpreter (no threads of the parent's progress bar,
    # no half-initialized Pulumi runtime) and imports everything once in init().
    return multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class PoolSpec:
    """How worker processes start and what they run for a job (tests swap in small ones)."""

    task: Callable[[Job], dict[str, Any]]  # picklable: a module-level function or a partial of one
    initializer: Optional[Callable[..., None]] = None
    initargs: tuple = ()
    max_tasks_per_child: Optional[int] = None

    def executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=self.initializer,
                                   initargs=self.initargs, max_tasks_per_child=self.max_tasks_per_child)


def _failed(job: Job, error: str) -> dict[str, Any]:
    return {"schema": worker.SCHEMA, "stack": job.stack, "status": "error", "errors": [worker.one_line(error)],
            "source": {"file": job.file, "generated": job.config is not None}, "meta": worker.fallback_meta(job),
            "run": {"seconds": {}}}


def run_pool(todo: list[Job], workers: int, spec: PoolSpec, store: Callable[[Job, dict[str, Any]], None]) -> None:
    """Every job through a pool of `workers` processes; store(job, result) as results arrive."""
    queue = list(todo)
    suspects: list[Job] = []
    while queue:
        executor = spec.executor(workers)
        inflight: dict[Future, Job] = {}
        try:
            while queue or inflight:
                while queue and len(inflight) < workers * IN_FLIGHT_PER_WORKER:
                    job = queue.pop(0)
                    inflight[executor.submit(spec.task, job)] = job
                finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                broken = False
                for fut in finished:
                    job = inflight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        suspects.append(job)
                        broken = True
                        continue
                    except Exception as err:  # noqa: BLE001 - e.g. a result that cannot travel back
                        result = _failed(job, f"{type(err).__name__}: {err}")
                    store(job, result)
                if broken:
                    suspects.extend(inflight.values())
                    inflight.clear()
                    break
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        for job in suspects:  # alone in a fresh process: only the stack that kills it fails
            store(job, _isolated(job, spec))
        suspects.clear()


def _isolated(job: Job, spec: PoolSpec) -> dict[str, Any]:
    executor = spec.executor(1)
    try:
        return executor.submit(spec.task, job).result()
    except BrokenProcessPool:
        return _failed(job, "the worker process died while checking this stack; it was retried alone "
                            "and died again (a crash in native code, or killed for memory)")
    except Exception as err:  # noqa: BLE001
        return _failed(job, f"{type(err).__name__}: {err}")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _same_options(result: dict[str, Any], boundaries: bool, baseline_waivers: bool = True) -> bool:
    """A finished result serves a resumed run that wants what it has (with or without boundaries, with or
    without the project's baseline waivers)."""
    return result.get("status") != "ok" or ((result.get("boundaries") is not None) == boundaries
                                            and result.get("baselineWaivers", True) == baseline_waivers)


def _write_manifest(out: Path, jobs: list[Job], boundaries: bool) -> None:
    write_json(out / MANIFEST, {"schema": RUN_SCHEMA, "boundaries": boundaries,
                                "stacks": [{"stack": j.stack, "result": f"{RESULTS}/{j.result_name}"} for j in jobs]})


def run_fleet(jobs: list[Job], out_dir: Path | str, *, workers: Optional[int] = None, resume: bool = False,
              boundaries: bool = True, stream: Optional[TextIO] = None, terminal: Optional[bool] = None,
              max_tasks_per_child: Optional[int] = None, plan_dir: Optional[Path | str] = None,
              plan_cache: Optional[Path | str] = None, baseline_waivers: bool = True) -> FleetRun:
    """Check every job, writing DIR/results/<stack>.json as each finishes; see the module docstring.
    plan_dir: also keep each stack's Terraform plan JSON there (<stack>.tfplan.json).
    plan_cache: reuse synthesized plans whose inputs are unchanged (gcbase.fleet.plancache).
    baseline_waivers False: an independent review, without the project's own waivers."""
    started = time.perf_counter()
    out = Path(out_dir)
    (out / RESULTS).mkdir(parents=True, exist_ok=True)
    _write_manifest(out, jobs, boundaries)
    run = FleetRun(out, total=len(jobs))
    plans = str(plan_dir) if plan_dir else None
    cache = str(plan_cache) if plan_cache else None
    if plans:
        Path(plans).mkdir(parents=True, exist_ok=True)
    todo = []
    for job in jobs:
        previous = read_result(out / RESULTS / job.result_name) if resume else None
        if previous is not None and previous.get("stack") == job.stack and _same_options(previous, boundaries, baseline_waivers):
            run.skipped += 1
        else:
            todo.append(job)
    run.workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))

    with _Progress(len(todo), stream or sys.stderr, terminal=terminal, label="gcbase fleet") as progress:
        def store(job: Job, result: dict[str, Any]) -> None:
            write_text(out / RESULTS / job.result_name, json.dumps(result, ensure_ascii=False, separators=(",", ":")))
            run.done += 1
            if result["status"] != "ok":
                run.errors[job.stack] = list(result.get("errors") or [])
            pid, rss = (result.get("run") or {}).get("pid"), (result.get("run") or {}).get("peakRssMb")
            run.cache_hits += (result.get("run") or {}).get("planCache") == "hit"
            if (result.get("run") or {}).get("planCacheNotStored"):
                run.cache_errors[job.stack] = str(result["run"]["planCacheNotStored"])
            if pid is not None and rss is not None:
                run.peak_rss_mb[pid] = max(rss, run.peak_rss_mb.get(pid, 0.0))
            progress.finished(job.stack, summary_line(result), _seconds(result))

        seed = None
        if cache and results.enabled(cache) and not plans:  # what nothing changed for needs no worker
            try:
                seed = results.state()  # the run's keys, once: no worker hashes the tree again
            except Exception:  # noqa: BLE001 - e.g. not a gcbase checkout: each worker says so for its stacks
                seed = None
        if seed is not None:
            left = []
            for job in todo:
                reused = worker.reused_result(job, boundaries, cache, baseline_waivers)
                if reused is None:
                    left.append(job)
                else:
                    reused["run"]["inParent"] = True  # one after another, not in parallel (scripts/bench-fleet-recheck)
                    store(job, reused)
            todo = left
            run.workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
        if run.workers == 1:
            worker.init(boundaries, lazy=bool(cache) and results.enabled(str(cache)))
            for job in todo:
                store(job, worker.run_job(job, boundaries, plans, cache, baseline_waivers))
        elif todo:
            spec = PoolSpec(partial(worker.run_job, boundaries=boundaries, plan_dir=plans, plan_cache=cache,
                                    baseline_waivers=baseline_waivers), worker.init,
                            (boundaries, True, bool(cache) and results.enabled(str(cache)), seed),
                            max_tasks_per_child)
            run_pool(todo, run.workers, spec, store)
    run.seconds = time.perf_counter() - started
    return run
