"""Read a Terraform plan JSON given by the user (`gcbase check --plan FILE`) or refuse it in one
line per problem naming the key.

Checkov's plan parser indexes into the document without looking (`resource["type"]`,
`template.get("configuration", {}).get(...)`): a value of the wrong kind is a traceback there,
and a document without `terraform_version` is silently not scanned at all. So the shape it and
gcbase.check.planindex read is checked first (Terraform's JSON output format, `terraform show
-json`); values inside a resource's `values` are free-form and left to the checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from gcbase.errors import GcbaseError, Problem
from gcbase.inputs import parse_json, read_text

MAX_BYTES = 512 * 1024 * 1024  # a plan of a large tenancy runs to tens of MB
MAX_DEPTH = 64  # Terraform values nest a few levels; Checkov walks them recursively
MAX_SHOWN = 50  # problems listed; a broken generator would otherwise print one per resource
WHAT = "Terraform plan JSON"
HINT = "use `terraform show -json` or `gcbase synth --tf-plan`"


def load_plan_file(path: Path | str) -> dict[str, Any]:
    """The plan as a dict, or GcbaseError with every problem (file and key named)."""
    file = str(path)
    doc = parse_plan_text(read_text(path, WHAT, MAX_BYTES), file)
    problems = shape_problems(doc, file)
    if problems:
        raise GcbaseError(problems)
    return doc


def parse_plan_text(text: str, file: str) -> Any:
    return parse_json(text, file, WHAT, HINT)


_KIND = {dict: "an object", list: "a list", str: "a string", bool: "true or false", int: "a number"}


def _name(value: Any) -> str:
    return "null" if value is None else _KIND.get(type(value), type(value).__name__)


class _Shape:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, message))

    def field(self, obj: dict, key: str, kind: type, where: str, required: bool = False,
              each: Optional[Callable[[Any, str], None]] = None) -> Any:
        """obj[key] when it has the kind (each list item / object value checked by `each`), else None."""
        at = f"{where}.{key}" if where else key
        value = obj.get(key)
        if value is None:
            if required:
                self.bad(at, f"missing; a {WHAT} has it ({HINT})")
            return None
        if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
            self.bad(at, f"expected {_KIND[kind]}, found {_name(value)}")
            return None
        if kind is str and not value:
            self.bad(at, "empty; expected a non-empty string")
            return None
        if each is not None:
            items = enumerate(value) if isinstance(value, list) else value.items()
            for k, item in items:
                each(item, f"{at}[{k}]" if isinstance(value, list) else f"{at}.{k}")
        return value

    def obj(self, value: Any, where: str) -> Optional[dict]:
        if not isinstance(value, dict):
            self.bad(where, f"expected an object, found {_name(value)}")
            return None
        return value

    def text(self, value: Any, where: str) -> None:
        if not isinstance(value, str):
            self.bad(where, f"expected a string, found {_name(value)}")

    def planned_module(self, value: Any, where: str) -> None:
        module = self.obj(value, where)
        if module is None:
            return
        self.field(module, "address", str, where)
        self.field(module, "resources", list, where, each=self.planned_resource)
        self.field(module, "child_modules", list, where, each=self.planned_module)

    def planned_resource(self, value: Any, where: str) -> None:
        res = self.obj(value, where)
        if res is None:
            return
        for key in ("address", "mode", "type", "name"):
            self.field(res, key, str, where, required=True)
        self.field(res, "values", dict, where)

    def change(self, value: Any, where: str) -> None:
        rc = self.obj(value, where)
        if rc is None:
            return
        self.field(rc, "address", str, where, required=True)
        change = self.field(rc, "change", dict, where, required=True)
        if change is not None:
            self.field(change, "actions", list, f"{where}.change", each=self.text)
            for key in ("before", "after"):
                if change.get(key) is not None and not isinstance(change[key], dict):
                    self.bad(f"{where}.change.{key}", f"expected an object or null, found {_name(change[key])}")

    def provider(self, value: Any, where: str) -> None:
        prov = self.obj(value, where)
        if prov is None:
            return
        self.field(prov, "name", str, where, required=True)
        self.field(prov, "alias", str, where)
        self.field(prov, "expressions", dict, where, each=self.expression)

    def expression(self, value: Any, where: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    for key, sub in item.items():
                        self.expression(sub, f"{where}[{i}].{key}")
            return
        expr = self.obj(value, where)
        if expr is not None and "references" in expr:
            self.field(expr, "references", list, where, each=self.text)

    def conf_module(self, value: Any, where: str) -> None:
        module = self.obj(value, where)
        if module is None:
            return
        self.field(module, "resources", list, where, each=self.conf_resource)
        calls = self.field(module, "module_calls", dict, where)
        for name, call in (calls or {}).items():
            call = self.obj(call, f"{where}.module_calls.{name}")
            if call is not None and call.get("module") is not None:
                self.conf_module(call["module"], f"{where}.module_calls.{name}.module")

    def conf_resource(self, value: Any, where: str) -> None:
        res = self.obj(value, where)
        if res is None:
            return
        for key in ("address", "type", "name"):
            self.field(res, key, str, where, required=True)
        self.field(res, "provider_config_key", str, where)
        self.field(res, "expressions", dict, where, each=self.expression)


def _depth(value: Any) -> int:
    """Nesting depth, iteratively (a hostile document must not exhaust the stack here either)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def shape_problems(doc: Any, file: str) -> list[Problem]:
    """Every place the document differs from the shape Checkov and gcbase's plan checks read."""
    if not isinstance(doc, dict) or "planned_values" not in doc:
        return [Problem(file, "", f"not a {WHAT} (no planned_values); {HINT}")]
    s = _Shape(file)
    s.field(doc, "terraform_version", str, "", required=True)
    s.field(doc, "format_version", str, "")
    planned = s.field(doc, "planned_values", dict, "", required=True)
    if planned is not None and planned.get("root_module") is not None:
        s.planned_module(planned["root_module"], "planned_values.root_module")
    s.field(doc, "resource_changes", list, "", each=s.change)
    conf = s.field(doc, "configuration", dict, "")
    if conf is not None:
        s.field(conf, "provider_config", dict, "configuration", each=s.provider)
        if conf.get("root_module") is not None:
            s.conf_module(conf["root_module"], "configuration.root_module")
    ours = s.field(doc, "gcbase", dict, "")
    if ours is not None:
        s.field(ours, "addresses", dict, "gcbase", each=s.text)
        s.field(ours, "not_checked", list, "gcbase", each=lambda v, w: s.obj(v, w))
        for key in ("stack", "source"):
            if ours.get(key) is not None:
                s.text(ours[key], f"gcbase.{key}")
    if not s.problems and _depth(doc) > MAX_DEPTH:
        s.bad("", f"values nested deeper than {MAX_DEPTH} levels; not a {WHAT}")
    if len(s.problems) > MAX_SHOWN:
        more = len(s.problems) - MAX_SHOWN
        s.problems = s.problems[:MAX_SHOWN] + [Problem(file, "", f"{more} more problems not shown")]
    return s.problems


__all__ = ["load_plan_file", "parse_plan_text", "shape_problems", "MAX_BYTES", "MAX_DEPTH"]
