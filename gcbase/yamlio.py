"""Safe YAML loading: no arbitrary tags, duplicate keys rejected, errors as one line."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from gcbase import inputs
from gcbase.errors import GcbaseError

MAX_BYTES = 2 * 1024 * 1024  # a stack config or waiver file is never this large
# Aliases may repeat a node, never multiply a document: "billion laughs" (a few lines of nested
# aliases expanding to 9**9 values) would exhaust memory in whatever walks the values next.
MAX_EXPANDED_NODES = 100_000
# Parsed documents by (file, text): components read the same baselines file once per role or
# per account, and pure-Python YAML parsing was a fifth of a synth (docs/PERFORMANCE.md, Fleet).
# Keyed by the text read now, so an edited file is parsed again; callers get their own copy.
_PARSED: "OrderedDict[tuple[str, str], Any]" = OrderedDict()
_PARSED_MAX = 128
_PARSED_LOCK = threading.Lock()
_MISSING = object()


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (YAML says they are an error; PyYAML keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping key must be a plain value", key_node.start_mark) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _mark(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return f"line {mark.line + 1} column {mark.column + 1}: " if mark is not None else ""


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a recursive alias, or aliases that expand the document far beyond its own size."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        kids = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else \
            list(node.value) if isinstance(node, yaml.SequenceNode) else []
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(k)] for k in kids)
            if sizes[id(node)] > MAX_EXPANDED_NODES and sizes[id(node)] > 10 * len(sizes):
                raise yaml.constructor.ConstructorError(
                    None, None, f"aliases expand the document beyond {MAX_EXPANDED_NODES} values; write the values out",
                    node.start_mark)
            continue
        if id(node) in open_nodes:
            raise yaml.constructor.ConstructorError(None, None, "recursive alias (a value contains itself)", node.start_mark)
        open_nodes.add(id(node))
        stack.append((node, True))
        for kid in kids:
            if id(kid) in open_nodes:
                raise yaml.constructor.ConstructorError(None, None, "recursive alias (a value contains itself)",
                                                        kid.start_mark)
            if id(kid) not in sizes:
                stack.append((kid, False))


def _load(text: str) -> Any:
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> Any:
    try:
        return _load(text)  # _StrictLoader is a SafeLoader: no arbitrary tags
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise GcbaseError.one(file, "", f"malformed YAML: {_mark(err)}{problem}") from None
    except RecursionError:
        raise GcbaseError.one(file, "", "malformed YAML: nesting too deep") from None
    except ValueError as err:  # a scalar YAML resolves but cannot build, such as the date 2026-02-30
        raise GcbaseError.one(file, "", f"malformed YAML: {err}") from None


def read_text(path: Path | str, what: str = "file") -> str:
    """Read a text file (UTF-8, or UTF-16/32 with a byte-order mark; gcbase.inputs) or raise one clear GcbaseError."""
    return inputs.read_text(path, what, MAX_BYTES)


_INT_RANGE = (-(2**63), 2**64 - 1)  # what orjson stores exactly


def _json_exact(value: Any, seen: set[int]) -> bool:
    """Whether value comes back from JSON exactly as it is: the same types (str keys only, no dates,
    no bytes, no sets or tuples, finite floats, 64-bit ints) and no shared containers (an alias
    makes the loader return one object twice; JSON would return two)."""
    kind = type(value)
    if value is None or kind in (str, bool):
        return True
    if kind is int:
        return _INT_RANGE[0] <= value <= _INT_RANGE[1]
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if kind in (dict, list):
        if id(value) in seen:
            return False
        seen.add(id(value))
        if kind is dict:
            return all(type(k) is str and _json_exact(v, seen) for k, v in value.items())
        return all(_json_exact(v, seen) for v in value)
    return False


@lru_cache(maxsize=1)
def _loader_version() -> str:
    """The code a parsed document is a function of, besides its text: these rules and PyYAML."""
    from gcbase import diskcache

    return diskcache.digest("gcbase-yaml/1", yaml.__version__, Path(__file__).read_bytes())


def _dates_out(data: Any) -> tuple[Any, list[list]]:
    """data with each date (YAML's YYYY-MM-DD) replaced by its ISO text, and where each was (a path of keys
    and indexes); what JSON cannot give back at all stays as it is (and _json_exact refuses it)."""
    from datetime import date

    paths: list[list] = []
    seen: set[int] = set()

    def walk(node: Any, at: list) -> Any:
        kind = type(node)
        if kind is date:
            paths.append(at)
            return node.isoformat()
        if kind in (dict, list):
            if id(node) in seen:  # an alias: one object twice, which JSON would give back as two
                return _MISSING
            seen.add(id(node))
        if kind is dict:
            return {k: walk(v, [*at, k]) for k, v in node.items()}
        if kind is list:
            return [walk(v, [*at, i]) for i, v in enumerate(node)]
        return node  # a timestamp (datetime) and the like: not JSON, so the document is not stored

    return walk(data, []), paths


def _dates_in(data: Any, paths: list) -> Any:
    from datetime import date

    if [] in paths:  # the document is one date
        return date.fromisoformat(data)
    for at in paths:
        parent = data
        for step in at[:-1]:
            parent = parent[step]
        parent[at[-1]] = date.fromisoformat(parent[at[-1]])
    return data


def _parse_cached(text: str, file: str) -> Any:
    """parse_yaml, through the on-disk cache of parsed documents (gcbase/diskcache.py) keyed by the text and
    the loader's code: gcbase's catalogue, check metadata, baselines and waiver files are parsed by the strict
    pure-Python loader once per content, not once per process. Dates are stored as text with the places they
    were, and given back as dates. Only documents JSON then gives back exactly are stored (_json_exact); the
    others are parsed every time. A malformed text is never stored: it raises as before."""
    from gcbase import diskcache

    if not diskcache.enabled():
        return parse_yaml(text, file)
    key = diskcache.digest(_loader_version(), text)
    found = diskcache.read("yaml", key)
    if isinstance(found, dict) and "doc" in found:
        try:
            return _dates_in(found["doc"], found.get("dates") or [])
        except (KeyError, IndexError, TypeError, ValueError):  # an entry that does not fit: parse again
            pass
    data = parse_yaml(text, file)
    stored, dates = _dates_out(data)
    if _json_exact(stored, set()):
        diskcache.write("yaml", key, {"doc": stored, "dates": dates})
    return data


parse_yaml_cached = _parse_cached


def load_yaml(path: Path | str, what: str = "YAML file") -> Any:
    text = read_text(path, what)
    key = (str(path), text)
    with _PARSED_LOCK:
        cached = _PARSED.get(key, _MISSING)
        if cached is not _MISSING:
            _PARSED.move_to_end(key)
    if cached is not _MISSING:
        return copy.deepcopy(cached)
    data = _parse_cached(text, str(path))
    with _PARSED_LOCK:
        _PARSED[key] = copy.deepcopy(data)
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return data
