"""docs/ci/github-fleet.yml: the shards of its matrix are valid `gcbase fleet` runs that split the
whole fleet, and the merge job reads what the shard jobs upload."""

from __future__ import annotations

import fnmatch
import shlex

import yaml

from gcbase.cli import build_parser
from gcbase.fleet.jobs import select
from helpers import ROOT

WORKFLOW = ROOT / "docs" / "ci" / "github-fleet.yml"


def _command(step: dict, shard: int) -> list[str]:
    """The gcbase arguments of a run step, as the runner's shell would pass them."""
    text = step["run"].replace("\\\n", " ").replace("${{ matrix.shard }}", str(shard))
    line = next(line for line in text.splitlines() if "gcbase fleet" in line)
    words = shlex.split(line.split("||")[0])
    return words[words.index("gcbase") + 1:]


def test_the_matrix_shards_cover_the_fleet_once_and_merge_reads_them():
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    shard_job, merge_job = wf["jobs"]["shard"], wf["jobs"]["merge"]
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    run = next(s for s in shard_job["steps"] if "gcbase fleet" in str(s.get("run", "")))
    cache = next(s for s in shard_job["steps"] if str(s.get("uses", "")).startswith("actions/cache"))
    upload = next(s for s in shard_job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"  # a shard's results reach the merge whatever its exit
    prune = next(s for s in shard_job["steps"] if "-delete" in str(s.get("run", "")))
    assert prune["run"].startswith(f"find {cache['with']['path']} ") and "fleet-started" in run["run"]
    covered: list[str] = []
    for i in shards:
        args = build_parser().parse_args(_command(run, i))
        assert args.all_municipalities and args.shard == f"{i}/{len(shards)}"
        assert args.plan_cache == cache["with"]["path"]
        assert upload["with"]["path"].replace("${{ matrix.shard }}", str(i)).rstrip("/") == args.out_dir
        covered += [job.stack for job in select([], True, args.environment, None, args.shard)]
    assert len(covered) == len(set(covered)) == len(select([], True))  # disjoint and complete

    download = next(s for s in merge_job["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact"))
    names = [upload["with"]["name"].replace("${{ matrix.shard }}", str(i)) for i in shards]
    assert all(fnmatch.fnmatch(n, download["with"]["pattern"]) for n in names)
    merge = next(s for s in merge_job["steps"] if "gcbase fleet merge" in str(s.get("run", "")))
    args = build_parser().parse_args(_command(merge, 0))
    assert args.stacks[0] == "merge"
    assert all(fnmatch.fnmatch(f"{download['with']['path']}/{n}", args.stacks[1]) for n in names)
    assert merge_job["needs"] == "shard" and merge_job["if"] == "always()"
