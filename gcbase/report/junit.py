"""JUnit XML (testsuites/testsuite/testcase/failure) as GitLab, Jenkins and most CI servers read it.

One testsuite per stack, one testcase per check x resource: a failure is <failure>, a waived
finding <skipped> with the waiver, a check that raised on the resource <error> with the
exception (counted in `errors`, never a pass), a pass an empty testcase. When the responsibility boundaries
were evaluated they get a testsuite of their own, one testcase per expectation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from gcbase.report.i18n import Texts
from gcbase.report.model import BoundaryRow, Finding, Report, waiver_ref


def _case(suite: ET.Element, f: Finding, t: Texts, titles: dict[str, str]) -> None:
    case = ET.SubElement(suite, "testcase", {
        "classname": f"{f.stack}.{f.check_id}", "name": f"{f.check_id} {f.resource}", "time": "0"})
    if f.location is not None:
        case.set("file", f.location.file)
        if f.location.line:
            case.set("line", str(f.location.line))
    title = t.pick(f.title, f.check_id)
    if f.status == "waived" and f.waiver is not None:
        w = f.waiver
        ET.SubElement(case, "skipped", {"message": t("status.waived") + ": " + waiver_ref(w, t)})
        return
    if f.status == "error":
        error = ET.SubElement(case, "error", {"message": f"{t('status.error')}: {title}", "type": "check-error"})
        error.text = "\n".join([f"{t('col.resource')}: {f.stack} {f.resource} ({f.resource_type})",
                                f"{t('col.exception')}: {f.message}"])
        return
    if f.status != "fail":
        return
    lines = [title, f"{t('col.severity')}: {t('severity.' + f.severity) if f.severity else ''}",
             f"{t('col.resource')}: {f.stack} {f.resource} ({f.resource_type})"]
    lines += [f"{t('col.requirement')}: {r} {titles.get(r, '')}".rstrip() for r in f.requirements]
    if f.location is not None:
        lines.append(f"{t('col.location')}: {f.location.file}:{f.location.line or 1} {f.location.key}".rstrip())
    if f.message:
        lines.append(f"{t('col.message')}: {f.message}")
    lines += [f"{t('col.path')} {i + 1}: {hop['text']}" for i, hop in enumerate(f.path)]
    remediation = t.pick({k: v for k, v in f.remediation.items() if k in ("ja", "en")})
    if remediation:
        lines.append(f"{t('col.remediation')}: {remediation}")
    if f.expired_waiver:
        lines.append(t("waiver.expired") + ": " + f.waiver.id)
    failure = ET.SubElement(case, "failure", {"message": f"[{f.severity}] {title}", "type": f.severity})
    failure.text = "\n".join(lines)


def _boundary_cases(suite: ET.Element, row: BoundaryRow, t: Texts) -> None:
    for cell in row.cells:
        if cell.status == "n/a":
            continue
        case = ET.SubElement(suite, "testcase", {
            "classname": f"{row.stack}.boundaries.{row.id}", "name": f"{cell.party} {row.action}", "time": "0"})
        if cell.status == "mismatch":
            failure = ET.SubElement(case, "failure", {
                "message": f"{t.pick(row.title)}: {t('boundaries.mismatch.' + cell.expected)}", "type": "boundary"})
            failure.text = "\n".join(x for x in (t.pick(cell.reason), cell.deciding) if x)


def _count(suite: ET.Element) -> tuple[int, int, int, int]:
    cases = suite.findall("testcase")
    return (len(cases), sum(1 for c in cases if c.find("failure") is not None),
            sum(1 for c in cases if c.find("skipped") is not None), sum(1 for c in cases if c.find("error") is not None))


def to_xml(report: Report, lang: str = "ja") -> ET.Element:
    t = Texts(lang)
    titles = {r.id: t.pick(r.title) for r in report.requirements}
    root = ET.Element("testsuites", {"name": "gcbase check"})
    missing = {(s, r): why for s, r, why in report.mandatory_failures()}
    for stack in report.stacks:
        suite = ET.SubElement(root, "testsuite", {"name": f"gcbase check {stack.stack}"})
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "verdict", "value": report.state})
        if stack.config_file:
            ET.SubElement(props, "property", {"name": "config", "value": stack.config_file})
        for rid in stack.mandatory:  # the requirement-level gate: one case per mandatory requirement
            case = ET.SubElement(suite, "testcase", {"classname": f"{stack.stack}.requirements", "name": rid,
                                                     "time": "0"})
            why = missing.get((stack.stack, rid))
            if why:
                ET.SubElement(case, "failure", {"message": f"{rid}: {t('status.' + why)}", "type": "mandatory"}).text = \
                    f"{rid} {titles.get(rid, '')}: {t('status.' + why)}"
        for f in sorted((f for f in report.findings if f.stack == stack.stack), key=lambda f: (f.check_id, f.resource)):
            _case(suite, f, t, titles)
    if report.boundaries is not None:
        suite = ET.SubElement(root, "testsuite", {"name": "gcbase boundaries"})
        for row in report.boundaries:
            _boundary_cases(suite, row, t)
    totals = [0, 0, 0, 0]
    for suite in root.findall("testsuite"):
        tests, failures, skipped, errors = _count(suite)
        suite.attrib.update({"tests": str(tests), "failures": str(failures), "errors": str(errors),
                             "skipped": str(skipped), "time": "0"})
        totals = [a + b for a, b in zip(totals, (tests, failures, skipped, errors))]
    root.attrib.update({"tests": str(totals[0]), "failures": str(totals[1]), "errors": str(totals[3]),
                        "skipped": str(totals[2]), "time": "0"})
    return root


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def _clean(root: ET.Element) -> None:
    for el in root.iter():
        el.attrib = {k: _NOT_XML.sub("\ufffd", v) for k, v in el.attrib.items()}
        if el.text:
            el.text = _NOT_XML.sub("\ufffd", el.text)


def render(report: Report, lang: str = "ja") -> str:
    root = to_xml(report, lang)
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
