"""Shared pieces of the robustness suite: run the CLI in-process, assert a clean failure, and
hypothesis strategies for hostile inputs.

Fuzz runs are repeatable by default: every property uses FUZZ (hypothesis `derandomize=True`,
so the examples are the same on every run and machine, no example database). Set
GCBASE_FUZZ_LONG=1 for a longer, randomized run (ten times the examples; hypothesis prints the
seed of any failure, and GCBASE_FUZZ_SEED=<n> replays a run).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from hypothesis import HealthCheck, settings, strategies as st

from gcbase.cli import main

LONG = os.environ.get("GCBASE_FUZZ_LONG", "") not in ("", "0")
SEED = os.environ.get("GCBASE_FUZZ_SEED")


def fuzz(examples: int):
    """Hypothesis settings for one property: `examples` inputs (x10 with GCBASE_FUZZ_LONG=1)."""
    return settings(
        max_examples=examples * (10 if LONG else 1),
        derandomize=not LONG and SEED is None,
        database=None,
        deadline=None,
        print_blob=LONG,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


EXAMPLES: dict[str, int] = {}  # fuzz test id -> examples run in this session (test_volume.py sums them)


def count(name: str) -> None:
    """Count one generated input of a fuzz property."""
    EXAMPLES[name] = EXAMPLES.get(name, 0) + 1


def seeded(test):
    """Apply GCBASE_FUZZ_SEED when given (replays a long run)."""
    if SEED is not None:
        from hypothesis import seed

        return seed(int(SEED))(test)
    return test


# -- running the CLI ----------------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    code: Any  # int exit code, or "raised" when an exception escaped main()
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def __str__(self) -> str:
        return f"gcbase {' '.join(self.argv)!r} -> {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


def run_cli(*argv: str) -> Run:
    """gcbase.cli.main(argv) in-process, stdout and stderr captured; an escaping exception is kept as text."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: Any = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code
        except BaseException:  # noqa: BLE001 - the property under test is that nothing escapes
            code = "raised"
            traceback.print_exc(file=err)
    return Run(list(argv), code, out.getvalue(), err.getvalue())


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \"[^\"]+\", line \d+", re.M)
MESSAGE_LINE = re.compile(r"^(error|warning|ok|wrote): |^\[\d+/\d+\] ")  # progress: [1/3] stack ...


def files_under(directory: Path) -> list[str]:
    """Every file (hidden temporaries too) below a directory."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file() or p.is_symlink())


def assert_clean_failure(run: Run, names: Iterable[str], *, key: Optional[str] = None,
                         out_dir: Optional[Path] = None) -> list[str]:
    """Exit 2, no traceback, every output line a one-line message, each error naming the file
    (one of `names`) and, when given, some error naming the key; nothing left in out_dir."""
    names = [str(n) for n in names]
    assert run.code == 2, str(run)
    assert not TRACEBACK.search(run.text), str(run)
    errors = []
    for line in run.text.splitlines():
        assert MESSAGE_LINE.match(line), f"not a one-line message: {line!r}\n{run}"
        if line.startswith("error: "):
            errors.append(line)
            assert any(n in line for n in names), f"error does not name the file {names}: {line!r}"
    assert errors, str(run)
    if key is not None:
        assert any(key in line for line in errors), f"no error names the key {key!r}\n{run}"
    if out_dir is not None:
        assert files_under(out_dir) == [], f"output left behind: {files_under(out_dir)}\n{run}"
    return errors


# -- hostile values -----------------------------------------------------------------------

# Text with what breaks naive code: controls (NUL, ESC, CR, LF, DEL), bidi overrides, zero-width,
# Japanese (full-width), emoji, combining marks; no surrogates (not encodable).
HOSTILE_CHARS = st.characters(blacklist_categories=("Cs",))
SPICY = ["\x00", "\x1b[31m", "\r\n", "\n", "\u202e", "\u200b", "\ufeff", "ガバメントクラウド", "👾", "e\u0301",
         "${shared}", "../../etc/passwd", "%s%n", "{{7*7}}", "<script>", "'\"", "\\"]


@st.composite
def hostile_text(draw, max_size: int = 40) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(SPICY), st.text(HOSTILE_CHARS, max_size=8)), min_size=1, max_size=6))
    text = "".join(parts)[:max_size]
    return text or "\x00"


def huge_text() -> st.SearchStrategy[str]:
    return st.sampled_from([200_000, 1_000_000]).map(lambda n: "A" * n)


def huge_number(json_safe: bool = False) -> st.SearchStrategy[Any]:
    """Numbers beyond every field's range (infinities only where the format has them: YAML)."""
    return st.sampled_from([10**400, -(10**400), 2**64, -1, 1e308, *([] if json_safe else [float("inf"), float("-inf")])])


def deep(depth: int, leaf: Any = "x", kind: str = "list") -> Any:
    node = leaf
    for _ in range(depth):
        node = [node] if kind == "list" else {"a": node}
    return node


def scalar_values(json_safe: bool = False) -> st.SearchStrategy[Any]:
    """Any plain YAML/JSON scalar, hostile or not."""
    return st.one_of(st.booleans(), st.integers(), huge_number(json_safe), hostile_text(), st.just(""))


def container_values(json_safe: bool = False) -> st.SearchStrategy[Any]:
    """A mapping or a list with hostile content (never valid where a scalar or a schema object goes)."""
    key = hostile_text(12)
    leaf = st.one_of(scalar_values(json_safe), st.none())
    return st.one_of(
        st.dictionaries(key, leaf, min_size=1, max_size=3),
        st.lists(leaf, min_size=0, max_size=3),
        st.sampled_from([40, 200]).map(lambda d: deep(d, "x", "list")),
        st.sampled_from([40, 200]).map(lambda d: deep(d, "x", "dict")),
    )


# -- documents: paths, mutations, text-level damage --------------------------------------


def paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys and indexes) to a node below doc."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append(prefix + (k,))
            out.extend(paths(v, prefix + (k,)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append(prefix + (i,))
            out.extend(paths(v, prefix + (i,)))
    return out


def get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def replaced(doc: Any, path: tuple, value: Any) -> Any:
    """A deep copy of doc with the node at path replaced (or removed when value is REMOVE)."""
    copy = json.loads(json.dumps(doc))
    parent = get(copy, path[:-1])
    if value is REMOVE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


REMOVE = object()


def wrong_type_for(original: Any, json_safe: bool = False) -> st.SearchStrategy[Any]:
    """A value of a different kind than the original: a container where a scalar was, a scalar
    or a list where a mapping was, a scalar or mapping where a list was (json_safe: no infinities)."""
    scalars = scalar_values(json_safe)
    if isinstance(original, dict):
        return st.one_of(scalars, st.lists(scalars, max_size=3), huge_text())
    if isinstance(original, list):
        return st.one_of(hostile_text(), st.dictionaries(hostile_text(12), scalars, min_size=1, max_size=3),
                         huge_text())
    return container_values(json_safe)


YAML_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!custom {{a: 1}}",
    "!!binary '%%%not base64'",
    "!!timestamp 2026-02-30",
    "!!int 0xZZ",
]


def billion_laughs(levels: int = 9, key_prefix: str = "lol") -> tuple[list[str], str]:
    """(mapping lines defining the anchors, alias) of a billion-laughs structure of 9**levels strings."""
    lines = [f'{key_prefix}0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"{key_prefix}{i}: &lol{i} [" + ",".join([f"*lol{i - 1}"] * 9) + "]")
    return lines, f"*lol{levels - 1}"


def to_yaml(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000)


def kana_text() -> st.SearchStrategy[str]:
    """Japanese text whose Shift_JIS bytes can never be UTF-8 (lead bytes 0x82/0x83)."""
    return st.text(st.sampled_from("あいうえおかきくけこアイウエオカキクケコ"), min_size=1, max_size=12)


def after_line(text: str, prefix: str, new_line: str) -> str:
    """text with new_line inserted after the first line that starts with prefix."""
    start = text.index("\n" + prefix) + 1
    end = text.index("\n", start) + 1
    return text[:end] + new_line + text[end:]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def key_text(path: tuple, namespace_sep: str = ".") -> str:
    """A path as gcbase names keys: a.b[0].c."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (namespace_sep if out else "") + str(p)
    return out
