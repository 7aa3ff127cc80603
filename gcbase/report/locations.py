"""Point findings at the stack config: the key that governs a resource and the line it is on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from gcbase.model import Resource
from gcbase.report.model import Location
from gcbase.yamlio import load_yaml, parse_yaml, read_text

RULES_FILE = Path(__file__).with_name("locations.yaml")


@lru_cache(maxsize=None)
def _rules() -> tuple[tuple[str, str], ...]:
    return tuple((r["prefix"], r["key"]) for r in load_yaml(RULES_FILE)["types"])


def key_lines(text: str) -> dict[str, int]:
    """Every key path under config: with its 1-based line: gcbase:network.lines[1] -> 21."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                key = f"{path}.{key_node.value}" if path else str(key_node.value)
                lines.setdefault(key, key_node.start_mark.line + 1)
                walk(value, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                key = f"{path}[{i}]"
                lines.setdefault(key, item.start_mark.line + 1)
                walk(item, key)

    if isinstance(root, yaml.MappingNode):
        for key_node, value in root.value:
            if key_node.value == "config":
                walk(value, "")
    return lines


def _parent(key: str) -> str:
    if key.endswith("]"):
        return key[: key.rindex("[")]
    head, dot, _ = key.rpartition(".")
    return head if dot else ""


class Locator:
    """Locations in one stack config file, read once."""

    def __init__(self, config_file: Optional[str], source: Optional[Path] = None):
        """config_file as reports show it; source: where to read it when not relative to the cwd."""
        self.file = str(config_file) if config_file else None
        self.lines: dict[str, int] = {}
        self.systems: list[str] = []
        self._at: dict[str, Location] = {}
        if self.file is None or not self.file.endswith((".yaml", ".yml")):
            return  # a plan file (Terraform plan JSON) is pointed at as a whole
        try:
            text = read_text(source or self.file, "stack config file")
            doc = parse_yaml(text, self.file)  # the same limits as every other YAML read
        except Exception:  # noqa: BLE001 - a report still points at the file when it cannot be re-read
            return
        self.lines = key_lines(text)
        config = doc.get("config") if isinstance(doc, dict) else None
        systems = config.get("gcbase:systems") if isinstance(config, dict) else None
        if isinstance(systems, list):
            self.systems = [str(s.get("id")) if isinstance(s, dict) else "" for s in systems]

    def key_for(self, res: Optional[Resource]) -> str:
        """The stack config key that governs a resource (see locations.yaml)."""
        if res is None:
            return ""
        tags = res.inputs.get("tags") if isinstance(res.inputs.get("tags"), dict) else {}
        system = tags.get("gcbase:system")
        if system and system in self.systems:
            return f"gcbase:systems[{self.systems.index(system)}]"
        return next((key for prefix, key in _rules() if res.type.startswith(prefix)), "")

    def at(self, key: str) -> Optional[Location]:
        """key's line (its nearest present parent, else line 1); None without a config file."""
        if self.file is None:
            return None
        found = self._at.get(key)
        if found is None:
            probe = key
            while probe and probe not in self.lines:
                probe = _parent(probe)
            found = self._at[key] = Location(file=self.file, key=probe, line=self.lines.get(probe, 1) if probe else 1)
        return found  # frozen: one value per key, shared

    def for_resource(self, res: Optional[Resource]) -> Optional[Location]:
        return self.at(self.key_for(res))
