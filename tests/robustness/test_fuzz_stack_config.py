"""Fuzzing the stack configs through the CLI (validate, synth and check); the other YAML inputs:
test_fuzz_waivers_projects.py.

Every generated input is malformed or hostile by construction (a value of the wrong kind at a
key, a required key removed, an unknown key, text-level damage: truncation, Shift_JIS or
UTF-16 bytes, control characters, duplicate keys, unsafe YAML tags, billion laughs, deep
nesting, oversize files). Property: exit 2, one line per problem naming the file (and, for
damage at a known key, that key), no traceback, nothing left in the output directory, and no
YAML tag ever executed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

from robust_kit import (REMOVE, YAML_TAGS, after_line, assert_clean_failure, billion_laughs, container_values,
                        count, fuzz, get, hostile_text, kana_text, key_text, paths, replaced, run_cli, seeded,
                        to_yaml, wrong_type_for, write)
from helpers import ROOT

STACK = ROOT / "stacks" / "Pulumi.131121-prod.yaml"
MARKER = Path(tempfile.gettempdir()) / "gcbase-robustness-yaml-tag-executed"  # a YAML tag that ran would create it
STACK_TEXT = STACK.read_text(encoding="utf-8")
STACK_DOC = yaml.safe_load(STACK_TEXT)
# Keys the schema requires (removing one is always an error).
REQUIRED = {("gcbase:municipality",), ("gcbase:environment",), ("gcbase:accounts",), ("gcbase:network",),
            ("gcbase:systems",), ("gcbase:accounts", "shared"), ("gcbase:network", "connection"),
            ("gcbase:network", "cidrPool"), ("gcbase:network", "customerAsn")}
REQUIRED_IN_ITEMS = {"gcbase:systems": {"id", "business", "vendor", "tier", "cidr", "account"},
                     "lines": {"connectionId", "vlan"}}
CONFIG_PATHS = [p for p in paths(STACK_DOC["config"]) if str(p[0]).startswith("gcbase:")]


def _required(path: tuple) -> bool:
    if path in REQUIRED:
        return True
    return len(path) >= 3 and isinstance(path[-2], int) and path[-1] in REQUIRED_IN_ITEMS.get(path[-3], ())


def _config_key(path: tuple) -> str:
    """gcbase:network.lines[0].vlan, as gcbase.validate names keys."""
    return key_text(path)


STACK_KINDS = {"wrong-type": 20, "remove": 8, "unknown-key": 8, "truncate": 6, "shift-jis": 4, "utf-16": 3,
               "control": 6, "duplicate": 3, "tag": 8, "laughs": 6, "deep": 4, "huge": 1, "top-level": 8}


@st.composite
def damaged_stack(draw, kind: str) -> tuple[bytes, str | None]:
    """(file bytes, key an error must name or None) of one malformed stack config."""
    if kind == "wrong-type":
        path = draw(st.sampled_from(CONFIG_PATHS))
        value = draw(wrong_type_for(get(STACK_DOC["config"], path)))
        doc = {**STACK_DOC, "config": replaced(STACK_DOC["config"], path, value)}
        return to_yaml(doc).encode(), _config_key(path)
    if kind == "remove":
        path = draw(st.sampled_from([p for p in CONFIG_PATHS if _required(p)]))
        return to_yaml({**STACK_DOC, "config": replaced(STACK_DOC["config"], path, REMOVE)}).encode(), _config_key(path)
    if kind == "unknown-key":
        mappings = [p for p in CONFIG_PATHS if isinstance(get(STACK_DOC["config"], p), dict)]
        path = draw(st.sampled_from(mappings))
        name = draw(hostile_text(16))
        node = dict(get(STACK_DOC["config"], path))
        if name in node:
            name += "-unknown"
        node[name] = draw(st.one_of(hostile_text(), container_values()))
        return to_yaml({**STACK_DOC, "config": replaced(STACK_DOC["config"], path, node)}).encode(), _config_key(path)
    if kind == "truncate":  # cut before the systems: they are missing, whatever else survives
        end = STACK_TEXT.index("  gcbase:systems:")
        return STACK_TEXT[:draw(st.integers(0, end))].encode(), None
    if kind == "shift-jis":
        words = draw(kana_text())
        text = STACK_TEXT.replace("vendor-a", f"vendor-a  # {words}", 1)
        return text.encode("cp932", errors="replace"), None
    if kind == "utf-16":  # without a byte-order mark (with one it is accepted: test_inputs.py)
        return STACK_TEXT.encode(draw(st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le"]))), None
    if kind == "control":
        char = draw(st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\ufffe"]))
        at = draw(st.integers(0, len(STACK_TEXT)))
        return (STACK_TEXT[:at] + char + STACK_TEXT[at:]).encode("utf-8", errors="surrogatepass"), None
    if kind == "duplicate":
        line, anchor = draw(st.sampled_from([
            ("  gcbase:environment: stg\n", "config:"),
            ("    redundancy: single\n", "  gcbase:network:"),
            ("    shared: \"210000000002\"\n", "  gcbase:accounts:")]))
        return after_line(STACK_TEXT, anchor, line).encode(), "duplicate key"
    if kind == "tag":
        tag = draw(st.sampled_from(YAML_TAGS)).format(marker=MARKER)
        target = draw(st.sampled_from(["gcbase:environment: prod", "base: standard", "customerAsn: 65101"]))
        return STACK_TEXT.replace(target, f"{target.rsplit(':', 1)[0]}: {tag}", 1).encode(), None
    if kind == "laughs":
        levels = draw(st.integers(6, 9))
        lines, alias = billion_laughs(levels, "aws:lol")
        where = draw(st.sampled_from(["aws:bomb", "gcbase:profile", "gcbase:systems"]))
        text = STACK_TEXT.replace("config:\n", "config:\n" + "".join(f"  {x}\n" for x in lines), 1)
        if where == "aws:bomb":
            text += f"  aws:bomb: {alias}\n"
        else:
            text = text.replace(f"  {where}:", f"  {where}: {alias}\n  x-{where}:", 1)
        return text.encode(), None
    if kind == "deep":
        depth = draw(st.sampled_from([500, 5_000, 50_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        return STACK_TEXT.replace("base: standard", f"base: {opener * depth}x{closer * depth}", 1).encode(), None
    if kind == "huge":
        return (STACK_TEXT + "#" + "x" * (2 * 1024 * 1024) + "\n").encode(), None
    top = draw(st.sampled_from(["", "# only a comment\n", "- config\n", "just text\n", "42\n", "~\n", "config: 1\n",
                                "config: [a, b]\n"]))
    return top.encode(), None



@pytest.mark.parametrize("kind", STACK_KINDS)
def test_stack_config(kind):
    """Examples per kind: STACK_KINDS (x10 with GCBASE_FUZZ_LONG=1)."""

    @seeded
    @fuzz(STACK_KINDS[kind])
    @given(damaged_stack(kind), st.sampled_from(["validate", "synth", "check"]))
    def prop(case, command):
        count(f"stack config {kind}")
        _stack_case(case, command)

    prop()


def _stack_case(case, command):
    data, key = case
    with tempfile.TemporaryDirectory(prefix="gcbase-fuzz-") as tmp:
        tmp = Path(tmp)
        path = write(tmp / "in" / "Pulumi.131121-prod.yaml", data)
        out = tmp / "out"
        out.mkdir()
        argv = {"validate": ["validate", str(path)],
                "synth": ["synth", str(path), "-o", str(out)],
                "check": ["check", str(path), "-o", str(out), "--json", str(out / "check.json"), "--no-boundaries"]}
        run = run_cli(*argv[command])
        assert_clean_failure(run, [str(path)], key=key, out_dir=out)
    assert not MARKER.exists(), "a YAML tag was executed"
