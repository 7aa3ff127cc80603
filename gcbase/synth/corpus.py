"""Synthesize a corpus of real public Pulumi programs and record the outcome (docs/CORPUS.md).

`python -m gcbase.synth.corpus [DIR] [--write FILE] [--min PERCENT]` (scripts/corpus): every
directory of DIR (default tests/corpus) with a SOURCE.yaml (origin, commit, licence, what it
deploys, the shared environment it runs in) is synthesized as `gcbase synth --program` does by
default, as a preview. The environments (DIR/environments.yaml) are made once, in gcbase's cache,
with exactly the packages they list. The outcome of each program is one line: what was captured
and what was left unchecked, or the one-line failure. Exit 1 when fewer than --min percent
synthesize (default 90).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from gcbase.baselines import ROOT
from gcbase.errors import GcbaseError
from gcbase.model import Plan
from gcbase.yamlio import load_yaml

DEFAULT_DIR = ROOT / "tests" / "corpus"
WORKERS = 3  # one child process per shared environment


@dataclass
class Outcome:
    name: str
    source: dict
    ok: bool
    line: str  # what was captured, or the one-line failure


def environments(corpus: Path) -> dict[str, list[str]]:
    doc = load_yaml(corpus / "environments.yaml", "corpus environments") or {}
    if not isinstance(doc, dict) or not all(isinstance(v, list) for v in doc.values()):
        raise GcbaseError.one(str(corpus / "environments.yaml"), "", "expected name: [package==version, ...]")
    return {str(k): [str(x) for x in v] for k, v in doc.items()}


def environment_dir(name: str, packages: list[str]) -> Path:
    from gcbase.synth.venv import CACHE, create, site_packages

    digest = hashlib.sha256("\n".join([sys.version, *packages]).encode()).hexdigest()[:12]
    path = CACHE / "corpus" / f"{name}-{digest}"
    if site_packages(path) is None:
        create(path, packages, None, "uv", no_deps=True)
    return path


def programs(corpus: Path) -> list[tuple[Path, dict]]:
    out = []
    for d in sorted(p for p in corpus.iterdir() if (p / "SOURCE.yaml").is_file()):
        out.append((d, load_yaml(d / "SOURCE.yaml", "corpus source") or {}))
    return out


def describe(program: Path, source: dict, result: "Plan | GcbaseError") -> Outcome:
    """One line for a program: what was captured and left unchecked, or its failure."""
    from gcbase.tfplan import unchecked

    if isinstance(result, GcbaseError):
        from gcbase.synth.venv import CACHE

        text = str(result).replace(str(program.resolve()) + "/", "").replace(str(program) + "/", "")
        text = text.replace(str(CACHE), "<gcbase cache>")
        return Outcome(program.name, source, False, text)
    plan = result
    custom = [r for r in plan.resources if r.custom and not r.is_provider]
    parts = [f"{len(custom)} resources"]
    expanded = [c["type"] for c in plan.meta.get("notExpanded") or []]
    if expanded:
        parts.append(f"not expanded: {', '.join(sorted(set(expanded)))}")
    other = sorted({m["type"] for m in unchecked(plan) if not m.get("reason")})
    if other:
        parts.append(f"types not exported: {', '.join(other)}")
    if plan.meta.get("invokesUnanswered"):
        parts.append(f"lookups unanswered: {', '.join(plan.meta['invokesUnanswered'])}")
    parts.append(f"{len(plan.meta.get('unknowns') or [])} values unknown")
    regions = sorted({str(r.inputs.get("region")) for r in plan.resources if r.is_provider and r.inputs.get("region")})
    if regions:
        parts.append(f"region {', '.join(regions)}")
    return Outcome(program.name, source, True, "; ".join(parts))


def _config(program: Path) -> Optional[Path]:
    config = program / "Pulumi.dev.yaml"
    return config if config.is_file() else None


def _own(program: Path, source: dict) -> Outcome:
    """A program in the environment gcbase makes from its requirements, as `gcbase synth --program` does."""
    from gcbase.synth.program import synth_program

    try:
        result: Plan | GcbaseError = synth_program(program, config_file=_config(program), mode="preview")
    except GcbaseError as err:
        result = err
    return describe(program, source, result)


def _shared(env_dir: Path, members: list[tuple[Path, dict]]) -> list[Outcome]:
    """The programs of one shared environment, in one child process (its SDKs imported once)."""
    from gcbase.synth.capture import run_batch
    from gcbase.synth.program import prepare

    prepared: list = []
    for program, _ in members:
        try:
            prepared.append(prepare(program, config_file=_config(program), mode="preview", venv=env_dir))
        except GcbaseError as err:
            prepared.append(err)
    runnable = [p for p in prepared if not isinstance(p, GcbaseError)]
    plans = iter(run_batch(runnable[0].site_packages, [p.request for p in runnable]) if runnable else [])
    return [describe(program, source, p if isinstance(p, GcbaseError) else next(plans))
            for (program, source), p in zip(members, prepared)]


def run(corpus: Path = DEFAULT_DIR) -> list[Outcome]:
    """Every program of the corpus, each from a copy: some write into their own directory (zip files)."""
    with tempfile.TemporaryDirectory(prefix="gcbase-corpus-") as tmp:
        copy = Path(tmp) / "corpus"
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("__pycache__", "venv", ".venv"))
        return _run(copy)


def _run(corpus: Path) -> list[Outcome]:
    envs = environments(corpus)
    found = programs(corpus)
    dirs = {name: environment_dir(name, pkgs) for name, pkgs in envs.items()
            if any(src.get("environment") == name for _, src in found)}
    for program, src in found:
        if src.get("environment") not in (*dirs, "own"):
            raise GcbaseError.one(str(program / "SOURCE.yaml"), "environment",
                                  f"{src.get('environment')!r} is not one of {', '.join([*envs, 'own'])}")
    groups: dict[str, list[tuple[Path, dict]]] = {}
    for program, src in found:
        groups.setdefault(str(src.get("environment")), []).append((program, src))
    results = {p.name: _own(p, s) for p, s in groups.pop("own", [])}
    with ThreadPoolExecutor(WORKERS) as pool:
        for batch in pool.map(lambda item: _shared(dirs[item[0]], item[1]), groups.items()):
            results.update({o.name: o for o in batch})
    return [results[p.name] for p, _ in found]


def render(outcomes: list[Outcome]) -> str:
    ok = sum(o.ok for o in outcomes)
    owners = sorted({str(o.source.get("repo", "")).split("/")[0] for o in outcomes})
    lines = [
        "# Corpus: real public Pulumi Python AWS programs under `gcbase synth --program`",
        "",
        "<!-- generated by scripts/corpus (gcbase/synth/corpus.py); do not edit by hand -->",
        "",
        f"**{ok} of {len(outcomes)} synthesized ({100 * ok // max(len(outcomes), 1)} %)**, as a preview (the default), "
        f"from {len(owners)} owners' repositories ({', '.join(owners)}); pulumi/examples is kept aside for "
        "independent verification. Each program is vendored under `tests/corpus/<name>/` with its SOURCE.yaml "
        "(repository, commit, path, licence, what it deploys, the environment it runs in: "
        "`tests/corpus/environments.yaml`). `tests/corpus/test_corpus.py` requires at least 90 %.",
        "",
        "| program | source | licence | deploys | outcome |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        src = o.source
        where = f"{src.get('repo')}/{src.get('path')} @ {str(src.get('commit', ''))[:7]}"
        mark = "ok" if o.ok else "**failed**"
        text = o.line.replace("|", "\\|")
        lines.append(f"| {o.name} | {where} | {src.get('licence')} | {src.get('deploys')} | {mark}: {text} |")
    lines += ["", "A failure is one line naming the program's file and line. Every failure above is the program "
              "calling an API its own pinned SDK no longer or never had under the versions the shared environment "
              "holds, or code that needs a requirement it does not declare; see docs/SYNTH.md for what gcbase runs "
              "with which versions.", ""]
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/corpus", description=__doc__.split("\n")[0])
    parser.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--write", metavar="FILE", help="write the Markdown table to FILE (docs/CORPUS.md)")
    parser.add_argument("--min", type=int, default=90, help="exit 1 below this percentage (default 90)")
    args = parser.parse_args(argv)
    outcomes = run(Path(args.dir))
    for o in outcomes:
        print(f"{'ok    ' if o.ok else 'FAILED'} {o.name}: {o.line}")
    text = render(outcomes)
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    ok = sum(o.ok for o in outcomes)
    print(f"{ok} of {len(outcomes)} synthesized")
    return 0 if ok * 100 >= args.min * len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
