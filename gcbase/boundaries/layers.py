"""Policy documents as iamprover statements, per layer, with the names reports use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from iamprover.engine.patterns import expand_variables, globs_intersect, has_variable
from iamprover.model import Policy, Statement
from iamprover.parsers.iam import parse_policy_document

from gcbase.boundaries.conditions import rewrite_statement
from gcbase.boundaries.model import Doc


@dataclass
class Layer:
    kind: str
    label: str  # for reports: "SCP gc-...", "boundary gcbase-...", "bucket policy ..."
    statements: list[tuple[str, Statement]] = field(default_factory=list)  # (sid label, rewritten)


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def label_of(doc: Doc) -> str:
    return {"scp": f"SCP {doc.name}", "boundary": f"boundary {doc.name}", "bucket": f"bucket policy {doc.name}",
            "key": f"key policy {doc.name}", "trust": f"trust policy of {doc.name}"}.get(doc.kind, doc.name)


def to_layer(doc: Doc, pins: Mapping[str, str]) -> Layer:
    parsed = parse_policy_document(doc.name, doc.document)
    raw = doc.document.get("Statement", [])
    raw = [raw] if isinstance(raw, dict) else raw
    out = Layer(doc.kind, label_of(doc))
    for i, (stmt, src) in enumerate(zip(parsed.statements, raw)):
        sid = src.get("Sid") or f"statement {i + 1}"
        out.statements.append((sid, rewrite_statement(stmt, pins)))
    return out


class LayerCache:
    """to_layer once per document and per value of the keys its rewriting reads (Numeric*/Date* conditions
    are decided on the pinned value; every other rewrite is the same for every request)."""

    def __init__(self) -> None:
        self._docs: dict[int, tuple[Doc, tuple[str, ...], dict[tuple[str, ...], Layer]]] = {}

    @staticmethod
    def _pin_keys(doc: Doc) -> tuple[str, ...]:
        raw = doc.document.get("Statement", [])
        keys = set()
        for st in ([raw] if isinstance(raw, dict) else raw):
            for op, block in ((st or {}).get("Condition") or {}).items():
                if any(part.startswith(("Numeric", "Date")) for part in str(op).split(":")) and isinstance(block, dict):
                    keys |= {str(k).lower() for k in block}
        return tuple(sorted(keys))

    def layer(self, doc: Doc, pins: Mapping[str, str]) -> Layer:
        entry = self._docs.get(id(doc))
        if entry is None or entry[0] is not doc:
            entry = self._docs[id(doc)] = (doc, self._pin_keys(doc), {})
        key = tuple(pins.get(k, "") for k in entry[1])
        found = entry[2].get(key)
        if found is None:
            found = entry[2][key] = to_layer(doc, pins)
        return found


def names_principal(stmt: Statement, arn: str, *, root_counts: bool) -> bool:
    acct = account_of(arn)
    names = {p for p in stmt.principals}
    if "*" in names or arn in names:
        return True
    return root_counts and (f"arn:aws:iam::{acct}:root" in names or acct in names)


def as_grant(layer: Layer, arn: str, *, allow_root: bool) -> Policy:
    """A resource policy with principals resolved for `arn` (iamprover then matches exactly)."""
    stmts = []
    for _, s in layer.statements:
        applies = names_principal(s, arn, root_counts=allow_root or s.effect == "Deny")
        stmts.append(Statement(s.effect, s.actions, s.not_actions, s.resources, s.not_resources,
                               s.conditions, [arn] if applies else []))
    return Policy(layer.label, stmts)


def policy_of(layer: Layer, *, effect: Optional[str] = None) -> Policy:
    return Policy(layer.label, [s for _, s in layer.statements if effect is None or s.effect == effect])


LAYER_KIND = {"scp": "scp", "bucket": "resource", "key": "resource", "trust": "trust", "boundary": "boundary"}


def fmt(match: tuple[Layer, str, Statement]) -> str:
    """How a report names a statement: "SCP gc-protect-log-archive: ProtectLogArchiveObjects"."""
    layer, sid, _ = match
    return f"SCP {sid}" if layer.kind == "scp" else f"{layer.label}: {sid}"


ALLOW_ALL = Policy("allow-all", [Statement("Allow", actions=["*"], resources=["*"])])


def relabel(layer: Layer) -> list[tuple[str, Statement]]:
    """Statements of one SCP inside its level, with the SCP's own name kept for reports."""
    return [(f"{layer.label[4:]}: {sid}", st) for sid, st in layer.statements]


def acts_on(stmt: Statement, action: str) -> bool:
    """Whether a statement's Action/NotAction applies to a concrete (lower-case) action, matched as iamprover
    matches: variables widen to * in Action and exclude nothing in NotAction."""
    if stmt.not_actions:
        return not any(globs_intersect(p.lower(), action) for p in stmt.not_actions if not has_variable(p))
    return any(globs_intersect(expand_variables(p).lower(), action) for p in stmt.actions)


def for_action(layer: Optional[Layer], action: str) -> Optional[Layer]:
    """The layer with only the statements that may apply to a concrete action. For that action it decides
    exactly as the whole layer (a statement whose Action/NotAction excludes it matches nothing, allow or
    deny alike; a bounding layer left with no Allow closes, as it would), at a fraction of the size."""
    if layer is None:
        return None
    return Layer(layer.kind, layer.label, [(sid, st) for sid, st in layer.statements if acts_on(st, action)])
