"""The program's own Python environment, as its Pulumi.yaml declares it.

The Pulumi language host runs a program with the interpreter of the virtualenv its project names
(`runtime: {name: python, options: {virtualenv: venv, toolchain: pip|uv|poetry}}`), so a program
may import packages gcbase does not have (pulumi_random, pulumi_command, pulumi_docker, ...).

How gcbase uses that environment (docs/SYNTH.md): the capture runs in gcbase's own interpreter, in
a child process (capture.py), which first imports the capture itself, that is the Pulumi core SDK and
its wire libraries (pulumi, grpc, protobuf) from gcbase's environment, and then puts the program
environment's site-packages FIRST on the import path. So the core SDK stays the one gcbase's capture
is built and tested on (every pulumi 3.x provider SDK runs on it), while the provider SDKs
(pulumi_aws, pulumi_awsx, pulumi_eks, pulumi_random, ...) and everything else are the program's own,
at the versions it pinned, as under the language host: a program written for pulumi-aws 4 runs with
pulumi-aws 4 (with gcbase's pulumi-aws 7 first, 8 of the 28 corpus programs failed on removed
arguments). A package the program's environment lacks falls back to gcbase's. When every requirement the program declares is
already installed in gcbase's environment, no environment is needed and the capture runs
in-process. A declared environment that does not exist yet is created the way the toolchain would
(uv if it is on PATH, else `python -m venv` and pip), from requirements.txt or pyproject.toml,
with gcbase's Python version so compiled packages match; a program that declares none but whose
requirements.txt names packages gcbase lacks gets one in gcbase's cache, keyed by that file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from gcbase.errors import GcbaseError

TOOLCHAINS = ("pip", "uv", "poetry")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gcbase" / "venvs"
INSTALL_TIMEOUT = 900  # seconds for creating one environment
# What the capture imports from gcbase's own environment before the program's (capture.py): a
# program's pins of these are replaced by gcbase's versions when its environment is created.
CORE = frozenset({"pulumi", "grpcio", "protobuf"})
SETUPTOOLS = "setuptools<81"  # the last with pkg_resources


def declared(doc: dict[str, Any], project_file: Path) -> tuple[str, Optional[str]]:
    """(toolchain, virtualenv directory as written) from a Pulumi.yaml's runtime options."""
    runtime = doc.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    if options is None:
        return "pip", None
    if not isinstance(options, dict):
        raise GcbaseError.one(str(project_file), "runtime.options", "expected a mapping (virtualenv, toolchain)")
    toolchain = options.get("toolchain", "pip")
    if toolchain not in TOOLCHAINS:
        raise GcbaseError.one(str(project_file), "runtime.options.toolchain",
                              f"{toolchain!r} is not supported; allowed: {', '.join(TOOLCHAINS)}")
    venv = options.get("virtualenv")
    if venv is not None and (not isinstance(venv, str) or not venv or "\x00" in venv or Path(venv).is_absolute()):
        raise GcbaseError.one(str(project_file), "runtime.options.virtualenv",
                              "expected a directory relative to the project directory")
    if venv is None and toolchain in ("uv", "poetry"):
        venv = ".venv"  # where uv and poetry (in-project) put the environment
    return toolchain, venv


def requirements(program_dir: Path) -> tuple[list[str], Optional[Path]]:
    """(requirement lines, the file they came from): requirements.txt, else pyproject.toml
    ([project] dependencies, or Poetry's [tool.poetry.dependencies] by name)."""
    txt = program_dir / "requirements.txt"
    if txt.is_file():
        lines = [ln.split("#", 1)[0].strip() for ln in txt.read_text(encoding="utf-8", errors="replace").splitlines()]
        return [ln for ln in lines if ln and not ln.startswith("-")], txt
    pyproject = program_dir / "pyproject.toml"
    if pyproject.is_file():
        try:
            doc = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise GcbaseError.one(str(pyproject), "", f"not valid TOML: {err}") from None
        deps = (doc.get("project") or {}).get("dependencies")
        if deps is None:
            poetry = ((doc.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
            deps = [name for name in poetry if name.lower() != "python"]
        return [str(d) for d in deps], pyproject
    return [], None


def missing(lines: list[str], source: Optional[Path]) -> list[str]:
    """The requirements gcbase's own environment does not satisfy (absent, or at a version outside
    the program's specifier); the Pulumi core (CORE) is always gcbase's and never counts."""
    out = []
    for line in lines:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            raise GcbaseError.one(str(source), "", f"{line!r} is not a requirement (name[extras] specifier)") from None
        name = canonicalize_name(req.name)
        if name in CORE or (req.marker is not None and not req.marker.evaluate()):
            continue
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(req.name)
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            out.append(req.name)
    return out


def core_pins() -> list[str]:
    """gcbase's own versions of the Pulumi core, which the capture runs with whatever a program pins."""
    return [f"{name}=={metadata.version(name)}" for name in sorted(CORE)]


def site_packages(venv: Path) -> Optional[Path]:
    """The environment's site-packages (the one of gcbase's Python version when there are several)."""
    found = sorted(venv.glob("lib/python3*/site-packages")) + sorted(venv.glob("Lib/site-packages"))
    ours = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    return ours if ours in found else (found[0] if found else None)


def _is_ours(path: Path) -> bool:
    """gcbase's own environment (gcbase's project declares .venv, and runs from it)."""
    return any(Path(p).resolve() == path.resolve() for p in sys.path if p)


def environment(program_dir: Path, doc: dict[str, Any], project_file: Path,
                venv: Optional[Path] = None) -> Optional[Path]:
    """The site-packages the program's imports need beyond gcbase's own, creating the environment
    from the program's requirements when it is missing; None when gcbase's own environment has
    them all. venv: where the environment is (or is to be made) instead of where Pulumi.yaml says."""
    toolchain, venv_name = declared(doc, project_file)
    if venv is None and venv_name:
        venv = program_dir / venv_name
    if venv is not None and site_packages(venv) is not None:
        return None if _is_ours(site_packages(venv)) else site_packages(venv)
    lines, source = requirements(program_dir)
    if not missing(lines, source):
        return None
    if venv is None:  # nothing declared: the requirements' own environment, in gcbase's cache
        digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()[:16]
        venv = CACHE / f"{sys.version_info.major}.{sys.version_info.minor}-{digest}"
        if site_packages(venv) is not None:
            return site_packages(venv)
    create(venv, lines, source, toolchain)
    return site_packages(venv)


def create(venv: Path, lines: list[str], source: Optional[Path], toolchain: str, no_deps: bool = False) -> None:
    """Create the environment with gcbase's Python and install the requirements from the package index,
    with setuptools as `python -m venv` seeded it up to Python 3.11 (older provider SDKs import
    pkg_resources). no_deps: exactly the packages listed (the corpus's shared environments)."""
    extra: list[str] = ["--no-deps"] if no_deps else []
    if not no_deps and not any(canonicalize_name(Requirement(x).name) == "setuptools" for x in lines):
        lines = [*lines, SETUPTOOLS]
    uv = shutil.which("uv")
    tmp = venv.with_name(venv.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    pins = tmp.with_name(venv.name + ".core.txt")
    pins.write_text("\n".join(core_pins()) + "\n", encoding="utf-8")
    if uv:  # the program's own pins of the core are overridden by gcbase's (they would be shadowed anyway)
        extra += ["--override", str(pins)]
        steps = [[uv, "venv", "--quiet", "--python", sys.executable, str(tmp)],
                 [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(tmp), *extra, *lines]]
    else:
        python = tmp / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        steps = [[sys.executable, "-m", "venv", str(tmp)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", str(pins), *extra, *lines]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as err:
            shutil.rmtree(tmp, ignore_errors=True)
            raise GcbaseError.one(str(source or venv), "", f"could not create the program's environment: {err}") from None
        if done.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            pins.unlink(missing_ok=True)
            last = _last_line(done.stderr or done.stdout)
            raise GcbaseError.one(str(source or venv), "", f"installing the program's requirements ({toolchain}) "
                                                           f"failed: {last}")
    pins.unlink(missing_ok=True)
    # made aside and moved into place, so an interrupted install never leaves a half environment
    # (its scripts name the old path; only its site-packages is used)
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(venv)


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return re.sub(r"\s+", " ", lines[-1])[:300] if lines else "no output"
