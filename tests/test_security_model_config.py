"""gcbase:securityModel: the municipality's model (MIC's guideline: α, α′, β, β′) decides where a system of a business
may sit; the My Number tier never moves, and a model whose definition was not found (β′) is placed as α."""

from __future__ import annotations

import copy

import pytest

from gcbase import baselines
from gcbase.errors import GcbaseError
from gcbase.intent import intent_of
from gcbase.validate import load_settings
from tests.test_validate import BASE, problems, write

GROUPWARE = {"id": "gw", "business": "groupware", "vendor": "vendor-d", "tier": "internet", "cidr": "10.20.16.0/22",
             "account": "210000000104"}


def placed(model: str | None, system: dict):
    def m(c):
        if model is not None:
            c["gcbase:securityModel"] = model
        c["gcbase:systems"].append(dict(system))
    return m


def test_the_default_model_is_alpha(tmp_path):
    config = copy.deepcopy(BASE["config"])
    config.pop("gcbase:securityModel", None)
    s = load_settings(write(tmp_path, config))
    assert s.security_model == "alpha" and intent_of(s).security_model == "alpha"


def test_groupware_in_the_internet_tier_is_allowed_under_beta(tmp_path):
    config = copy.deepcopy(BASE["config"])
    placed("beta", GROUPWARE)(config)
    s = load_settings(write(tmp_path, config))
    assert [x.tier for x in s.systems if x.id == "gw"] == ["internet"] and intent_of(s).security_model == "beta"


@pytest.mark.parametrize("model", ["alpha", "alpha-prime"])
def test_groupware_in_the_internet_tier_is_refused_under_alpha(tmp_path, model):
    placed_as = "" if model == "alpha" else " (placed as alpha)"
    assert problems(tmp_path, placed(model, GROUPWARE)) == [
        f"gcbase:systems[4].tier: 'internet' is not allowed for groupware (グループウェア); allowed: lgwan (under "
        f"gcbase:securityModel {model}{placed_as}; baselines/businesses.yaml)"]


def test_beta_prime_is_placed_as_alpha_because_its_definition_was_not_found(tmp_path):
    assert problems(tmp_path, placed("beta-prime", GROUPWARE)) == [
        "gcbase:systems[4].tier: 'internet' is not allowed for groupware (グループウェア); allowed: lgwan (under "
        "gcbase:securityModel beta-prime (its definition was not found: placed as alpha, conservatively); "
        "baselines/businesses.yaml)"]
    assert baselines.security_models()["beta-prime"]["status"] == "not-found"


@pytest.mark.parametrize("model", ["alpha", "alpha-prime", "beta", "beta-prime"])
def test_a_my_number_business_never_leaves_the_my_number_tier(tmp_path, model):
    juki = dict(GROUPWARE, id="juki2", business="juki", tier="internet")
    (line,) = problems(tmp_path, placed(model, juki))
    assert line.startswith("gcbase:systems[4].tier: 'internet' is not allowed for juki (住民基本台帳); allowed: mynumber")


def test_an_unknown_model_is_refused(tmp_path):
    assert problems(tmp_path, placed("gamma", GROUPWARE)) == [
        "gcbase:securityModel: 'gamma' is not allowed; expected one of 'alpha', 'alpha-prime', 'beta' or 'beta-prime'"]


def test_no_model_moves_a_my_number_capable_business_to_the_internet(tmp_path, monkeypatch):
    text = (baselines.BASELINES / "businesses.yaml").read_text(encoding="utf-8")
    bad = text.replace("- {id: inkan,               core: true, myNumber: false, tiers: [mynumber, lgwan],",
                       "- {id: inkan,               core: true, myNumber: false, tiers: [mynumber, lgwan], "
                       "tiersByModel: {beta: [internet]},")
    assert bad != text
    (tmp_path / "businesses.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(baselines, "BASELINES", tmp_path)
    baselines.businesses.cache_clear()
    try:
        with pytest.raises(GcbaseError) as err:
            baselines.businesses()
        assert "tiersByModel.beta: inkan may sit in the My Number tier: no model moves it to the internet tier" in str(err.value)
    finally:
        baselines.businesses.cache_clear()
