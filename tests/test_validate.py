"""One test per validation rule, each with its exact one-line message."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gcbase.cli import main
from gcbase.errors import GcbaseError
from gcbase.validate import load_settings

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "stacks" / "Pulumi.131121-prod.yaml").read_text(encoding="utf-8"))


def write(tmp_path: Path, config: dict, stack: str = "131121-prod") -> Path:
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    return path


def problems(tmp_path: Path, mutate, stack: str = "131121-prod") -> list[str]:
    config = copy.deepcopy(BASE["config"])
    mutate(config)
    path = write(tmp_path, config, stack)
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    prefix = f"{path}: "
    lines = [str(p) for p in info.value.problems]
    assert all(line.startswith(prefix) for line in lines)
    return [line[len(prefix):] for line in lines]


def test_examples_are_valid():
    for path in sorted((ROOT / "stacks").glob("Pulumi.*.yaml")):
        settings = load_settings(path)
        assert settings.stack == path.name[len("Pulumi."):-len(".yaml")]


def test_example_resolves_name_and_profile():
    s = load_settings(ROOT / "stacks" / "Pulumi.131121-prod.yaml")
    assert s.municipality.name == "世田谷区"
    assert s.municipality.prefecture == "東京都"
    assert s.profile.availability == 99.5
    assert s.profile.rto_hours == 12
    assert s.profile.log_retention_days == 2557
    assert s.account_ids[0] == "210000000001"


def test_malformed_yaml(tmp_path):
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text("config:\n  gcbase:municipality: [unclosed\n", encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}: malformed YAML: line 3 column 1: ")


def test_duplicate_key(tmp_path):
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text('config:\n  gcbase:environment: prod\n  gcbase:environment: stg\n', encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}: malformed YAML: line 3 column 3: duplicate key 'gcbase:environment'"


def test_python_tag_rejected(tmp_path):
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_text('config:\n  gcbase:environment: !!python/object/apply:os.system ["true"]\n', encoding="utf-8")
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert "malformed YAML" in str(info.value) and "python/object/apply" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(GcbaseError) as info:
        load_settings(tmp_path / "Pulumi.131121-prod.yaml")
    assert str(info.value) == f"{tmp_path / 'Pulumi.131121-prod.yaml'}: stack config file not found"


def test_shift_jis_file(tmp_path):
    path = tmp_path / "Pulumi.131121-prod.yaml"
    path.write_bytes("config:\n  gcbase:environment: 検証\n".encode("shift_jis"))
    with pytest.raises(GcbaseError) as info:
        load_settings(path)
    assert "not UTF-8 text" in str(info.value)


def test_unknown_key(tmp_path):
    def m(c):
        c["gcbase:network"]["bandwidth"] = "10G"
    assert problems(tmp_path, m) == [
        "gcbase:network.bandwidth: unknown key; allowed keys here: amazonSideAsn, cidrPool, connection, "
        "customerAsn, customerGatewayIp, lines, onPremisesCidrs, redundancy, vpnBackup"]


def test_unknown_top_level_gcbase_key(tmp_path):
    def m(c):
        c["gcbase:colour"] = "blue"
    assert problems(tmp_path, m)[0].startswith("gcbase:colour: unknown key; allowed keys here: accounts, environment,")


def test_code_not_six_digits(tmp_path):
    def m(c):
        c["gcbase:municipality"] = "13112"
    assert problems(tmp_path, m, "13112-prod") == [
        "gcbase:municipality: '13112' is not a 全国地方公共団体コード; expected 6 digits such as '131121'"]


def test_wrong_check_digit(tmp_path):
    def m(c):
        c["gcbase:municipality"] = "131122"
    assert problems(tmp_path, m, "131122-prod") == [
        "gcbase:municipality: '131122' has a wrong check digit; check the code against the 全国地方公共団体コード list"]


def test_unknown_code(tmp_path):
    # 999997 has a valid check digit but is no local government
    def m(c):
        c["gcbase:municipality"] = "999997"
    assert problems(tmp_path, m, "999997-prod") == [
        "gcbase:municipality: '999997' is not in baselines/municipalities.csv; expected an existing local government code"]


def test_ward_of_designated_city(tmp_path):
    def m(c):
        c["gcbase:municipality"] = "141011"  # 横浜市鶴見区
    assert problems(tmp_path, m, "141011-prod") == [
        "gcbase:municipality: '141011' (横浜市 鶴見区) is a ward of a designated city, not a local government; use the city's code"]


def test_stack_name_must_match(tmp_path):
    assert problems(tmp_path, lambda c: None, "131121-stg") == [
        "gcbase:municipality: stack name '131121-stg' does not match municipality and environment; expected '131121-prod'"]


def test_bad_environment(tmp_path):
    def m(c):
        c["gcbase:environment"] = "test"
    assert problems(tmp_path, m) == [
        "gcbase:environment: 'test' is not allowed; expected one of 'prod', 'stg' or 'dev'"]


def test_region_outside_japan(tmp_path):
    def m(c):
        c["gcbase:regions"]["dr"] = "us-east-1"
    assert problems(tmp_path, m) == [
        "gcbase:regions.dr: 'us-east-1' is outside Japan; allowed: ap-northeast-1, ap-northeast-3"]


def test_aws_region_outside_japan(tmp_path):
    def m(c):
        c["aws:region"] = "eu-west-1"
    assert problems(tmp_path, m) == ["aws:region: 'eu-west-1' is outside Japan; allowed: ap-northeast-1, ap-northeast-3"]


def test_unknown_business(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["business"] = "keiri"
    (line,) = problems(tmp_path, m)
    assert line.startswith("gcbase:systems[0].business: 'keiri' is not a known business (baselines/businesses.yaml); allowed: jido-teate, ")


def test_a_my_number_business_only_in_the_my_number_tier(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["tier"] = "lgwan"  # juki (住民基本台帳)
    assert problems(tmp_path, m) == [
        "gcbase:systems[0].tier: 'lgwan' is not allowed for juki (住民基本台帳); allowed: mynumber (a My Number business "
        "(個人番号利用事務) stays in the マイナンバー利用事務系 in every security model)"]


def test_a_business_outside_its_allowed_tiers(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["business"] = "zaimu-kaikei"
    assert problems(tmp_path, m) == [
        "gcbase:systems[0].tier: 'mynumber' is not allowed for zaimu-kaikei (財務会計); allowed: lgwan (under "
        "gcbase:securityModel alpha; baselines/businesses.yaml)"]


def test_every_my_number_business_is_data_with_one_tier():
    from gcbase import baselines

    known = baselines.businesses()
    assert sum(1 for b in known.values() if b["core"]) == 20
    assert all(b["tiers"] == ["mynumber"] for b in known.values() if b["myNumber"])
    assert known["juki"]["myNumber"] and known["juki"]["tiers"] == ["mynumber"]
    assert all(b.get("why") for b in known.values() if b["status"] == "project")


def test_businesses_data_refuses_a_my_number_business_outside_its_tier(tmp_path, monkeypatch):
    from gcbase import baselines
    from gcbase.errors import GcbaseError

    root = tmp_path / "baselines"
    root.mkdir()
    text = (baselines.BASELINES / "businesses.yaml").read_text(encoding="utf-8")
    (root / "businesses.yaml").write_text(text.replace(
        "{id: juki,                core: true, myNumber: true,  tiers: [mynumber]",
        "{id: juki,                core: true, myNumber: true,  tiers: [mynumber, lgwan]"), encoding="utf-8")
    monkeypatch.setattr(baselines, "BASELINES", root)
    baselines.businesses.cache_clear()
    try:
        with pytest.raises(GcbaseError, match=r"juki is a My Number business: allowed only \[mynumber\]"):
            baselines.businesses()
    finally:
        baselines.businesses.cache_clear()


def test_unknown_tier(tmp_path):
    def m(c):
        c["gcbase:systems"][1]["tier"] = "dmz"
    assert problems(tmp_path, m) == [
        "gcbase:systems[1].tier: 'dmz' is not allowed; expected one of 'mynumber', 'lgwan' or 'internet'"]


def test_cidr_syntax(tmp_path):
    def m(c):
        c["gcbase:network"]["cidrPool"] = "10.20.0.0/33"
    assert problems(tmp_path, m) == [
        "gcbase:network.cidrPool: '10.20.0.0/33' is not a valid IPv4 CIDR (such as 10.20.0.0/16) with no host bits set"]


def test_system_outside_pool(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["cidr"] = "10.99.0.0/22"
    assert problems(tmp_path, m) == [
        "gcbase:systems[0].cidr: 10.99.0.0/22 is outside the pool gcbase:network.cidrPool 10.20.0.0/16"]


def test_overlapping_systems(tmp_path):
    def m(c):
        c["gcbase:systems"][1]["cidr"] = "10.20.2.0/23"
    assert problems(tmp_path, m) == [
        "gcbase:systems[1].cidr: overlaps gcbase:systems[0].cidr; systems' CIDRs must not overlap"]


def test_overlap_with_on_premises(tmp_path):
    def m(c):
        c["gcbase:network"]["onPremisesCidrs"]["internet"] = ["10.20.12.0/24"]
    assert problems(tmp_path, m) == [
        "gcbase:network.onPremisesCidrs.internet[0]: 10.20.12.0/24 overlaps the cloud CIDR pool 10.20.0.0/16; on-premises ranges must be disjoint from it",
        "gcbase:systems[3].cidr: 10.20.12.0/22 overlaps on-premises range gcbase:network.onPremisesCidrs.internet[0] 10.20.12.0/24",
    ]


def test_untiered_town_hall_ranges_get_one_line_saying_how_to_migrate(tmp_path):
    def m(c):
        c["gcbase:network"]["onPremisesCidrs"] = ["172.16.0.0/16"]
    assert problems(tmp_path, m) == [
        "gcbase:network.onPremisesCidrs: a list of town-hall ranges without tiers is no longer accepted (三層の対策: "
        "each range belongs to one tier's segment); write them per tier, e.g. onPremisesCidrs: {mynumber: "
        "[172.16.0.0/20], lgwan: [172.16.16.0/20]}"]


def test_town_hall_ranges_of_two_tiers_must_not_overlap(tmp_path):
    def m(c):
        c["gcbase:network"]["onPremisesCidrs"]["lgwan"] = ["172.16.8.0/21"]
    assert problems(tmp_path, m) == [
        "gcbase:network.onPremisesCidrs.lgwan[0]: overlaps gcbase:network.onPremisesCidrs.mynumber[0]; each town-hall "
        "range belongs to one tier"]


def test_town_hall_range_covering_the_internet_is_refused(tmp_path):
    def m(c):
        c["gcbase:network"]["onPremisesCidrs"]["internet"] = ["128.0.0.0/1"]
    assert problems(tmp_path, m) == [
        "gcbase:network.onPremisesCidrs.internet[0]: 128.0.0.0/1 covers 2,147,483,648 public addresses; a town-hall "
        "range lies in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, or is a public block of at most /16 "
        "(else routes to the town hall would cover the internet)",
        "gcbase:network.onPremisesCidrs.internet[0]: overlaps gcbase:network.onPremisesCidrs.mynumber[0]; each "
        "town-hall range belongs to one tier",
        "gcbase:network.onPremisesCidrs.internet[0]: overlaps gcbase:network.onPremisesCidrs.lgwan[0]; each "
        "town-hall range belongs to one tier",
    ]


def test_one_vlan_per_line_when_several_tiers_are_connected(tmp_path):
    def m(c):
        c["gcbase:network"]["lines"][0] = {"connectionId": "dxcon-fgk3a9x1", "vlan": 101}
    assert problems(tmp_path, m) == [
        "gcbase:network.lines[0].vlan: the town hall connects 3 tiers (mynumber, lgwan, internet); give one VLAN per "
        "tier instead, e.g. vlans: {mynumber: 101, lgwan: 111, internet: 121}"]


def test_every_connected_tier_needs_its_own_vlan_on_each_line(tmp_path):
    def m(c):
        c["gcbase:network"]["lines"][1]["vlans"] = {"mynumber": 102, "lgwan": 102}
    assert problems(tmp_path, m) == [
        "gcbase:network.lines[1].vlans: no VLAN for internet; every connected tier (mynumber, lgwan, internet) needs one on each line",
        "gcbase:network.lines[1].vlans: two tiers share a VLAN; each tier's segment needs its own"]


def test_a_vlan_for_a_tier_without_town_hall_range(tmp_path):
    def m(c):
        del c["gcbase:network"]["onPremisesCidrs"]["internet"]
    assert problems(tmp_path, m) == [
        "gcbase:network.lines[0].vlans: internet has no town-hall range in gcbase:network.onPremisesCidrs",
        "gcbase:network.lines[1].vlans: internet has no town-hall range in gcbase:network.onPremisesCidrs"]


def test_member_only_in_shared_use(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["member"] = "131121"
    assert problems(tmp_path, m) == [
        "gcbase:systems[0].member: only for shared usage (共同利用方式); a single-use stack serves its own municipality"]


def test_shared_use_with_account_separation_never_shares_an_account_between_members(tmp_path):
    path = tmp_path / "Pulumi.363421-prod.yaml"
    doc = yaml.safe_load((ROOT / "stacks" / "Pulumi.363421-prod.yaml").read_text(encoding="utf-8"))
    doc["config"]["gcbase:systems"][2]["account"] = "310000000101"
    doc["config"]["gcbase:systems"][2]["member"] = "999999"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GcbaseError) as err:
        load_settings(path)
    assert [str(p).split(": ", 1)[1] for p in err.value.problems] == [
        "gcbase:systems[2].member: '999999' is not a member; allowed: 363421, 363022, 363219",
        "gcbase:systems[2].account: 310000000101 already serves member 363421 (gcbase:systems[0]); with separation: "
        "account no account is shared by two members"]


def test_duplicate_system(tmp_path):
    def m(c):
        dup = dict(c["gcbase:systems"][0], cidr="10.20.16.0/22")
        c["gcbase:systems"].append(dup)
    assert problems(tmp_path, m) == [
        "gcbase:systems[4].id: 'juki' is a duplicate of gcbase:systems[0]; each system id must be unique"]


def test_retention_below_minimum(tmp_path):
    def m(c):
        c["gcbase:profile"]["logRetentionDays"] = 365
    assert problems(tmp_path, m) == [
        "gcbase:profile.logRetentionDays: 365 is below gcbase's default 2557 (E.7.1.2); allowed: 2557 or more, or "
        "record why in gcbase:profile.exceptions.logRetentionDays (reason, approver)"]


def test_rpo_longer_than_profile(tmp_path):
    def m(c):
        c["gcbase:profile"]["rpoHours"] = 48
    assert problems(tmp_path, m) == [
        "gcbase:profile.rpoHours: 48 is longer than the standard's level 24 (A.1.3.1); allowed: 24 or less, or record "
        "why in gcbase:profile.exceptions.rpoHours (reason, approver)"]


def test_shared_without_members(tmp_path):
    def m(c):
        c["gcbase:usage"] = {"mode": "shared", "separation": "account"}
    assert problems(tmp_path, m) == [
        "gcbase:usage.members: shared usage (共同利用方式) needs the member municipalities' codes"]


def test_shared_member_bad_code(tmp_path):
    def m(c):
        c["gcbase:usage"] = {"mode": "shared", "separation": "network", "members": ["131130", "131131"]}
    assert problems(tmp_path, m) == [
        "gcbase:usage.members[1]: '131131' has a wrong check digit; check the code against the 全国地方公共団体コード list"]


def test_single_line_for_dual(tmp_path):
    def m(c):
        c["gcbase:network"]["lines"] = c["gcbase:network"]["lines"][:1]
    assert problems(tmp_path, m) == ["gcbase:network.lines: redundancy 'dual' needs 2 line(s), 1 given"]


def test_bad_account_id(tmp_path):
    def m(c):
        c["gcbase:systems"][0]["account"] = "1234"
    assert problems(tmp_path, m) == [
        "gcbase:systems[0].account: '1234' is not allowed; expected a 12-digit AWS account id"]


def test_all_problems_of_a_file_together(tmp_path):
    def m(c):
        c["gcbase:regions"]["dr"] = "us-west-2"
        c["gcbase:systems"][1]["cidr"] = "10.20.0.0/22"
        c["gcbase:profile"]["logRetentionDays"] = 30
    assert len(problems(tmp_path, m)) == 3


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok: ") == 3
    config = copy.deepcopy(BASE["config"])
    config["gcbase:regions"]["primary"] = "us-east-1"
    bad = write(tmp_path, config)
    assert main(["validate", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"error: {bad}: gcbase:regions.primary: 'us-east-1' is outside Japan; allowed: ap-northeast-1, ap-northeast-3"


def test_cli_unknown_stack_name(capsys):
    assert main(["validate", "999999-prod"]) == 2
    assert "no stack config stacks/Pulumi.999999-prod.yaml; known stacks: 131121-prod, 131121-stg, 363421-prod" in capsys.readouterr().err


def test_deployed_guardrails_need_a_target_and_the_management_account(tmp_path):
    def m(c):
        c["gcbase:guardrails"] = {"deploy": True}
        del c["gcbase:accounts"]["governance"]
    assert problems(tmp_path, m) == [
        "gcbase:guardrails.targetId: required when deploy is true: the root, OU or account id to attach the SCPs to",
        "gcbase:accounts.governance: required when guardrails.deploy is true: the management account of your "
        "organization, where the SCPs are created"]

    def ok(c):
        c["gcbase:guardrails"] = {"deploy": True, "targetId": "ou-ab12-cdefgh34"}
    config = copy.deepcopy(BASE["config"])
    ok(config)
    assert load_settings(write(tmp_path, config)).guardrails.deploy
