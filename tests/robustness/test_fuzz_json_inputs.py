"""Fuzzing the JSON inputs through the CLI: `pulumi preview --json` and `pulumi stack export`
output (gcbase synth/check --preview/--stack-export) and Terraform plan JSON (gcbase check --plan).

Each input is malformed by construction: a value of the wrong kind (or a removed key) at a key
the reader needs, a Pulumi value with an unknown signature, a failed preview, or text-level
damage (truncation, Shift_JIS, UTF-16 without BOM, raw control characters, NaN, duplicate keys,
nesting beyond any parser's stack). Property: exit 2, one line per problem naming the file and,
for damage at a known key, that key; no traceback; nothing left in the output directory.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from robust_kit import (REMOVE, assert_clean_failure, count, get, hostile_text, kana_text, key_text, replaced, run_cli,
                        scalar_values, seeded, fuzz, wrong_type_for, write)
from helpers import ROOT

FIXTURES = ROOT / "tests" / "synth" / "fixtures"
PREVIEW = json.loads((FIXTURES / "preview.json").read_text(encoding="utf-8"))
EXPORT = json.loads((FIXTURES / "stack-export.json").read_text(encoding="utf-8"))
GONE = {"delete", "delete-replaced", "discard", "discard-replaced", "read-discard", "remove-pending-replace"}
RESOURCE_FIELDS = {"urn": True, "type": True, "custom": False, "id": False, "parent": False, "provider": False,
                   "dependencies": False, "propertyDependencies": False, "inputs": False, "outputs": False,
                   "additionalSecretOutputs": False}  # field -> required
SIG = "4dabf18193072939515e22adb298388d"


def _resource_damage(draw, doc: dict, where: tuple) -> tuple[dict, str]:
    """A wrong-kind value, removal or bad Pulumi value in one resource state at `where`."""
    state = get(doc, where)
    name = draw(st.sampled_from(sorted(RESOURCE_FIELDS)))
    label = key_text(where)
    how = draw(st.sampled_from(["wrong-type", "remove", "bad-value"]))
    if how == "remove" and RESOURCE_FIELDS[name]:
        return replaced(doc, where + (name,), REMOVE), f"{label}.{name}"
    if how == "bad-value" or how == "remove":
        if name in ("urn", "provider"):
            return replaced(doc, where + (name,), "x" + draw(hostile_text())), f"{label}.{name}"
        if name == "dependencies":
            return replaced(doc, where + (name,), ["urn:pulumi:dev::p::t::n", draw(st.integers())]), f"{label}.{name}"
        bad = {SIG: draw(st.one_of(hostile_text(), st.just("")))}  # a signature Pulumi never writes
        inputs = dict(state.get("inputs") or {})
        inputs[draw(hostile_text(10))] = bad
        return replaced(doc, where + ("inputs",), inputs), "inputs"
    original = state.get(name, {"dependencies": [], "propertyDependencies": {}, "inputs": {}, "outputs": {},
                                "additionalSecretOutputs": [], "custom": True}.get(name, "x"))
    value = draw(wrong_type_for(original, json_safe=True))
    return replaced(doc, where + (name,), value), f"{label}.{name}"


PULUMI_KINDS = {"resource": 14, "structure": 8, "truncate": 3, "shift-jis": 2, "utf-16-le": 1, "control": 3,
                "nan": 2, "duplicate": 1, "deep": 1, "top-level": 4}


@st.composite
def damaged_pulumi(draw, fmt: str, kind: str) -> tuple[str, bytes, str | None]:
    """(kind, file bytes, key an error must name or None) of one malformed preview / stack export."""
    base = PREVIEW if fmt == "preview" else EXPORT
    text = json.dumps(base, ensure_ascii=False, indent=2)
    if kind == "resource":
        if fmt == "preview":
            i = draw(st.sampled_from([i for i, s in enumerate(base["steps"]) if s["op"] not in GONE]))
            where = ("steps", i, "newState")
        else:
            where = ("deployment", "resources", draw(st.integers(0, len(base["deployment"]["resources"]) - 1)))
        doc, key = _resource_damage(draw, base, where)
        return kind, json.dumps(doc, ensure_ascii=False).encode(), key
    if kind == "structure":
        if fmt == "preview":
            i = draw(st.sampled_from([i for i, s in enumerate(base["steps"]) if s["op"] not in GONE]))
            choices = [("steps",), ("steps", i), ("steps", i, "op"), ("steps", i, "urn"), ("steps", i, "newState"),
                       ("diagnostics",)]
        else:
            choices = [("version",), ("deployment",), ("deployment", "manifest"), ("deployment", "resources"),
                       ("deployment", "secrets_providers"), ("deployment", "resources", 0)]
        path = draw(st.sampled_from(choices))
        how = draw(st.sampled_from(["wrong-type", "remove", "special"]))
        if path == ("diagnostics",):  # a failed preview: its steps are incomplete
            diag = {"severity": "error", "message": draw(hostile_text()), "urn": "urn:pulumi:dev::p::t::n"}
            return kind, json.dumps({**base, "diagnostics": [diag]}).encode(), "diagnostics[0]"
        optional = (("deployment", "secrets_providers"),)
        if how == "remove" and path not in optional and not isinstance(path[-1], int):  # dropping a list item is fine
            return kind, json.dumps(replaced(base, path, REMOVE)).encode(), key_text(path)
        if how == "special" and path == ("version",):
            value = draw(st.sampled_from([0, 1, 2, 5, -3, 10**30]))
            return kind, json.dumps(replaced(base, path, value)).encode(), "version"
        if how == "special" and path in (("steps",), ("deployment", "resources")):  # nothing to import
            return kind, json.dumps(replaced(base, path, [])).encode(), key_text(path)
        value = draw(wrong_type_for(get(base, path), json_safe=True))
        return kind, json.dumps(replaced(base, path, value)).encode(), key_text(path)
    return raw_damage(draw, kind, text)


def raw_damage(draw, kind: str, text: str) -> tuple[str, bytes, str | None]:
    """Text-level damage to a valid JSON document (never valid afterwards)."""
    if kind == "truncate":
        return kind, text[:draw(st.integers(0, len(text.rstrip()) - 1))].encode(), None
    if kind == "shift-jis":
        at = text.index('"', text.index(":")) + 1  # inside the first string value
        return kind, (text[:at] + draw(kana_text()) + text[at:]).encode("cp932", errors="replace"), None
    if kind == "utf-16-le":
        return kind, text.encode("utf-16-le"), None
    if kind == "control":
        at = draw(st.integers(0, len(text)))
        return kind, (text[:at] + draw(st.sampled_from(["\x00", "\x01", "\x1b", "\x1f"])) + text[at:]).encode(), None
    if kind == "nan":
        const = draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
        return kind, text.replace("{", '{"gcbaseFuzz": ' + const + ", ", 1).encode(), None
    if kind == "duplicate":
        first_key = text[text.index('"') + 1:text.index('"', text.index('"') + 1)]
        return kind, text.replace("{", '{"' + first_key + '": 1, ', 1).encode(), "duplicate key"
    if kind == "deep":
        depth = 100_000
        return kind, text.replace("{", '{"gcbaseFuzz": ' + "[" * depth + "]" * depth + ", ", 1).encode(), None
    top = draw(st.sampled_from(["", "null", "42", '"text"', "[]", "[{}]", "true", "{}"]))
    return kind, top.encode(), None


def _run_pulumi_case(fmt: str, case, command: str) -> None:
    kind, data, key = case
    count(f"{fmt} {kind}")
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        tmp = Path(tmp)
        path = write(tmp / f"{fmt}.json", data)
        out = tmp / "out"
        out.mkdir()
        option = "--preview" if fmt == "preview" else "--stack-export"
        argv = (["synth", option, str(path), "-o", str(out), "--json", str(out / "plan.json"),
                 "--tf-plan", str(out / "tfplan.json")] if command == "synth" else
                ["check", option, str(path), "-o", str(out), "--json", str(out / "check.json")])
        assert_clean_failure(run_cli(*argv), [str(path)], key=key, out_dir=out)


@pytest.mark.parametrize("fmt", ["preview", "export"])
@pytest.mark.parametrize("kind", PULUMI_KINDS)
def test_pulumi_json(fmt, kind):
    """`pulumi preview --json` and `pulumi stack export` output (examples per kind: PULUMI_KINDS)."""

    @seeded
    @fuzz(PULUMI_KINDS[kind])
    @given(damaged_pulumi(fmt, kind), st.sampled_from(["synth", "check"]))
    def prop(case, command):
        _run_pulumi_case(fmt, case, command)

    prop()


# -- Terraform plan JSON ----------------------------------------------------------------------


def _tfplan_base() -> dict:
    doc = json.loads((ROOT / "tests" / "policies" / "fixtures" / "GCJP_AWS_28" / "pass.json").read_text(encoding="utf-8"))
    resources = doc["planned_values"]["root_module"]["resources"]
    doc["resource_changes"] = [{"address": r["address"], "mode": r["mode"], "type": r["type"], "name": r["name"],
                                "change": {"actions": ["create"], "before": None, "after": r["values"]}}
                               for r in resources]
    doc["gcbase"] = {"stack": "fuzz", "source": "tf-plan", "not_checked": [{"urn": "urn:x", "type": "x:y:Z"}],
                     "addresses": {f"urn:pulumi:dev::p::{r['type']}::{r['name']}": r["address"] for r in resources}}
    return doc


TFPLAN = _tfplan_base()
PLANNED = ("planned_values", "root_module", "resources")
CONFIGURED = ("configuration", "root_module", "resources")


def _tfplan_paths() -> list[tuple[tuple, bool]]:
    """(path, may be removed) of every key the plan reader needs."""
    out: list[tuple[tuple, bool]] = [(("terraform_version",), True), (("format_version",), False),
                                     (("planned_values",), False), (("planned_values", "root_module"), False),
                                     (PLANNED, False), (("resource_changes",), False), (("configuration",), False),
                                     (("configuration", "provider_config"), False), (("gcbase",), False),
                                     (("gcbase", "addresses"), False), (("gcbase", "not_checked"), False)]
    for i, _ in enumerate(get(TFPLAN, PLANNED)):
        out += [((*PLANNED, i), False), ((*PLANNED, i, "values"), False)]
        out += [((*PLANNED, i, k), True) for k in ("address", "mode", "type", "name")]
        out += [(("resource_changes", i), False), (("resource_changes", i, "change"), True),
                (("resource_changes", i, "address"), True), (("resource_changes", i, "change", "actions"), False)]
    for i, _ in enumerate(get(TFPLAN, CONFIGURED)):
        out += [((*CONFIGURED, i), False), ((*CONFIGURED, i, "expressions"), False)]
        out += [((*CONFIGURED, i, k), True) for k in ("address", "type", "name")]
    for name, provider in TFPLAN["configuration"]["provider_config"].items():
        out += [(("configuration", "provider_config", name), False),
                (("configuration", "provider_config", name, "name"), True),
                (("configuration", "provider_config", name, "expressions"), False)]
        out += [(("configuration", "provider_config", name, "expressions", e), False) for e in provider["expressions"]]
    return out


TFPLAN_PATHS = _tfplan_paths()


TFPLAN_KINDS = {"wrong-type": 24, "remove": 8, "references": 3, "too-deep": 3, "truncate": 3, "shift-jis": 2,
                "utf-16-le": 1, "control": 3, "nan": 2, "duplicate": 1, "deep": 1, "top-level": 4}


@st.composite
def damaged_tfplan(draw, kind: str) -> tuple[str, bytes, str | None]:
    if kind in ("wrong-type", "remove"):
        path, _ = draw(st.sampled_from([p for p in TFPLAN_PATHS if kind == "wrong-type" or p[1]]))
        original = get(TFPLAN, path)
        if kind == "remove":
            value = REMOVE
        elif "expressions" in path and len(path) > path.index("expressions") + 1:
            value = draw(scalar_values(json_safe=True))  # an expression is an object (or a block list)
        else:
            value = draw(wrong_type_for(original, json_safe=True))
        return kind, json.dumps(replaced(TFPLAN, path, value)).encode(), key_text(path)
    if kind == "references":  # references are a list of addresses
        i = draw(st.integers(0, len(get(TFPLAN, CONFIGURED)) - 1))
        doc = replaced(TFPLAN, (*CONFIGURED, i, "expressions"),
                       {"vpc_id": {"references": draw(st.one_of(hostile_text(), st.lists(st.integers(), min_size=1)))}})
        return kind, json.dumps(doc).encode(), key_text((*CONFIGURED, i, "expressions", "vpc_id", "references"))
    if kind == "too-deep":  # values Checkov would walk recursively
        i = draw(st.integers(0, len(get(TFPLAN, PLANNED)) - 1))
        depth = draw(st.integers(40, 300))  # 2 levels each: beyond planfile.MAX_DEPTH
        nested: object = "x"
        for _ in range(depth):
            nested = {"a": [nested]}
        doc = replaced(TFPLAN, (*PLANNED, i, "values"), {"tags": {}, "policy": nested})
        return kind, json.dumps(doc).encode(), None
    return raw_damage(draw, kind, json.dumps(TFPLAN, ensure_ascii=False, indent=1))


@pytest.mark.parametrize("kind", TFPLAN_KINDS)
def test_terraform_plan_json(kind):
    """gcbase check --plan FILE (examples per kind: TFPLAN_KINDS)."""

    @seeded
    @fuzz(TFPLAN_KINDS[kind])
    @given(damaged_tfplan(kind))
    def prop(case):
        _tfplan_case(case)

    prop()


def _tfplan_case(case):
    kind, data, key = case
    count(f"tfplan {kind}")
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        tmp = Path(tmp)
        path = write(tmp / "plan.json", data)
        out = tmp / "out"
        out.mkdir()
        run = run_cli("check", "--plan", str(path), "-o", str(out), "--json", str(out / "check.json"))
        assert_clean_failure(run, [str(path)], key=key, out_dir=out)
