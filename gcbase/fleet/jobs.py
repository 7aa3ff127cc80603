"""Which stacks a fleet run covers: stack files and generated municipalities, --limit, --shard.

A job names one stack and where its config comes from: a Pulumi.<stack>.yaml file, or the
values themselves (the fleet generator's, passed to the worker as data, no file written).
Selection is deterministic: jobs sorted by stack name, then the first N (--limit), then every
n-th from the i-th (--shard i/n), so the shards of a CI matrix are disjoint, cover the whole
selection, and differ in size by at most one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from gcbase.errors import GcbaseError

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Job:
    stack: str
    file: Optional[str] = None  # a stack config file, or
    config: Optional[dict[str, Any]] = None  # the config values ({"gcbase:<key>": value})

    @property
    def result_name(self) -> str:
        """The file name of this stack's result (a stack name is safe; a file stem may not be)."""
        return SAFE_NAME.sub("_", self.stack) + ".json"


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4): the second of four shards (1-based, as CI matrices count)."""
    m = re.fullmatch(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*", text or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise GcbaseError.one("--shard", "", f"{text!r} is not i/n with 1 <= i <= n (for example 2/4)")
    return int(m.group(1)), int(m.group(2))


def shard(jobs: list[Job], index: int, count: int) -> list[Job]:
    """The index-th of count shards (1-based) of jobs sorted by stack name: every count-th job."""
    ordered = sorted(jobs, key=lambda j: j.stack)
    return [job for i, job in enumerate(ordered) if i % count == index - 1]


def file_job(ref: str | Path) -> Job:
    """A job for a stack name (stacks/Pulumi.<name>.yaml) or a config file path."""
    from gcbase.synth import stack_file
    from gcbase.validate import STACK_FILE

    path = stack_file(ref)
    m = STACK_FILE.match(path.name)
    stack = m.group("stack") if m else path.stem  # a misnamed file is reported by its run, not here
    return Job(stack=stack, file=str(path))


def generated_jobs(environment: str = "prod", codes: Optional[list[str]] = None) -> list[Job]:
    """One job per municipality from the fleet generator (configs as values)."""
    from gcbase.fleet.generate import generate

    return [Job(stack=stack, config=config) for stack, config in generate(codes, environment)]


def select(refs: list[str], all_municipalities: bool = False, environment: str = "prod",
           limit: Optional[int] = None, shard_spec: Optional[str] = None) -> list[Job]:
    """The jobs of a fleet run, sorted by stack name; raises GcbaseError for usage errors."""
    jobs = [file_job(ref) for ref in refs]
    if all_municipalities:
        jobs += generated_jobs(environment)
    if not jobs:
        raise GcbaseError.one("gcbase fleet", "", "no stacks: name stacks or config files, or use --all-municipalities")
    by_stack: dict[str, Job] = {}
    for job in jobs:
        seen = by_stack.get(job.stack)
        if seen is not None and seen != job:
            where = [j.file or "generated" for j in (seen, job)]
            raise GcbaseError.one(job.stack, "", f"stack given twice with different configs ({where[0]}, {where[1]})")
        by_stack[job.stack] = job
    names = {}
    for job in by_stack.values():
        other = names.setdefault(job.result_name, job.stack)
        if other != job.stack:
            raise GcbaseError.one(job.stack, "", f"its result file would be the same as stack {other}'s")
    ordered = sorted(by_stack.values(), key=lambda j: j.stack)
    if limit is not None:
        if limit < 1:
            raise GcbaseError.one("--limit", "", "must be at least 1")
        ordered = ordered[:limit]
    if shard_spec:
        ordered = shard(ordered, *parse_shard(shard_spec))
    return ordered
