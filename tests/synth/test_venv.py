"""Which environment a program needs (gcbase/synth/venv.py): what Pulumi.yaml declares, what the program
requires, and which of that gcbase's own environment does not satisfy. No package index is used here."""

from __future__ import annotations

from pathlib import Path

import pytest

from gcbase.baselines import ROOT
from gcbase.errors import GcbaseError
from gcbase.synth.venv import core_pins, declared, environment, missing, requirements

PROJECT = Path("Pulumi.yaml")


def test_declared_toolchain_and_virtualenv():
    assert declared({"runtime": "python"}, PROJECT) == ("pip", None)
    assert declared({"runtime": {"name": "python", "options": {"virtualenv": "venv"}}}, PROJECT) == ("pip", "venv")
    assert declared({"runtime": {"name": "python", "options": {"toolchain": "uv"}}}, PROJECT) == ("uv", ".venv")
    with pytest.raises(GcbaseError, match="runtime.options.virtualenv: expected a directory relative"):
        declared({"runtime": {"name": "python", "options": {"virtualenv": "/opt/venv"}}}, PROJECT)


def test_requirements_from_requirements_txt_pyproject_or_poetry(tmp_path):
    (tmp_path / "requirements.txt").write_text("# pins\npulumi>=3\n-r other.txt\npulumi-random==4.16.0  # ids\n\n")
    assert requirements(tmp_path) == (["pulumi>=3", "pulumi-random==4.16.0"], tmp_path / "requirements.txt")
    (tmp_path / "requirements.txt").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.11"\npulumi-tls = "^5.0"\n')
    assert requirements(tmp_path) == (["pulumi-tls"], tmp_path / "pyproject.toml")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\ndependencies = ["pulumi-command>=1"]\n')
    assert requirements(tmp_path)[0] == ["pulumi-command>=1"]


def test_missing_is_what_gcbase_does_not_satisfy_and_the_core_never_counts():
    assert missing(["pulumi==3.5.1", "grpcio==1.50.0", "protobuf==3.20.3"], None) == []  # the core is gcbase's
    assert missing(["pulumi-aws>=7.0.0,<8.0.0", "PyYAML"], None) == []
    assert missing(["pulumi-aws>=4.0.0,<5.0.0", "pulumi-nosuchprovider"], None) == ["pulumi-aws", "pulumi-nosuchprovider"]
    with pytest.raises(GcbaseError, match="requirements.txt: 'pulumi aws' is not a requirement"):
        missing(["pulumi aws"], Path("requirements.txt"))


def test_gcbase_own_project_needs_no_other_environment():
    from gcbase.yamlio import load_yaml

    assert environment(ROOT, load_yaml(ROOT / "Pulumi.yaml", "project"), ROOT / "Pulumi.yaml") is None
    assert [p.split("==")[0] for p in core_pins()] == ["grpcio", "protobuf", "pulumi"]
