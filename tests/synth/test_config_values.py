"""Pulumi ESC: a stack file whose values live in ESC environments (`environment:`), resolved by `--config-values`
from what `esc open` or `pulumi config --show-secrets --json` printed.

Without the values: one line naming the file and the `environment` key, saying it cannot be resolved offline and
how to pass them. With them: the same plan as the stack file that held the values itself. Secrets in the values
file reach no plan, report, console line or error message; a bad values file is one line, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gcbase import configvalues
from gcbase.cli import main
from gcbase.errors import GcbaseError
from gcbase.synth import STACKS_DIR, synth_stack
from gcbase.tfplan import export
from gcbase.validate import load_settings
from helpers import plan_of

PSK = "Zq9xW2pL7vK4mN8r"  # a valid VPN pre-shared key, planted as a secret
CREDENTIAL = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"  # what environmentVariables would hold; never read


@pytest.fixture(autouse=True)
def _unbound():
    configvalues.clear()
    yield
    configvalues.clear()


def _config(stack: str) -> dict:
    return yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]


def esc_stack(tmp_path: Path, stack: str, block=None) -> Path:
    """A stack file that holds nothing but its ESC import (the values moved into the environment)."""
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"environment": block or [f"myorg/gc-{stack}"]}), encoding="utf-8")
    return path


def esc_open_output(path: Path, config: dict, fmt: str = "json") -> Path:
    """What `esc open ENV` prints: the environment's values, with the reserved properties."""
    doc = {"pulumiConfig": config, "environmentVariables": {"AWS_SECRET_ACCESS_KEY": CREDENTIAL},
           "files": {"KUBECONFIG": CREDENTIAL}, "aws": {"login": {"secretAccessKey": CREDENTIAL}}}
    path.write_text(json.dumps(doc, ensure_ascii=False) if fmt == "json" else yaml.safe_dump(doc, allow_unicode=True),
                    encoding="utf-8")
    return path


def pulumi_config_output(path: Path, config: dict, secret: tuple = ()) -> Path:
    """What `pulumi config --show-secrets --json` prints (configValueJSON: value, objectValue, secret)."""
    out = {}
    for key, value in config.items():
        entry = {"value": value if isinstance(value, str) else json.dumps(value), "secret": key in secret}
        if not isinstance(value, str):
            entry["objectValue"] = value
        out[key] = entry
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return path


def test_without_values_one_line_names_the_file_the_key_and_how(tmp_path):
    path = esc_stack(tmp_path, "131121-prod")
    with pytest.raises(GcbaseError) as err:
        load_settings(path)
    [problem] = err.value.problems
    assert (problem.file, problem.key) == (str(path), "environment")
    assert "myorg/gc-131121-prod" in problem.message and "cannot be resolved offline" in problem.message
    assert "--config-values FILE" in problem.message and "esc open" in problem.message
    assert "pulumi config --show-secrets --json" in problem.message


def test_a_complete_file_with_an_environment_is_used_with_one_warning(tmp_path, capsys):
    """An environment that holds, say, credentials only: the file's own values suffice; said once, on stderr."""
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text(yaml.safe_dump({"environment": {"imports": ["myorg/aws-creds"]}, "config": _config("131121-prod")},
                                   allow_unicode=True), encoding="utf-8")
    assert load_settings(path).stack == "131121-prod"
    load_settings(path)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"warning: {path}: environment: imports Pulumi ESC environment "
                                               "myorg/aws-creds, which cannot be resolved offline")


@pytest.mark.parametrize("form", ["esc-json", "esc-yaml", "pulumi-config"])
def test_values_moved_into_esc_give_the_same_plan(tmp_path, form):
    config = _config("131121-prod")
    if form == "pulumi-config":
        values = pulumi_config_output(tmp_path / "values.json", config)
    else:
        values = esc_open_output(tmp_path / f"values.{form[4:]}", config, form[4:])
    path = esc_stack(tmp_path, "131121-prod")
    configvalues.bind(path, configvalues.read(values))
    assert export(synth_stack(path)) == export(plan_of("131121-prod"))


def test_cli_synth_and_check_on_an_esc_stack(tmp_path, capsys):
    path = esc_stack(tmp_path, "131121-prod")
    values = esc_open_output(tmp_path / "esc.json", _config("131121-prod"))
    assert main(["synth", str(path), "--config-values", str(values), "--tf-plan", str(tmp_path / "tf.json")]) == 0
    assert json.loads((tmp_path / "tf.json").read_text(encoding="utf-8")) == export(plan_of("131121-prod"))
    configvalues.clear()
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}: environment: ") and "Traceback" not in err[0]


def test_secrets_in_the_values_reach_no_plan_report_or_line(tmp_path, capsys):
    """363421-prod has a VPN: its pre-shared key comes from the environment (esc open prints it in plain text)."""
    stack = "363421-prod"
    config = {**_config(stack), "gcbase:vpnPresharedKey": PSK}
    path = esc_stack(tmp_path, stack, {"imports": [f"myorg/gc-{stack}"]})
    values = esc_open_output(tmp_path / "esc.yaml", config, "yaml")
    out = tmp_path / "out"
    assert main(["check", str(path), "--config-values", str(values), "-o", str(out / "reports"),
                 "--json", str(out / "check.json")]) in (0, 1)
    configvalues.clear()
    assert main(["synth", str(path), "--config-values", str(values), "-o", str(out / "plans")]) == 0
    printed = capsys.readouterr()
    tfplan = (out / "plans" / f"{stack}.tfplan.json").read_text(encoding="utf-8")
    assert '"tunnel1_preshared_key": "[secret]"' in tfplan  # the program got it, the capture masked it
    for f in out.rglob("*"):
        if f.is_file():
            assert PSK.encode() not in f.read_bytes() and CREDENTIAL.encode() not in f.read_bytes(), f
    assert PSK not in printed.out + printed.err and CREDENTIAL not in printed.out + printed.err


@pytest.mark.parametrize("psk", ["0" + PSK, [PSK], {"k": PSK}])
def test_a_bad_secret_is_reported_without_its_value(tmp_path, capsys, psk):
    stack = "363421-prod"
    path = esc_stack(tmp_path, stack)
    values = pulumi_config_output(tmp_path / "values.json", {**_config(stack), "gcbase:vpnPresharedKey": psk},
                                  secret=("gcbase:vpnPresharedKey",))
    assert main(["synth", str(path), "--config-values", str(values), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "vpnPresharedKey" in err and PSK not in err and "Traceback" not in err


@pytest.mark.parametrize("text,expected", [
    ('{"pulumiConfig": {"gcbase:vpnPresharedKey": "' + PSK, "not JSON (line 1 column"),
    ("pulumiConfig: [" + PSK + "\n", "malformed YAML"),
    ('{"pulumiConfig": ["' + PSK + '"]}', "pulumiConfig: expected a mapping of config keys"),
    ('{"environmentVariables": {"X": "' + PSK + '"}}', "pulumiConfig: missing"),
    ('["' + PSK + '"]', "expected a mapping"),
    ('{"gcbase:vpnPresharedKey": {"secret": true}}', "gcbase:vpnPresharedKey: no value (a secret printed without "
                                                     "--show-secrets)"),
    ('{"pulumiConfig": {"gcbase:x": ' + "9" * 5000 + "}}", "a number too long to be a config value"),
])
def test_a_bad_values_file_is_one_line(tmp_path, capsys, text, expected):
    path = esc_stack(tmp_path, "131121-prod")
    values = tmp_path / "values.json"
    values.write_text(text, encoding="utf-8")
    assert main(["synth", str(path), "--config-values", str(values), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {values}: ") and expected in err[0], err
    assert PSK not in err[0] and "Traceback" not in err[0]


def test_values_need_one_stack(tmp_path, capsys):
    values = esc_open_output(tmp_path / "esc.json", _config("131121-prod"))
    assert main(["synth", "131121-prod", "131121-stg", "--config-values", str(values), "-o", str(tmp_path)]) == 2
    assert "--config-values resolves one stack file's environments" in capsys.readouterr().err


def vendor_program(tmp_path: Path) -> Path:
    """A vendor's small program (no runtime options: it runs in gcbase's environment) whose stack file holds
    only its ESC import: a VPC from a plain value, a VPN key from a secret one."""
    program = tmp_path / "vendorapp"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: vendorapp\nruntime: python\n", encoding="utf-8")
    (program / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        "c = pulumi.Config()\n"
        "aws.ec2.Vpc('v', cidr_block=c.require('cidr'))\n"
        "gw = aws.ec2.CustomerGateway('cgw', bgp_asn='65010', ip_address='203.0.113.10', type='ipsec.1')\n"
        "aws.ec2.VpnConnection('vpn', customer_gateway_id=gw.id, type='ipsec.1', transit_gateway_id='tgw-1',\n"
        "                      tunnel1_preshared_key=c.require_secret('vpnPresharedKey'))\n", encoding="utf-8")
    (program / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"environment": ["vendor/app-dev"]}), encoding="utf-8")
    return program


def test_a_vendor_program_with_esc_config(tmp_path, capsys):
    """--program: a vendor's stack file imports its environment; bare keys are the project's namespace, and the
    secret `pulumi config --json` marks stays secret (masked in the plan, as a `secure:` value is)."""
    program = vendor_program(tmp_path)
    values = pulumi_config_output(tmp_path / "values.json", {"cidr": "10.1.0.0/16", "vpnPresharedKey": PSK},
                                  secret=("vpnPresharedKey",))
    out = tmp_path / "plan.json"
    assert main(["synth", "--program", str(program), "--config", str(program / "Pulumi.dev.yaml"),
                 "--config-values", str(values), "--json", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert PSK not in text and '"tunnel1PresharedKey": "[secret]"' in text and "10.1.0.0/16" in text
    assert PSK not in "".join(capsys.readouterr())
    assert main(["synth", "--program", str(program), "--config", str(program / "Pulumi.dev.yaml"),
                 "--json", str(tmp_path / "p2.json")]) == 2
    err = capsys.readouterr().err
    assert "environment: imports Pulumi ESC environment vendor/app-dev, which cannot be resolved offline" in err


def test_a_secret_read_with_plain_get_is_masked_too(tmp_path, capsys):
    """A program that reads a secret with `config.get` (not `get_secret`) would put its plaintext into the plan;
    the plaintext is known here (unlike a `secure:` value's), so the capture's text is masked where it holds it."""
    program = tmp_path / "p"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: vendorapp\nruntime: python\n", encoding="utf-8")
    (program / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        "c = pulumi.Config()\n"
        "aws.s3.Bucket('b', tags={'token': c.get('token'), 'note': 'key=' + c.get('token'), 'env': c.get('env')})\n",
        encoding="utf-8")
    (program / "Pulumi.dev.yaml").write_text("environment: [vendor/app-dev]\n", encoding="utf-8")
    values = pulumi_config_output(tmp_path / "values.json", {"token": PSK, "env": "dev"}, secret=("token",))
    out = tmp_path / "plan.json"
    assert main(["synth", "--program", str(program), "--config", str(program / "Pulumi.dev.yaml"),
                 "--config-values", str(values), "--json", str(out)]) == 0
    plan = json.loads(out.read_text(encoding="utf-8"))
    [bucket] = [r for r in plan["resources"] if r["type"] == "aws:s3/bucket:Bucket"]
    assert bucket["inputs"]["tags"] == {"token": "[secret]", "note": "[secret]", "env": "dev"}
    assert PSK not in out.read_text(encoding="utf-8") and PSK not in "".join(capsys.readouterr())
    esc = esc_open_output(tmp_path / "esc.json", {"token": PSK})
    assert main(["synth", "--program", str(program), "--config", str(program / "Pulumi.dev.yaml"),
                 "--config-values", str(esc), "--json", str(out)]) == 2
    assert "give `pulumi config --show-secrets --json` output" in capsys.readouterr().err
