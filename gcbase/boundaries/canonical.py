"""A stack's authorization model with its own account ids and names renamed to placeholders.

Stacks built from the same templates (gcbase.fleet.generate: one per municipality) differ in account
ids, the municipality code (in every name: gc131121-prod-...), vendor names and KMS key ids, and in
little else. Renamed, their models and requests coincide, so a proof made for one stack answers the
same question of another (gcbase/boundaries/memo.py). This module makes the renaming and says when it
is valid: docs/BOUNDARIES.md, "Memo across stacks", has the argument; in short:

- a placeholder is a run of private-use characters no policy, ARN or code constant holds, opened by
  OPEN and closed by CLOSE; renaming is a replacement of whole token texts (leftmost, longest first),
  restoring replaces placeholders back, so restore(canon(s)) == s for every string and the renaming is
  injective: every equality (StringEquals, Bool, principals, dict lookups, account comparisons) keeps
  its answer, and text built from names (deciding statements) restores exactly;
- tokens hold no ':', '/', '*', '?', '$' or upper case, so splitting ARNs at ':' and '/' (account_of,
  role names), the ARN prefixes the evaluator tests and lower-casing commute with the renaming;
- a wildcard pattern keeps its answer unless a `*` edge of one of its literal parts can fall strictly
  inside a token (`arn:aws:iam::1234*:root`, `*-prod-*` against gc131121-prod): `hazard()` refuses any
  literal part that starts (after a `*`) with a proper suffix of a token or ends (before a `*`) with a
  proper prefix of one, any `?`, a token in an action or a condition key, Numeric/Date operators over a
  token, Bool values whose lower-casing makes a token, and any operator it does not know. A decision
  that reads a refused document or value is proven on the stack's own model, never from the memo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional

from iamprover.engine.patterns import expand_variables

from gcbase.boundaries.model import UNEVALUATED, AuthzModel, Doc, Role, ScpLevel
from gcbase.settings import Settings

OPEN, CLOSE = "\ue000", "\ue001"
_INNER = 0xE100  # a placeholder's name, one private-use character per ASCII character
TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
# Never tokens: words the evaluator compares model values with or builds ARNs from (evaluator.py,
# layers.py, batch.py), and ARN words a vendor could be named after.
RESERVED = frozenset({"elsewhere", "plan", "live", "absent", "never", "arn", "aws", "iam", "root", "role", "kms",
                      "s3", "key", "sts", "policy", "alias", "user", "organizations"})
GLOB_OPERATORS = ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals")
EQUALITY_OPERATORS = ("StringEquals", "StringNotEquals", "Null")


def placeholder(name: str) -> str:
    return OPEN + "".join(chr(_INNER + ord(c)) for c in name) + CLOSE


def name_of(ph: str) -> str:
    return "".join(chr(ord(c) - _INNER) for c in ph[1:-1])


@dataclass
class Renaming:
    """Token text -> placeholder, one stack's."""

    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ordered = sorted(self.tokens, key=lambda t: (-len(t), t))  # longest first: leftmost-longest
        self._find = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._back = {ph: text for text, ph in self.tokens.items()}
        self._place = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
        self._memo: dict[str, str] = {}
        self._cuts: dict[str, Optional[str]] = {}

    def canon(self, text: str) -> str:
        if self._find is None:
            return text
        found = self._memo.get(text)
        if found is None:
            found = self._memo[text] = self._find.sub(lambda m: self.tokens[m.group(0)], text)
        return found

    def restore(self, text: str) -> str:
        return self._place.sub(lambda m: self._back[m.group(0)], text) if OPEN in text else text

    def walk(self, value: Any) -> Any:
        """canon() of every string of a JSON value, keys included."""
        if isinstance(value, str):
            return self.canon(value)
        if isinstance(value, dict):
            return {self.walk(k): self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        return value

    def has_token(self, text: str) -> bool:
        return self._find is not None and self._find.search(text) is not None

    # -- validity ---------------------------------------------------------------------------------
    def cuts_pattern(self, pattern: str) -> Optional[str]:
        """Why a wildcard pattern may answer differently once renamed (module docstring), or None."""
        if pattern not in self._cuts:
            self._cuts[pattern] = self._cuts_pattern(pattern)
        return self._cuts[pattern]

    def _cuts_pattern(self, pattern: str) -> Optional[str]:
        if self._find is None or ("*" not in pattern and "?" not in pattern):
            return None  # no wildcard: an equality, kept by an injective renaming
        if "?" in pattern:
            return f"'?' in {pattern!r}"
        parts = re.sub(r"\*+", "*", pattern).split("*")
        for i, part in enumerate(parts):
            if not part:
                continue
            for token in self.tokens:
                if i > 0 and _starts_inside(part, token):
                    return f"{pattern!r}: a '*' may end inside {token!r}"
                if i < len(parts) - 1 and _ends_inside(part, token):
                    return f"{pattern!r}: a '*' may start inside {token!r}"
        return None


def _starts_inside(part: str, token: str) -> bool:
    """Whether `part`, placed right after a '*', can begin strictly inside an occurrence of token: at some
    0 < k < len(token), part and token[k:] agree on their common length."""
    k = token.find(part[0], 1)
    while k != -1:
        if part.startswith(token[k:]) or token.startswith(part, k):
            return True
        k = token.find(part[0], k + 1)
    return False


def _ends_inside(part: str, token: str) -> bool:
    """Whether `part`, right before a '*', can end strictly inside an occurrence of token: at some
    0 < k < len(token), part and token[:k] agree on their common length (counted from their ends)."""
    k = token.rfind(part[-1], 0, len(token) - 1)
    while k != -1:
        head = token[:k + 1]
        if part.endswith(head) or head.endswith(part):
            return True
        k = token.rfind(part[-1], 0, k)
    return False


def _ok_token(text: Optional[str]) -> bool:
    return bool(text) and TOKEN.fullmatch(text) is not None and text not in RESERVED  # type: ignore[arg-type]


# Text the evaluator reads as structure, not data, or compares with constants of its code: a token inside any of
# these (a vendor named "ow" inside "Allow", "ws" inside "arn:aws:", "true" as a Null condition's value, a
# service prefix inside an ARN the code tests with startswith) would change what the renamed model means.
# Such a token is left as it is (leaving text alone is always valid).
FIXED_WORDS = ("arn:aws:", "arn:aws:s3:::", "arn:aws:iam::", "arn:aws:kms:", "arn:aws:sts::", ":root", ":role/",
               ":policy/", ":user/", "assumed-role", "organizations:", "amazonaws.com", "true", "false", "allow",
               "deny", "2012-10-17", "2008-10-17", "ifexists", "forallvalues:", "foranyvalue:", "*", *RESERVED)
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def structure(model: AuthzModel) -> tuple[set[str], Optional[str]]:
    """(every word of the model's documents that is structure: keys at any depth, Effect and Version values,
    lower-cased; why the model cannot be renamed at all, or None). A model holding private-use characters (the
    placeholders' alphabet) cannot be renamed injectively: its text could already read as a placeholder."""
    words: set[str] = set()
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(model, False)]  # (value, inside a policy document)
    while stack:
        value, in_doc = stack.pop()
        if isinstance(value, str):
            if PRIVATE_USE.search(value):
                return words, "private-use characters in the model (the placeholders' alphabet)"
        elif isinstance(value, dict):
            for k, v in value.items():
                if in_doc and isinstance(k, str):  # the model's own maps are keyed by ARNs: data, not structure
                    words.add(k.lower())
                    if k in ("Effect", "Version") and isinstance(v, str):
                        words.add(v.lower())
                stack.append((k, in_doc))
                stack.append((v, in_doc))
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend((v, in_doc) for v in value)
        elif isinstance(value, Doc):
            if id(value) not in seen:
                seen.add(id(value))
                stack.append((value.name, False))
                stack.append((value.document, True))
        elif hasattr(value, "__dataclass_fields__") and id(value) not in seen:
            seen.add(id(value))
            stack.extend((getattr(value, f.name), in_doc) for f in fields(value))
    return words, None


@lru_cache(maxsize=1)
def _fixed_words() -> frozenset[str]:
    from gcbase.actions import services

    return frozenset({w.lower() for w in FIXED_WORDS} | {f"arn:aws:{p.lower()}:" for p in services()})


def _structural_words(words: set[str]) -> set[str]:
    return words | _fixed_words()


def renaming(settings: Settings, model: AuthzModel, words: Optional[set[str]] = None) -> Renaming:
    """The stack's tokens, each named by what it is to the stack (its role), never by its text, so that
    stacks from the same templates get the same placeholders. A text that cannot be a token (TOKEN,
    RESERVED) is left as it is: leaving text alone is always valid, it only shares less."""
    from gcbase.intent import operator_parties

    names: dict[str, str] = {}

    def add(text: Optional[str], name: str) -> None:
        if _ok_token(text) and text not in names:
            names[text] = name  # type: ignore[index]

    s = settings
    add(s.accounts.shared, "account:shared")
    add(s.accounts.identity, "account:identity")
    add(s.accounts.governance, "account:governance")
    add(model.management_account, "account:management")
    for system in sorted(s.systems, key=lambda x: x.id):
        add(system.account, f"account:system:{system.id}")
    roles: dict[str, list[str]] = {}
    for system in s.systems:
        roles.setdefault(system.vendor, []).append(f"system:{system.id}")
    for party, vendor in operator_parties(s).items():
        roles.setdefault(vendor, []).append(f"operator:{party}")
    for vendor in s.vendors:
        roles.setdefault(vendor.id, []).append("own")
    vendor_names = {v: "vendor:" + "+".join(sorted(r)) for v, r in roles.items()}
    for vendor in sorted(s.vendors, key=lambda v: vendor_names[v.id]):
        for i, account in enumerate(vendor.accounts):
            add(account, f"account:{vendor_names[vendor.id]}:{i}")
    add(s.municipality.code, "code")
    for vendor, name in sorted(vendor_names.items(), key=lambda x: x[1]):
        add(vendor, name)
    words = _structural_words(structure(model)[0] if words is None else words)
    names = {t: n for t, n in names.items() if not any(t in w for w in words)}
    first = Renaming({t: placeholder(n) for t, n in names.items()})
    # KMS key ids are digests of names (gcbase/synth/ids.py): named by the key's alias, renamed
    keys = sorted((first.canon(doc.name), first.canon(arn), arn.rsplit("/", 1)[-1])
                  for arn, doc in model.resource_policies.items() if doc.kind == "key" and "/" in arn)
    for i, (_, _, kid) in enumerate(keys):
        if not any(kid in w for w in words):
            add(kid, f"key:{i}")
    return Renaming({t: placeholder(n) for t, n in names.items()})


# The fields canonical_model renames: a field added to the model must be renamed there too (or the renamed
# model would lack it), so a new one stops every memo run until it is.
_RENAMED = {AuthzModel: {"source", "management_account", "roles", "scp_levels", "resource_policies",
                         "resource_accounts", "resource_tags", "key_aliases", "notes"},
            Role: {"arn", "name", "account", "trust", "policies", "boundary", "tags", "managed"},
            ScpLevel: {"target", "policies"}, Doc: {"kind", "name", "document"}}


def canonical_model(model: AuthzModel, r: Renaming) -> AuthzModel:
    """The model with every string renamed (documents, ARNs, names, tags)."""
    for cls, names in _RENAMED.items():
        if {f.name for f in fields(cls)} != names:
            raise AssertionError(f"canonical_model does not rename every field of {cls.__name__}")
    docs: dict[int, Doc] = {}

    def doc(d: Optional[Doc]) -> Optional[Doc]:
        if d is None:
            return None
        found = docs.get(id(d))
        if found is None:  # UNEVALUATED stays the very object (escalation.unevaluated tests identity)
            body = d.document if d.document is UNEVALUATED else r.walk(d.document)
            found = docs[id(d)] = Doc(d.kind, r.canon(d.name), body)
        return found

    c = r.canon
    out = AuthzModel(model.source, c(model.management_account), notes=[c(n) for n in model.notes])
    for arn, role in model.roles.items():
        out.roles[c(arn)] = Role(c(role.arn), c(role.name), c(role.account), doc(role.trust),
                                 [doc(d) for d in role.policies], doc(role.boundary),  # type: ignore[misc]
                                 {c(k): c(v) for k, v in role.tags.items()}, [c(a) for a in role.managed])
    out.scp_levels = {c(a): [ScpLevel(c(lvl.target), [doc(d) for d in lvl.policies]) for lvl in levels]  # type: ignore[misc]
                      for a, levels in model.scp_levels.items()}
    out.resource_policies = {c(k): doc(v) for k, v in model.resource_policies.items()}  # type: ignore[misc]
    out.resource_accounts = {c(k): c(v) for k, v in model.resource_accounts.items()}
    out.resource_tags = {c(k): {c(a): c(b) for a, b in v.items()} for k, v in model.resource_tags.items()}
    out.key_aliases = {c(k): c(v) for k, v in model.key_aliases.items()}
    return out


def _statements(document: Mapping[str, Any]) -> list[dict]:
    raw = document.get("Statement", [])
    return [s for s in ([raw] if isinstance(raw, dict) else raw or []) if isinstance(s, dict)]


def _strings(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _base(op: str) -> str:
    op = op.split(":", 1)[1] if op.startswith(("ForAnyValue:", "ForAllValues:")) else op
    return op[: -len("IfExists")] if op.endswith("IfExists") else op


def hazard(doc: Doc, r: Renaming) -> tuple[Optional[str], frozenset[str]]:
    """(why renaming may change what the document decides, or None; the condition keys it compares by
    number or date, whose pinned values must then hold no token)."""
    numeric: set[str] = set()
    if doc.document is UNEVALUATED:
        return None, frozenset()
    for st in _statements(doc.document):
        for field_ in ("Action", "NotAction"):
            for a in _strings(st.get(field_)):
                if not isinstance(a, str) or r.has_token(a.lower()):
                    return f"{doc.name}: a token in {field_} {a!r}", frozenset()
        for field_ in ("Resource", "NotResource"):
            for p in _strings(st.get(field_)):
                if not isinstance(p, str):
                    return f"{doc.name}: {field_} {p!r}", frozenset()
                why = r.cuts_pattern(expand_variables(p))
                if why:
                    return f"{doc.name}: {field_} {why}", frozenset()
        condition = st.get("Condition") or {}
        if not isinstance(condition, dict):
            return f"{doc.name}: Condition {condition!r}", frozenset()
        for op, block in condition.items():
            if not isinstance(block, dict):
                return f"{doc.name}: {op} {block!r}", frozenset()
            base = _base(str(op))
            for key, values in block.items():
                if r.has_token(str(key).lower()):
                    return f"{doc.name}: a token in the condition key {key!r}", frozenset()
                texts = [str(v) for v in (values if isinstance(values, list) else [values])]
                if base.startswith(("Numeric", "Date")):
                    if any(r.has_token(v) for v in texts):
                        return f"{doc.name}: {op} over a token", frozenset()
                    numeric.add(str(key).lower())
                elif base in GLOB_OPERATORS:
                    for v in texts:
                        why = None if "${" in v else r.cuts_pattern(v)  # a variable: iamprover's "unknown"
                        if why:
                            return f"{doc.name}: {op} {why}", frozenset()
                elif base == "Bool":
                    if any(v != v.lower() and r.has_token(v.lower()) for v in texts):
                        return f"{doc.name}: {op} lower-cases into a token", frozenset()
                elif base not in EQUALITY_OPERATORS and base not in ("IpAddress", "NotIpAddress"):
                    return f"{doc.name}: operator {op} not known to be kept by renaming", frozenset()
    return None, frozenset(numeric)


def docs_read(model: AuthzModel, principal: str, resource: str) -> Iterable[Doc]:
    """Every document a decision of (principal, resource) may read (Evaluator._evaluate and its callees;
    more is fine: it can only keep a decision out of the memo)."""
    role = model.roles.get(principal)
    if role is not None:
        yield from role.policies
        if role.boundary is not None:
            yield role.boundary
        for level in model.scp_levels.get(role.account, []):
            yield from level.policies
    target = model.roles.get(resource)
    if target is not None and target.trust is not None:
        yield target.trust
    if resource.startswith("arn:aws:s3:::"):
        found = model.resource_policies.get("arn:aws:s3:::" + resource[len("arn:aws:s3:::"):].split("/", 1)[0])
    else:
        found = model.resource_policies.get(resource)
    if found is not None:
        yield found
