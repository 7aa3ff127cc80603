"""Stack exports and previews in the shapes the Pulumi CLI really writes (pulumi/pulumi
sdk/go/common/apitype/core.go): `null` where Go writes a nil slice or map, and the older
deployment versions 1 and 2 (no propertyDependencies; V1 also without providers)."""

from __future__ import annotations

import copy
import json

import pytest

from gcbase.errors import GcbaseError
from gcbase.synth.importers import from_preview, from_stack_export
from helpers import ROOT

FIXTURES = ROOT / "tests" / "synth" / "fixtures"
EXPORT = json.loads((FIXTURES / "stack-export.json").read_text(encoding="utf-8"))
PREVIEW = json.loads((FIXTURES / "preview.json").read_text(encoding="utf-8"))


def _write(tmp_path, doc, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _shape(plan):
    return {r.urn: (r.type, r.inputs, r.outputs, r.dependencies, r.property_dependencies, r.parent, r.provider)
            for r in plan.resources}


def test_null_property_dependencies_and_nil_lists_are_read_as_empty(tmp_path):
    doc = copy.deepcopy(EXPORT)
    for res in doc["deployment"]["resources"]:
        for key, urns in (res.get("propertyDependencies") or {}).items():
            if not urns:
                res["propertyDependencies"][key] = None  # a nil []URN, as Go's encoding/json writes it
        res.setdefault("dependencies", None)
        res.setdefault("initErrors", None)
        res.setdefault("additionalSecretOutputs", None)
    assert any(v is None for r in doc["deployment"]["resources"] for v in (r.get("propertyDependencies") or {}).values())
    assert _shape(from_stack_export(_write(tmp_path, doc))) == _shape(from_stack_export(FIXTURES / "stack-export.json"))


def test_a_null_property_dependency_in_a_preview_is_read(tmp_path):
    doc = copy.deepcopy(PREVIEW)
    step = next(s for s in doc["steps"] if (s.get("newState") or {}).get("propertyDependencies"))
    key = next(iter(step["newState"]["propertyDependencies"]))
    step["newState"]["propertyDependencies"][key] = None
    step["oldState"] = None
    doc["diagnostics"] = None
    plan = from_preview(_write(tmp_path, doc, "preview.json"))
    assert next(r for r in plan.resources if r.urn == step["urn"]).property_dependencies[key] == []


def test_property_dependencies_of_the_wrong_kind_are_still_refused(tmp_path):
    doc = copy.deepcopy(EXPORT)
    res = next(r for r in doc["deployment"]["resources"] if r.get("propertyDependencies"))
    res["propertyDependencies"][next(iter(res["propertyDependencies"]))] = "urn:pulumi:dev::x::t::n"
    with pytest.raises(GcbaseError, match="propertyDependencies: expected an object of URN lists"):
        from_stack_export(_write(tmp_path, doc))


@pytest.mark.parametrize("version", [1, 2])
def test_older_deployment_versions_are_read_with_pulumis_own_migration(version, tmp_path):
    doc = copy.deepcopy(EXPORT)
    doc["version"] = version
    deployment = doc["deployment"]
    deployment.pop("secrets_providers")
    if version == 1:
        deployment.pop("pending_operations")
    for res in deployment["resources"]:
        res.pop("propertyDependencies", None)
        for key in ("created", "modified", "sourcePosition", "additionalSecretOutputs"):
            res.pop(key, None)
        res["dependencies"] = res.get("dependencies") or None
        if version == 1:
            res["defaults"] = {}
            res["initErrors"] = None
    plan = from_stack_export(_write(tmp_path, doc))
    current = from_stack_export(FIXTURES / "stack-export.json")
    assert sorted(r.urn for r in plan.resources) == sorted(r.urn for r in current.resources)
    policy = next(r for r in plan.resources if r.type == "aws:s3/bucketPolicy:BucketPolicy")
    deps = policy.dependencies
    assert deps and policy.property_dependencies == {k: deps for k in policy.inputs}  # every input on every dependency
    bucket = next(r for r in plan.resources if r.type == "aws:s3/bucket:Bucket")
    assert bucket.property_dependencies == {}  # no dependencies, none per property


def test_an_unknown_version_is_one_line(tmp_path):
    doc = copy.deepcopy(EXPORT)
    doc["version"] = 5
    with pytest.raises(GcbaseError, match="version: 5 is not supported; allowed: 1, 2, 3, 4"):
        from_stack_export(_write(tmp_path, doc))
