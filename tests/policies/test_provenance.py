"""Every requirement of the catalogue carries its provenance (status, source, section or why), and every
source its URL or what was not found; a missing one is a load error naming the file and the key."""

from __future__ import annotations

import pytest
import yaml

from gcbase.check import catalogue as cat
from gcbase.check import load_catalogue
from gcbase.errors import GcbaseError


def _with(tmp_path, monkeypatch, edit) -> list[str]:
    """Load a copy of requirements.yaml changed by `edit(data)`; the problems it raises."""
    data = yaml.safe_load(cat.REQUIREMENTS_FILE.read_text(encoding="utf-8"))
    edit(data)
    f = tmp_path / "requirements.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(cat, "REQUIREMENTS_FILE", f)
    with pytest.raises(GcbaseError) as err:
        cat.load_catalogue.__wrapped__()
    return [str(p) for p in err.value.problems]


def _req(data: dict, rid: str) -> dict:
    return next(r for r in data["requirements"] if r["id"] == rid)


def test_every_requirement_has_status_and_source():
    c = load_catalogue()
    for r in c.requirements.values():
        assert r.status in cat.STATUSES, r.id
        assert r.source in c.sources, r.id
        assert r.section or r.status == "project", r.id
        assert r.why or r.status != "project", r.id
    for name, src in c.sources.items():
        assert src.get("url") or src.get("urlNotFound"), name


def test_the_statuses_follow_the_sources_found():
    """A-series values traced to the standard; C and E not traced: gcbase's own, and say so."""
    c = load_catalogue()
    status = {rid: r.status for rid, r in c.requirements.items()}
    assert {rid for rid, s in status.items() if s == "standard"} == {"A.1.3.1", "A.1.3.2", "A.1.4.1", "A.1.5.1",
                                                                     "A.3.2.1"}
    assert all(status[rid] == "project" for rid in status if rid[0] in "CE")
    assert all("gcbase" in c.requirements[rid].ja for rid in status if rid[0] in "CE")  # titled as gcbase's
    assert status["GL.3T.1"] == "guideline" and status["GL.NW.2"] == "project" and status["GL.RB.1"] == "project"
    assert c.sources["nfr"]["read"] == "relay" and c.sources["nfr"]["version"] == "第1.2版"


@pytest.mark.parametrize("field", ["status", "source"])
def test_missing_status_or_source_is_a_load_error(tmp_path, monkeypatch, field):
    problems = _with(tmp_path, monkeypatch, lambda d: _req(d, "A.1.5.1").pop(field))
    assert any(f"requirements.yaml: requirements[3].{field}: A.1.5.1: None" in p for p in problems), problems


def test_unknown_status_is_a_load_error(tmp_path, monkeypatch):
    problems = _with(tmp_path, monkeypatch, lambda d: _req(d, "A.1.5.1").update(status="official"))
    assert any("requirements[3].status: A.1.5.1: 'official'; allowed: standard, guideline, project" in p for p in problems)


def test_project_choice_needs_its_reason(tmp_path, monkeypatch):
    problems = _with(tmp_path, monkeypatch, lambda d: _req(d, "E.7.1.2").pop("why"))
    assert any("E.7.1.2: required for project: why gcbase chose it" in p for p in problems)


def test_standard_item_needs_a_section_and_a_document(tmp_path, monkeypatch):
    def edit(d):
        _req(d, "A.1.3.2").pop("section")
        _req(d, "A.1.3.1").update(source="project")
    problems = _with(tmp_path, monkeypatch, edit)
    assert any("A.1.3.2: required for standard: the item, page or chapter" in p for p in problems)
    assert any("A.1.3.1: a standard item cites the document it is found in, not project" in p for p in problems)


def test_source_needs_url_or_what_was_not_found_and_how_it_was_read(tmp_path, monkeypatch):
    def edit(d):
        d["sources"]["gcas-aws"].pop("url")
        d["sources"]["nfr"].pop("relay")
    problems = _with(tmp_path, monkeypatch, edit)
    assert any("sources.gcas-aws: needs url, or urlNotFound saying what was not found" in p for p in problems)
    assert any("sources.nfr.relay: required when read is relay" in p for p in problems)
