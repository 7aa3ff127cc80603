"""Known plaintext secrets, planted the way `pulumi config set --secret` and `Output.secret` do,
must appear nowhere in a captured plan (gcbase JSON) nor in the Terraform plan export.

Secrets are planted where they flow into a policy document, a tag, a resource name, a VPN
pre-shared key and stack outputs; each test first proves the planted value reached the program
(the masked property is there), so a test cannot pass because the secret was simply unused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import one
from gcbase.baselines import ROOT
from gcbase.model import SECRET_MASK, Plan
from gcbase.synth.program import synth_program

HERE = Path(__file__).resolve().parent
SECRET_PROGRAM = HERE / "fixtures" / "secret-program"
HUB = HERE.parent / "programs" / "hub-and-spoke"

TOKEN = "PLANTED-token-7f3a9c"
OWNER = "planted-owner-4e1b"
SUFFIX = "plantedsuffix52"
PSK = "planted.psk_0c8d2e6f"


def rendered(plan: Plan) -> list[str]:
    """Every text a plan is written as: gcbase JSON and, once it exists, the Terraform plan JSON."""
    texts = [json.dumps(plan.to_dict(), ensure_ascii=False)]
    try:
        from gcbase.tfplan import export
    except ImportError:  # another helper's exporter not there yet: gcbase JSON only
        return texts
    texts.append(json.dumps(export(plan), ensure_ascii=False))
    return texts


def assert_nowhere(plan: Plan, *plaintexts: str) -> None:
    for text in rendered(plan):
        for secret in plaintexts:
            assert secret not in text


@pytest.fixture(scope="module")
def secret_plan() -> Plan:
    return synth_program(
        SECRET_PROGRAM, stack="dev",
        extra_config={"secret-program:apiToken": TOKEN, "secret-program:ownerLiteral": OWNER,
                      "secret-program:nameSuffix": SUFFIX},
        extra_secret_keys=["secret-program:apiToken", "secret-program:nameSuffix"],
    )


def test_secret_in_policy_document_tag_and_name_is_masked(secret_plan):
    bucket = one(secret_plan, "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == SECRET_MASK  # the name was built from a secret
    assert bucket.inputs["tags"] == {"Owner": SECRET_MASK, "Team": "joho-seisaku"}  # Output.secret in a tag
    assert one(secret_plan, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"] == SECRET_MASK
    role = one(secret_plan, "aws:iam/role:Role")
    assert role.inputs["name"] == SECRET_MASK and role.inputs["tags"] == {"Owner": SECRET_MASK}
    assert one(secret_plan, "aws:ssm/parameter:Parameter").inputs["value"] == SECRET_MASK
    assert secret_plan.outputs["ownerTag"] == SECRET_MASK
    assert_nowhere(secret_plan, TOKEN, OWNER, SUFFIX)


def test_terraform_export_marks_the_masked_values_sensitive(secret_plan):
    tfplan = pytest.importorskip("gcbase.tfplan")
    exported = tfplan.export(secret_plan)
    param = next(r for r in exported["planned_values"]["root_module"]["resources"] if r["type"] == "aws_ssm_parameter")
    assert param["values"]["value"] == SECRET_MASK
    assert param["sensitive_values"]["value"] is True


def test_planted_vpn_key_in_hub_and_spoke():
    plan = synth_program(HUB, stack="dev", extra_config={"hub-and-spoke:vpnPresharedKey": PSK},
                         extra_secret_keys=["hub-and-spoke:vpnPresharedKey"])
    vpn = one(plan, "aws:ec2/vpnConnection:VpnConnection")
    assert vpn.inputs["tunnel1PresharedKey"] == vpn.inputs["tunnel2PresharedKey"] == SECRET_MASK
    assert_nowhere(plan, PSK)


def test_planted_secret_on_an_example_stack():
    """stacks/Pulumi.363421-prod.yaml has a VPN backup: the key flows into the VPN connection."""
    config = ROOT / "stacks" / "Pulumi.363421-prod.yaml"
    plan = synth_program(ROOT, config_file=config, extra_config={"gcbase:vpnPresharedKey": PSK},
                         extra_secret_keys=["gcbase:vpnPresharedKey"], source="synth")
    vpns = plan.of_type("aws:ec2/vpnConnection:VpnConnection")
    assert vpns, "the example stack no longer has a VPN; plant the secret somewhere it flows"
    keys = {k: v for vpn in vpns for k, v in vpn.inputs.items() if k.endswith("PresharedKey")}
    assert keys and set(keys.values()) == {SECRET_MASK}
    assert_nowhere(plan, PSK)


@pytest.mark.parametrize("bad", ["0planted.psk_1", "short_7", "planted-psk-with-dash", "x" * 65, "планted_psk_1"])
def test_a_vpn_key_aws_would_refuse_is_one_line_without_the_value(bad):
    """The key is validated where it is known (the program, under `pulumi up` or with a plaintext
    value); the error names the file and key and never repeats the secret."""
    from gcbase.errors import GcbaseError

    config = ROOT / "stacks" / "Pulumi.363421-prod.yaml"
    with pytest.raises(GcbaseError) as err:
        synth_program(ROOT, config_file=config, extra_config={"gcbase:vpnPresharedKey": bad},
                      extra_secret_keys=["gcbase:vpnPresharedKey"], source="synth")
    text = str(err.value)
    assert len(err.value.problems) == 1 and "\n" not in text
    assert "Pulumi.363421-prod.yaml" in text and "vpnPresharedKey" in text and "8 to 64 characters" in text
    assert bad not in text


@pytest.mark.parametrize("good", ["eight_8.", "y" * 64, "planted.psk_0c8d2e6f"])
def test_a_vpn_key_at_awss_limits_is_accepted(good):
    config = ROOT / "stacks" / "Pulumi.363421-prod.yaml"
    plan = synth_program(ROOT, config_file=config, extra_config={"gcbase:vpnPresharedKey": good},
                         extra_secret_keys=["gcbase:vpnPresharedKey"], source="synth")
    assert plan.of_type("aws:ec2/vpnConnection:VpnConnection")
    assert_nowhere(plan, good)


def test_an_encrypted_vpn_key_is_not_judged_offline():
    """gcbase's synth reads only the ciphertext (masked): the rule waits for `pulumi up`."""
    config = ROOT / "stacks" / "Pulumi.363421-prod.yaml"
    plan = synth_program(ROOT, config_file=config, extra_config={"gcbase:vpnPresharedKey": SECRET_MASK},
                         extra_secret_keys=["gcbase:vpnPresharedKey"], source="synth")
    assert plan.of_type("aws:ec2/vpnConnection:VpnConnection")
