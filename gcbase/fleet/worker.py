"""What one fleet worker does: import Pulumi, Checkov and Z3 once, then synth + check +
boundaries for stack after stack, returning one result per stack (never raising for a stack).

Result (schema gcbase-fleet-result/1), written by the parent to DIR/results/<stack>.json:
  stack, status ("ok" | "error"), errors (one line each), source {file, generated},
  meta {municipality, municipalityName, prefecture, environment}, resources,
  checks {id: {severity, requirements, categories, title {ja, en}}},
  findings [[check id, resource, result, waiver id or null], ...] sorted (result PASSED, FAILED,
  SKIPPED, or ERRORED: the check raised on that resource and was not evaluated, never a pass),
  notRun, typesNotChecked, boundaries {summary, mismatches} (null when not evaluated),
  run {seconds {validate, synth, export, check, summarize, boundaries, collect}, pid, peakRssMb,
  planCache "hit" | "miss" (only with a plan cache; on a hit "synth" is the time to read the plan),
  planCacheNotStored (why a missed plan could not be stored), resultCache {checksRun, checks, boundaries
  "proven" | "reused" | "off", summary "hit" | "miss"} (only with a plan cache: gcbase/fleet/results.py and
  summary.py; on a hit of every result the plan is not read and planCache is "hit"), tfplanCache "hit" (the
  checks that ran read the stored Terraform plan JSON: gcbase/fleet/tfplans.py), inParent (the fleet's parent
  answered it from its summary; seconds {reuse}), firstInProcess (the process's first stack: it imported what
  the stack needed)}
  (volatile: a merged report leaves it out).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from gcbase.check import resultmemo
from gcbase.errors import GcbaseError
from gcbase.fleet import results, summary, tfplans
from gcbase.fleet.jobs import Job
from gcbase.outputs import write_text
from gcbase.trust import memo as trust_memo

SCHEMA = "gcbase-fleet-result/1"
META_KEYS = ("municipality", "municipalityName", "prefecture", "environment")
OTHER = "-"  # category of a check that serves no catalogued requirement
_STATE: dict[str, Any] = {}


def init(boundaries: bool = True, own_process: bool = False, lazy: bool = False,
         seed: Optional[dict[str, Any]] = None) -> None:
    """Process initializer: the imports and registrations every stack needs, once.

    own_process: this process is a pool worker (not the caller's), so run_job may freeze what
    survives each stack out of the cyclic collector's reach (see run_job). lazy (with the per-check result
    cache): import nothing ahead; a re-check whose results are all reused needs neither Pulumi nor Checkov
    nor Z3, and what a stack does need is imported by the first one that needs it. seed: the keys the parent
    computed once for the run (gcbase.fleet.results.state()), so no worker hashes the tree again."""
    os.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
    # the zone-of-trust memo (gcbase/trust/memo.py) would write ~100 entries per stack, ~170,000 for the fleet,
    # and Checkov's result memo (gcbase/check/resultmemo.py) ~300 per stack, ~500,000, that only another cold
    # fleet run could read (every stack's resources name its own accounts); re-checks have the fleet's own
    # result cache (results.py)
    if own_process:  # never the caller's own process (its settings are its own)
        os.environ.setdefault(trust_memo.ENV_SWITCH, "0")
        os.environ.setdefault(resultmemo.ENV_SWITCH, "0")
    if seed:
        results.seed(seed)
    _STATE.update(boundaries=boundaries, own_process=own_process)
    if lazy:
        return
    import pulumi_aws  # noqa: F401 - the SDK's import is the largest part of a first synth

    from gcbase.check import load_catalogue
    from gcbase.check.runner import _checkov

    load_catalogue()
    _checkov()  # import Checkov, register our checks and speed-ups (what the first run_tfplan would do)
    if boundaries:
        import gcbase.boundaries.evaluator  # noqa: F401 - z3, iamprover


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _settings(job: Job) -> Any:
    from gcbase.validate import NAMESPACE, load_settings, settings_from_values

    if job.config is None:
        return load_settings(job.file)
    ours = {k.split(":", 1)[1]: v for k, v in job.config.items() if k.startswith(f"{NAMESPACE}:")}
    return settings_from_values(ours, f"Pulumi.{job.stack}.yaml", job.stack)


def fallback_meta(job: Job) -> dict[str, str]:
    """What a report row needs of a stack whose config could not be read: from its name."""
    from gcbase import baselines

    code, _, environment = job.stack.partition("-")
    muni = baselines.municipalities().get(code) or {}
    meta = {"municipality": code, "municipalityName": muni.get("name", ""),
            "prefecture": muni.get("prefecture", ""), "environment": environment}
    return {k: v for k, v in meta.items() if v}


def _synth(job: Job, plan_cache: Optional[str], run: dict[str, Any]) -> Any:
    """The stack's plan: from the plan cache when it holds one for exactly these inputs, else synthesized
    (and stored there). run["planCache"] says which ("hit" | "miss"; absent without a cache)."""
    from gcbase.synth import synth_stack, synth_values

    cache = digest = None
    if plan_cache:
        from gcbase.fleet.plancache import PlanCache, key

        cache, digest = PlanCache(plan_cache), key(job.stack, job.config, job.file)
        plan = cache.get(digest, job.stack)
        run["planCache"] = "miss" if plan is None else "hit"
        if plan is not None:
            plan.config_file = job.file or plan.config_file  # the same inputs may come from another path
            return plan
    plan = synth_stack(job.file) if job.config is None else synth_values(job.stack, job.config)
    if cache is not None and digest is not None:
        try:
            cache.put(digest, plan)
        except (OSError, GcbaseError, TypeError, ValueError) as err:  # the cache only saves time:
            run["planCacheNotStored"] = one_line(str(err))  # the stack is still checked
    return plan


def _check_meta(catalogue: Any, check_id: str, finding: Any) -> dict[str, Any]:
    cats = sorted({catalogue.requirements[r].category for r in finding.requirements if r in catalogue.requirements})
    return {"severity": finding.severity, "requirements": list(finding.requirements), "categories": cats or [OTHER],
            "title": {"ja": finding.title_ja or finding.title_en, "en": finding.title_en or finding.title_ja}}


def _waiver_id(finding: Any) -> Optional[str]:
    w = getattr(finding, "waiver", None)
    return None if w is None else str(getattr(w, "id", None) or f"{w.check}:{w.resource}")


def _boundaries(result: Any) -> dict[str, Any]:
    mismatches = [{"row": row.id, "party": cell.party, "expect": cell.expect, "account": x.account,
                   "principal": x.request.principal, "action": x.request.action, "resource": x.request.resource,
                   "deciding": x.decision.deciding}
                  for row, cell, x in result.mismatches()]
    return {"summary": result.summary(), "mismatches": sorted(mismatches, key=lambda m: tuple(m.values()))}


def check_stack(job: Job, boundaries: bool, timer: Callable[[str], None],
                plan_dir: Optional[str] = None, plan_cache: Optional[str] = None,
                run: Optional[dict[str, Any]] = None, baseline_waivers: bool = True) -> dict[str, Any]:
    """The stack's result content; raises GcbaseError (or anything) when it cannot be checked.
    With plan_dir, the exported Terraform plan JSON is kept there as <stack>.tfplan.json; with
    plan_cache, plans are read from and written to that cache (gcbase.fleet.plancache)."""
    from gcbase.check import run_tfplan
    from gcbase.tfplan import export, unchecked
    from gcbase.waivers import blanket_problems, waivers_for

    settings = _settings(job)  # every problem of a broken config, before anything runs
    timer("validate")
    if results.enabled(plan_cache) and plan_dir is None:
        return _check_stack_cached(job, boundaries, timer, settings, plan_cache, run, baseline_waivers)
    plan = _synth(job, plan_cache, run if run is not None else {})
    timer("synth")
    tfplan = export(plan)
    if plan_dir:
        name = job.result_name[: -len(".json")] + ".tfplan.json"
        write_text(Path(plan_dir) / name, json.dumps(tfplan, ensure_ascii=False))
    timer("export")
    waivers = waivers_for(plan.stack, baseline=baseline_waivers)
    report = run_tfplan(tfplan, stack=plan.stack, source=plan.source, meta=dict(plan.meta),
                        waivers=waivers)  # clears Checkov's per-plan caches itself
    problems = blanket_problems(report.findings, waivers, plan.stack)
    if problems:
        raise GcbaseError(problems)
    timer("check")
    out = _summary(report, {"meta": {k: plan.meta[k] for k in META_KEYS if k in plan.meta},
                            "resources": sum(1 for r in plan.resources if r.custom and not r.is_provider),
                            "typesNotChecked": sorted({m["type"] for m in unchecked(plan)})}, baseline_waivers)
    timer("summarize")
    if boundaries:
        from gcbase.boundaries import evaluate

        out["boundaries"] = _boundaries(evaluate(plan, settings))
        timer("boundaries")
    return out


def _summary(report: Any, of_plan: dict[str, Any], baseline_waivers: bool) -> dict[str, Any]:
    from gcbase.check import load_catalogue

    catalogue = load_catalogue()
    checks: dict[str, Any] = {}
    for f in report.findings:
        checks.setdefault(f.check_id, _check_meta(catalogue, f.check_id, f))
    return {
        "meta": of_plan["meta"],
        "resources": of_plan["resources"],
        "checks": dict(sorted(checks.items())),
        "findings": sorted([f.check_id, f.resource, f.result, _waiver_id(f)] for f in report.findings),
        "notRun": sorted(report.not_run),
        "typesNotChecked": of_plan["typesNotChecked"],
        "boundaries": None,
        "baselineWaivers": baseline_waivers,
    }


def _keys(job: Job, boundaries: bool, baseline_waivers: bool) -> tuple[str, str, str]:
    """(the stack's plan-cache key, its per-check entry key, its summary key): gcbase/fleet/plancache.py,
    results.py, summary.py."""
    from gcbase.fleet.plancache import key as plan_key

    planned = plan_key(job.stack, job.config, job.file)
    entry_key = results.entry_key(planned, baseline_waivers)
    return planned, entry_key, summary.key(results.fleet_key(boundaries, baseline_waivers), entry_key)


def _from_summary(found: dict[str, Any], boundaries: bool, baseline_waivers: bool) -> dict[str, Any]:
    """The result content of a stored summary with the stack's waivers applied now (raises GcbaseError as
    check_stack does: a waiver file's problems, a blanket waiver in effect)."""
    from gcbase.waivers import waivers_for

    waivers = waivers_for(found["stack"], baseline=baseline_waivers)
    findings, problems = summary.apply(found, waivers, found["stack"])
    if problems:
        raise GcbaseError(problems)
    return {"meta": found["meta"], "resources": found["resources"], "checks": found["checks"], "findings": findings,
            "notRun": found["notRun"], "typesNotChecked": found["typesNotChecked"],
            "boundaries": found["boundaries"] if boundaries else None, "baselineWaivers": baseline_waivers}


def reuse(job: Job, boundaries: bool, plan_cache: str, baseline_waivers: bool = True,
          run: Optional[dict[str, Any]] = None) -> Optional[dict[str, Any]]:
    """The stack's result content from its stored summary when every result of it is reused (nothing to
    synthesize, check or prove), else None. Cheap enough for the fleet's parent to call for every stack
    before it starts any worker. A file job's config is validated again (it may print a line of its own);
    a generated stack's was when its summary was made, under the same key."""
    found = summary.read(plan_cache, _keys(job, boundaries, baseline_waivers)[2])
    if found is None or (boundaries and not isinstance(found.get("boundaries"), dict)):
        return None
    if job.config is None:
        _settings(job)
    if run is not None:
        run["planCache"] = "hit"  # not synthesized; nothing needed the plan itself
        run["resultCache"] = {"checksRun": 0, "checks": len(results.check_keys()),
                              "boundaries": "reused" if boundaries else "off", "summary": "hit"}
    return _from_summary(found, boundaries, baseline_waivers)


def _check_stack_cached(job: Job, boundaries: bool, timer: Callable[[str], None], settings: Any, plan_cache: str,
                        run: Optional[dict[str, Any]], baseline_waivers: bool) -> dict[str, Any]:
    """check_stack through the per-check result cache (gcbase/fleet/results.py): the plan is read and checked
    only for the checks whose key changed, the matrix proven only when its key changed; waivers applied anew
    to the stack's summary (gcbase/fleet/summary.py), which a re-check reusing everything reads alone."""
    from gcbase.check import load_catalogue
    from gcbase.check.runner import assemble, raw_results
    from gcbase.tfplan import export, unchecked

    run = run if run is not None else {}
    keys = results.check_keys()
    planned, entry_key, summary_key = _keys(job, boundaries, baseline_waivers)
    found = summary.read(plan_cache, summary_key)
    if found is not None and (not boundaries or isinstance(found.get("boundaries"), dict)):
        run["planCache"] = "hit"  # not synthesized; nothing needed the plan itself
        run["resultCache"] = {"checksRun": 0, "checks": len(keys), "boundaries": "reused" if boundaries else "off",
                              "summary": "hit"}
        for phase in ("synth", "export"):
            timer(phase)
        out = _from_summary(found, boundaries, baseline_waivers)
        timer("check")
        return out
    entry = results.read(plan_cache, entry_key)
    todo = results.stale(entry, keys)
    prove = boundaries and not (isinstance(entry.get("boundaries"), list)
                                and entry["boundaries"][:1] == [results.boundaries_key()])
    plan = tfplan = None
    held = None  # the Terraform plan JSON and meta, when only checks need the plan (gcbase/fleet/tfplans.py)
    if todo and not prove and isinstance(entry.get("plan"), dict):
        held = tfplans.read(plan_cache, planned)
    if not (todo or prove or not isinstance(entry.get("plan"), dict)) or held is not None:
        run["planCache"] = "hit"  # not synthesized; the checks read the stored Terraform plan JSON, if any
        if held is not None:
            run["tfplanCache"] = "hit"
            tfplan, plan_meta = held
        timer("synth")
        timer("export")
    else:
        plan = _synth(job, plan_cache, run)
        timer("synth")
        tfplan = export(plan)
        plan_meta = plan.meta
        tfplans.write(plan_cache, planned, tfplan, dict(plan.meta))
        timer("export")
        entry["plan"] = {
            "stack": plan.stack, "source": plan.source, "meta": {k: plan.meta[k] for k in META_KEYS if k in plan.meta},
            "resources": sum(1 for r in plan.resources if r.custom and not r.is_provider),
            "typesNotChecked": sorted({m["type"] for m in unchecked(plan)}),
            "tfplan": {"gcbase": {k: v for k, v in (tfplan.get("gcbase") or {}).items()
                                  if k in ("addresses", "urns", "not_checked", "stack", "source")}}}
    run["resultCache"] = {"checksRun": len(todo), "checks": len(keys), "boundaries": "proven" if prove else
                          ("reused" if boundaries else "off"), "summary": "miss"}
    rows: list[list] = []
    if todo:
        rows = raw_results(tfplan, only=None if len(todo) == len(keys) else todo, meta=dict(plan_meta), graph_free=True)
    rows, storable = results.merge(entry, keys, todo, rows)
    of_plan = entry["plan"]
    # no waiver here: they are applied to the summary, on this run and on every later one
    report = assemble(rows, of_plan["tfplan"], stack=of_plan["stack"], source=of_plan["source"], waivers=(),
                      meta=dict(of_plan["meta"]))
    timer("check")
    if boundaries and prove:
        from gcbase.boundaries import evaluate

        entry["boundaries"] = [results.boundaries_key(), _boundaries(evaluate(plan, settings))]
        timer("boundaries")
    made = summary.make(of_plan, report, entry["boundaries"][1] if boundaries else None,
                        lambda cid, f: _check_meta(load_catalogue(), cid, f))
    if storable and (todo or prove):
        results.write(plan_cache, entry_key, entry)
    out = _from_summary(made, boundaries, baseline_waivers)  # raises on a waiver's problem: nothing stored
    if storable:
        summary.write(plan_cache, summary_key, made)
    timer("summarize")
    return out

def reused_result(job: Job, boundaries: bool, plan_cache: str,
                  baseline_waivers: bool = True) -> Optional[dict[str, Any]]:
    """run_job's result for a stack whose every result is reused (reuse()), or None: then a worker checks it
    (also when anything here raises, so a stack's problems are always reported by run_job itself)."""
    started = time.perf_counter()
    run: dict[str, Any] = {}
    try:
        content = reuse(job, boundaries, plan_cache, baseline_waivers, run)
    except Exception:  # noqa: BLE001 - a worker will check it and say what is wrong
        return None
    if content is None:
        return None
    return {"schema": SCHEMA, "stack": job.stack, "status": "ok", "errors": [],
            "source": {"file": job.file, "generated": job.config is not None}, **content,
            "run": {"seconds": {"reuse": round(time.perf_counter() - started, 4)}, "pid": os.getpid(),
                    "peakRssMb": peak_rss_mb(), **run}}


def run_job(job: Job, boundaries: Optional[bool] = None, plan_dir: Optional[str] = None,
            plan_cache: Optional[str] = None, baseline_waivers: bool = True) -> dict[str, Any]:
    """One stack's result; a stack that cannot be checked gives status "error" and its problems."""
    if boundaries is None:
        boundaries = _STATE.get("boundaries", True)
    seconds: dict[str, float] = {}
    last = [time.perf_counter()]

    def timer(phase: str) -> None:
        now = time.perf_counter()
        seconds[phase] = round(now - last[0], 3)
        last[0] = now

    result: dict[str, Any] = {"schema": SCHEMA, "stack": job.stack, "status": "ok", "errors": [],
                              "source": {"file": job.file, "generated": job.config is not None}}
    run: dict[str, Any] = {}
    # The cyclic collector is off during a stack and collects its garbage once at the end. After
    # its first stack a pool worker freezes what survived (the modules that stack imported, Checkov's
    # registries, policy_sentry's data), so later collections do not walk those ~500k objects again
    # (docs/PERFORMANCE.md). Only once: what a stack leaves referenced (Checkov keeps the last
    # graph) becomes garbage with the next one and must stay collectable.
    collecting = gc.isenabled()
    gc.disable()
    try:
        result.update(check_stack(job, boundaries, timer, plan_dir, plan_cache, run, baseline_waivers))
    except GcbaseError as err:
        result.update(status="error", errors=[one_line(p) for p in err.problems])
    except Exception as err:  # noqa: BLE001 - one stack must not stop the fleet; say what broke
        result.update(status="error", errors=[one_line(f"{type(err).__name__}: {err}")])
    finally:
        gc.collect()
        if _STATE.get("own_process") and not _STATE.get("frozen"):
            gc.freeze()
            _STATE["frozen"] = True
        if collecting:
            gc.enable()
        timer("collect")
    if result["status"] == "error":
        result["meta"] = fallback_meta(job)
    result["run"] = {"seconds": seconds, "pid": os.getpid(), "peakRssMb": peak_rss_mb(), **run}
    if not _STATE.get("ran"):  # this process's first stack: its imports (scripts/bench-fleet-recheck)
        result["run"]["firstInProcess"] = _STATE["ran"] = True
    return result
