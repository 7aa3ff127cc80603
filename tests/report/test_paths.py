"""Reports name files relative to the repository, never by the build machine's absolute path: check
locations, waiver files, plan files, config files; a file outside the repository relative to the
working directory, as given when given relative, or else by its name."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from types import SimpleNamespace as NS

from gcbase.report import FORMATS, render
from gcbase.report.collect import StackResult, build
from gcbase.report.paths import scrub, shown_path
from gcbase.waivers import Waiver, apply_waivers
from helpers import ROOT
from report_fixtures import CONFIG, plan


def test_shown_path_rules(tmp_path):
    inside = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
    assert shown_path(str(inside)) == "stacks/Pulumi.131121-prod.yaml"
    assert shown_path("stacks/Pulumi.131121-prod.yaml", cwd=ROOT) == "stacks/Pulumi.131121-prod.yaml"
    assert shown_path("../stacks/Pulumi.131121-prod.yaml", cwd=ROOT / "docs") == "stacks/Pulumi.131121-prod.yaml"
    work = tmp_path / "work"
    assert shown_path(str(work / "plans" / "a.json"), cwd=work) == "plans/a.json"  # under the working directory
    assert shown_path("../elsewhere/w.yaml", cwd=work) == "../elsewhere/w.yaml"  # given relative: as given
    assert shown_path(str(tmp_path / "elsewhere" / "w.yaml"), cwd=work) == "w.yaml"  # anywhere else: its name
    for kept in ("", None, "(command line)", "(--allow-unchecked-types)"):
        assert shown_path(kept) == kept
    assert scrub(f"cannot read {ROOT}/baselines/x.yaml", cwd=tmp_path) == "cannot read baselines/x.yaml"


def _result(config_file: str, waiver_file: str) -> StackResult:
    p = plan()
    vpc = next(r for r in p.resources if r.name == "t-juki-vpc")
    from gcbase.intent import load_intent

    intent = {**load_intent("131121-prod").to_dict(), "file": config_file}  # as synth records it
    copy = type(p)(project=p.project, stack=p.stack, source=p.source, resources=p.resources,
                   config_file=config_file, meta={**p.meta, "intent": intent})
    waiver = Waiver("GCJP_AWS_12", "aws_flow_log.*", "flow logs of test VPCs only", "CISO", "2099-03-31",
                    file=waiver_file, line=3)
    unused = Waiver("CKV_AWS_1", "*", "never matches", "CISO", "2099-03-31", file=waiver_file, line=9)
    findings = [NS(check_id="GCJP_AWS_12", resource="aws_flow_log.a", result="FAILED", severity="high",
                   requirements=["E.7.1.1"], title_ja="フロー", title_en="Flow", remediation={}, urn=vpc.urn,
                   details=[f"read {ROOT}/baselines/network/routing.yaml"], waiver=None),
                NS(check_id="GCJP_AWS_20", resource="aws_vpc.b", result="FAILED", severity="low",
                   requirements=["E.7.1.1"], title_ja="", title_en="IGW", remediation={}, urn=vpc.urn,
                   details=[], waiver=None)]
    check = NS(findings=findings, not_run=[], not_checked=[])
    return StackResult(copy, check, apply_waivers(findings, [waiver, unused], today=date(2025, 4, 1)))


def _texts(report) -> dict[str, str]:
    out = {}
    for fmt in FORMATS:
        data = render(report, fmt, "ja")
        if isinstance(data, bytes):  # xlsx: the text of every part of the package
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        out[fmt] = data
    return out


def test_no_format_shows_an_absolute_path(tmp_path, monkeypatch):
    """The stack config and the waiver file given by absolute path, one inside the repository and one in a
    directory elsewhere: every format names the first relative to the repository, the second by name."""
    from gcbase.check import load_catalogue

    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    outside = tmp_path / "approvals" / "w.yaml"  # neither in the repository nor under the working directory
    report = build([_result(str(ROOT / CONFIG), str(outside))], load_catalogue())
    assert report.stacks[0].config_file == CONFIG and report.stacks[0].meta["intent"]["file"] == CONFIG
    for fmt, text in _texts(report).items():
        assert str(ROOT) not in text and str(tmp_path) not in text, fmt
    texts = _texts(report)
    assert f"{CONFIG}:31" in texts["html"]  # the location still has its line: the file was read where it is
    assert '"file": "w.yaml"' in texts["json"] and f'"configFile": "{CONFIG}"' in texts["json"]
    assert "read baselines/network/routing.yaml" in texts["json"]
    assert '"uri": "w.yaml"' in texts["sarif"] and f'"uri": "{CONFIG}"' in texts["sarif"]
