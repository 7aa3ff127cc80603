"""Planted secrets appear in no output gcbase writes.

Secrets are planted where a deployment would have them: a `secure:` value in a stack config
(its ciphertext, and the plaintext the Pulumi CLI would decrypt it to, handed to the program as
`pulumi config set --secret` does through synth_program(extra_config, extra_secret_keys)), the
`Output.secret` values of tests/synth/fixtures/secret-program that flow into a bucket policy,
tags and resource names, and the plaintext of secrets in `pulumi stack export --show-secrets`
and `pulumi preview --json` files. Then every command that writes something runs through the
CLI: validate, synth (plan JSON, Terraform plan JSON), check (html, md, sarif, junit, json,
xlsx reports and --json), boundaries --json, with the root logger at DEBUG. Every file written,
every xlsx part, stdout, stderr and the log are searched for each secret.

Each search is preceded by proof that it could find something: the secret reached the program
(the property is there, masked), every expected file exists, and the scanner finds a secret
written into an xlsx on purpose.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import zipfile
from pathlib import Path

import pytest

from gcbase.model import SECRET_MASK, SECRET_SIG, SECRET_SIG_KEY
from robust_kit import Run, run_cli
from helpers import ROOT

PSK = "PLANTEDpsk5f2c9e1a"  # plaintext of gcbase:vpnPresharedKey
CIPHERTEXT = "v1:AAABAPLANTEDcipher7d41"  # what `secure:` holds in the file
OTHER_CIPHERTEXT = "v1:AAABAPLANTEDother93ab"
TOKEN, OWNER, SUFFIX = "PLANTEDtoken7f3a9c", "PLANTEDowner4e1b", "plantedsuffix52ab"  # secret-program
EXPORTED = "PLANTEDexported0c8d"  # plaintext in a stack export / preview
SECRETS = (PSK, CIPHERTEXT, OTHER_CIPHERTEXT, TOKEN, OWNER, SUFFIX, EXPORTED)
FORMATS = ("report.html", "report.md", "report.sarif", "junit.xml", "report.json", "checklist.xlsx")
SECRET_PROGRAM = ROOT / "tests" / "synth" / "fixtures" / "secret-program"
FIXTURES = ROOT / "tests" / "synth" / "fixtures"


def texts_of(path: Path) -> list[tuple[str, str]]:
    """(label, text) of a written file; an xlsx is a zip: every part of it."""
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(f"{path}!{n}", z.read(n).decode("utf-8", errors="replace")) for n in z.namelist()]
    return [(str(path), data.decode("utf-8", errors="replace"))]


def leaks(texts: list[tuple[str, str]]) -> list[str]:
    return [f"{secret} in {label}" for label, text in texts for secret in SECRETS if secret in text]


def _plant_in_stack_file(directory: Path) -> Path:
    text = (ROOT / "stacks" / "Pulumi.363421-prod.yaml").read_text(encoding="utf-8")
    text += f"  gcbase:vpnPresharedKey:\n    secure: {CIPHERTEXT}\n  aws:plantedToken:\n    secure: {OTHER_CIPHERTEXT}\n"
    path = directory / "Pulumi.363421-prod.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _plant_in_pulumi_json(directory: Path) -> tuple[Path, Path]:
    secret = {SECRET_SIG_KEY: SECRET_SIG, "plaintext": json.dumps(EXPORTED)}
    export = json.loads((FIXTURES / "stack-export.json").read_text(encoding="utf-8"))
    for res in export["deployment"]["resources"]:
        if res.get("custom") and not res["type"].startswith("pulumi:providers:"):
            res.setdefault("inputs", {})["plantedSecret"] = secret
            res.setdefault("outputs", {})["plantedSecret"] = secret
    preview = json.loads((FIXTURES / "preview.json").read_text(encoding="utf-8"))
    for step in preview["steps"]:
        if "newState" in step and step["newState"].get("custom"):
            step["newState"].setdefault("inputs", {})["plantedSecret"] = "[secret]"  # how preview prints one
            step["newState"].setdefault("outputs", {})["plantedSecret"] = secret
    a, b = directory / "export.json", directory / "preview.json"
    a.write_text(json.dumps(export), encoding="utf-8")
    b.write_text(json.dumps(preview), encoding="utf-8")
    return a, b


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Run every writing command once; (runs, output directory, log text, plans seen)."""
    import gcbase.boundaries as boundaries
    import gcbase.synth.program as program

    tmp = tmp_path_factory.mktemp("secrets")
    stack_file = _plant_in_stack_file(tmp)
    export, preview = _plant_in_pulumi_json(tmp)
    out = tmp / "out"
    out.mkdir()
    real_synth, real_evaluate = program.synth_program, boundaries.evaluate
    plans: dict[str, object] = {}
    matrices: dict[str, object] = {}

    def synth_program(program_dir, *args, **kwargs):
        """As the Pulumi CLI would run it: the secure values decrypted, given as secrets."""
        extra = {"gcbase:vpnPresharedKey": PSK} if Path(program_dir).resolve() == ROOT else {
            "secret-program:apiToken": TOKEN, "secret-program:ownerLiteral": OWNER, "secret-program:nameSuffix": SUFFIX}
        key = f"{program_dir}|{kwargs.get('config_file')}"
        if key not in plans:  # one synth per program; each command gets its own copy
            plans[key] = real_synth(program_dir, *args, extra_config=extra,
                                    extra_secret_keys=[k for k in extra if not k.endswith("ownerLiteral")], **kwargs)
        return copy.deepcopy(plans[key])

    def evaluate(plan, *args, **kwargs):  # the matrix is the same for check and boundaries: evaluate once
        if plan.stack not in matrices:
            matrices[plan.stack] = real_evaluate(plan, *args, **kwargs)
        return matrices[plan.stack]

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    runs: list[Run] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(program, "synth_program", synth_program)
        mp.setattr(boundaries, "evaluate", evaluate)
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            s = str(stack_file)
            runs.append(run_cli("validate", s))
            runs.append(run_cli("synth", s, "-o", str(out / "synth"), "--json", str(out / "one.plan.json"),
                                "--tf-plan", str(out / "one.tfplan.json")))
            runs.append(run_cli("check", s, "-o", str(out / "check"), "--json", str(out / "check" / "check.json")))
            runs.append(run_cli("boundaries", s, "--json", str(out / "boundaries.json"), "--all"))
            runs.append(run_cli("check", "--program", str(SECRET_PROGRAM), "-o", str(out / "program"), "--lang", "en",
                                "--json", str(out / "program" / "check.json")))
            runs.append(run_cli("synth", "--program", str(SECRET_PROGRAM), "-o", str(out / "program-synth")))
            runs.append(run_cli("check", "--plan", str(out / "synth" / "363421-prod.tfplan.json"),
                                "-o", str(out / "tfplan"), "--format", "json,sarif"))
            for option, path, name in (("--stack-export", export, "export"), ("--preview", preview, "preview")):
                runs.append(run_cli("check", option, str(path), "-o", str(out / name), "--json", str(out / name / "c.json")))
                runs.append(run_cli("synth", option, str(path), "-o", str(out / f"{name}-synth")))
        finally:
            root.removeHandler(handler)
            root.setLevel(level)
    return runs, out, log.getvalue(), plans


def test_every_command_ran(written):
    runs, _, _, _ = written
    for run in runs:
        assert run.code in (0, 1), str(run)  # 1: the example stacks have findings; never 2 or a crash


def test_the_secrets_reached_the_programs(written):
    """The search below is meaningful only if the planted values were used where they flow."""
    _, _, _, plans = written
    tenancy = next(p for k, p in plans.items() if "Pulumi.363421-prod.yaml" in k)
    vpns = tenancy.of_type("aws:ec2/vpnConnection:VpnConnection")
    assert vpns and {v.inputs["tunnel1PresharedKey"] for v in vpns} == {SECRET_MASK}
    planted = next(p for k, p in plans.items() if "secret-program" in k)
    bucket = next(r for r in planted.resources if r.type == "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == SECRET_MASK and bucket.inputs["tags"]["Owner"] == SECRET_MASK
    policy = next(r for r in planted.resources if r.type == "aws:s3/bucketPolicy:BucketPolicy")
    assert policy.inputs["policy"] == SECRET_MASK


def test_every_output_format_was_written(written):
    _, out, _, _ = written
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for directory in ("check", "program"):
        assert {f"{directory}/{f}" for f in (*FORMATS, "check.json")} <= names, names
    assert {"synth/363421-prod.plan.json", "synth/363421-prod.tfplan.json", "one.plan.json", "one.tfplan.json",
            "boundaries.json", "program-synth/dev.plan.json", "tfplan/report.json", "tfplan/report.sarif",
            "export/report.html", "preview/report.html", "export-synth/dev.plan.json"} <= names, names


def test_no_secret_in_any_file_written(written):
    _, out, _, _ = written
    texts = [t for p in sorted(out.rglob("*")) if p.is_file() for t in texts_of(p)]
    assert len(texts) > 30  # every file and every xlsx part
    assert leaks(texts) == []


def test_no_secret_on_the_terminal_or_in_debug_logs(written):
    runs, _, log, _ = written
    assert "registering resource: ty=aws:ec2/vpnConnection:VpnConnection" in log  # the SDK's debug log was captured
    texts = [(f"stdout of {r.argv[:2]}", r.out) for r in runs] + [(f"stderr of {r.argv[:2]}", r.err) for r in runs]
    assert leaks(texts + [("debug log", log)]) == []


def test_the_scanner_finds_a_planted_value(tmp_path):
    """Control: the same search finds a secret written in an xlsx cell and in a text file."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["B7"] = f"owner {OWNER}"
    wb.save(tmp_path / "control.xlsx")
    (tmp_path / "control.md").write_text(f"token: {TOKEN}\n", encoding="utf-8")
    texts = texts_of(tmp_path / "control.xlsx") + texts_of(tmp_path / "control.md")
    found = leaks(texts)
    assert len(found) == 2
    assert found[0].startswith(f"{OWNER} in {tmp_path / 'control.xlsx'}!xl/")  # inside the zip
    assert found[1] == f"{TOKEN} in {tmp_path / 'control.md'}"
