"""Run Checkov in-process on a Terraform plan JSON, plus gcbase's plan-level checks.

- Checkov is imported once per process (about 2 s), with its downloads and platform calls
  off: BC_SKIP_MAPPING=TRUE, CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false, no API key is ever passed,
  and only the terraform_plan Runner is used (never checkov.main, which talks to the platform).
- Our checks are registered once: policies/resource/*.py through Checkov's external-check
  loader, policies/graph/*.yaml into Checkov's graph registry; a check that fails to load stops
  the run (Checkov itself would only log it).
- A check that raises on a resource (Checkov's or ours, resource or plan-level) does not stop the
  run: that (check, resource) becomes a finding with result ERRORED naming the check's file and
  the exception; every other result is kept. Checkov alone would drop it silently.
- A fresh Runner per plan. Checkov parses plan files with a YAML parser to keep line numbers,
  which is half of its time; we hand it the same JSON parsed by `json` with one mark per object
  (tests/policies/test_runner.py proves the verdicts are identical, check by check).
"""

from __future__ import annotations

import gc
import inspect
import itertools
import json
import logging
import os
import tempfile
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from gcbase.check import graphfree, graphnarrow, speedups
from gcbase.check.catalogue import KINDS, POLICIES, load_catalogue, metadata_files
from gcbase.check.findings import ERRORED, FAILED, PASSED, SKIPPED, CheckReport, Finding, Waiver, check_sort_key
from gcbase.check.plancheck import PLAN_ADDRESS, Outcome, plan_checks
from gcbase.check.planindex import PlanIndex
from gcbase.check.waivers import apply_waivers, default_waivers
from gcbase.errors import GcbaseError

OFFLINE_ENV = {
    "BC_SKIP_MAPPING": "TRUE",  # no download of the platform's check id / guideline mapping
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",  # no package scanning (it calls the platform)
    "ENABLE_SECRETS_SCAN_ALL_FILES": "false",
}
_LOCK = threading.Lock()  # Checkov's registries are process-global
AWS_PREFIXES = ("CKV_AWS_", "CKV2_AWS_", "GCJP")  # the checks gcbase reports: AWS's built-ins and its own
_QUIET = "quiet"  # a check's check_fail_level that is neither error nor warning: Checkov logs no traceback


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while (it never changes a result, only when memory is freed).

    Checkov, policy_sentry's IAM data and the rest make ~2 million long-lived objects; every full
    collection walks them all, which was a fifth of a cold `gcbase check --plan` (docs/PERFORMANCE.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@lru_cache(maxsize=1)
def _checkov() -> dict[str, Any]:
    """Import Checkov (once) and register our checks into its registries. What this made lives as long as
    the process (modules, registries, policy_sentry's data): it is moved out of the collector's reach
    (gc.freeze), so later collections do not walk it again (GCBASE_SPEEDUPS=0: not)."""
    with _collector_paused():
        found = _import_checkov()
    if os.environ.get("GCBASE_SPEEDUPS", "1") != "0":
        gc.freeze()
    return found


def _import_checkov() -> dict[str, Any]:
    for key, val in OFFLINE_ENV.items():
        os.environ[key] = val
    from gcbase.check import lazyimports

    lazyimports.install()  # what only Checkov's platform, image and HCL paths use is imported when used
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform import plan_parser
    from checkov.terraform.checks.resource.registry import resource_registry
    from checkov.terraform.plan_runner import Runner

    logging.getLogger("checkov").setLevel(logging.ERROR)
    catalogue = load_catalogue()
    resource_registry.load_external_checks(str(POLICIES / KINDS["resource"][0]))
    registered = {c.id for _, c in resource_registry.all_checks()}
    graph = get_graph_checks_registry("terraform")
    graph.load_checks()
    if os.environ.get("GCBASE_SPEEDUPS", "1") != "0":  # other providers' policies: never reported, never run
        graph.checks = [c for c in graph.checks if str(c.id).startswith(AWS_PREFIXES)]
    for meta_file in metadata_files("graph"):
        _register_graph_check(graph, meta_file.with_name(meta_file.name.split(".")[0] + ".yaml"), RunnerFilter)
    registered |= {c.id for c in graph.checks}
    missing = [m.id for m in catalogue.custom() if m.kind in ("resource", "graph") and m.id not in registered]
    if missing:
        raise GcbaseError.one(str(POLICIES), "", f"checks failed to load into Checkov: {', '.join(missing)}")
    plan_checks()  # import and validate now, not halfway through the first plan
    speedups.install()  # memoized IAM action expansions: same findings, a fraction of the time
    errors: list[tuple[Any, str, str]] = []
    resource_registry.run_check = _guarded(errors, resource_registry)
    return {"Runner": Runner, "RunnerFilter": RunnerFilter, "plan_parser": plan_parser, "registered": registered,
            "errors": errors}


@lru_cache(maxsize=1)
def covered_types() -> frozenset[str]:
    """Every Terraform resource type some check or analysis reads: Checkov's resource checks (built-in and
    ours) and graph policies, gcbase's plan-level checks, the network model and the authorization model.
    A plan resource of any other type is seen by nothing (GCJP_AWS_72)."""
    from gcbase.boundaries.from_plan import READS as AUTHZ_READS
    from gcbase.network.from_plan import READS as NETWORK_READS

    types = set(checkov_covered_types())
    for check in plan_checks():
        types |= set(check.supported_resources) | set(check.reads)
    return frozenset(types | AUTHZ_READS | NETWORK_READS)


def checkov_covered_types() -> frozenset[str]:
    """The types Checkov's AWS resource checks and graph policies (built-in and ours) read: from the registries
    this process loaded, else as kept on disk or from the child process that loaded them for this command (the
    same function, run there: gcbase/check/offload.py, _known)."""
    known = _known()
    if known is not None:
        return frozenset(known["covered"])
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    _checkov()
    types = {t for t, checks in resource_registry.checks.items() if any(
        c.id.startswith(AWS_PREFIXES) for c in checks)}

    def solver_types(solver: Any) -> set[str]:
        """Types a graph policy's solvers judge: their subjects (`resource_types`). The types a connection
        solver merely looks for around its subject (`connected_resources_types`: CKV2_AWS_5 lists ~65
        types a security group may be attached to) are not judged by it, so they do not count. A list of
        every type (a filter that applies to anything) says nothing about what the policy reads either."""
        found: set[str] = set()
        listed = list(getattr(solver, "resource_types", None) or ())
        if len(listed) < 200:
            found |= {t for t in listed if isinstance(t, str)}
        for sub in getattr(solver, "solvers", None) or ():
            found |= solver_types(sub)
        return found

    for check in get_graph_checks_registry("terraform").checks:
        if str(check.id).startswith(("CKV_AWS_", "CKV2_AWS_", "GCJP2_")):
            types |= solver_types(getattr(check, "solver", None))
    return frozenset(types)


def _guarded(errors: list[tuple[Any, str, str]], registry: Any) -> Any:
    """Checkov turns a check that raises into UNKNOWN and drops it from the report, so a broken
    check would look like one that found nothing. Record (check, resource address, error) instead.

    Otherwise it does what Checkov's own BaseCheckRegistry.run_check does: it hands the check the
    resource graph the terraform_plan Runner assigned to the registry (`check.graph`), which
    built-ins such as CKV_AWS_379 read to find a bucket's public access block, website or policy."""
    from checkov.common.models.enums import CheckResult

    def run_check(check: Any, entity_configuration: Any, entity_name: str, entity_type: str, scanned_file: str,
                  skip_info: Any) -> Any:
        check.graph = registry.graph  # as Checkov's registry does; None only if its Runner built none
        check.check_fail_level = _QUIET  # the error is reported by gcbase, in one line, not as a logged traceback
        try:
            return check.run(scanned_file=scanned_file, entity_configuration=entity_configuration,
                             entity_name=entity_name, entity_type=entity_type, skip_info=skip_info)
        except Exception as err:  # noqa: BLE001 - any error of a check is reported, never dropped
            address = entity_configuration.get("__address__") if isinstance(entity_configuration, dict) else None
            errors.append((check, str(address or entity_name), f"{type(err).__name__}: {err}"))
            return {"result": CheckResult.UNKNOWN, "suppress_comment": "", "evaluated_keys": [],
                    "results_configuration": entity_configuration, "check": check, "entity": entity_configuration}

    return run_check


def _register_graph_check(graph: Any, path: Path, runner_filter_cls: Any) -> None:
    """Load one YAML graph policy as Checkov's external-check loader does (we skip metadata files)."""
    from gcbase.yamlio import load_yaml

    raw = json.loads(json.dumps(load_yaml(path, "graph policy")))
    if not graph.parser.validate_check_config(file_path=str(path), raw_check=raw):
        raise GcbaseError.one(str(path), "", "not a valid Checkov graph policy (metadata.id/name/category, definition)")
    if raw["metadata"]["id"] != path.stem:
        raise GcbaseError.one(str(path), "metadata.id", f"must be {path.stem}")
    if any(c.id == path.stem for c in graph.checks):
        return
    check = graph.parser.parse_raw_check(raw, resources_types=graph._get_resource_types(raw), check_path=str(path))
    runner_filter_cls.notify_external_check(check.id)
    graph.checks.append(check)


class _Mark:
    __slots__ = ("line",)

    def __init__(self, line: int):
        self.line = line


class _MarkedDict(dict):
    """A dict with the start/end marks Checkov's plan parser reads from its YAML nodes."""
    __slots__ = ("start_mark", "end_mark")


def _fast_parse(filename: str, out_parsing_errors: dict[str, str]):
    counter = itertools.count(1)

    def hook(pairs):
        d = _MarkedDict(pairs)
        d.start_mark = d.end_mark = _Mark(next(counter))
        return d

    try:
        text = Path(filename).read_text(encoding="utf-8")
        template = json.loads(text, object_pairs_hook=hook)
    except (OSError, ValueError) as err:
        out_parsing_errors[filename] = str(err)
        return None, None
    if not isinstance(template, dict) or "terraform_version" not in template or "planned_values" not in template:
        return None, None
    return template, [(i + 1, line) for i, line in enumerate(text.splitlines(keepends=True))]


# One check's result on one resource before the catalogue and the waivers are applied, as plain data (JSON):
# [check id, resource, result, Checkov's title, details, path, error] where error is null or
# {"file": the check's source, "exception": "Type: message"} (result ERRORED). What gcbase/fleet/results.py
# keeps per check and plan; run_tfplan is raw_results() then assemble().
Raw = list


def _run_checkov(path: Path, only: Optional[list[str]], file: str = "plan",
                 errored: Optional[list[tuple[Any, str, str]]] = None, graph_free: bool = False,
                 narrow_to: Optional[frozenset[str]] = None) -> list[Any]:
    """Checkov's records on the Terraform plan JSON at `path`; (check, resource address, exception) of each check
    that raised go to `errored`. graph_free: `only` names checks gcbase/check/graphfree.py runs without
    Checkov's graph (same records). narrow_to: the types gcbase/check/graphnarrow.py builds the graph from for
    `only` (same records)."""
    ck = _checkov()
    if graph_free:
        runner = graphfree.runner_class(ck["Runner"])
    elif narrow_to is not None:
        runner = graphnarrow.runner_class(ck["Runner"])
    else:
        runner = ck["Runner"]
    ck["errors"].clear()
    original = ck["plan_parser"].parse
    # narrowed after parsing the whole file: every kept object keeps its marks (graphnarrow.py)
    ck["plan_parser"].parse = _fast_parse if narrow_to is None else graphnarrow.parse(_fast_parse, narrow_to)
    try:
        rf = ck["RunnerFilter"](framework=["terraform_plan"], checks=only or None, show_progress_bar=False)
        report = runner().run(root_folder=None, files=[str(path)], runner_filter=rf)
    except Exception as err:  # a check crashed on this plan: say so in one line, not a traceback
        raise GcbaseError.one(file, "", f"Checkov stopped on this plan: {type(err).__name__}: {err}") from None
    finally:
        ck["plan_parser"].parse = original
        speedups.after_plan()  # Checkov's per-address policy cache must not outlive this plan
    reports = report if isinstance(report, list) else [report]
    if any(r.parsing_errors for r in reports):
        raise GcbaseError.one(file, "", "Checkov could not parse the Terraform plan JSON")
    if errored is not None:  # never report a check that did not run on a resource as passed (nor drop it)
        errored += [(c, addr, msg) for c, addr, msg in ck["errors"] if c.id.startswith(AWS_PREFIXES)]
    return [rec for r in reports for rec in (*r.passed_checks, *r.failed_checks, *r.skipped_checks)]


def checkov_rows_of_file(path: Path, only: Optional[list[str]], file: str = "plan", graph_free: bool = False,
                         narrow_to: Optional[frozenset[str]] = None) -> tuple[list[Raw], list[Raw]]:
    """Checkov's Raw rows on the plan JSON at `path` (AWS checks and ours only), and the rows of the checks that
    raised (one per check and resource). What raw_results reports first and last; gcbase/check/offload.py's
    child answers with this."""
    from gcbase.check import resultmemo

    resultmemo.store_registry()  # once per code version: what a later run needs to use the memo without Checkov
    errored: list[tuple[Any, str, str]] = []
    rows: list[Raw] = []
    for rec in _run_checkov(path, only, file, errored, graph_free, narrow_to):
        result = str(rec.check_result.get("result").name if hasattr(rec.check_result.get("result"), "name")
                     else rec.check_result.get("result"))
        if result not in (PASSED, FAILED, SKIPPED) or not rec.check_id.startswith(AWS_PREFIXES):
            continue  # only AWS checks and ours; other providers' checks never apply
        rows.append([rec.check_id, rec.resource, result, rec.check_name, list(rec.details or []), [], None])
    raised = [[check.id, address, ERRORED, getattr(check, "name", "") or "", [], [],
               {"file": check_file(check), "exception": exception}]
              for check, address, exception in {(c.id, a): (c, a, e) for c, a, e in errored}.values()]
    return rows, raised


def checkov_rows_alone(path: Path, only: Optional[list[str]], file: str = "plan") -> tuple[list[Raw], list[Raw]]:
    """checkov_rows_of_file as raw_results runs it (registries locked, collector paused): offload.py's child."""
    with _LOCK, _collector_paused():
        return checkov_rows_of_file(path, only, file)


class _Pending:
    """Checkov's rows on one plan file, asked for now, read when called (see _checkov_rows)."""

    def __init__(self, path: Path, only: Optional[list[str]], file: str, graph_free: bool,
                 narrow_to: Optional[frozenset[str]], tmp: Any = None) -> None:
        self.path, self.only, self.file, self.graph_free, self.narrow_to = path, only, file, graph_free, narrow_to
        self.tmp = tmp
        self.done: Optional[tuple[list[Raw], list[Raw]]] = None
        # the child this command started, if any, asked now, answer read when called (the fleet's graph-free and
        # narrowed runs have no child: only commands start one)
        remote = _remote() if not graph_free and narrow_to is None else None
        self.remote = remote if remote is not None and remote.send(str(path), only, file) else None
        if self.remote is None:
            self.done = checkov_rows_of_file(path, only, file, graph_free, narrow_to)

    def __call__(self) -> tuple[list[Raw], list[Raw]]:
        try:
            if self.done is None:
                got = self.remote.receive() if self.remote is not None else None
                self.done = got if got is not None else checkov_rows_of_file(self.path, self.only, self.file,
                                                                             self.graph_free, self.narrow_to)
            return self.done
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Not wanted any more (this process stopped on the plan): the child's answer would be left unread, so
        the child is closed (a later plan can never get this one's answer), and the plan file is removed."""
        if self.done is None and self.remote is not None:
            self.remote.close()
        self.remote = None
        if self.tmp is not None:
            self.tmp.cleanup()


class _Remembered:
    """Checkov's rows on a plan from the memo (gcbase/check/resultmemo.py), and one run of the checks it missed on
    the whole plan (Checkov restricted to them: the rows a full run gives them)."""

    def __init__(self, found: Any, tfplan: dict[str, Any], file: str) -> None:
        self.found = found
        self.tmp = tempfile.TemporaryDirectory(prefix="gcbase-check-")
        self.run: Optional[_Pending] = None
        self.asked = sorted({cid for _, _, ids in found.missed for cid in ids})
        try:
            if self.asked:
                path = Path(self.tmp.name) / "tfplan.json"
                path.write_text(json.dumps(tfplan, ensure_ascii=False), encoding="utf-8")
                self.run = _Pending(path, self.asked, file, False, None)
        except BaseException:
            self.abandon()
            raise

    def __call__(self) -> tuple[list[Raw], list[Raw]]:
        from gcbase.check import resultmemo

        try:
            rows: list[Raw] = [row for rows in self.found.rows.values() for row in rows]
            ran, raised = self.run() if self.run is not None else ([], [])
            asked = set(self.asked)  # nothing twice, whatever Checkov ran
            ran = [r for r in ran if r[0] in asked]
            raised = [e for e in raised if e[0] in asked]
            resultmemo.store_missed(self.found, ran, raised)
            return rows + ran, raised
        finally:
            self.abandon()

    def abandon(self) -> None:
        if self.run is not None:
            self.run.abandon()
        self.run = None
        self.tmp.cleanup()


def _registry_as_stored() -> bool:
    """Whether the checks the memo knows are the ones registered here (Checkov loaded in this process: a caller
    may have registered or removed a check in-process, which no file and so no key shows)."""
    if not _checkov.cache_info().currsize:
        return True  # not loaded here: the checks are what the files say, and the files are in the key
    from gcbase.check import resultmemo

    stored = resultmemo.stored_registry()
    return stored is not None and set(stored["reads"]) == resultmemo.live_ids()


def _remember(tfplan: dict[str, Any], rows: list[Raw], raised: list[Raw]) -> None:
    """Keep a whole run's rows in the memo, group by group (none with a check that raised)."""
    from gcbase.check import resultmemo

    if not resultmemo.enabled():
        return
    resultmemo.stored_registry.cache_clear()  # the run that just ended may have stored it
    if not _registry_as_stored():
        return
    found = resultmemo.lookup(tfplan)
    if found is not None:
        resultmemo.store_missed(found, rows, raised)


def _checkov_rows(tfplan: dict[str, Any], only: Optional[list[str]], file: str, graph_free: bool,
                  narrow_to: Optional[frozenset[str]] = None) -> Any:
    """Checkov's rows on a plan, pending (called: (rows, rows of checks that raised)). A whole run (no `only`)
    takes what the memo holds (gcbase/check/resultmemo.py) and runs only the checks it misses, on the whole plan. With a child
    process started for this command (gcbase/check/offload.py) each run is handed to it now and its answer read
    when the pending is called, so this process does its own checks meanwhile; else (or when the child fails)
    they are made here, now. Both run checkov_rows_of_file on the same JSON text."""
    if only is None and not graph_free and narrow_to is None:
        from gcbase.check import resultmemo

        found = resultmemo.lookup(tfplan) if resultmemo.enabled() and _registry_as_stored() else None
        if found is not None:
            return _Remembered(found, tfplan, file)
    tmp = tempfile.TemporaryDirectory(prefix="gcbase-check-")
    path = Path(tmp.name) / "tfplan.json"
    try:
        path.write_text(json.dumps(graphfree.narrowed(tfplan, only or ()) if graph_free else tfplan,
                                   ensure_ascii=False), encoding="utf-8")
        return _Pending(path, only, file, graph_free, narrow_to, tmp=tmp)
    except BaseException:
        tmp.cleanup()
        raise


def _remote() -> Any:
    """The child that runs Checkov for this command, when one was started and Checkov is not loaded here."""
    if _checkov.cache_info().currsize:
        return None
    from gcbase.check import offload

    return offload.child()


def _known() -> Optional[dict[str, Any]]:
    """What Checkov's registries say (the types they cover, their names) when Checkov is not loaded here: kept on
    disk for this code (gcbase/check/resultmemo.py), else from the child that loads it for this command."""
    if _checkov.cache_info().currsize:
        return None
    from gcbase.check import resultmemo

    stored = resultmemo.stored_registry()
    if stored is not None:
        return stored
    remote = _remote()
    return remote.hello() if remote is not None else None


def checkov_names() -> dict[str, str]:
    """Checkov's own (English) names of its checks (resource checks and graph policies): from the registries
    this process loaded, else as kept on disk or from the child that loaded them for it (_known), else none (a
    report built from results alone)."""
    import sys

    known = _known()
    if known is not None:
        return dict(known["names"])
    if "checkov.terraform.checks.resource.registry" not in sys.modules:
        return {}
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    names = {c.id: c.name for _, c in resource_registry.all_checks()}
    names.update({c.id: c.name for c in get_graph_checks_registry("terraform").checks if getattr(c, "name", None)})
    return names


def check_file(check: Any) -> str:
    """The source file of a check object (policies/..., or wherever a test defined it)."""
    if getattr(check, "source_file", ""):
        return str(check.source_file)
    try:
        return inspect.getsourcefile(type(check)) or str(getattr(check, "id", "") or type(check).__name__)
    except TypeError:  # a class without a file (built-in or made at run time)
        return str(getattr(check, "id", "") or type(check).__name__)


def _errored(check: Any, check_id: str, resource: str, exception: str, title_en: str,
             urns: dict[str, str], file: Optional[str] = None) -> Finding:
    """A check that raised on a resource: ERRORED, with the check's file and the exception."""
    finding = _finding(check_id, resource, ERRORED, title_en,
                       [f"the check raised ({exception}); it was not evaluated"], urns)
    finding.error = {"file": file if file is not None else check_file(check), "exception": exception}
    return finding


def _finding(check_id: str, resource: str, result: str, title_en: str, details: Iterable[str],
             urns: dict[str, str], path: Iterable[dict[str, str]] = ()) -> Finding:
    meta = load_catalogue().meta(check_id, title_en)
    return Finding(
        check_id=check_id, resource=resource, result=result, severity=meta.severity,
        requirements=list(meta.requirements), title_ja=meta.title_ja, title_en=meta.title_en or title_en,
        remediation=dict(meta.remediation), urn=next((urns[p] for p in resource.split(" -> ") if p in urns), None),
        source="checkov" if meta.kind == "builtin" else "gcbase", details=[d for d in details if d],
        path=[dict(h) for h in path])


def raw_results(tfplan: dict[str, Any], *, only: Optional[list[str]] = None, meta: Optional[dict[str, Any]] = None,
                file: str = "plan", intent: Any = None, graph_free: bool = False) -> list[Raw]:
    """Every check's results on one Terraform plan JSON (or only those of `only`), as Raw rows in the order
    run_tfplan reports them: Checkov's records, the plan-level checks, the checks that raised.
    graph_free: when every Checkov check of `only` is one gcbase/check/graphfree.py may run without Checkov's
    graph, run them so; else when they are graph policies (and such resource checks) gcbase/check/graphnarrow.py
    may run on the plan narrowed to the types they read, run them so (the fleet's re-check after one policy
    changed; same rows)."""
    if not isinstance(tfplan, dict) or "planned_values" not in tfplan:
        raise GcbaseError.one(file, "", "not a Terraform plan JSON (no planned_values)")
    plan_level = {c.id for c in plan_checks()}
    with _LOCK, _collector_paused():  # one plan's garbage is collected after it, not during it
        # Checkov runs unless only plan-level checks are asked for (it would report none of them)
        free = bool(graph_free and only and graphfree.covers(set(only) - plan_level))
        narrow_to = (graphnarrow.types_for(set(only) - plan_level)
                     if graph_free and only and not free and graphnarrow.applies(tfplan) else None)
        pending = (_checkov_rows(tfplan, only, file, free, narrow_to) if not only or set(only) - plan_level
                   else None)
        try:
            rows = _plan_level_rows(tfplan, only, meta, intent)
        except BaseException:
            if pending is not None:
                pending.abandon()
            raise
        if pending is not None:  # Checkov's rows first, those of checks that raised last (as run_tfplan reports them)
            checkov, raised = pending()
            if only is None and isinstance(pending, _Pending):  # a whole run the memo could not serve: kept for later
                _remember(tfplan, checkov, raised)
            # one order whatever produced them (Checkov runs graph policies in threads; the memo joins groups)
            checkov = sorted(checkov, key=lambda r: (r[0], r[1], r[2], json.dumps(r[4], ensure_ascii=False)))
            rows = checkov + rows + raised
    return rows


def _plan_level_rows(tfplan: dict[str, Any], only: Optional[list[str]], meta: Optional[dict[str, Any]],
                     intent: Any) -> list[Raw]:
    """The plan-level checks' rows (gcbase/check/plancheck.py), in their order."""
    rows: list[Raw] = []
    if intent is None and isinstance((meta or {}).get("intent"), dict):
        from gcbase.intent import Intent

        intent = Intent.from_dict(meta["intent"])
    index = None  # built for the first plan-level check that runs (none may: a re-check of one Checkov check)
    for check in plan_checks():
        if only and check.id not in only:
            continue
        if index is None:
            index = PlanIndex(tfplan, intent, str((meta or {}).get("scope") or "tenancy"))
        try:
            outcomes = check.run(index)
        except Exception as err:  # noqa: BLE001 - not on one resource: the whole plan is ERRORED for it
            outcomes = [Outcome(PLAN_ADDRESS, ERRORED, f"{type(err).__name__}: {err}")]
        for out in outcomes:
            if out.result == ERRORED:
                rows.append([check.id, out.resource, ERRORED, "", [], [],
                             {"file": check_file(check), "exception": out.detail}])
            else:
                rows.append([check.id, out.resource, out.result, "", [out.detail], [dict(h) for h in out.path],
                             None])
    return rows


def assemble(rows: Iterable[Raw], tfplan: dict[str, Any], *, stack: str = "", source: str = "tf-plan",
             waivers: Optional[tuple[Waiver, ...]] = None, only: Optional[list[str]] = None,
             meta: Optional[dict[str, Any]] = None) -> CheckReport:
    """The report of Raw rows: each mapped to its requirements through the catalogue, then the waivers applied."""
    catalogue = load_catalogue()
    gc = tfplan.get("gcbase") or {}
    # address -> urn; "urns" also covers what the exporter split off a resource (inline role
    # policies, policy attachments), which "addresses" (urn -> address) cannot name
    urns = {addr: urn for urn, addr in (gc.get("addresses") or {}).items()}
    urns.update({addr: urn for addr, urn in (gc.get("urns") or {}).items() if isinstance(urn, str)})
    findings: list[Finding] = []
    for check_id, resource, result, title, details, path, error in rows:
        if error is not None:
            findings.append(_errored(None, check_id, resource, error["exception"], title, urns, error["file"]))
        else:
            findings.append(_finding(check_id, resource, result, title, details, urns, path))
    if waivers is None:  # gcbase's shared waivers were approved for gcbase's own plans only (as in the CLI)
        from gcbase.waivers import exported_by_gcbase

        waivers = default_waivers() if exported_by_gcbase(tfplan) else ()
    unused = apply_waivers(findings, waivers)
    seen = {f.check_id for f in findings}
    expected = [m.id for m in catalogue.checks.values() if not only or m.id in only]
    return CheckReport(
        stack=stack or str(gc.get("stack") or ""), source=source or str(gc.get("source") or ""),
        findings=findings, not_run=sorted((c for c in expected if c not in seen), key=check_sort_key),
        not_checked=list(gc.get("not_checked") or []), unused_waivers=unused, meta=dict(meta or {}), partial=bool(only))


def run_tfplan(tfplan: dict[str, Any], *, stack: str = "", source: str = "tf-plan",
               waivers: Optional[tuple[Waiver, ...]] = None, only: Optional[list[str]] = None,
               meta: Optional[dict[str, Any]] = None, file: str = "plan", intent: Any = None) -> CheckReport:
    """Every built-in AWS check and every gcbase check on one Terraform plan JSON.

    `only` restricts the run to some check ids (fixture tests); waivers default to the shared ones
    of baselines/waivers.yaml for a plan gcbase exported from its own program, to none for any other
    (pass () for none, or a tuple); `file` names the plan in errors. `intent` (gcbase.intent.Intent) is
    what the stack declares, which the network and trust analyses prove the plan against; by default the
    one in `meta`, else none (the analyses then say what they could not decide).
    """
    rows = raw_results(tfplan, only=only, meta=meta, file=file, intent=intent)
    return assemble(rows, tfplan, stack=stack, source=source, waivers=waivers, only=only, meta=meta)


def run_plan(plan: Any, **kwargs: Any) -> CheckReport:
    """Export a gcbase Plan to Terraform plan JSON and check it."""
    from gcbase.tfplan import export

    return run_tfplan(export(plan), stack=plan.stack, source=plan.source, meta=dict(plan.meta), **kwargs)


__all__ = ["run_tfplan", "run_plan", "raw_results", "assemble", "PLAN_ADDRESS", "OFFLINE_ENV"]
