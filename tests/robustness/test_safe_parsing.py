"""Safe parsing: YAML without arbitrary tags, paths from inputs that cannot leave where they
belong, and no shell ever invoked (with user data or otherwise)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from gcbase.errors import GcbaseError
from gcbase.yamlio import _StrictLoader, parse_yaml
from robust_kit import assert_clean_failure, files_under, run_cli
from helpers import ROOT

MARKER = Path("/tmp/gcbase-robustness-safe-parsing-marker")
UNSAFE = [
    f"!!python/object/apply:os.system ['touch {MARKER}']",
    f"!!python/object/new:subprocess.Popen [['touch', '{MARKER}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:collections.OrderedDict {}",
]


def test_the_yaml_loader_is_safe_and_has_no_python_tags():
    assert issubclass(_StrictLoader, yaml.SafeLoader)
    tags = [*_StrictLoader.yaml_constructors, *_StrictLoader.yaml_multi_constructors]
    assert not [t for t in tags if t and "python" in t], tags


@pytest.mark.parametrize("tag", UNSAFE)
def test_unsafe_tags_are_refused_and_never_run(tag):
    MARKER.unlink(missing_ok=True)
    with pytest.raises(GcbaseError) as err:
        parse_yaml(f"config:\n  gcbase:environment: {tag}\n", "Pulumi.x.yaml")
    assert "could not determine a constructor" in str(err.value) and "python/" in str(err.value)
    assert not MARKER.exists()


def test_every_yaml_reader_goes_through_yamlio():
    """No other module of gcbase, the modules, the stack program or the policies parses YAML itself."""
    offenders = []
    for path in _python_files(ROOT / "gcbase", ROOT / "modules", ROOT / "stacks", ROOT / "policies"):
        if path == ROOT / "gcbase" / "yamlio.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml" and \
                    node.func.attr in ("load", "load_all", "unsafe_load", "full_load", "safe_load", "safe_load_all"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} yaml.{node.func.attr}")
    assert offenders == []


# -- paths from inputs ------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    """A copy of tests/programs/website-bucket with a sibling directory outside it."""
    src = ROOT / "tests" / "programs" / "website-bucket"
    dst = tmp_path / "project"
    shutil.copytree(src, dst)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "__main__.py").write_text("raise SystemExit('this program must never run')\n", encoding="utf-8")
    (outside / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    return dst


def _project_file(project: Path, **keys: str) -> None:
    doc = {"name": "website-bucket", "runtime": "python", **keys}
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")


@pytest.mark.parametrize("keys, key, message", [
    ({"main": "../outside"}, "main", "points outside the project directory; not allowed"),
    ({"main": "../outside/__main__.py"}, "main", "points outside the project directory; not allowed"),
    ({"main": "link-out"}, "main", "points outside the project directory; not allowed"),  # a symlink
    ({"main": "../.."}, "main", "not found"),
    ({"main": "/etc"}, "main", "program entry /etc/__main__.py not found"),
    ({"stackConfigDir": ".."}, "stackConfigDir", "points outside the project directory; not allowed"),
    ({"stackConfigDir": "../outside"}, "stackConfigDir", "points outside the project directory; not allowed"),
    ({"stackConfigDir": "/tmp"}, "stackConfigDir", "points outside the project directory; not allowed"),
    ({"stackConfigDir": "config-link"}, "stackConfigDir", "points outside the project directory; not allowed"),
])
def test_paths_in_a_pulumi_project_cannot_leave_it(project, keys, key, message, tmp_path):
    (project / "link-out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (project / "config-link").symlink_to(tmp_path / "outside", target_is_directory=True)
    _project_file(project, **keys)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli("synth", "--program", str(project), "-o", str(out))
    errors = assert_clean_failure(run, [str(project / "Pulumi.yaml")], key=key, out_dir=out)
    assert len(errors) == 1 and errors[0].endswith(message), errors  # refused before anything ran


def test_the_bundled_project_layout_is_accepted():
    """Control: main and stackConfigDir inside the project (gcbase's own Pulumi.yaml) are fine."""
    from gcbase.synth.program import read_project

    name, main, config_dir = read_project(ROOT)
    assert (name, main, config_dir) == ("gcbase", ROOT / "stacks" / "__main__.py", ROOT / "stacks")


def test_a_stack_name_in_an_imported_file_cannot_name_a_path(tmp_path):
    """The stack name of a preview names the output files: ../../x would write outside -o DIR."""
    preview = (ROOT / "tests" / "synth" / "fixtures" / "preview.json").read_text(encoding="utf-8")
    hostile = tmp_path / "preview.json"
    hostile.write_text(preview.replace("urn:pulumi:dev::", "urn:pulumi:../../escaped::"), encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    out.mkdir(parents=True)
    run = run_cli("synth", "--preview", str(hostile), "-o", str(out))
    assert_clean_failure(run, [str(hostile)], key="urn", out_dir=out)
    assert files_under(tmp_path) == ["preview.json"]


def test_a_stack_name_never_leads_out_of_the_waiver_directory():
    from gcbase.waivers import SHARED_FILE, waiver_files

    assert (ROOT / "baselines" / "waivers.yaml").is_file()
    assert waiver_files("../../baselines/waivers") == [SHARED_FILE]  # the file exists, but not in stacks/waivers/
    assert waiver_files("/etc/passwd") == [SHARED_FILE]


# -- no shell -----------------------------------------------------------------------------------

SHELL_CALLS = {("os", "system"), ("os", "popen"), ("os", "execl"), ("os", "execlp"), ("os", "execv"), ("os", "execvp"),
               ("os", "spawnl"), ("os", "spawnlp"), ("os", "spawnv"), ("os", "spawnvp"), ("pty", "spawn"),
               ("asyncio", "create_subprocess_shell"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput")}


def _python_files(*roots: Path) -> list[Path]:
    files = [p for root in roots for p in root.rglob("*.py") if ".venv" not in p.parts]
    scripts = [p for p in (ROOT / "scripts").iterdir() if p.is_file() and p.read_text(errors="replace").startswith(
        "#!/usr/bin/env python")]
    return sorted(set(files + scripts))


def test_no_shell_is_invoked_anywhere():
    """Commands run (scripts/bench-*) take argument lists; nothing goes through a shell."""
    found = []
    for path in _python_files(ROOT / "gcbase", ROOT / "modules", ROOT / "stacks", ROOT / "policies", ROOT / "scripts"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (func.value.id, func.attr) if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
            if name in SHELL_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {'.'.join(name)}")
            for kw in node.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} shell={ast.unparse(kw.value)}")
            if isinstance(func, ast.Name) and func.id in ("eval", "exec"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {func.id}()")
    assert found == []
    assert len(_python_files(ROOT / "scripts")) >= 2  # the scan sees the Python scripts too


def test_the_shell_scan_would_find_one(tmp_path):
    """Control: the same AST test flags a planted shell call."""
    code = "import subprocess, os\nsubprocess.run('ls ' + name, shell=True)\nos.system(cmd)\n"
    tree = ast.parse(code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    flagged = [n.lineno for n in calls if any(k.arg == "shell" for k in n.keywords)
               or (isinstance(n.func, ast.Attribute) and (n.func.value.id, n.func.attr) in SHELL_CALLS)]
    assert flagged == [2, 3]
