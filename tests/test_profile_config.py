"""Profile values from the standard (baselines/profiles/standard.yaml, with their provenance) and the rule that a
value below the standard's level or gcbase's default needs an exception (例外: reason, approver) that the reports show."""

from __future__ import annotations

import copy

import pytest

from gcbase import baselines
from gcbase.errors import GcbaseError
from gcbase.validate import load_settings
from tests.test_validate import BASE, problems, write

HOW = "(reason, approver)"
EXCEPTION = {"reason": "検証環境のため", "approver": "世田谷区 CISO"}


def settings_with(tmp_path, profile: dict):
    config = copy.deepcopy(BASE["config"])
    config["gcbase:profile"] = {"base": "standard", **profile}
    return load_settings(write(tmp_path, config))


def lowered(key, value):
    def m(c):
        c["gcbase:profile"][key] = value
    return m


def test_the_standard_profile_holds_the_standards_levels_with_their_sources():
    values, sources = baselines.profile("standard"), baselines.profile_sources("standard")
    assert (values["availability"], values["rpoHours"], values["rtoHours"]) == (99.5, 24, 12)
    assert (values["disasterRecoveryMonths"], values["disasterDataHours"], values["backupIntervalHours"]) == (1, 72, 24)
    assert {k: sources[k]["status"] for k in ("availability", "rpoHours", "rtoHours", "disasterRecoveryMonths",
                                               "disasterDataHours", "remoteBackupCopy")} == dict.fromkeys(
        ("availability", "rpoHours", "rtoHours", "disasterRecoveryMonths", "disasterDataHours", "remoteBackupCopy"), "standard")
    assert sources["disasterDataHours"]["section"] == "A.1.4.1" and sources["availability"]["source"] == "nfr"
    assert {k: sources[k]["status"] for k in ("backupIntervalHours", "backupRetentionDays", "logRetentionDays")} == \
        dict.fromkeys(("backupIntervalHours", "backupRetentionDays", "logRetentionDays"), "project")
    assert all(sources[k].get("why") for k in sources if sources[k]["status"] == "project")


def test_a_profile_value_without_provenance_does_not_load(tmp_path, monkeypatch):
    text = (baselines.BASELINES / "profiles" / "standard.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "standard.yaml").write_text(text.replace("  rtoHours: {status: standard, source: nfr, section: A.1.3.2, "
                                                       "requirement: A.1.3.2}\n", ""), encoding="utf-8")
    monkeypatch.setattr(baselines, "BASELINES", tmp_path)
    baselines._profile_file.cache_clear()
    try:
        with pytest.raises(GcbaseError) as err:
            baselines.profile("standard")
        assert str(err.value).endswith("standard.yaml: sources.rtoHours: missing: the value's status, source and "
                                       "section or why")
    finally:
        baselines._profile_file.cache_clear()


def test_a_profile_source_unknown_to_the_catalogue_does_not_load(monkeypatch):
    from gcbase.check import catalogue

    real = baselines.profile_sources("standard")
    monkeypatch.setattr(baselines, "profile_sources", lambda name: {**real, "rtoHours": {
        "status": "standard", "source": "nfr-draft", "section": "A.1.3.2", "requirement": "A.9.9.9"}})
    with pytest.raises(GcbaseError) as err:
        catalogue.load_catalogue.__wrapped__()
    lines = [str(p) for p in err.value.problems]
    assert any(line.endswith("standard.yaml: sources.rtoHours.source: 'nfr-draft' is not a source of requirements.yaml; "
                             "allowed: nfr, ipa-grade, mic-guideline, gc-usage, gcas-aws, gc-recommended, aws-lg-faq, "
                             "aws-govcloud-guides, project") for line in lines), lines
    assert any(line.endswith("sources.rtoHours.requirement: unknown requirement 'A.9.9.9'") for line in lines)


def test_availability_below_the_standards_level_is_refused(tmp_path):
    assert problems(tmp_path, lowered("availability", 95)) == [
        f"gcbase:profile.availability: 95 is below the standard's level 99.5 (A.1.5.1); allowed: 99.5 or more, or "
        f"record why in gcbase:profile.exceptions.availability {HOW}"]


def test_availability_below_the_standards_level_with_an_exception_is_recorded(tmp_path):
    s = settings_with(tmp_path, {"availability": 95, "exceptions": {"availability": EXCEPTION}})
    assert s.profile.availability == 95
    [e] = s.profile.exceptions
    assert (e.key, e.value, e.level, e.status, e.requirement, e.reason, e.approver) == (
        "availability", 95, 99.5, "standard", "A.1.5.1", "検証環境のため", "世田谷区 CISO")
    from gcbase.intent import intent_of

    assert intent_of(s).profile_exceptions[0]["reason"] == "検証環境のため"


def test_availability_must_be_a_level_of_the_standard(tmp_path):
    assert problems(tmp_path, lowered("availability", 99.95)) == [
        "gcbase:profile.availability: 99.95 is not a level of A.1.5.1; allowed: 95, 99, 99.5, 99.9, 99.99"]


@pytest.mark.parametrize("key, value, level, requirement, whose", [
    ("rtoHours", 24, 12, "A.1.3.2", "the standard's level"),
    ("disasterRecoveryMonths", 3, 1, "A.1.4.1", "the standard's level"),
    ("disasterDataHours", 96, 72, "A.1.4.1", "the standard's level"),
    ("backupIntervalHours", 48, 24, "C.1.2.5", "gcbase's default"),
])
def test_longer_than_the_profile_is_refused(tmp_path, key, value, level, requirement, whose):
    found = problems(tmp_path, lowered(key, value))
    assert found[0] == (f"gcbase:profile.{key}: {value} is longer than {whose} {level} ({requirement}); allowed: "
                        f"{level} or less, or record why in gcbase:profile.exceptions.{key} {HOW}")


@pytest.mark.parametrize("key, value, level, requirement", [
    ("backupRetentionDays", 7, 35, "C.1.2.6"),
    ("cloudwatchLogRetentionDays", 180, 365, "E.7.1.2"),
])
def test_shorter_retention_than_gcbases_default_is_refused(tmp_path, key, value, level, requirement):
    assert problems(tmp_path, lowered(key, value)) == [
        f"gcbase:profile.{key}: {value} is below gcbase's default {level} ({requirement}); allowed: {level} or more, "
        f"or record why in gcbase:profile.exceptions.{key} {HOW}"]


def test_every_lowered_value_is_accepted_with_its_exception(tmp_path):
    values = {"rpoHours": 48, "rtoHours": 24, "disasterRecoveryMonths": 2, "disasterDataHours": 96,
              "backupRetentionDays": 14, "logRetentionDays": 1827, "cloudwatchLogRetentionDays": 180}
    s = settings_with(tmp_path, {**values, "exceptions": {k: EXCEPTION for k in values}})
    assert {e.key: (e.value, e.level) for e in s.profile.exceptions} == {
        "rpoHours": (48, 24), "rtoHours": (24, 12), "disasterRecoveryMonths": (2, 1), "disasterDataHours": (96, 72),
        "backupRetentionDays": (14, 35), "logRetentionDays": (1827, 2557), "cloudwatchLogRetentionDays": (180, 365)}


def test_raised_values_need_no_exception(tmp_path):
    s = settings_with(tmp_path, {"availability": 99.9, "rtoHours": 4, "disasterDataHours": 48})
    assert s.profile.exceptions == () and s.profile.availability == 99.9


def test_backups_less_often_than_the_rpo_are_refused(tmp_path):
    def m(c):
        c["gcbase:profile"].update(rpoHours=12, backupIntervalHours=24)
    assert problems(tmp_path, m) == [
        "gcbase:profile.backupIntervalHours: 24 hours between backups cannot meet an RPO of 12 hours; allowed: 12 or less"]


def test_an_exception_for_a_value_not_lowered_is_refused(tmp_path):
    def m(c):
        c["gcbase:profile"]["exceptions"] = {"availability": EXCEPTION, "colour": EXCEPTION}
    assert problems(tmp_path, m) == [
        "gcbase:profile.exceptions.availability: availability is not below the base profile; an exception records a "
        "value below it: remove the exception",
        "gcbase:profile.exceptions.colour: 'colour' is not a profile value; allowed: availability, rpoHours, rtoHours, "
        "disasterRecoveryMonths, disasterDataHours, backupIntervalHours, backupRetentionDays, logRetentionDays, "
        "cloudwatchLogRetentionDays"]


def test_an_exception_needs_reason_and_approver_in_visible_characters(tmp_path):
    def m(c):
        c["gcbase:profile"].update(availability=99, exceptions={"availability": {"reason": " ", "approver": "CISO\u202e"}})
    assert problems(tmp_path, m) == ["gcbase:profile.exceptions.availability.reason: required, in visible characters",
                                     "gcbase:profile.exceptions.availability.approver: required, in visible characters"]
    assert problems(tmp_path, lambda c: c["gcbase:profile"].update(
        availability=99, exceptions={"availability": {"reason": "x"}})) == [
        "gcbase:profile.exceptions.availability.approver: required key is missing"]
