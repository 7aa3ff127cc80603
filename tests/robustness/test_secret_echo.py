"""No value of a key marked secret (`secure:`, or `pulumi config set --secret`), or of a key the schema
says holds a secret (gcbase:vpnPresharedKey), is ever echoed in an error, whatever its type: an
unquoted all-digit key is an int, and pydantic's input repr printed it."""

from __future__ import annotations

import pytest

from gcbase.errors import GcbaseError
from gcbase.settings import secret_keys
from gcbase.validate import plain_values, read_stack_file, settings_from_values
from helpers import ROOT
from robust_kit import assert_clean_failure, run_cli

STACK = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
DIGITS = "98765432109876"
CIPHERTEXT = "v1:Zm9vYmFyYmF6cXV4:planted-ciphertext"


def test_the_schema_names_the_vpn_key_as_secret():
    assert secret_keys() == {"vpnPresharedKey"}


@pytest.mark.parametrize("value", [DIGITS, f"[{DIGITS}]", f"{{a: {DIGITS}}}", f"{{secure: {DIGITS}, extra: {DIGITS}}}",
                                   f"{DIGITS}.5", "true"])
@pytest.mark.parametrize("command", ["validate", "synth", "check"])
def test_a_vpn_key_of_the_wrong_type_is_never_echoed(value, command, tmp_path):
    path = tmp_path / STACK.name
    path.write_text(STACK.read_text(encoding="utf-8") + f"  gcbase:vpnPresharedKey: {value}\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = {"validate": ["validate", str(path)], "synth": ["synth", str(path), "-o", str(out)],
            "check": ["check", str(path), "-o", str(out), "--no-boundaries"]}[command]
    run = run_cli(*argv)
    errors = assert_clean_failure(run, [str(path)], key="gcbase:vpnPresharedKey")
    assert DIGITS not in run.text and "True" not in run.text, run
    assert any("a secret, not shown" in e for e in errors), errors


def test_a_secure_region_is_not_echoed(tmp_path):
    path = tmp_path / STACK.name
    text = STACK.read_text(encoding="utf-8").replace("config:\n", f"config:\n  aws:region: {{secure: {CIPHERTEXT}}}\n", 1)
    path.write_text(text, encoding="utf-8")
    run = run_cli("validate", str(path))
    assert_clean_failure(run, [str(path)], key="aws:region")
    assert "planted-ciphertext" not in run.text, run


def test_a_key_marked_secret_in_the_program_is_not_echoed_when_invalid():
    """Under `pulumi up` the program gets the plaintext of a key set with --secret."""
    from gcbase.synth.program import synth_program

    with pytest.raises(GcbaseError) as info:
        synth_program(ROOT, config_file=STACK, extra_config={"gcbase:environment": "planted-env-7c1d"},
                      extra_secret_keys=["gcbase:environment"])
    assert "gcbase:environment" in str(info.value) and "planted-env-7c1d" not in str(info.value)


def test_rule_messages_under_a_secret_key_do_not_quote_its_values():
    _, ours, _ = read_stack_file(STACK)
    values, _ = plain_values(ours, str(STACK))
    values["systems"] = [dict(values["systems"][0], cidr="10.99.0.0/22")] + list(values["systems"][1:])
    with pytest.raises(GcbaseError) as shown:
        settings_from_values(values, str(STACK), "131121-prod")
    assert "10.99.0.0/22" in str(shown.value)  # the rule quotes it when it is no secret
    with pytest.raises(GcbaseError) as hidden:
        settings_from_values(values, str(STACK), "131121-prod", secret=["systems"])
    assert "10.99.0.0/22" not in str(hidden.value) and "gcbase:systems" in str(hidden.value)
