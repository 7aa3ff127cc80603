"""Waiver governance: a longest lifetime (baselines/waivers-policy.yaml, counted from the run date),
blanket waivers only with an explicit `scope: all` and then on the first page of every report,
approvers and reasons in visible characters, the project's own baseline waivers labelled in every
format and left out with --no-baseline-waivers."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from gcbase import waivers as W
from gcbase.cli import main
from gcbase.errors import GcbaseError
from helpers import ROOT

TODAY = date(2026, 12, 3)
NAT_PLAN = ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_29" / "fail.json"  # two NAT gateways in a My Number VPC
ENTRY = """\
- check: {check}
  resource: "{resource}"
  reason: {reason}
  approver: {approver}
  expires: {expires}
"""


def entry(check="GCJP_AWS_29", resource="aws_nat_gateway.juki", reason="A fixture with a NAT gateway on purpose.",
          approver="CISO 山田太郎", expires="2027-03-31", extra="") -> str:
    return ENTRY.format(check=check, resource=resource, reason=reason, approver=approver, expires=expires) + extra


def problems(tmp_path: Path, text: str, today: date = TODAY) -> list[str]:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        W.load_waivers(path, today)
    except GcbaseError as err:
        return [str(p).removeprefix(f"{path}: ") for p in err.problems]
    return []


# -- lifetime ---------------------------------------------------------------------------------


def test_an_expiry_beyond_the_longest_lifetime_is_refused(tmp_path):
    assert problems(tmp_path, entry(expires="9999-12-31")) == [
        "[0].expires: 9999-12-31 is beyond the longest a waiver may run (365 days from 2026-12-03: 2027-12-03 at "
        "the latest, baselines/waivers-policy.yaml maxLifetimeDays); approve it again when it runs out"]
    assert problems(tmp_path, entry(expires="2027-12-03")) == []  # exactly a year: accepted
    assert problems(tmp_path, entry(expires="2027-12-04"))[0].startswith("[0].expires: 2027-12-04 is beyond")
    assert problems(tmp_path, entry(expires="2020-01-01")) == []  # expired: accepted, and it fails the gate


def test_the_lifetime_is_data_and_counts_from_the_run_date(tmp_path, monkeypatch):
    policy = tmp_path / "waivers-policy.yaml"
    policy.write_text("maxLifetimeDays: 30\n", encoding="utf-8")
    monkeypatch.setattr(W, "POLICY_FILE", policy)
    monkeypatch.setattr(W, "ROOT", tmp_path)
    W.policy.cache_clear()
    try:
        assert problems(tmp_path, entry(expires="2027-01-02")) == []
        assert problems(tmp_path, entry(expires="2027-01-03"))[0].startswith(
            "[0].expires: 2027-01-03 is beyond the longest a waiver may run (30 days from 2026-12-03")
        assert problems(tmp_path, entry(expires="2027-01-03"), today=TODAY + timedelta(days=1)) == []
        policy.write_text("maxLifetimeDays: forever\n", encoding="utf-8")
        W.policy.cache_clear()
        with pytest.raises(GcbaseError, match="maxLifetimeDays: expected a whole number of days from 1 to 3650"):
            W.policy()
    finally:
        W.policy.cache_clear()


def test_the_bundled_waivers_lie_within_the_lifetime_from_today():
    waivers = W.load_waivers(W.SHARED_FILE, date.today())
    assert waivers and all(date.fromisoformat(w.expires) <= W.policy().latest_expiry(date.today()) for w in waivers)


# -- visible approver and reason ---------------------------------------------------------------


@pytest.mark.parametrize("approver", ['"\\u200b"', '"\\u3164"', '"."', '"- -"', '"\\u2800\\u2800"'])
def test_an_approver_without_a_visible_letter_or_digit_is_refused(approver, tmp_path):
    found = problems(tmp_path, entry(approver=approver))
    assert any(p.startswith("[0].approver: has no visible letter or digit") for p in found), found


@pytest.mark.parametrize("field,value", [("approver", '"CISO \\u202e田山"'), ("reason", '"a reason long enough\\u200b to pass"'),
                                         ("approver", '"CISO\\u2066山田"')])
def test_bidi_and_zero_width_characters_are_refused_in_approver_and_reason(field, value, tmp_path):
    found = problems(tmp_path, entry(**{field: value}))
    assert f"[0].{field}: control, bidi or zero-width characters are not allowed; write it in visible characters" \
        in found, found


def test_a_reason_is_counted_in_visible_characters(tmp_path):
    found = problems(tmp_path, entry(reason='"\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164'
                                            '\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164\\u3164 ok"'))
    assert "[0].reason: too short; say why the failure is acceptable (20 visible characters or more)" in found


def test_japanese_approvers_and_reasons_are_accepted(tmp_path):
    assert problems(tmp_path, entry(approver="情報政策課長 山田", reason="移行期間中の暫定措置として承認する例外です（来年度に解消予定）")) == []


# -- blanket waivers ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["*", "aws_nat_gateway.*", "aws_nat_gateway*", "*.*", "type:*"])
def test_a_blanket_pattern_needs_scope_all(pattern, tmp_path):
    assert problems(tmp_path, entry(resource=pattern)) == [
        f"[0].resource: '{pattern}' waives GCJP_AWS_29 for every resource (a blanket waiver): name the resources, or "
        "write scope: all to approve it as such (shown on the first page of every report)"]
    assert problems(tmp_path, entry(resource=pattern, extra="  scope: all\n")) == []
    assert problems(tmp_path, entry(resource=pattern, extra="  scope: everything\n")) == [
        "[0].scope: 'everything' is not allowed; allowed: all (a blanket waiver for every resource of the check)"]


@pytest.mark.parametrize("pattern", ["aws_nat_gateway.juki", "aws_s3_bucket.*_logs_*", "type:aws_customer_gateway",
                                     "aws_iam_role*_governance*"])
def test_a_pattern_naming_resources_is_not_blanket_by_form(pattern):
    assert not W.blanket_pattern(pattern)


def _check(tmp_path: Path, waivers_text: str, *extra: str) -> tuple[int, str, str, Path]:
    import contextlib
    import io

    path = tmp_path / "w.yaml"
    path.write_text(waivers_text, encoding="utf-8")
    out_dir = tmp_path / "out"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--plan", str(NAT_PLAN), "--waivers", str(path), "--scope", "part", "--no-boundaries",
                     "--lang", "en", "-o", str(out_dir), *extra])
    return code, out.getvalue(), err.getvalue(), path


def _xlsx_text(xlsx: zipfile.ZipFile) -> str:
    return "".join(xlsx.read(n).decode("utf-8") for n in xlsx.namelist() if n.startswith("xl/"))


SOON = (date.today() + timedelta(days=90)).isoformat()


def test_a_pattern_matching_every_resource_the_check_reported_needs_scope_all(tmp_path):
    """juki* names no type-wide wildcard, yet in this plan it is every NAT gateway GCJP_AWS_29 reported."""
    code, out, err, path = _check(tmp_path, entry(resource="aws_nat_gateway.juki*", expires=SOON))
    assert code == 2, out + err
    assert f"error: {path}:1: resource: 'aws_nat_gateway.juki*' matches every resource GCJP_AWS_29 reported in " \
           "fail.json (2), a blanket waiver: name the resources, or write scope: all to approve it as such" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_blanket_waiver_is_on_the_first_page_of_every_report(tmp_path):
    code, out, err, path = _check(tmp_path, entry(resource="aws_nat_gateway.*", expires=SOON, extra="  scope: all\n"))
    assert code in (0, 1), out + err
    note = "1 blanket waiver(s), each waiving a check for every resource: GCJP_AWS_29 aws_nat_gateway.*"
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    verdict_end = html.index("</section>")  # the first section: the verdict and the summary
    assert note in html[:verdict_end]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "GCJP\\_AWS\\_29 aws\\_nat\\_gateway.\\*" in md.split("###")[0]
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert doc["blanketWaivers"] == ["GCJP_AWS_29:aws_nat_gateway.*"]
    assert [w["scope"] for w in doc["waivers"]] == ["all"]
    with zipfile.ZipFile(tmp_path / "out" / "checklist.xlsx") as xlsx:
        assert note.split(":")[0] in _xlsx_text(xlsx)


# -- baseline waivers: labelled, and switched off for an independent review ----------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    code = main(["check", "131121-stg", "--no-boundaries", "--lang", "en", "-o", str(out)])
    return code, out


def test_baseline_waivers_are_labelled_in_every_format(example):
    code, out = example
    assert code == 0
    label = "[gcbase baseline waiver] Approved by gcbase policy review (baselines)"
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    waived = [f for f in doc["findings"] if f["status"] == "waived"]
    assert waived and all(f["waiver"]["baseline"] for f in waived)
    assert doc["baselineWaived"] == len(waived)
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    justifications = [s["justification"] for r in sarif["runs"][0]["results"] for s in r.get("suppressions", [])]
    assert justifications and all(j.startswith(label) for j in justifications)
    assert f'message="Waived: {label}' in (out / "junit.xml").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert label in html and "own baseline waivers (baselines/waivers.yaml" in html[:html.index("</section>")]
    assert "waived by gcbase's own baseline waivers" in (out / "report.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "checklist.xlsx") as xlsx:
        assert label in _xlsx_text(xlsx)


def test_no_baseline_waivers_leaves_them_out(tmp_path, capsys):
    code = main(["check", "131121-stg", "--no-boundaries", "--no-baseline-waivers", "--format", "json",
                 "-o", str(tmp_path)])
    assert code == 1  # what the baseline waivers waived now fails
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert doc["waivers"] == [] and not [f for f in doc["findings"] if f["status"] == "waived"]
    assert {"CKV_AWS_252", "CKV2_AWS_3"} <= {f["checkId"] for f in doc["findings"] if f["status"] == "fail"}


def test_no_baseline_waivers_refuses_a_baseline_file_given_with_waivers(capsys):
    shared = str(W.SHARED_FILE)
    code = main(["check", "131121-stg", "--no-boundaries", "--no-baseline-waivers", "--waivers", shared])
    assert code == 2
    assert f"error: {shared}: is one of the project's own baseline waiver files; --no-baseline-waivers leaves them " \
           "out" in capsys.readouterr().err


def test_fleet_no_baseline_waivers(tmp_path, capsys):
    code = main(["fleet", "131121-stg", "--no-boundaries", "--no-baseline-waivers", "--workers", "1",
                 "-o", str(tmp_path)])
    result = json.loads(next((tmp_path / "results").glob("*.json")).read_text(encoding="utf-8"))
    assert result["baselineWaivers"] is False and code == 1
    assert not [f for f in result["findings"] if f[3] is not None]
