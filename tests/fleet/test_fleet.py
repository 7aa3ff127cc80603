"""gcbase fleet: selection and shards, per-stack results, resume, broken stacks, merge, report.

Small generated stacks only (one system, single use: about 200 resources each) and boundaries
off except where a test is about them, so the module runs in well under a minute on 2 cores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gcbase.errors import GcbaseError
from gcbase.fleet.generate import stack_config
from gcbase.fleet.jobs import Job, generated_jobs, parse_shard, select, shard
from gcbase.fleet.merge import merge
from gcbase.fleet.run import MANIFEST, RESULTS, read_result
from helpers import fleet_jobs, quiet_fleet

# 札幌市, 小樽市 (北海道), 八戸市 (青森県): the smallest kind of generated stack.
CODES = ["011002", "012033", "022039"]
EXTRA = "032018"  # 盛岡市 (岩手県)


jobs_of, fleet = fleet_jobs, quiet_fleet


def result(out: Path, stack: str) -> dict:
    return json.loads((out / RESULTS / f"{stack}.json").read_text(encoding="utf-8"))


def stable(res: dict) -> dict:
    return {k: v for k, v in res.items() if k != "run"}


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("one")
    run = fleet(jobs_of(CODES), out)
    assert (run.total, run.done, run.skipped, run.errors) == (3, 3, 0, {})
    return out


# -- selection and shards ------------------------------------------------------------------

def test_shards_partition_the_fleet_disjoint_complete_and_balanced():
    everything = generated_jobs()
    assert len(everything) == 1741
    names = sorted(j.stack for j in everything)
    parts = [shard(everything, i, 4) for i in range(1, 5)]
    seen = [j.stack for part in parts for j in part]
    assert sorted(seen) == names  # complete
    assert len(seen) == len(set(seen))  # disjoint
    assert sorted(len(p) for p in parts) == [435, 435, 435, 436]
    assert [j.stack for j in shard(list(reversed(everything)), 2, 4)] == [j.stack for j in parts[1]]  # input order is irrelevant
    assert [j.stack for j in parts[0][:3]] == names[0:12:4]


def test_select_applies_limit_then_shard_on_sorted_names():
    jobs = select([], all_municipalities=True, limit=10, shard_spec="2/3")
    first_ten = sorted(j.stack for j in generated_jobs())[:10]
    assert [j.stack for j in jobs] == [first_ten[1], first_ten[4], first_ten[7]]
    assert all(j.config is not None and j.file is None for j in jobs)


def test_select_stack_files_and_usage_errors():
    jobs = select(["131121-stg", "stacks/Pulumi.131121-prod.yaml"])
    assert [(j.stack, Path(j.file).name) for j in jobs] == [("131121-prod", "Pulumi.131121-prod.yaml"),
                                                            ("131121-stg", "Pulumi.131121-stg.yaml")]
    with pytest.raises(GcbaseError, match="stack given twice with different configs"):
        select(["131121-prod"], all_municipalities=True)
    with pytest.raises(GcbaseError, match="no stacks"):
        select([])
    for bad in ("0/4", "5/4", "1-4", "a/b", ""):
        with pytest.raises(GcbaseError) as err:
            parse_shard(bad)
        assert str(err.value.problems[0]) == f"--shard: {bad!r} is not i/n with 1 <= i <= n (for example 2/4)"
    assert parse_shard(" 3/8 ") == (3, 8)


# -- results -------------------------------------------------------------------------------

def test_each_stack_gets_a_complete_result(one_run):
    manifest = json.loads((one_run / MANIFEST).read_text(encoding="utf-8"))
    assert [s["stack"] for s in manifest["stacks"]] == [f"{c}-prod" for c in CODES]
    r = result(one_run, "011002-prod")
    assert (r["status"], r["errors"]) == ("ok", [])
    assert r["meta"] == {"municipality": "011002", "municipalityName": "札幌市", "prefecture": "北海道",
                         "environment": "prod"}
    assert r["source"] == {"file": None, "generated": True}
    assert r["resources"] > 150
    outcomes = {f[2] for f in r["findings"]}
    assert "PASSED" in outcomes and outcomes <= {"PASSED", "FAILED", "SKIPPED"}
    assert r["findings"] == sorted(r["findings"])
    # every finding's check is described once, with the categories of its requirements
    assert {f[0] for f in r["findings"]} == set(r["checks"])
    trail = r["checks"]["CKV_AWS_36"]  # CloudTrail log file validation
    assert trail["severity"] in ("critical", "high", "medium", "low") and "E" in trail["categories"]
    waived = [f for f in r["findings"] if f[2] == "SKIPPED"]
    assert waived and all(f[3] for f in waived)  # a waived result names its waiver
    assert r["boundaries"] is None  # not asked for
    assert set(r["run"]["seconds"]) == {"validate", "synth", "export", "check", "summarize", "collect"}
    assert r["run"]["peakRssMb"] > 50


def test_broken_stacks_are_reported_and_the_rest_finish(tmp_path):
    bad_values = stack_config("012041")
    bad_values["gcbase:systems"][0]["cidr"] = "10.999.0.0/22"
    bad_file = tmp_path / "Pulumi.012092-prod.yaml"
    bad_file.write_text("config:\n  gcbase:municipality: [012092\n", encoding="utf-8")
    jobs = [Job("012041-prod", config=bad_values), Job("012092-prod", file=str(bad_file))] + jobs_of(["022039"])
    out = tmp_path / "out"
    run = fleet(jobs, out, boundaries=True)
    assert (run.done, sorted(run.errors)) == (3, ["012041-prod", "012092-prod"])
    values_err = result(out, "012041-prod")
    assert values_err["status"] == "error"
    assert values_err["errors"] == [  # every problem of the config, one line each
        "Pulumi.012041-prod.yaml: gcbase:systems[0].cidr: '10.999.0.0/22' is not a valid IPv4 CIDR "
        "(such as 10.20.0.0/16) with no host bits set",
        "Pulumi.012041-prod.yaml: gcbase:systems: must list at least one entry"]
    assert values_err["meta"]["municipalityName"] == "旭川市"  # the report row still knows who it is
    file_err = result(out, "012092-prod")
    assert file_err["errors"] == [f"{bad_file}: malformed YAML: line 3 column 1: expected ',' or ']', but got '<stream end>'"]
    ok = result(out, "022039-prod")
    assert ok["status"] == "ok" and ok["findings"]
    b = ok["boundaries"]  # the boundary matrix of the stack that could be checked
    assert b["summary"]["rows"] > 0 and b["summary"]["checks"] > 0
    assert b["summary"]["mismatches"] == len(b["mismatches"])
    assert all(set(m) == {"row", "party", "expect", "account", "principal", "action", "resource", "deciding"}
               for m in b["mismatches"])
    report = merge([out])
    assert report["stacks"] == {"selected": 3, "checked": 1, "errors": 2, "missing": []}
    assert [r["stack"] for r in report["rows"][:2]] == ["012041-prod", "012092-prod"]  # errors first


def test_resume_skips_finished_stacks_and_redoes_broken_files(one_run, tmp_path):
    out = tmp_path / "resumed"
    shutil.copytree(one_run, out)
    kept = out / RESULTS / "011002-prod.json"
    marked = {**json.loads(kept.read_text(encoding="utf-8")), "marker": "from the first run"}
    kept.write_text(json.dumps(marked), encoding="utf-8")
    truncated = out / RESULTS / "012033-prod.json"
    truncated.write_text(truncated.read_text(encoding="utf-8")[:100], encoding="utf-8")  # killed mid-write
    run = fleet(jobs_of(CODES + [EXTRA]), out, resume=True)
    assert (run.total, run.skipped, run.done) == (4, 2, 2)
    assert json.loads(kept.read_text(encoding="utf-8"))["marker"] == "from the first run"  # not redone
    assert stable(read_result(truncated)) == stable(result(one_run, "012033-prod"))  # redone, same result
    assert result(out, f"{EXTRA}-prod")["status"] == "ok"
    again = fleet(jobs_of(CODES), out)  # without --resume: everything again
    assert (again.skipped, again.done) == (0, 3)
    assert "marker" not in json.loads(kept.read_text(encoding="utf-8"))


# -- merge and report ----------------------------------------------------------------------

def test_merged_shards_equal_one_run(one_run, tmp_path):
    shards = []
    for i in (1, 2):
        out = tmp_path / f"shard{i}"
        jobs = shard(jobs_of(CODES), i, 2)
        fleet(jobs, out)
        shards.append(out)
    assert [j.stack for j in shard(jobs_of(CODES), 1, 2)] == ["011002-prod", "022039-prod"]
    whole = merge([one_run])
    assert merge(shards) == whole
    assert merge(list(reversed(shards))) == whole
    assert merge([shards[0]]) != whole  # a shard alone is a different report
    assert whole["stacks"] == {"selected": 3, "checked": 3, "errors": 0, "missing": []}
    assert whole["prefectures"] == ["北海道", "青森県"]
    rows = {r["stack"]: r for r in whole["rows"]}
    r = rows["011002-prod"]
    counts = r["categories"]["E"]
    assert counts["rate"] == round(counts["passed"] / (counts["passed"] + counts["failed"]), 4)
    waived = sum(1 for f in result(one_run, "011002-prod")["findings"] if f[2] == "SKIPPED")
    assert waived and sum(c["waived"] for c in r["categories"].values()) >= waived
    # worst first: the findings list is sorted by severity, then by the number of stacks affected
    ranks = [("critical", "high", "medium", "low").index(f["severity"]) for f in whole["findings"]]
    assert ranks == sorted(ranks)


def test_merge_refuses_conflicting_results_and_reports_missing(one_run, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(one_run, other)
    changed = other / RESULTS / "011002-prod.json"
    data = json.loads(changed.read_text(encoding="utf-8"))
    data["findings"] = data["findings"][1:]
    changed.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GcbaseError, match="011002-prod: has a different result in"):
        merge([one_run, other])
    (other / RESULTS / "022039-prod.json").unlink()
    report = merge([other])
    assert report["stacks"]["missing"] == ["022039-prod"]
    with pytest.raises(GcbaseError, match="not a fleet result directory"):
        merge([tmp_path])


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_fleet_html_is_self_contained_bilingual_and_filterable(one_run):
    from gcbase.fleet.html import CSP, render

    report = merge([one_run])
    page = render(report)
    p = _Collect()
    p.feed(page)
    tags = p.tags
    assert ("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}) in tags
    assert "default-src 'none'" in CSP
    for tag, attrs in tags:  # nothing fetched: no external script, style sheet, image or frame
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        assert not (tag == "script" and "src" in attrs)
        assert not any(k in ("src", "href") and "//" in (v or "") for k, v in attrs.items())
    text = " ".join(p.text)
    assert "全団体点検結果" in text and "Government Cloud fleet check" in text
    assert "セキュリティ" in text and "Security" in text
    options = [a.get("value") for t, a in tags if t == "option"]
    assert options == ["", "北海道", "青森県"]
    rows = [a["data-pref"] for t, a in tags if t == "tr" and "data-pref" in a]
    assert sorted(rows) == ["北海道", "北海道", "青森県"]
    tables = [a["data-pref"] for t, a in tags if t in ("table", "p") and "data-pref" in a]
    assert tables == ["", "北海道", "青森県"]  # fleet-wide findings, then one per prefecture
    assert "札幌市" in text and "八戸市" in text


def test_cli_run_and_merge(one_run, tmp_path, capsys):
    from gcbase.cli import main

    out = tmp_path / "merged"
    code = main(["fleet", "merge", str(one_run), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code in (0, 1)
    assert json.loads((out / "report.json").read_text(encoding="utf-8")) == merge([one_run])
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "3 of 3 stacks checked" in printed
    assert main(["fleet", "merge", str(one_run), "-o", str(out), "--resume"]) == 2
    assert "--resume go with a fleet run, not with merge" in capsys.readouterr().err
    assert main(["fleet", "--all-municipalities", "--shard", "3/2", "-o", str(out)]) == 2
    assert "--shard: '3/2' is not i/n" in capsys.readouterr().err


def test_worker_processes_give_the_same_results(one_run, tmp_path):
    """The pool path: spawned workers, each importing once and taking several stacks."""
    out = tmp_path / "pool"
    run = fleet(jobs_of(CODES), out, workers=2)
    assert (run.workers, run.done, run.errors) == (2, 3, {})
    assert 1 <= len(run.peak_rss_mb) <= 2
    for code in CODES:
        assert stable(result(out, f"{code}-prod")) == stable(result(one_run, f"{code}-prod"))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_fleet_html_in_a_browser_filters_by_prefecture_and_loads_nothing(one_run, tmp_path):
    """Headless chromium runs the inline filter (opened as report.html#pref=青森県) under the CSP."""
    from urllib.parse import quote

    from gcbase.commands.fleet import write_report

    page = write_report(merge([one_run]), tmp_path / "report")[1]
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=1",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom"]
    proc = subprocess.run([CHROMIUM, *flags, page.as_uri() + "#pref=" + quote("青森県")], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [line for line in proc.stderr.splitlines() if ":CONSOLE" in line] == []  # no error, nothing blocked
    p = _Collect()
    p.feed(proc.stdout)
    rows = {a["data-pref"]: [] for t, a in p.tags if t == "tr" and "data-pref" in a}
    for t, a in p.tags:
        if t == "tr" and "data-pref" in a:
            rows[a["data-pref"]].append("hidden" in a)
    assert rows == {"北海道": [True, True], "青森県": [False]}  # only 八戸市's row shows
    shown = [a["data-pref"] for t, a in p.tags if t in ("table", "p") and "data-pref" in a and "hidden" not in a]
    assert shown == ["青森県"]  # and that prefecture's findings instead of the fleet-wide ones


def test_a_stack_that_kills_its_worker_is_an_error_and_the_rest_finish():
    """Stacks in flight when a worker dies are retried alone; only the one that kills again fails."""
    import crashing_task
    from gcbase.fleet.run import PoolSpec, run_pool

    jobs = [Job(f"{c}-prod", config={}) for c in ("011002", "012033", "022039", "032018", "042064")]
    stored: dict[str, dict] = {}
    run_pool(jobs, 2, PoolSpec(crashing_task.task), lambda job, res: stored.__setitem__(job.stack, res))
    assert sorted(stored) == sorted(j.stack for j in jobs)
    crashed = stored.pop(crashing_task.CRASH)
    assert crashed["status"] == "error"
    assert crashed["errors"] == ["the worker process died while checking this stack; it was retried alone and died "
                                 "again (a crash in native code, or killed for memory)"]
    assert crashed["meta"]["municipalityName"] == "小樽市"
    assert {r["status"] for r in stored.values()} == {"ok"}


def test_cli_fleet_run_of_a_stack_file(tmp_path, capsys):
    from gcbase.cli import main

    out = tmp_path / "run"
    code = main(["fleet", "131121-stg", "--workers", "1", "--no-boundaries", "-o", str(out)])
    printed = capsys.readouterr()
    res = result(out, "131121-stg")
    assert res["status"] == "ok" and res["source"] == {"file": "stacks/Pulumi.131121-stg.yaml", "generated": False}
    assert res["meta"]["municipalityName"] == "世田谷区" and res["meta"]["environment"] == "stg"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report == merge([out])
    failing = report["rows"][0]["failedBySeverity"]
    assert code == (1 if failing.get("critical") or failing.get("high") else 0)
    assert "1 stacks checked, 0 already done, 0 with errors" in printed.out
    assert f"wrote {out / 'report.html'}" in printed.out
    # --resume reuses a result made with the same options, and redoes one made with other options
    from gcbase.fleet.jobs import file_job

    again = fleet([file_job("131121-stg")], out, resume=True, boundaries=False)
    assert (again.skipped, again.done) == (1, 0)
    path = out / RESULTS / "131121-stg.json"
    path.write_text(json.dumps({**res, "boundaries": {"summary": {}, "mismatches": []}}), encoding="utf-8")
    again = fleet([file_job("131121-stg")], out, resume=True, boundaries=False)  # that one had boundaries
    assert (again.skipped, again.done) == (0, 1)
    assert result(out, "131121-stg")["boundaries"] is None
    assert main(["fleet", "131121-stg", "--environment", "stg", "-o", str(out)]) == 2
    assert "--environment: goes with --all-municipalities" in capsys.readouterr().err
