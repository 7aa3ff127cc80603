"""Waivers: accepted exceptions, each with its reason (baselines/waivers.yaml).

For now a plain list (the reports issue brings the final format): check id, a pattern over
the resource address (fnmatch: `*` and `?`), and why the failure is accepted. A failure that
matches a waiver becomes SKIPPED and carries the waiver; a waiver that matched nothing in a
plan is reported as unused, so stale exceptions do not pile up silently.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from gcbase.baselines import BASELINES
from gcbase.check.catalogue import CHECKOV_ID, KINDS
from gcbase.check.findings import FAILED, SKIPPED, Finding, Waiver
from gcbase.errors import GcbaseError, Problem
from gcbase.yamlio import load_yaml

WAIVERS_FILE = BASELINES / "waivers.yaml"
MIN_REASON = 20  # characters: a reason has to say something


def load_waivers(path: Path = WAIVERS_FILE) -> tuple[Waiver, ...]:
    data = load_yaml(path, "waiver file") or []
    if not isinstance(data, list):
        raise GcbaseError.one(str(path), "", "expected a list of {check, resource, reason}")
    problems: list[Problem] = []
    out: list[Waiver] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(data):
        key = f"[{i}]"
        if not isinstance(item, dict) or set(item) != {"check", "resource", "reason"}:
            problems.append(Problem(str(path), key, "needs exactly check, resource and reason"))
            continue
        check, resource, reason = str(item["check"]), str(item["resource"]), str(item["reason"]).strip()
        if not (CHECKOV_ID.match(check) or any(p.match(check) for _, p, _ in KINDS.values())):
            problems.append(Problem(str(path), f"{key}.check", f"{check!r} is not a check id"))
        if len(reason) < MIN_REASON:
            problems.append(Problem(str(path), f"{key}.reason", f"too short; say why the failure is acceptable"))
        if (check, resource) in seen:
            problems.append(Problem(str(path), key, f"{check} {resource} is listed twice"))
        seen.add((check, resource))
        out.append(Waiver(check, resource, reason))
    if problems:
        raise GcbaseError(problems)
    return tuple(out)


@lru_cache(maxsize=1)
def default_waivers() -> tuple[Waiver, ...]:
    return load_waivers()


def apply_waivers(findings: list[Finding], waivers: tuple[Waiver, ...]) -> list[Waiver]:
    """Mark matching failures SKIPPED with their waiver; return the waivers that matched nothing."""
    used: set[Waiver] = set()
    for f in findings:
        if f.result != FAILED:
            continue
        for w in waivers:
            if w.check == f.check_id and fnmatchcase(f.resource, w.resource):
                f.result, f.waiver = SKIPPED, w
                used.add(w)
                break
    return [w for w in waivers if w not in used]
