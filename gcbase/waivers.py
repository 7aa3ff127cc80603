"""Waivers (例外承認): accepted exceptions to a check, each approved by someone until a date.

A waiver file is a YAML list; each entry:

    - check: CKV_AWS_144                     # the check id (Checkov's or gcbase's)
      resource: "aws_s3_bucket.*access_logs*" # fnmatch pattern over resource addresses (* and ?)
      reason: "..."                          # why the failure is acceptable (20 characters or more)
      approver: "CISO 山田太郎"                # who approved it
      expires: 2026-03-31                    # last day it applies (YYYY-MM-DD), at most
                                             # baselines/waivers-policy.yaml maxLifetimeDays from today
      stacks: ["131121-prod"]                # optional: only these stacks (default: every stack)
      scope: all                             # required when the pattern waives the check for every
                                             # resource ('*', 'aws_cloudtrail.*'): a blanket waiver,
                                             # shown on the first page of every report

Shared waivers live in baselines/waivers.yaml, a stack's own in stacks/waivers/<stack>.yaml;
`gcbase check --waivers FILE` adds more. Files are validated like stack configs: every problem
is one line naming the file, the entry and what is allowed.

Governance: approver and reason must hold visible characters (letters, digits, punctuation; a
zero-width space or a Hangul filler is not an approver), no control or bidi characters; the
expiry is at most maxLifetimeDays away; a pattern that waives every resource of its check needs
`scope: all`, whether by its form or because it matched every resource the check reported in a
plan (blanket_problems). Waivers of baselines/waivers.yaml and stacks/waivers/ are the project's
own (Waiver.baseline): every report labels them, and `--no-baseline-waivers` leaves them out.

Applied to a plan's findings: a failure matching a current waiver becomes SKIPPED (waived) and
carries it; a failure matching an expired waiver stays FAILED, carries it, and fails the gate
whatever its severity; a waiver that matches nothing is reported as unused (a warning).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from gcbase.baselines import BASELINES, ROOT
from gcbase.errors import GcbaseError, Problem
from gcbase.yamlio import load_yaml, parse_yaml_cached, read_text

SHARED_FILE = BASELINES / "waivers.yaml"
STACK_DIR = ROOT / "stacks" / "waivers"
POLICY_FILE = BASELINES / "waivers-policy.yaml"
CHECK_ID = re.compile(r"^(CKV2?_AWS_[0-9]+|GCJP2?_AWS_[1-9][0-9]*)$")
MIN_REASON = 20  # visible characters: a reason has to say something
REQUIRED = ("check", "resource", "reason", "approver", "expires")
ALLOWED = (*REQUIRED, "stacks", "scope")
SCOPES = ("all",)
FAILED, SKIPPED = "FAILED", "SKIPPED"  # gcbase.check.findings results
# A pattern that, past an optional literal resource type, is only wildcards and separators: '*',
# 'aws_cloudtrail.*', 'aws_vpc*', 'type:*' waive every resource the check can report.
_BLANKET_FORM = re.compile(r"[A-Za-z0-9_]*(?:\[[^\]]*\]|[*?.:])*")
# Letters and symbols that show nothing: Hangul fillers, the blank braille pattern.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> str:
    """The characters of text that show as something (letters, marks, digits, punctuation, symbols)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMNPS" and ch not in _BLANK)


@dataclass(frozen=True)
class Policy:
    max_lifetime_days: int

    def latest_expiry(self, today: date) -> date:
        return today + timedelta(days=self.max_lifetime_days)


@lru_cache(maxsize=1)
def policy() -> Policy:
    """baselines/waivers-policy.yaml, validated (one line per problem)."""
    data = load_yaml(POLICY_FILE, "waiver policy")
    file = str(POLICY_FILE)
    if not isinstance(data, dict) or set(data) != {"maxLifetimeDays"}:
        raise GcbaseError.one(file, "", "expected exactly the key maxLifetimeDays")
    days = data["maxLifetimeDays"]
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
        raise GcbaseError.one(file, "maxLifetimeDays", "expected a whole number of days from 1 to 3650")
    return Policy(days)


def blanket_pattern(pattern: str) -> bool:
    """Whether a pattern, by its form, matches every resource a check can report."""
    return "*" in pattern and bool(_BLANKET_FORM.fullmatch(pattern))


def is_baseline_file(file: str) -> bool:
    """baselines/waivers.yaml or a file of stacks/waivers/: waivers the project approved for its own tenancy."""
    return bool(file) and _is_baseline(file, str(SHARED_FILE), str(STACK_DIR))


@lru_cache(maxsize=256)
def _is_baseline(file: str, shared: str, stack_dir: str) -> bool:
    try:
        p = Path(file).resolve()
        return p == Path(shared).resolve() or Path(stack_dir).resolve() in p.parents
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Waiver:
    check: str
    resource: str
    reason: str
    approver: str = ""  # every waiver read from a file has one; code may build anonymous ones (tests)
    expires: str = ""  # ISO date, the last day the waiver applies ("" only for waivers built in code)
    stacks: tuple[str, ...] = ()  # empty: every stack
    file: str = ""
    line: Optional[int] = None
    scope: str = ""  # "all": a blanket waiver, approved as such (every resource of the check)

    @property
    def id(self) -> str:
        return f"{self.check}:{self.resource}"

    @property
    def blanket(self) -> bool:
        return self.scope == "all"

    @property
    def baseline(self) -> bool:
        """One of the project's own waivers (baselines/waivers.yaml, stacks/waivers/), not the user's."""
        return is_baseline_file(self.file)

    def expired(self, today: date) -> bool:
        return bool(self.expires) and date.fromisoformat(self.expires) < today

    def applies_to(self, stack: str) -> bool:
        return not self.stacks or stack in self.stacks

    def matches(self, check_id: str, resource: str) -> bool:
        return check_id == self.check and fnmatchcase(resource, self.resource)


@dataclass
class WaiverUse:
    """A waiver after a run: how many findings it matched, and its state."""

    waiver: Waiver
    matched: int = 0
    expired: bool = False

    @property
    def state(self) -> str:
        if not self.matched:
            return "unused"
        return "expired" if self.expired else "active"


def _lines(text: str) -> list[int]:
    """The 1-based line of each entry of a top-level YAML list (on disk per text: gcbase/diskcache.py)."""
    from gcbase import diskcache

    key = diskcache.digest("gcbase-waiver-lines/1", yaml.__version__, text)
    found = diskcache.read("yaml-lines", key)
    if isinstance(found, list) and all(type(n) is int for n in found):
        return found
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    lines = [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    diskcache.write("yaml-lines", key, lines)
    return lines


def _expiry(value: Any) -> Optional[str]:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _waivable(check: str) -> bool:
    from gcbase.check.catalogue import load_catalogue

    meta = load_catalogue().checks.get(check)
    return meta is None or meta.waivable


def _entry(file: str, i: int, item: Any, line: Optional[int], problems: list[Problem],
           today: date) -> Optional[Waiver]:
    key = f"[{i}]"
    if not isinstance(item, dict):
        problems.append(Problem(file, key, f"expected a mapping with {', '.join(REQUIRED)}"))
        return None
    before = len(problems)
    for name in item:
        if name not in ALLOWED:
            problems.append(Problem(file, f"{key}.{name}", f"unknown key; allowed keys here: {', '.join(ALLOWED)}"))
    for name in REQUIRED:
        if name not in item or item[name] in (None, ""):
            problems.append(Problem(file, f"{key}.{name}", "required key is missing"))
    if len(problems) > before:
        return None
    for name in REQUIRED[:4]:  # a mapping or list here is a mistake, never a pattern or a reason
        if not isinstance(item[name], str):
            problems.append(Problem(file, f"{key}.{name}", f"expected text, found {type(item[name]).__name__}"))
    if len(problems) > before:
        return None
    check, resource = str(item["check"]), str(item["resource"])
    reason, approver = " ".join(str(item["reason"]).split()), " ".join(str(item["approver"]).split())
    if not resource.isprintable():  # it is printed in warnings: a line break would forge another line
        problems.append(Problem(file, f"{key}.resource", "control characters or line breaks are not allowed in a pattern"))
    for name, text in (("reason", reason), ("approver", approver)):
        if not text.isprintable():  # a bidi override or zero-width character disguises who approved what
            problems.append(Problem(file, f"{key}.{name}", "control, bidi or zero-width characters are not allowed; "
                                                           "write it in visible characters"))
    if not any(unicodedata.category(ch)[0] in "LN" for ch in visible(approver)):
        problems.append(Problem(file, f"{key}.approver", "has no visible letter or digit; name who approved the "
                                                         "exception (such as CISO 山田太郎)"))
    scope = item.get("scope", "")
    if scope not in ("", *SCOPES):
        problems.append(Problem(file, f"{key}.scope", f"{str(scope)[:40]!r} is not allowed; allowed: {', '.join(SCOPES)} "
                                                      "(a blanket waiver for every resource of the check)"))
        scope = ""
    elif blanket_pattern(resource) and scope != "all":
        problems.append(Problem(file, f"{key}.resource", f"{resource!r} waives {check} for every resource (a blanket "
                                                         "waiver): name the resources, or write scope: all to approve "
                                                         "it as such (shown on the first page of every report)"))
    if not CHECK_ID.match(check):
        problems.append(Problem(file, f"{key}.check", f"{check!r} is not a check id; expected CKV_AWS_n, CKV2_AWS_n, GCJP_AWS_n or GCJP2_AWS_n"))
    elif not _waivable(check):
        problems.append(Problem(file, f"{key}.check", f"{check} cannot be waived (its metadata says waivable: false): "
                                                      "fix what it reports instead"))
    if len(visible(reason)) < MIN_REASON:
        problems.append(Problem(file, f"{key}.reason", f"too short; say why the failure is acceptable ({MIN_REASON} "
                                                       "visible characters or more)"))
    expires = _expiry(item["expires"])
    if expires is None:
        problems.append(Problem(file, f"{key}.expires", f"{str(item['expires'])[:40]!r} is not a date; expected "
                                                        "YYYY-MM-DD such as 2026-03-31"))
    else:
        latest = policy().latest_expiry(today)
        if date.fromisoformat(expires) > latest:
            problems.append(Problem(file, f"{key}.expires", f"{expires} is beyond the longest a waiver may run "
                                    f"({policy().max_lifetime_days} days from {today.isoformat()}: {latest.isoformat()} "
                                    f"at the latest, {POLICY_FILE.relative_to(ROOT)} maxLifetimeDays); approve it "
                                    "again when it runs out"))
    stacks = item.get("stacks", [])
    if not isinstance(stacks, list) or not all(isinstance(s, str) and s for s in stacks):
        problems.append(Problem(file, f"{key}.stacks", "expected a list of stack names such as [131121-prod]"))
        stacks = []
    if len(problems) > before:
        return None
    return Waiver(check, resource, reason, approver, str(expires), tuple(stacks), file, line, scope)


def load_waivers(path: Path | str, today: Optional[date] = None) -> tuple[Waiver, ...]:
    """Read and validate one waiver file (the expiry limit counts from `today`, the run's date);
    raises GcbaseError with every problem, one line each."""
    return _parse_waivers(read_text(path, "waiver file"), str(path), today or date.today())


@lru_cache(maxsize=64)  # a fleet worker reads the same shared file for every stack; Waivers are frozen
def _parse_waivers(text: str, file: str, today: date) -> tuple[Waiver, ...]:
    data = parse_yaml_cached(text, file)
    if data is None:
        return ()
    if not isinstance(data, list):
        raise GcbaseError.one(file, "", f"expected a list of waivers, each with {', '.join(REQUIRED)}")
    lines = _lines(text)
    problems: list[Problem] = []
    out: list[Waiver] = []
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for i, item in enumerate(data):
        waiver = _entry(file, i, item, lines[i] if i < len(lines) else None, problems, today)
        if waiver is None:
            continue
        ident = (waiver.check, waiver.resource, waiver.stacks)
        if ident in seen:
            problems.append(Problem(file, f"[{i}]", f"{waiver.check} {waiver.resource} is a duplicate of [{seen[ident]}]"))
        seen.setdefault(ident, i)
        out.append(waiver)
    if problems:
        raise GcbaseError(problems)
    return tuple(out)


def waiver_files(stack: str = "", extra: Iterable[Path | str] = (), ours: bool = True) -> list[Path]:
    """The shared file, the stack's own file when it exists, then any given on the command line.
    The first two were approved for gcbase's own tenancy stacks: a plan of another program (ours
    False), or an independent review (--no-baseline-waivers), gets only the files given on the
    command line."""
    files = [SHARED_FILE] if ours and SHARED_FILE.is_file() else []
    own = STACK_DIR / f"{stack}.yaml"
    if ours and stack and Path(stack).name == stack and own.is_file():  # a stack name never leads out of stacks/waivers/
        files.append(own)
    return files + [Path(p) for p in extra]


def waivers_for(stack: str = "", extra: Iterable[Path | str] = (), ours: bool = True,
                today: Optional[date] = None, baseline: bool = True) -> tuple[Waiver, ...]:
    """Every waiver that applies to a stack, from all its files (all problems of all files at once);
    ours: the plan is of gcbase's own program (see waiver_files); baseline False: an independent
    review, without the project's own waivers (a file of them named in `extra` is refused)."""
    problems: list[Problem] = []
    out: list[Waiver] = []
    if not baseline:
        problems += [Problem(str(p), "", "is one of the project's own baseline waiver files; "
                                         "--no-baseline-waivers leaves them out") for p in extra if is_baseline_file(str(p))]
    for path in waiver_files(stack, extra, ours and baseline):
        if not baseline and is_baseline_file(str(path)):
            continue
        try:
            out.extend(load_waivers(path, today))
        except GcbaseError as err:
            problems.extend(err.problems)
    if problems:
        raise GcbaseError(problems)
    return tuple(w for w in out if w.applies_to(stack))


@lru_cache(maxsize=1)
def gcbase_project() -> str:
    """The Pulumi project name of gcbase's own program (Pulumi.yaml at the repository root)."""
    from gcbase.synth.program import read_project

    return read_project(ROOT)[0]


def exported_by_gcbase(tfplan: dict) -> bool:
    """Whether a Terraform plan JSON is one gcbase exported from its own program (its "gcbase"
    section names gcbase's project), so gcbase's shared and per-stack waivers apply to it."""
    made = tfplan.get("gcbase")
    return isinstance(made, dict) and made.get("project") == gcbase_project()


@dataclass
class Applied:
    uses: list[WaiverUse] = field(default_factory=list)

    @property
    def unused(self) -> list[Waiver]:
        return [u.waiver for u in self.uses if u.state == "unused"]


def apply_waivers(findings: Iterable[Any], waivers: Iterable[Waiver], today: Optional[date] = None) -> Applied:
    """Waive matching failures in place (findings with check_id, resource, result, waiver)."""
    today = today or date.today()
    findings, waivers = list(findings), list(waivers)
    for f in findings:
        if f.result != FAILED:
            continue
        matching = [w for w in waivers if w.matches(f.check_id, f.resource)]
        if not matching:
            continue
        f.waiver = next((w for w in matching if not w.expired(today)), matching[0])  # a current waiver wins
        if not f.waiver.expired(today):
            f.result = SKIPPED
    return uses_of(findings, waivers, today)


def blanket_problems(findings: Iterable[Any], waivers: Iterable[Waiver], stack: str = "") -> list[Problem]:
    """A waiver without scope: all whose pattern matched every resource its check reported in this
    plan (two or more) is a blanket waiver in effect: one line each, naming the file, entry and check."""
    reported: dict[str, set[str]] = {}
    for f in findings:
        reported.setdefault(f.check_id, set()).add(f.resource)
    return blanket_problems_of(reported, waivers, stack)


def blanket_problems_of(reported: dict[str, set[str]], waivers: Iterable[Waiver], stack: str = "") -> list[Problem]:
    """blanket_problems over check id -> the resources it reported (gcbase/fleet/summary.py has no findings)."""
    problems = []
    for w in waivers:
        if w.blanket or not w.applies_to(stack) or not any(c in w.resource for c in "*?["):
            continue
        resources = reported.get(w.check, set())
        if len(resources) >= 2 and all(fnmatchcase(r, w.resource) for r in resources):
            where = f"{w.file}:{w.line}" if w.line else w.file
            problems.append(Problem(where, "resource", f"{w.resource!r} matches every resource {w.check} reported in "
                                    f"{stack or 'the plan'} ({len(resources)}), a blanket waiver: name the resources, "
                                    "or write scope: all to approve it as such"))
    return problems


def uses_of(findings: Iterable[Any], waivers: Iterable[Waiver], today: Optional[date] = None) -> Applied:
    """How often each waiver was used by already waived findings, and whether it has expired."""
    today = today or date.today()
    carried = [f.waiver for f in findings if f.waiver is not None]
    return Applied([WaiverUse(w, carried.count(w), w.expired(today)) for w in waivers])
