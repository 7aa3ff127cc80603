"""The same program gives the same plan on every run, in one process and byte for byte, also when
it passes resource objects as inputs (tests/programs/resource-input): such a program failed about
4 runs in 10 with "Task ... attached to a different loop" (gcbase/synth/mocks.py says why)."""

from __future__ import annotations

import json

from gcbase.synth.program import synth_program
from helpers import ROOT

PROGRAM = ROOT / "tests" / "programs" / "resource-input"
RUNS = 25  # at the old failure rate, 25 clean runs in a row had a chance of about 1 in 10,000


def test_a_program_passing_resources_as_inputs_gives_the_same_plan_every_run():
    plans = [json.dumps(synth_program(PROGRAM).to_dict(), ensure_ascii=False) for _ in range(RUNS)]
    assert len(set(plans)) == 1
    plan = json.loads(plans[0])
    by_name = {r["name"]: r for r in plan["resources"]}
    vpc_id = by_name["main"]["id"]
    assert vpc_id and all(by_name[n]["inputs"]["vpcId"] == vpc_id for n in ("a", "b", "private"))
    assert by_name["app"]["inputs"]["vpcSecurityGroupIds"] == [by_name["web"]["id"]]
    assert by_name["main"]["urn"] in by_name["a"]["dependencies"]


def test_plan_files_are_byte_identical_across_processes(tmp_path):
    """Keys of protobuf maps come out in hash order, which differs from one process to the next."""
    import os
    import subprocess
    import sys

    written = []
    for seed in ("1", "2"):
        out = tmp_path / f"plan-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", "import sys; from gcbase.cli import main; sys.exit(main(sys.argv[1:]))",
                        "synth", "--program", str(PROGRAM), "--json", str(out)], check=True, env=env, cwd=ROOT,
                       capture_output=True)
        written.append(out.read_bytes())
    assert written[0] == written[1]
