"""SARIF 2.1.0 (OASIS) for code scanning: one rule per check, one result per failing or waived
check x resource, located in the stack config file at the line of the key that governs it.
A check that raised on a resource is not a result (it decided nothing): it is an error-level
toolExecutionNotification (§3.58) with the rule, the resource and the exception, and the
invocation's executionSuccessful is false (§3.20.14).

GitHub reads runs[].tool.driver.rules, results[].locations[].physicalLocation.artifactLocation.uri
and region.startLine, and ranks alerts by the rule property `security-severity`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

from gcbase.report.i18n import Texts
from gcbase.report.locations import Locator
from gcbase.report.model import Finding, Report, waiver_ref

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}
FALLBACK_URI = "Pulumi.yaml"  # findings of plans imported without a stack config point at the project


def _uri(path: str) -> str:
    return PurePath(path).as_posix()


def _rule(f: Finding, t: Texts, titles: dict[str, str]) -> dict:
    title = t.pick(f.title, f.check_id)
    remediation = t.pick({k: v for k, v in f.remediation.items() if k in ("ja", "en")})
    snippet = f.remediation.get("pulumi") or f.remediation.get("snippet") or ""
    reqs = [f"{r} {titles.get(r, '')}".strip() for r in f.requirements]
    help_text = "\n".join(x for x in (remediation, snippet) if x) or title
    markdown = "\n\n".join(x for x in (remediation, f"```python\n{snippet}\n```" if snippet else "",
                                       "\n".join(f"- {r}" for r in reqs)) if x) or title
    return {
        "id": f.check_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title + (" — " + "; ".join(reqs) if reqs else "")},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS.get(f.severity, "note")},
        "properties": {
            "tags": ["security", *f.requirements],
            "security-severity": SECURITY_SEVERITY.get(f.severity, "0.0"),
            "severity": f.severity,
            "requirements": list(f.requirements),
        },
    }


def _location(f: Finding) -> dict:
    loc = f.location
    physical = {"artifactLocation": {"uri": _uri(loc.file) if loc else FALLBACK_URI, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": (loc.line or 1) if loc else 1}}
    logical = {"name": f.resource, "kind": "resource"}
    if f.urn:
        logical["fullyQualifiedName"] = f.urn
    out = {"physicalLocation": physical, "logicalLocations": [logical]}
    if loc and loc.key:
        out["message"] = {"text": loc.key}
    return out


def _result(f: Finding, rule_index: int, t: Texts) -> dict:
    text = t.pick(f.title, f.check_id) + f" — {f.stack}: {f.resource}" + (f" — {f.message}" if f.message else "")
    result = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": LEVELS.get(f.severity, "note"),
        "message": {"text": text},
        "partialFingerprints": {
            "gcbase/v1": hashlib.sha256(f"{f.check_id}|{f.stack}|{f.resource}".encode()).hexdigest()},
        "properties": {"stack": f.stack, "resourceType": f.resource_type, "severity": f.severity},
    }
    if f.path:  # a network path: SARIF's code flow, one location per hop (GitHub shows it as "paths")
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"message": {"text": hop["text"]}, "logicalLocations": [
                {"name": hop["address"] or hop["kind"], "kind": hop["kind"]}]}, "nestingLevel": 0, "executionOrder": i}
            for i, hop in enumerate(f.path)]}]}]
    if f.waiver is not None:
        w = f.waiver
        justification = waiver_ref(w, t)
        # an expired waiver no longer suppresses: it is reported as rejected and the result stays a failure
        result["suppressions"] = [{"kind": "external", "status": "rejected" if f.expired_waiver else "accepted",
                                   "justification": justification,
                                   "location": {"physicalLocation": {"artifactLocation": {"uri": _uri(w.file)},
                                                                     "region": {"startLine": w.line or 1}}}}]
    return result


def _configs(report: Report) -> dict[str, Locator]:
    """Each stack's config as reports name it (relative), read where the plan found it."""
    return {s.stack: Locator(s.config_file, source=s.plan.config_file if s.plan and s.plan.config_file else None)
            for s in report.stacks}


def _boundaries(report: Report, t: Texts, rules: dict[str, dict], results: list[dict]) -> None:
    """Each responsibility-boundary mismatch as an error at the stack config's accounts."""
    configs = _configs(report)
    for row, cell in report.boundary_violations():
        rule_id = f"boundary/{row.id}"
        if rule_id not in rules:
            title = t.pick(row.title)
            rules[rule_id] = {"id": rule_id, "shortDescription": {"text": title},
                              "fullDescription": {"text": f"{title} ({row.action})"},
                              "defaultConfiguration": {"level": "error"},
                              "properties": {"tags": ["security", "boundaries"], "security-severity": "8.0"}}
        loc = configs[row.stack].at("gcbase:accounts") if row.stack in configs else None
        results.append({
            "ruleId": rule_id, "ruleIndex": list(rules).index(rule_id), "kind": "fail", "level": "error",
            "message": {"text": f"{t.pick(row.title)} — {row.stack}: {t.get('party.' + cell.party, cell.party)}: "
                                f"{t('boundaries.mismatch.' + cell.expected)} ({cell.deciding}) — {t.pick(cell.reason)}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(loc.file) if loc else FALLBACK_URI, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": (loc.line or 1) if loc else 1}}}],
            "partialFingerprints": {"gcbase/v1": hashlib.sha256(f"{rule_id}|{row.stack}|{cell.party}".encode()).hexdigest()},
        })


def _mandatory(report: Report, t: Texts, rules: dict[str, dict], results: list[dict]) -> None:
    """Each mandatory requirement a stack does not meet (a failing check, or nothing checked: missing) as an
    error at the stack config: the gate fails on it whatever the severity of the checks behind it."""
    configs = _configs(report)
    titles = {r.id: r for r in report.requirements}
    for stack, rid, why in report.mandatory_failures():
        rule_id = f"requirement/{rid}"
        req = titles.get(rid)
        if rule_id not in rules:
            title = f"{rid} {t.pick(req.title) if req else ''}".strip()
            rules[rule_id] = {"id": rule_id, "shortDescription": {"text": title}, "fullDescription": {"text": title},
                              "defaultConfiguration": {"level": "error"},
                              "properties": {"tags": ["security", rid, "mandatory"], "security-severity": "9.0"}}
        loc = configs[stack].at("") if stack in configs else None
        checks = ", ".join(req.checks) if req else ""
        results.append({
            "ruleId": rule_id, "ruleIndex": list(rules).index(rule_id), "kind": "fail", "level": "error",
            "message": {"text": f"{rid} — {stack}: {t('status.' + why)} ({checks})"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(loc.file) if loc else FALLBACK_URI, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": (loc.line or 1) if loc else 1}}}],
            "partialFingerprints": {"gcbase/v1": hashlib.sha256(f"{rule_id}|{stack}".encode()).hexdigest()},
        })


def to_sarif(report: Report, lang: str = "ja") -> dict:
    t = Texts(lang)
    titles = {r.id: t.pick(r.title) for r in report.requirements}
    shown = report.failures() + report.waived()
    errored = report.errored()
    rules: dict[str, dict] = {}
    for f in sorted(shown + errored, key=lambda x: x.check_id):
        rules.setdefault(f.check_id, _rule(f, t, titles))
    index = {rid: i for i, rid in enumerate(rules)}
    results = []
    for f in shown:
        res = _result(f, index[f.check_id], t)
        res["locations"] = [_location(f)]
        results.append(res)
    _boundaries(report, t, rules, results)
    _mandatory(report, t, rules, results)
    notes = [{"level": "error", "message": {"text": f"{t('status.error')}: {f.check_id} — {f.stack}: {f.resource} — {f.message}"},
              "locations": [_location(f)], "associatedRule": {"id": f.check_id, "index": index[f.check_id]},
              "exception": {"message": f.message}, "properties": {"stack": f.stack, "resource": f.resource}}
             for f in errored]
    notes += [{"level": "warning", "message": {"text": t("waiver.unused") + f": {s.waiver.check} {s.waiver.resource}"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(s.waiver.file)},
                                                  "region": {"startLine": s.waiver.line or 1}}}]}
             for s in report.unused_waivers()]
    notes += [{"level": "note", "message": {"text": f"{t('coverage.checks_not_run')}: {cid} {t.pick(title)}"}}
              for cid, title in report.checks_not_run]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "gcbase", "version": report.version or "0", "semanticVersion": report.version or "0.0.0",
                                "rules": list(rules.values())}},
            "automationDetails": {"id": "gcbase/check/" + ",".join(s.stack for s in report.stacks)},
            "invocations": [{"executionSuccessful": not errored, "toolExecutionNotifications": notes}],
            "results": results,
            "properties": {"failOn": report.fail_on, "passed": report.passed, "verdict": report.state},
        }],
    }


def render(report: Report, lang: str = "ja") -> str:
    return json.dumps(to_sarif(report, lang), ensure_ascii=False, indent=2) + "\n"
