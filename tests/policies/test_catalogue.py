"""The requirement catalogue and the check mapping: ids exist, nothing listed twice, every check mapped."""

from __future__ import annotations

import shutil

import pytest

from gcbase.check import catalogue as cat
from gcbase.check import load_catalogue
from gcbase.errors import GcbaseError


def checkov_ids() -> set[str]:
    from gcbase.check.runner import _checkov

    return _checkov()["registered"]


def test_every_mapped_builtin_check_exists_in_checkov():
    builtin = [m.id for m in load_catalogue().checks.values() if m.kind == "builtin"]
    assert builtin, "the mapping lists no built-in check"
    missing = sorted(set(builtin) - checkov_ids())
    assert not missing, f"baselines/checkov_builtin.yaml names checks Checkov does not have: {missing}"


def test_at_least_thirty_custom_checks():
    assert len(load_catalogue().custom()) >= 30


def test_every_custom_check_is_registered_and_mapped():
    c = load_catalogue()
    custom = c.custom()
    registered = checkov_ids()
    for meta in custom:
        assert meta.requirements, f"{meta.id} serves no requirement"
        assert all(r in c.requirements for r in meta.requirements)
        if meta.kind in ("resource", "graph"):
            assert meta.id in registered, f"{meta.id} did not load into Checkov"
    from gcbase.check.plancheck import plan_checks

    assert {p.id for p in plan_checks()} == {m.id for m in custom if m.kind == "plan"}


def test_requirement_to_checks_mapping_is_the_inverse():
    c = load_catalogue()
    for rid in c.requirements:
        for cid in c.checks_of(rid):
            assert rid in c.checks[cid].requirements
    assert "GCJP_AWS_6" in c.checks_of("E.7.1.2")
    assert "GCJP_AWS_28" in c.checks_of("GL.3T.1")


def test_no_check_id_twice_across_kinds_and_builtins():
    c = load_catalogue()
    ids = [m.id for m in c.checks.values()]
    assert len(ids) == len(set(ids))
    kinds = {m.id: m.kind for m in c.checks.values()}
    assert all(k.startswith(("GCJP_", "GCJP2_")) == (v != "builtin") for k, v in kinds.items())


def _copy_tree(tmp_path, monkeypatch):
    """A writable copy of policies/ and the two baseline files, with the loader pointed at it."""
    root = tmp_path / "policies"
    shutil.copytree(cat.POLICIES, root, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.yaml", "checkov_builtin.yaml"):
        shutil.copy(cat.BASELINES / name, tmp_path / name)
    monkeypatch.setattr(cat, "POLICIES", root)
    monkeypatch.setattr(cat, "REQUIREMENTS_FILE", tmp_path / "requirements.yaml")
    monkeypatch.setattr(cat, "BUILTIN_FILE", tmp_path / "checkov_builtin.yaml")
    return root


def _problems(monkeypatch) -> list[str]:
    with pytest.raises(GcbaseError) as err:
        cat.load_catalogue.__wrapped__()
    return [str(p) for p in err.value.problems]


def test_id_must_match_file_name(tmp_path, monkeypatch):
    root = _copy_tree(tmp_path, monkeypatch)
    meta = root / "resource" / "GCJP_AWS_4.metadata"
    meta.write_text(meta.read_text().replace("id: GCJP_AWS_4", "id: GCJP_AWS_44"))
    assert any("GCJP_AWS_4.metadata: id: must equal the file name 'GCJP_AWS_4'" in p for p in _problems(monkeypatch))


def test_unknown_requirement_and_missing_fields_are_reported(tmp_path, monkeypatch):
    root = _copy_tree(tmp_path, monkeypatch)
    meta = root / "resource" / "GCJP_AWS_9.metadata"
    meta.write_text(meta.read_text().replace("requirements: [E.7.1.1, E.8.2.1]", "requirements: [E.7.9.9]")
                    .replace("severity: medium", "severity: urgent"))
    problems = _problems(monkeypatch)
    assert any("requirements: unknown requirement 'E.7.9.9'" in p for p in problems)
    assert any("GCJP_AWS_9.metadata: severity: must be one of critical, high, medium, low" in p for p in problems)


def test_check_without_metadata_is_reported(tmp_path, monkeypatch):
    root = _copy_tree(tmp_path, monkeypatch)
    (root / "resource" / "GCJP_AWS_3.metadata").unlink()
    assert any("GCJP_AWS_3.py: no GCJP_AWS_3.metadata beside it" in p for p in _problems(monkeypatch))


def test_metadata_under_its_old_yaml_name_is_refused_with_the_rename(tmp_path, monkeypatch):
    """A <ID>.metadata.yaml (the name before issue 16, or from a branch made before it) is one line saying how to
    rename it: Checkov would load it as a graph policy and warn."""
    root = _copy_tree(tmp_path, monkeypatch)
    (root / "resource" / "GCJP_AWS_3.metadata").rename(root / "resource" / "GCJP_AWS_3.metadata.yaml")
    problems = _problems(monkeypatch)
    assert any("GCJP_AWS_3.metadata.yaml: rename to GCJP_AWS_3.metadata: Checkov loads every .yaml" in p
               for p in problems), problems


def test_builtin_listed_twice_is_rejected(tmp_path, monkeypatch):
    _copy_tree(tmp_path, monkeypatch)
    f = tmp_path / "checkov_builtin.yaml"
    f.write_text(f.read_text() + "  CKV_AWS_67: {severity: low, requirements: [E.7.1.1], ja: 重複}\n")
    assert any("duplicate key 'CKV_AWS_67'" in p for p in _problems(monkeypatch))


def test_requirement_listed_twice_is_rejected(tmp_path, monkeypatch):
    _copy_tree(tmp_path, monkeypatch)
    f = tmp_path / "requirements.yaml"
    f.write_text(f.read_text() + "  - {id: A.1.3.1, category: A, source: nfr, ja: 重複, en: duplicate}\n")
    assert any("A.1.3.1 is listed twice" in p for p in _problems(monkeypatch))


def test_every_requirement_category_and_source_is_declared():
    c = load_catalogue()
    assert set(c.categories) == {"A", "B", "C", "D", "E", "F", "G"}
    for req in c.requirements.values():
        assert req.category in c.categories and req.source in c.sources
        assert req.category == ("G" if req.id.startswith("GL.") else req.id[0])
