"""`gcbase network STACK` and `gcbase check --tenancy STACK` from the command line."""

from __future__ import annotations

import json

from gcbase.cli import main
from gcbase.tfplan import export
from helpers import plan_of


def test_network_on_an_example_proves_every_invariant(capsys, tmp_path):
    code = main(["network", "131121-stg", "--json", str(tmp_path / "n.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("131121-stg (plan): 1 VPCs, 2 reaches (0 possible), 0 violation(s)\n")
    assert "  pass no-path-mynumber-internet    GCJP_AWS_43  GL.3T.1  1 proved, 0 violated" in out
    doc = json.loads((tmp_path / "n.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in doc["invariants"]][:2] == ["no-path-mynumber-internet", "no-path-mynumber-lgwan"]
    assert all(v["passed"] for i in doc["invariants"] for v in i["verdicts"])


def test_network_options_for_live_only_are_one_error_line(capsys):
    assert main(["network", "131121-stg", "--profile", "hub"]) == 2
    assert capsys.readouterr().err.strip() == "error: network: --profile and --region go with --live"


def test_a_foreign_plan_is_judged_by_the_stack_given_with_tenancy(capsys, tmp_path):
    """A Terraform plan that does not say it is gcbase's: without --tenancy no stack judges its VPCs (the
    declaration check fails them); with it, the stack's tiers and accounts decide and it passes."""
    tfplan = export(plan_of("131121-stg"))
    del tfplan["gcbase"]  # as a vendor's own `terraform show -json` would be
    path = tmp_path / "vendor.tfplan.json"
    path.write_text(json.dumps(tfplan), encoding="utf-8")
    args = ["check", "--plan", str(path), "--json", str(tmp_path / "r.json")]
    main(args)
    capsys.readouterr()
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    failed = {f["check_id"] for f in doc["plans"][0]["findings"] if f["result"] == "FAILED"}
    assert "GCJP_AWS_50" in failed
    main([*args, "--tenancy", "131121-stg"])
    capsys.readouterr()
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    network = [f for f in doc["plans"][0]["findings"] if f["check_id"] in ("GCJP_AWS_43", "GCJP_AWS_47", "GCJP_AWS_50")]
    assert network and all(f["result"] == "PASSED" for f in network)
