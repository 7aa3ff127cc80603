"""The pack's options: gcbase check's, from the gate policy's config or GCBASE_* variables; a bad one
is a mandatory violation naming the key, never a silent default."""

from __future__ import annotations

import pytest

from gcbase.errors import GcbaseError
from gcbase.model import Plan, Resource
from gcbase.policypack.options import from_config
from tests.policypack import engine


def test_defaults_are_gcbase_checks():
    ns = from_config({}, env={})
    assert (ns.tenancy, ns.scope, ns.fail_on, ns.waivers) == (None, "tenancy", "high", [])
    assert not (ns.no_baseline_waivers or ns.allow_unchecked_types or ns.no_boundaries)


def test_config_wins_over_the_environment():
    ns = from_config({"scope": "part", "noBoundaries": True},
                     env={"GCBASE_SCOPE": "tenancy", "GCBASE_TENANCY": "131121-prod", "GCBASE_WAIVERS": "a.yaml"})
    assert (ns.scope, ns.no_boundaries, ns.tenancy, ns.waivers) == ("part", True, "131121-prod", ["a.yaml"])


@pytest.mark.parametrize("config, key", [({"scope": "all"}, "scope"), ({"failOn": "severe"}, "failOn"),
                                         ({"waivers": "w.yaml"}, "waivers"), ({"noBoundaries": "yes"}, "noBoundaries"),
                                         ({"tenancy": ""}, "tenancy"), ({"tenacy": "131121-prod"}, "tenacy")])
def test_a_bad_option_is_one_line_naming_it(config, key):
    with pytest.raises(GcbaseError) as err:
        from_config(config, env={})
    assert key in str(err.value) and len(str(err.value).splitlines()) == 1


def test_a_bad_option_blocks_the_preview():
    bucket = Resource(urn="urn:pulumi:s::vendor::aws:s3/bucketV2:BucketV2::b", type="aws:s3/bucketV2:BucketV2",
                      name="b", custom=True, id="b-1", inputs={"bucket": "b"})
    response = engine.analyze(Plan(project="vendor", stack="s", source="preview", resources=[bucket]),
                              {"scope": "everything"})
    [violation] = engine.mandatory(response)
    assert "scope" in violation.message and violation.policyName == "gcbase-gate"


def test_an_unknown_key_policy_in_a_vendors_preview_is_not_a_pass():
    """A vendor's key whose policy is unknown at preview (the SDK would make it an advisory note)."""
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

    provider = Resource(urn="urn:pulumi:juki::vendor::pulumi:providers:aws::default", type="pulumi:providers:aws",
                        name="default", custom=True, id="p", inputs={"region": "ap-northeast-1"})
    key = Resource(urn="urn:pulumi:juki::vendor::aws:kms/key:Key::data", type="aws:kms/key:Key", name="data",
                   custom=True, id=None, provider=provider.urn + "::p",
                   inputs={"enableKeyRotation": True, "policy": UNKNOWN_STRING_VALUE})
    response = engine.analyze(Plan(project="vendor", stack="juki", source="preview", resources=[provider, key]),
                              {"tenancy": "131121-prod", "scope": "part"})
    blocked = engine.mandatory(response)
    assert any("GCJP_AWS_52" in d.message for d in blocked), [d.message for d in blocked]
