"""`gcbase synth --program` runs a program as the Pulumi language host does (issue 16): from its project
directory, as a preview by default (unknowns stay unknown), the region from `aws:region` in every ARN and
in the exported plan, lookups answered offline or listed, multi-language components reported as not
expanded (and failed by GCJP_AWS_72), failures in one line at the program's line, and the program's own
environment for what gcbase lacks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from helpers import one, policy
from gcbase.errors import GcbaseError
from gcbase.model import UNKNOWN
from gcbase.synth.program import synth_program
from gcbase.tfplan import export, unchecked

PROGRAM = Path(__file__).resolve().parent.parent / "programs" / "preview-host"
SG = "aws:ec2/getSecurityGroup:getSecurityGroup"


@pytest.fixture(scope="module")
def preview():
    return synth_program(PROGRAM, mode="preview")


@pytest.fixture(scope="module")
def up():
    return synth_program(PROGRAM, mode="up")


def test_the_program_runs_from_its_project_directory_and_the_cwd_is_restored(preview):
    assert os.getcwd() != str(PROGRAM)
    assert one(preview, "aws:s3/bucketObjectv2:BucketObjectv2").inputs["content"] == "<h1>koho</h1>\n"


def test_preview_keeps_computed_values_unknown_and_the_apply_is_not_run(preview):
    permission = one(preview, "aws:lambda/permission:Permission")
    assert permission.inputs["sourceArn"] == UNKNOWN  # execution_arn + "/*/*" inside apply: not run, no crash
    assert one(preview, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"] == UNKNOWN
    assert one(preview, "aws:s3/bucketV2:BucketV2").id == UNKNOWN
    assert preview.outputs == {"bucketArn": UNKNOWN, "vpcId": UNKNOWN}
    assert preview.meta["mode"] == "preview"
    assert f"{permission.urn} inputs.sourceArn" in preview.meta["unknowns"]


def test_unknowns_reach_the_terraform_plan_as_after_unknown(preview):
    tf = export(preview)
    change = next(rc["change"] for rc in tf["resource_changes"] if rc["type"] == "aws_s3_bucket_policy")
    assert change["after_unknown"]["policy"] is True and "policy" not in change["after"]


def test_up_mode_resolves_with_the_mocks_values_in_the_configured_region(up):
    api = one(up, "aws:apigateway/restApi:RestApi")
    assert one(up, "aws:lambda/permission:Permission").inputs["sourceArn"] == f"{api.outputs['executionArn']}/*/*"
    assert api.outputs["executionArn"].startswith("arn:aws:execute-api:ap-northeast-3:")
    bucket = one(up, "aws:s3/bucketV2:BucketV2")
    [statement] = policy(one(up, "aws:s3/bucketPolicy:BucketPolicy"))["Statement"]
    assert statement["Resource"] == f"{bucket.outputs['arn']}/*"
    assert one(up, "aws:ec2/instance:Instance").outputs["arn"].startswith("arn:aws:ec2:ap-northeast-3:")
    assert "mode" not in up.meta


def test_the_default_provider_carries_aws_region_into_the_plan(preview):
    provider = one(preview, "pulumi:providers:aws")
    assert provider.name == "default" and provider.inputs == {"region": "ap-northeast-3"}
    for res in preview.resources:
        if res.custom and not res.is_provider and res.type.startswith("aws:"):
            assert preview.region_of(res) == "ap-northeast-3", res.urn
    tf = export(preview)
    assert tf["configuration"]["provider_config"]["aws"]["expressions"]["region"] == {"constant_value": "ap-northeast-3"}


def test_lookups_are_answered_in_the_region_or_listed(preview):
    role = one(preview, "aws:iam/role:Role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}
    assert one(preview, "aws:ec2/instance:Instance").inputs["ami"].startswith("ami-")
    assert preview.meta["invokesUnanswered"] == [SG]
    assert SG in preview.meta["invokes"] and "aws:ec2/getAmi:getAmi" in preview.meta["invokes"]


def test_a_multi_language_component_is_not_expanded_and_never_passes(preview):
    [component] = preview.meta["notExpanded"]
    assert component["type"] == "awsx:ec2:Vpc" and component["inputs"] == {"cidr_block": "10.0.0.0/16"}
    assert [m for m in unchecked(preview) if m.get("reason")] == [
        {"urn": component["urn"], "type": "awsx:ec2:Vpc", "reason": unchecked(preview)[0]["reason"]}]
    from gcbase.check.runner import run_tfplan

    report = run_tfplan(export(preview), only=["GCJP_AWS_72"], waivers=())
    failed = {f.resource for f in report.findings if f.check_id == "GCJP_AWS_72" and f.result == "FAILED"}
    assert "type:awsx:ec2:Vpc" in failed


def test_the_console_says_what_was_not_known(preview):
    from gcbase.commands.synth import notices

    lines = notices(preview)
    assert lines[0].startswith("  component not expanded: awsx:ec2:Vpc net")
    assert lines[1] == f"  lookups with no offline answer (their values are missing from the plan): {SG}"
    assert lines[2].startswith(f"  preview: {len(preview.meta['unknowns'])} values unknown until deployed")


def _project(tmp_path: Path, main: str, pulumi_yaml: str = "name: p\nruntime: python\n") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(pulumi_yaml)
    (tmp_path / "__main__.py").write_text(main)
    return tmp_path


def test_a_failure_inside_an_apply_is_one_line_at_the_programs_line(tmp_path):
    program = _project(tmp_path, "import pulumi\n\nname = pulumi.Output.from_input('x')\n"
                                 "pulumi.export('n', name.apply(lambda v: v + 1))\n")
    with pytest.raises(GcbaseError) as err:
        synth_program(program, mode="preview")
    assert str(err.value) == (f"{program / '__main__.py'}:4: program failed: TypeError: "
                              'can only concatenate str (not "int") to str')


def test_a_missing_package_says_where_to_declare_it(tmp_path):
    program = _project(tmp_path, "import pulumi\nimport pulumi_nosuchpkg\n")
    with pytest.raises(GcbaseError) as err:
        synth_program(program)
    assert str(err.value).startswith(f"{program / '__main__.py'}:2: program failed: ModuleNotFoundError: "
                                     "No module named 'pulumi_nosuchpkg' (declare it in the program's requirements.txt")


def test_the_programs_own_environment_supplies_what_gcbase_lacks(tmp_path):
    """A package only the program's virtualenv has (a stand-in for pulumi_random) is imported there, in a
    child process; its resources are captured like any other and listed as not checked."""
    site = tmp_path / "venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (site / "pulumi_fakerandom").mkdir(parents=True)
    (site / "pulumi_fakerandom" / "__init__.py").write_text(
        "import pulumi\n\nclass RandomPet(pulumi.CustomResource):\n"
        "    def __init__(self, name, length=2):\n"
        "        super().__init__('random:index/randomPet:RandomPet', name, {'length': length, 'id': None})\n")
    program = _project(tmp_path, "import pulumi_fakerandom\n\npulumi_fakerandom.RandomPet('pet', length=3)\n",
                       "name: p\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    plan = synth_program(program, mode="preview")
    pet = one(plan, "random:index/randomPet:RandomPet")
    assert pet.inputs == {"length": 3} and pet.id == UNKNOWN
    assert [m["type"] for m in unchecked(plan)] == ["random:index/randomPet:RandomPet"]
    assert "pulumi_fakerandom" not in sys.modules  # imported in the child, not here


def test_a_toolchain_gcbase_cannot_use_is_one_line(tmp_path):
    program = _project(tmp_path, "import pulumi\n", "name: p\nruntime:\n  name: python\n  options:\n    toolchain: conda\n")
    with pytest.raises(GcbaseError) as err:
        synth_program(program)
    assert str(err.value) == f"{program / 'Pulumi.yaml'}: runtime.options.toolchain: 'conda' is not supported; allowed: pip, uv, poetry"


def test_mode_and_venv_go_with_program_only(capsys):
    from gcbase.cli import main

    assert main(["synth", "131121-prod", "--mode", "up"]) == 2
    assert "--mode: goes with --program" in capsys.readouterr().err
