"""The engine's resources -> the preview document: unknowns stay unknown, numbers as JSON writes
them, proxies unwrapped, providers and references kept."""

from __future__ import annotations

from types import SimpleNamespace as NS

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, unknown_checking_proxy

from gcbase.model import UNKNOWN
from gcbase.policypack.resources import raw, to_preview_document
from gcbase.synth.importers import from_preview_document

PROVIDER = NS(resource_type="pulumi:providers:aws", urn="urn:pulumi:s::p::pulumi:providers:aws::default",
              name="default", props={"region": "ap-northeast-1"})


def resource(name, rtype, props, **kw):
    return NS(resource_type=rtype, urn=f"urn:pulumi:s::p::{rtype}::{name}", name=name,
              props=unknown_checking_proxy(props), provider=kw.get("provider", PROVIDER), parent=None,
              dependencies=kw.get("dependencies", []), property_dependencies=kw.get("property_dependencies", {}))


def test_every_unknown_sentinel_is_gcbase_unknown():
    props = unknown_checking_proxy({"a": UNKNOWN_BOOLEAN_VALUE, "b": [UNKNOWN_NUMBER_VALUE],
                                    "c": {"d": UNKNOWN_OBJECT_VALUE}})
    assert raw(props) == {"a": UNKNOWN, "b": [UNKNOWN], "c": {"d": UNKNOWN}}


def test_integral_numbers_come_back_as_integers():
    assert raw({"days": 365.0, "ratio": 0.5}) == {"days": 365, "ratio": 0.5}


def test_an_object_gcbase_cannot_read_is_unknown_not_dropped():
    assert raw({"x": object()}) == {"x": UNKNOWN}


def test_document_reads_as_a_preview_with_provider_parent_and_references():
    bucket = resource("logs", "aws:s3/bucketV2:BucketV2", {"id": "logs-1", "bucket": "logs"})
    policy = resource("logs-policy", "aws:s3/bucketPolicy:BucketPolicy", {"bucket": "logs-1", "policy": UNKNOWN},
                      dependencies=[bucket], property_dependencies={"bucket": [bucket]})
    plan = from_preview_document(to_preview_document([bucket, policy]), "(pack)")
    assert plan.stack == "s" and plan.project == "p"
    by_name = {r.name: r for r in plan.resources}
    assert by_name["logs"].id == "logs-1"
    assert by_name["logs-policy"].property_dependencies == {"bucket": [bucket.urn]}
    assert by_name["default"].inputs == {"region": "ap-northeast-1"}
    assert by_name["logs-policy"].provider.startswith(PROVIDER.urn)
    assert any("policy" in u for u in plan.meta["unknowns"])
