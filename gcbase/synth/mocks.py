"""Run a Pulumi Python program in-process under the SDK's mocks and capture its plan.

No CLI, no engine, no cloud: the SDK's MockMonitor stands in for the engine. We subclass
it to keep what the stock monitor drops (parent, provider, dependencies, per-property
dependencies, secrets) and answer with deterministic ids and ARNs so that references
between resources resolve the way they would after `pulumi up`.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Optional

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import resource as presource
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime import settings as psettings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from gcbase.model import SECRET_MASK, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN, Plan, Resource, provider_config
from gcbase.synth import defaults, ids, invokes, preview


def _unwrap(value: Any, mask_secrets: bool = True) -> Any:
    """Turn a protobuf-derived value into plain JSON, masking secrets and resource refs."""
    if isinstance(value, dict):
        sig = value.get(SECRET_SIG_KEY)
        if sig == SECRET_SIG:
            return SECRET_MASK if mask_secrets else _unwrap(value.get("value"), mask_secrets)
        if sig is not None and "urn" in value:  # resource reference
            return value.get("id") or value["urn"]
        if sig is not None and "value" in value:  # output value with metadata
            if value.get("secret"):
                return SECRET_MASK
            return _unwrap(value.get("value"), mask_secrets)
        return {k: _unwrap(value[k], mask_secrets) for k in sorted(value)}  # protobuf maps have no order
    if isinstance(value, list):
        return [_unwrap(v, mask_secrets) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value



def _struct(msg) -> dict[str, Any]:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True) if msg is not None else {}


class _CaptureMocks(pmocks.Mocks):
    def __init__(self, monitor_ref: "CaptureMonitor"):
        self.monitor = monitor_ref

    def new_resource(self, args: pmocks.MockResourceArgs):
        return self.monitor.answer(args)

    def call(self, args: pmocks.MockCallArgs):
        result, answered = invokes.answer(args.token, args.args, self.monitor.provider_for(args.provider, args.token))
        if not answered:
            with self.monitor._lock:
                self.monitor.unanswered.append(args.token)
        return result, []


class CaptureMonitor(pmocks.MockMonitor):
    """MockMonitor that records every registration in full.

    preview: answer as `pulumi preview` does (computed values unknown) instead of as after `pulumi up`.
    default_providers: package -> the configuration of its default provider (from `<package>:*` config),
    which a resource declared without an explicit provider uses, as the engine's default provider does.
    """

    def __init__(self, preview: bool = False, default_providers: Optional[dict[str, dict]] = None):
        super().__init__(_CaptureMocks(self))
        self._lock = threading.Lock()
        self.preview = preview
        self.default_providers = default_providers or {}
        self.captured: dict[str, Resource] = {}
        self.provider_inputs: dict[str, dict] = {}  # provider ref "urn::id" -> inputs
        self.stack_outputs: dict[str, Any] = {}
        self.invokes: list[str] = []
        self.unanswered: list[str] = []  # invokes with no offline answer
        self.remote: dict[str, dict] = {}  # multi-language components (not expanded): urn -> inputs
        # MockResourceArgs has no `remote` flag: RegisterResource notes it for answer(), on the same thread
        self._remote_request = threading.local()

    def provider_for(self, ref: Optional[str], token: str) -> dict:
        """The configuration of the provider a registration or invoke uses (explicit, else default)."""
        if ref:
            return self.provider_inputs.get(ref, {})
        return self.default_providers.get(token.split(":", 1)[0], {})

    # Called by the mocks (inside super().RegisterResource) with the deserialized inputs.
    def answer(self, args: pmocks.MockResourceArgs):
        provider = self.provider_for(args.provider, args.typ)
        if getattr(self._remote_request, "remote", False):  # its provider's Construct makes its outputs: none offline
            return "", {}
        rid, state = ids.synthesize(args.typ, args.name, args.inputs, provider, args.custom)
        if self.preview and args.custom and not args.typ.startswith("pulumi:providers:"):
            return preview.planned(args.inputs, state)
        return rid, state

    def RegisterResource(self, request):
        self._remote_request.remote = bool(request.remote)
        resp = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            with self._lock:
                self.stack_urn = resp.urn
            return resp
        raw_inputs = _unwrap(_struct(request.object))
        state = _unwrap(_struct(resp.object)) if resp.object else {}
        res = Resource(
            urn=resp.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            provider=request.provider or None,
            id=resp.id or (UNKNOWN if self.preview and request.custom else None),
            inputs=raw_inputs,
            outputs=state,
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
        )
        with self._lock:
            if request.type.startswith("pulumi:providers:"):
                res.inputs = res.outputs = provider_config(raw_inputs)
                self.provider_inputs[f"{resp.urn}::{resp.id}"] = res.inputs
            self.captured[resp.urn] = res
            if request.remote:  # a multi-language component: its provider would build what it stands for
                self.remote[resp.urn] = raw_inputs
        return resp

    def RegisterResourceOutputs(self, request):
        outputs = _unwrap(_struct(request.outputs))
        with self._lock:
            res = self.captured.get(request.urn)
            if res is not None and not res.custom:
                res.outputs = outputs
            elif request.urn == getattr(self, "stack_urn", None):
                self.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request):
        with self._lock:
            self.invokes.append(request.tok)
        return super().Invoke(request)

    # Resource references. With them, a resource passed as an input reaches the monitor as a reference,
    # and the stock MockMonitor rebuilds a resource object from it in the executor thread that runs
    # RegisterResource, on that thread's own event loop: its getResource call becomes an RPC the main
    # loop then awaits ("Task ... got Future ... attached to a different loop"), at random, about 4 runs in
    # 10 (pulumi.runtime.test fails the same way on such a program). Without the feature the SDK sends what
    # the plan records anyway, the id of a custom resource and the URN of a component (_unwrap turns a
    # reference into exactly that), and the dependencies are the same: nothing runs outside the main loop.
    def GetDeploymentInfo(self, request):
        info = super().GetDeploymentInfo(request)
        kept = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]
        del info.supportedFeatures[:]
        info.supportedFeatures.extend(kept)
        return info

    def SupportsFeature(self, request):
        if request.id == "resourceReferences":
            return type("SupportsFeatureResponse", (object,), {"hasSupport": False})
        return super().SupportsFeature(request)


_RUN_LOCK = threading.Lock()  # the Pulumi runtime's settings are process-global


def _no_stack_trace() -> source_pb2.StackTrace:
    """Plans carry no source positions; the SDK's walk of the call stack for every resource
    costs about a sixth of a synth (scripts/bench-synth), so it is skipped under the mocks."""
    return source_pb2.StackTrace()


def run(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: Optional[dict[str, Any]] = None,
    secret_keys: Optional[list[str]] = None,
    source: str = "synth",
    preview_mode: bool = False,
) -> Plan:
    """Run `program` (a callable that declares resources) and return the captured Plan.

    config keys are full Pulumi keys ("gcbase:network"); non-string values are passed as
    JSON, as the Pulumi CLI does for structured config. preview_mode: computed values stay
    unknown, as under `pulumi preview` (gcbase/synth/preview.py); otherwise the mocks answer
    with deterministic values, as after `pulumi up`.
    """
    with _RUN_LOCK:
        provider_defaults = defaults.configs(config or {})
        monitor = CaptureMonitor(preview=preview_mode, default_providers=provider_defaults)
        flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
        set_all_config(flat, secret_keys=list(secret_keys or []))
        psettings.ROOT.set(None)  # a new root stack per run
        pmocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview_mode, monitor=monitor)
        psettings.ROOT.set(None)  # set_mocks made and finished one; run_in_stack makes ours
        psettings.SETTINGS.rpc_manager.clear()
        psettings.SETTINGS.outputs.clear()
        stack_trace, presource._get_stack_trace = presource._get_stack_trace, _no_stack_trace
        # A run allocates ~250k long-lived objects (SDK classes, resources, outputs); the cyclic
        # collector's passes over them cost a third of a synth. Collection is paused during the run
        # and everything it made is then handed to the oldest generation (freeze + unfreeze), where
        # the next full collection sees it, instead of one young collection scanning all of it now.
        # A caller that runs with the collector off manages it itself (fleet workers: they freeze
        # their imports once and collect each stack's garbage after it), and the run leaves it so.
        collecting = gc.isenabled()
        gc.disable()
        try:
            _sync_await(run_in_stack(program))
        finally:
            presource._get_stack_trace = stack_trace
            if collecting:
                gc.freeze()
                gc.unfreeze()
                gc.enable()
            psettings.ROOT.set(None)
        resources = defaults.add(list(monitor.captured.values()), provider_defaults, project, stack)
        # Registration order depends on thread scheduling: sort so equal programs give equal plans.
        resources.sort(key=lambda r: r.urn)
        for res in resources:
            res.dependencies = sorted(set(res.dependencies))
            res.property_dependencies = {k: sorted(set(v)) for k, v in sorted(res.property_dependencies.items())}
        return Plan(project=project, stack=stack, source=source, resources=resources,
                    outputs=monitor.stack_outputs, meta=_meta(monitor, resources))


def _meta(monitor: CaptureMonitor, resources: list[Resource]) -> dict[str, Any]:
    """What the plan says about how it was captured: invokes (answered or not), the multi-language
    components left unexpanded, and in preview mode every value that stays unknown."""
    meta: dict[str, Any] = {"invokes": sorted(set(monitor.invokes))}
    if monitor.unanswered:
        meta["invokesUnanswered"] = sorted(set(monitor.unanswered))
    if monitor.remote:
        meta["notExpanded"] = [{"urn": r.urn, "type": r.type, "inputs": r.inputs}
                               for r in resources if r.urn in monitor.remote]
    if monitor.preview:
        meta["mode"] = "preview"
        meta["unknowns"] = sorted(p for r in resources for part in ("inputs", "outputs")
                                  for p in preview.unknown_paths(getattr(r, part), f"{r.urn} {part}"))
    return meta


def run_file(main_py: Path, cwd: Optional[Path] = None, **kwargs) -> Plan:
    """Run a Pulumi program file (its __main__.py) as the Pulumi language host would: its directory
    first on the import path, the working directory the project's (cwd; restored afterwards), so a
    program reading `./www` or `open("index.html")` finds its files."""
    main_py = Path(main_py).resolve()
    program_dir = str(main_py.parent)

    def program():
        added = program_dir not in sys.path
        if added:
            sys.path.insert(0, program_dir)
        try:
            runpy.run_path(str(main_py), run_name="__main__")
        finally:
            if added:
                sys.path.remove(program_dir)

    before = os.getcwd()
    if cwd is not None:  # for the whole run: `apply` callbacks run after the program's body returns
        os.chdir(cwd)
    try:
        return run(program, **kwargs)
    finally:
        os.chdir(before)


__all__ = ["run", "run_file", "CaptureMonitor", "pulumi"]
