"""Import what the Pulumi CLI printed into gcbase's Plan model.

Two formats, read as the CLI writes them (pulumi/pulumi, read for the field names only):
  `pulumi preview --json` -> PreviewDigest {config, steps: [PreviewStep], diagnostics, changeSummary};
      each step {op, urn, provider, oldState, newState: ResourceV3, ...}; secrets already "[secret]",
      values unknown until apply are the placeholder string model.UNKNOWN.
  `pulumi stack export`   -> UntypedDeployment {version, deployment: DeploymentV3 {manifest,
      secrets_providers, resources: [ResourceV3], pending_operations}}; secrets are
      {SECRET_SIG_KEY: SECRET_SIG, "ciphertext"|"plaintext": ...}.
Every secret becomes SECRET_MASK (ciphertext and plaintext are never kept); unknowns keep the
UNKNOWN marker and are listed in plan.meta["unknowns"]; any malformed input is one GcbaseError
line naming the file and the key path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gcbase.errors import GcbaseError
from gcbase.inputs import read_json
from gcbase.model import SECRET_MASK, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN, Plan, Resource, provider_config

MAX_BYTES = 512 * 1024 * 1024  # stack exports of large stacks run to tens of MB
STACK_TYPE = "pulumi:pulumi:Stack"
# DeploymentV1 and V2 (older CLIs; resources without propertyDependencies, V1 also without providers),
# V3, and 4 = the V3 body with opt-in "features" (sdk/go/common/apitype/core.go)
EXPORT_VERSIONS = (1, 2, 3, 4)
# Signatures of the special values in serialized properties (sdk/go/common/resource/sig).
_SIG_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e"
_SIG_OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_SIG_ASSET = "c44067f5952c0a294b673a41bacd8c17"
_SIG_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7"
# Preview ops whose step removes a resource (no newState): nothing to check.
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")  # Pulumi stack and project names (the CLI refuses others)
_GONE_OPS = {"delete", "delete-replaced", "discard", "discard-replaced", "read-discard",
             "remove-pending-replace"}


class _Reader:
    """Walks one document, cleaning values and naming the exact key path in every error."""

    def __init__(self, path: Path):
        self.file = str(path)
        self.unknowns: list[str] = []
        self.migrate = False  # an export older than DeploymentV3 (no propertyDependencies)

    def fail(self, key: str, message: str) -> GcbaseError:
        return GcbaseError.one(self.file, key, message)

    def load(self, what: str) -> Any:
        # `pulumi ... > file` in Windows PowerShell writes UTF-16 with a BOM: gcbase.inputs reads it
        return read_json(self.file, what, MAX_BYTES)

    def need(self, obj: dict, key: str, kind: type, where: str, *, required: bool = True) -> Any:
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(_join(where, key), "missing")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(_join(where, key), f"expected {_kind(kind)}, found {_kind(type(value))}")
        return value

    def clean(self, value: Any, where: str) -> Any:
        """Plain JSON with every secret masked, references by id, unknowns recorded."""
        if isinstance(value, dict):
            sig = value.get(SECRET_SIG_KEY)
            if sig is None:
                return {k: self.clean(v, f"{where}.{k}") for k, v in value.items()}
            if sig == SECRET_SIG:
                return SECRET_MASK
            if sig == _SIG_RESOURCE_REF:
                ref = value.get("id") or value.get("urn")
                return self.clean(ref, where)
            if sig == _SIG_OUTPUT:
                if value.get("secret"):
                    return SECRET_MASK
                return self.clean(value["value"], where) if "value" in value else self.clean(UNKNOWN, where)
            if sig in (_SIG_ASSET, _SIG_ARCHIVE):
                return {k: self.clean(v, f"{where}.{k}") for k, v in value.items() if k != SECRET_SIG_KEY}
            raise self.fail(where, f"unknown Pulumi value signature {sig!r}; allowed: secret, resource "
                                   "reference, output, asset, archive")
        if isinstance(value, list):
            return [self.clean(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if value == UNKNOWN:
            self.unknowns.append(where)
        return value

    def resource(self, state: Any, where: str) -> Resource:
        """One ResourceV3 object -> Resource."""
        if not isinstance(state, dict):
            raise self.fail(where, f"expected an object (a resource), found {_kind(type(state))}")
        urn = self.need(state, "urn", str, where)
        if not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
            raise self.fail(_join(where, "urn"),
                            f"{urn!r} is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)")
        rtype = self.need(state, "type", str, where)
        custom = state.get("custom", False)
        if not isinstance(custom, bool):
            raise self.fail(_join(where, "custom"), f"expected true or false, found {_kind(type(custom))}")
        for key in ("id", "parent", "provider"):
            self.need(state, key, str, where, required=False)
        deps = self.need(state, "dependencies", list, where, required=False) or []
        prop_deps = self.need(state, "propertyDependencies", dict, where, required=False) or {}
        if not all(isinstance(d, str) for d in deps):
            raise self.fail(_join(where, "dependencies"), "expected a list of URNs")
        # Go writes a property whose URN list is nil as null (`"vpcId": null`): no dependencies
        if not all(v is None or (isinstance(v, list) and all(isinstance(u, str) for u in v)) for v in prop_deps.values()):
            raise self.fail(_join(where, "propertyDependencies"), "expected an object of URN lists (or null)")
        prop_deps = {k: v or [] for k, v in prop_deps.items()}
        provider = state.get("provider") or None
        # the provider's type is the URN's last type segment: "::pulumi:providers:aws::", or
        # "...$pulumi:providers:aws::" for a provider declared inside a component (gcbase's own)
        if provider and not re.search(r"(::|\$)pulumi:providers:[^:$]+::", provider):
            raise self.fail(_join(where, "provider"), f"{provider!r} is not a provider reference "
                                                      "(<urn of a pulumi:providers:* resource>::<id>)")
        label = f"{urn} "
        inputs = self.clean(self.need(state, "inputs", dict, where, required=False) or {}, label + "inputs")
        outputs = self.clean(self.need(state, "outputs", dict, where, required=False) or {}, label + "outputs")
        for key in self.need(state, "additionalSecretOutputs", list, where, required=False) or []:
            if key in outputs:  # declared secret by the program: never shown, whatever the file says
                outputs[key] = SECRET_MASK
        if rtype.startswith("pulumi:providers:"):
            inputs, outputs = provider_config(inputs), provider_config(outputs)
        if self.migrate and "propertyDependencies" not in state:  # ResourceV1/V2: Pulumi's own migration to V3
            prop_deps = {k: list(deps) for k in inputs} if deps else {}
        rid = state.get("id") or None
        if rid == UNKNOWN:
            self.unknowns.append(label + "id")
        return Resource(urn=urn, type=rtype, name=urn.split("::", 3)[3], custom=custom,
                        parent=state.get("parent") or None, provider=provider, id=rid,
                        inputs=inputs, outputs=outputs, dependencies=list(deps),
                        property_dependencies={k: list(v) for k, v in prop_deps.items()})

    def plan(self, resources: list[Resource], source: str, key: str) -> Plan:
        root = next((r for r in resources if r.type == STACK_TYPE), None)
        anchor = root or (resources[0] if resources else None)
        if anchor is None:
            raise self.fail(key, "no resources; nothing to import (has the stack been deployed or previewed?)")
        stack, project = anchor.urn[len("urn:pulumi:"):].split("::", 2)[:2]
        if not NAME.match(stack) or not NAME.match(project) or stack in (".", ".."):  # names output files
            raise self.fail(f"{anchor.urn} urn", "the stack or project name is not a Pulumi name "
                                                 "(letters, digits, '-', '_', '.')")
        plan = Plan(project=project, stack=stack, source=source,
                    resources=[r for r in resources if r.type != STACK_TYPE],
                    outputs=root.outputs if root else {})
        plan.meta.update({"file": self.file, "unknowns": sorted(set(self.unknowns))})
        return plan


def from_preview(path: Path | str) -> Plan:
    """`pulumi preview --json` output -> Plan (the resources as they will be after the update)."""
    reader = _Reader(Path(path))
    return _preview(reader, reader.load("`pulumi preview --json` output"))


def from_preview_document(doc: Any, label: str) -> Plan:
    """A preview document already in memory (the policy pack builds one from what the Pulumi engine
    hands it) -> Plan, read by the same rules as a file; `label` names it in error lines."""
    return _preview(_Reader(Path(label)), doc)


def _preview(reader: _Reader, doc: Any) -> Plan:
    if not isinstance(doc, dict):
        raise reader.fail("", f"expected a JSON object (pulumi preview --json), found {_kind(type(doc))}")
    if "deployment" in doc and "steps" not in doc:
        raise reader.fail("steps", "missing; this looks like `pulumi stack export` output (use --stack-export)")
    steps = reader.need(doc, "steps", list, "")
    for i, diag in enumerate(reader.need(doc, "diagnostics", list, "", required=False) or []):
        if isinstance(diag, dict) and diag.get("severity") == "error":  # the steps are incomplete
            first = str(diag.get("message") or "").strip().splitlines()[:1] or ["(no message)"]
            raise reader.fail(f"diagnostics[{i}]", f"the preview failed ({first[0]}); fix it and preview again")
    by_urn: dict[str, Resource] = {}
    ops: dict[str, str] = {}
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        if not isinstance(step, dict):
            raise reader.fail(where, f"expected an object (a preview step), found {_kind(type(step))}")
        op = reader.need(step, "op", str, where)
        reader.need(step, "urn", str, where)
        if op in _GONE_OPS:
            continue
        new = reader.need(step, "newState", dict, where)
        res = reader.resource(new, f"{where}.newState")
        res.provider = res.provider or reader.need(step, "provider", str, where, required=False) or None
        by_urn[res.urn] = res  # a replacement lists one URN several times; the last state wins
        ops[res.urn] = "replace" if op in ("create-replacement", "replace") else op
    plan = reader.plan(list(by_urn.values()), "preview", "steps")
    plan.meta["operations"] = {r.urn: ops[r.urn] for r in plan.resources}  # create | update | same | replace | ...
    summary = doc.get("changeSummary")
    if isinstance(summary, dict):
        plan.meta["changeSummary"] = {k: v for k, v in summary.items() if isinstance(v, int)}
    return plan


def from_stack_export(path: Path | str) -> Plan:
    """`pulumi stack export` output -> Plan (the resources as recorded after the last update)."""
    reader = _Reader(Path(path))
    doc = reader.load("`pulumi stack export` output")
    if not isinstance(doc, dict):
        raise reader.fail("", f"expected a JSON object (pulumi stack export), found {_kind(type(doc))}")
    if "steps" in doc and "deployment" not in doc:
        raise reader.fail("deployment", "missing; this looks like `pulumi preview --json` output (use --preview)")
    version = reader.need(doc, "version", int, "")
    if version not in EXPORT_VERSIONS:
        raise reader.fail("version", f"{version} is not supported; allowed: {', '.join(map(str, EXPORT_VERSIONS))} "
                                     "(export again with a current Pulumi CLI)")
    reader.migrate = version < 3
    deployment = reader.need(doc, "deployment", dict, "")
    manifest = reader.need(deployment, "manifest", dict, "deployment")
    reader.need(deployment, "secrets_providers", dict, "deployment", required=False)
    items = reader.need(deployment, "resources", list, "deployment", required=False) or []
    resources = []
    for i, item in enumerate(items):
        res = reader.resource(item, f"deployment.resources[{i}]")
        if not item.get("delete"):  # an old copy waiting for deletion is not part of the stack
            resources.append(res)
    plan = reader.plan(resources, "stack-export", "deployment.resources")
    plan.meta["pulumiVersion"] = manifest.get("version") if isinstance(manifest.get("version"), str) else None
    features = doc.get("features")
    if isinstance(features, list):
        plan.meta["features"] = [f for f in features if isinstance(f, str)]
    pending = deployment.get("pending_operations")
    if isinstance(pending, list) and pending:
        plan.meta["pendingOperations"] = len(pending)
    return plan



def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(kind: type) -> str:
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer", float: "a number",
             bool: "true or false", type(None): "null"}
    return names.get(kind, kind.__name__)


__all__ = ["from_preview", "from_preview_document", "from_stack_export"]
