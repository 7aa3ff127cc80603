"""What every report writer reads: findings per check x resource, requirements, waivers, gaps.

Built from `gcbase check` results (gcbase.report.collect) or directly in tests. Writers never
look at anything else, so the HTML, Markdown, SARIF, JUnit, JSON and xlsx outputs always agree.
No value of a resource's inputs is kept here except names, types and tags: secrets cannot leak.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from gcbase.check.findings import severity_rank  # critical 0 ... low 3, anything else below low
from gcbase.model import Plan
from gcbase.report.i18n import Texts
from gcbase.waivers import Waiver, WaiverUse

# 判定 of a requirement: 適合 / 不適合 / 不適合（欠落: a mandatory requirement none of whose checks found what
# they check) / 例外承認 / 未確認 / 未確認（点検エラー: a check raised, never a pass)
VERDICTS: tuple[str, ...] = ("pass", "fail", "missing", "waived", "unverified", "error")
# The gate's states: 合格 / 合格（指摘あり） (the gate passes, lesser findings remain) / 不合格 / 未完了
STATES: tuple[str, ...] = ("pass", "findings", "fail", "error")
OTHER = "other"  # category of results whose check serves no requirement of the catalogue


def waiver_ref(w: Waiver, t: Texts) -> str:
    """'Approved by X until D: reason', labelled when it is one of the project's own baseline waivers."""
    text = t("waiver.ref", approver=w.approver, expires=w.expires, reason=w.reason)
    return f"[{t('waiver.baseline')}] {text}" if w.baseline else text


def first_page_notes(report: "Report", t: Texts) -> list[str]:
    """What the first page says about waivers beside the verdict: blanket waivers, and how many findings the
    project's own baseline waivers waived (every format shows the same sentences)."""
    notes = []
    blanket = report.blanket_waivers()
    if blanket:
        notes.append(t("verdict.blanket", count=len(blanket),
                       waivers=", ".join(f"{u.waiver.check} {u.waiver.resource}" for u in blanket)))
    baseline = report.baseline_waived()
    if baseline:
        notes.append(t("verdict.baseline", count=len(baseline)))
    for s in report.stacks:  # 例外: values below the standard's level or gcbase's default, with the recorded reason
        for e in s.exceptions:
            notes.append(t("verdict.profile_exception", stack=s.stack, value_name=t.get(f"profile.{e.get('key')}", str(e.get("key"))),
                           requirement=e.get("requirement") or "-", value=_number(e.get("value")),
                           level=_number(e.get("level")), whose=t.get(f"profile.whose.{e.get('status')}", str(e.get("status"))),
                           reason=e.get("reason", ""), approver=e.get("approver", "")))
        for line in s.deprecations:
            notes.append(t("verdict.deprecated", stack=s.stack, line=line))
    return notes


def _number(value: object) -> str:
    """99.0 -> 99, 99.5 -> 99.5 (profile values are written as the standard writes them)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Location:
    """Where a finding points in the stack config: file, key path (gcbase:network.lines), line."""

    file: str
    key: str = ""
    line: Optional[int] = None


@dataclass
class Finding:
    """One check on one resource of one stack."""

    check_id: str
    stack: str
    resource: str  # Terraform-style address or logical name, what waivers match
    resource_type: str
    status: str  # pass | fail | waived (a fail under an expired waiver stays fail, with the waiver attached)
    #              | error (the check raised on this resource: not evaluated; message says why)
    severity: str
    title: dict[str, str]  # {ja, en}
    remediation: dict[str, str] = field(default_factory=dict)
    requirements: tuple[str, ...] = ()
    message: str = ""
    urn: str = ""
    location: Optional[Location] = None
    waiver: Optional[Waiver] = None
    path: list[dict[str, str]] = field(default_factory=list)  # network findings: the path, hop by hop

    @property
    def expired_waiver(self) -> bool:
        return self.status == "fail" and self.waiver is not None


@dataclass(frozen=True)
class Requirement:
    id: str
    category: str  # A-F (非機能要件の標準) or G (guidelines: 三層の対策, regions, guardrails)
    title: dict[str, str]
    source: dict[str, str] = field(default_factory=dict)  # the document it comes from: {ja, en, url, version, read, ...}
    checks: tuple[str, ...] = ()  # the checks that serve it (none: not verifiable from a plan)
    status: str = ""  # standard | guideline | project (gcbase's own choice): what a CISO is audited against
    section: str = ""  # where in the source (item id, page, chapter)
    why: dict[str, str] = field(default_factory=dict)  # {ja, en}: the reason for a project choice
    note: dict[str, str] = field(default_factory=dict)  # {ja, en}: second-hand wording, unverified title

    def basis(self, t: Texts) -> str:
        """'<document> <section> (read through a relay) — <why or note>' in the report's language."""
        doc = " ".join(x for x in (t.pick(self.source) if self.source else "", self.section) if x)
        if self.source.get("read") == "relay":
            doc += f" ({t('provenance.relay')})"
        extra = "; ".join(t.pick(x) for x in (self.why, self.note) if x)
        return f"{doc} — {extra}" if extra else doc


@dataclass(frozen=True)
class BoundaryCell:
    """What one party must get for one action (allow or deny), and whether the plan gives it."""

    party: str
    expected: str  # allow | deny
    status: str  # ok | mismatch | n/a (the party has no role where the action applies)
    reason: dict[str, str] = field(default_factory=dict)
    deciding: str = ""  # the policy statement that decided (the failing one for a mismatch)


@dataclass(frozen=True)
class BoundaryRow:
    """One line of the responsibility matrix: a critical action and each party's expected decision."""

    stack: str
    id: str
    title: dict[str, str]
    action: str
    cells: tuple[BoundaryCell, ...]


@dataclass
class StackReport:
    stack: str
    config_file: Optional[str]
    plan: Optional[Plan] = None
    meta: dict = field(default_factory=dict)
    mandatory: tuple[str, ...] = ()  # requirement ids this stack must meet (gcbase.check.levels)
    scope: str = "tenancy"  # tenancy: the plan is the whole tenancy (absence is a failure) | part: a vendor's program
    # 例外: profile values the stack set below the base profile, each {key, value, level, status, requirement,
    # reason, approver} (gcbase:profile.exceptions); every format shows them beside the verdict
    exceptions: tuple[dict, ...] = ()
    deprecations: tuple[str, ...] = ()  # retired spellings the stack config still uses (warnings)
    security_model: str = ""  # the MIC model the stack declares (alpha, alpha-prime, beta, beta-prime)


@dataclass
class Report:
    stacks: list[StackReport]
    findings: list[Finding]
    requirements: list[Requirement]
    fail_on: str = "high"
    generated_at: str = ""
    version: str = ""
    checks_not_run: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (check id, title): no resource of its type
    types_not_checked: list[str] = field(default_factory=list)
    waivers: list[WaiverUse] = field(default_factory=list)
    boundaries: Optional[list[BoundaryRow]] = None  # None: not evaluated in this run
    parties: list[str] = field(default_factory=list)  # matrix columns, in order
    notes: list[str] = field(default_factory=list)  # what the evaluators could not model (e.g. unknown managed policies)
    categories: dict[str, dict[str, str]] = field(default_factory=dict)  # letter -> {ja, en}, from the catalogue

    # -- derived -----------------------------------------------------------------------------
    def category_title(self, category: str, t: Texts) -> str:
        """'E セキュリティ' from the catalogue; 'other' and unknown letters from the report texts."""
        if category in self.categories:
            return f"{category} {t.pick(self.categories[category])}"
        return t.get(f"category.{category}", category)

    def categories_not_plan_checkable(self) -> list[str]:
        """Categories of the catalogue without any requirement a plan can show (B 性能・拡張性, D 移行性,
        F システム環境・エコロジー): verified by operations and tests, which the report says."""
        present = {r.category for r in self.requirements}
        return [c for c in self.categories if c not in present]

    def failures(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.status == "fail"),
                      key=lambda f: (severity_rank(f.severity), f.check_id, f.stack, f.resource))

    def gate_failures(self) -> list[Finding]:
        """Failures at or above --fail-on; a fail under an expired waiver counts whatever its severity."""
        limit = severity_rank(self.fail_on)
        return [f for f in self.failures() if severity_rank(f.severity) <= limit or f.expired_waiver]

    def errored(self) -> list[Finding]:
        """Checks that raised instead of deciding (status error), one per check x resource."""
        return sorted((f for f in self.findings if f.status == "error"), key=lambda f: (f.check_id, f.stack, f.resource))

    def boundary_violations(self) -> list[tuple[BoundaryRow, BoundaryCell]]:
        return [(row, cell) for row in self.boundaries or [] for cell in row.cells if cell.status == "mismatch"]

    def mandatory_failures(self) -> list[tuple[str, str, str]]:
        """(stack, requirement, fail | missing) of every mandatory requirement a stack does not meet."""
        out = []
        for s in self.stacks:
            found: dict[str, list[Finding]] = {}
            for f in self.findings:
                if f.stack == s.stack:
                    for rid in f.requirements:
                        found.setdefault(rid, []).append(f)
            for rid in s.mandatory:
                verdict = self.verdict(rid, found.get(rid, []), mandatory=s.scope == "tenancy")
                if verdict in ("fail", "missing"):
                    out.append((s.stack, rid, verdict))
        return out

    @property
    def state(self) -> str:
        """error (a check raised: its results are unknown) | fail | findings (the gate passes, lesser
        failures remain) | pass."""
        if self.errored():
            return "error"
        if self.gate_failures() or self.boundary_violations() or self.mandatory_failures():
            return "fail"
        return "findings" if self.failures() else "pass"

    @property
    def passed(self) -> bool:
        """The gate: 合格 or 合格（指摘あり）; never passed while a check raised (its results are unknown)."""
        return self.state in ("pass", "findings")

    def verdict_text(self, t: Texts) -> tuple[str, str]:
        """(pass | findings | fail | error, the one-line verdict): a run with a check that raised is never a pass."""
        threshold = t(f"severity.{self.fail_on}")
        mismatches = len(self.boundary_violations())
        state = self.state
        if state == "error":
            return "error", t("verdict.error", count=len(self.errored()), failures=len(self.gate_failures()),
                              mismatches=mismatches)
        if state == "pass":
            return "pass", t("verdict.pass", threshold=threshold)
        if state == "findings":
            return "findings", t("verdict.findings", threshold=threshold, count=len(self.failures()))
        return "fail", t("verdict.fail", threshold=threshold, count=len(self.gate_failures()), mismatches=mismatches,
                         mandatory=len(self.mandatory_failures()))

    def waived(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.status == "waived"),
                      key=lambda f: (f.check_id, f.stack, f.resource))

    def blanket_waivers(self) -> list[WaiverUse]:
        """Waivers approved with scope: all (every resource of their check): the first page lists them."""
        return [w for w in self.waivers if w.waiver.blanket]

    def baseline_waived(self) -> list[Finding]:
        """Findings waived by the project's own waivers (baselines/waivers.yaml, stacks/waivers/)."""
        return [f for f in self.waived() if f.waiver is not None and f.waiver.baseline]

    def unused_waivers(self) -> list[WaiverUse]:
        return [w for w in self.waivers if w.state == "unused"]

    def expired_waivers(self) -> list[WaiverUse]:
        return [w for w in self.waivers if w.state == "expired"]

    def by_requirement(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {r.id: [] for r in self.requirements}
        for f in self.findings:
            for rid in f.requirements:
                out.setdefault(rid, []).append(f)
        return out

    def mandatory_ids(self) -> set[str]:
        """Requirements that are mandatory for a whole-tenancy stack of the report (where absence fails)."""
        return {rid for s in self.stacks if s.scope == "tenancy" for rid in s.mandatory}

    def verdict(self, requirement_id: str, findings: Optional[list[Finding]] = None,
                mandatory: Optional[bool] = None) -> str:
        """適合 pass / 不適合 fail / 不適合（欠落） missing (mandatory, and no check found anything to check) /
        例外承認 waived / 未確認 unverified (no check result at all) / error (a check raised on a resource: not
        checked there, so never pass; a failure still wins). `mandatory` None: mandatory for any stack."""
        found = self.by_requirement().get(requirement_id, []) if findings is None else findings
        statuses = {f.status for f in found}
        if not statuses:
            if mandatory is None:
                mandatory = requirement_id in self.mandatory_ids()
            return "missing" if mandatory else "unverified"
        if "fail" in statuses:
            return "fail"
        if "error" in statuses:
            return "error"
        return "waived" if "waived" in statuses else "pass"

    def category_counts(self) -> dict[str, Counter]:
        """Per category: how many check x resource results passed, failed, were waived, errored."""
        cats = {r.id: r.category for r in self.requirements}
        counts: dict[str, Counter] = {c: Counter() for c in sorted({r.category for r in self.requirements})}
        for f in self.findings:
            for category in sorted({cats.get(rid, OTHER) for rid in f.requirements} or {OTHER}):
                counts.setdefault(category, Counter())[f.status] += 1
        order = {s: i for i, s in enumerate(("pass", "fail", "waived", "error"))}  # not the findings' order
        return {cat: Counter({s: c[s] for s in sorted(c, key=lambda s: (order.get(s, len(order)), s))})
                for cat, c in counts.items()}

    def requirement_verdict_counts(self) -> dict[str, Counter]:
        """Per category: how many requirements are 適合 / 不適合 / 例外承認 / 未確認 / 点検エラー."""
        by_req = self.by_requirement()
        counts: dict[str, Counter] = {}
        for r in self.requirements:
            counts.setdefault(r.category, Counter())[self.verdict(r.id, by_req.get(r.id, []))] += 1
        return counts
