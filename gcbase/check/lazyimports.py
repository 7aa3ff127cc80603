"""Defer what Checkov imports for code paths a Terraform-plan check never takes (docs/PERFORMANCE.md).

Checkov's modules import, at module level, packages that only its platform and HCL paths use:
aiohttp (platform uploads), boto3 with botocore (the platform's S3 upload), and asteval with numpy
(evaluating HCL expressions, which a plan's resolved values never need). Importing them is about half
a second of CPU in a cold `gcbase check --plan`. (docker and GitPython are imported by other Checkov
modules with `from ... import`, so deferring them here would gain nothing.)

Here they are imported lazily: the module object exists, its code runs on the first use of any of its
names (importlib.util.LazyLoader, the standard library's own mechanism). asteval is imported by Checkov
as `from asteval import Interpreter`, which would load it at once, so its stand-in module offers
`Interpreter` as a function that imports the real asteval and calls its Interpreter, and forwards every
other name to the real module. Nothing is left out: whatever uses one of these modules gets the real one,
only later. tests/policies/test_cold_path.py runs the example plans with and without this and compares
every result.

Other providers' checks are not imported at all. Checkov registers a check when its module is imported, and
`checkov.terraform.checks.resource` imports every provider's (Azure, GCP, Kubernetes, ... : about 600
modules, a tenth of a second and more). gcbase reports and counts only AWS checks and its own (runner.py
drops every other record, and covered_types() and the fleet's registry count only those), so the other
providers' packages are given as empty packages (SKIPPED): their checks never register, and a direct import
of one of their modules fails loudly (ModuleNotFoundError) instead of running without them. No AWS check
imports them (checked in tests/policies/test_cold_path.py).

GCBASE_SPEEDUPS=0 turns it off with the other speed-ups. install() is called before Checkov is imported;
a module already imported is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
import threading
import types
from typing import Any, Optional, Sequence

LAZY = ("aiohttp", "boto3")
_OTHER_PROVIDERS = ("alicloud", "azure", "digitalocean", "gcp", "github", "gitlab", "kubernetes", "linode", "ncp",
                    "oci", "okta", "openstack", "panos", "tencentcloud", "yandexcloud")
SKIPPED = frozenset({*(f"checkov.terraform.checks.resource.{p}" for p in _OTHER_PROVIDERS),
                     "checkov.terraform.checks.data.gcp",
                     *(f"checkov.terraform.checks.provider.{p}" for p in ("bridgecrew", "linode", "oci", "openstack",
                                                                           "panos"))})
_lock = threading.Lock()
_installed = False


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Find the named top-level packages as the other finders do, with their loader made lazy."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[types.ModuleType] = None
                  ) -> Any:
        if fullname not in LAZY:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


class _EmptyPackage(importlib.abc.Loader):
    """Another provider's check package, empty: `from <it> import *` registers nothing."""

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__all__ = []
        module.__doc__ = "gcbase: another provider's Checkov checks, not imported (gcbase/check/lazyimports.py)"


class _SkipFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Optional[types.ModuleType] = None
                  ) -> Any:
        if fullname not in SKIPPED:
            return None
        return importlib.util.spec_from_loader(fullname, _EmptyPackage(), is_package=True)


class _AstevalStandIn(types.ModuleType):
    """`asteval` until something uses it: then the real module, imported at that moment."""

    def _real(self) -> types.ModuleType:
        if sys.modules.get("asteval") is self:
            del sys.modules["asteval"]
        real = importlib.import_module("asteval")
        self.__dict__["_loaded"] = real
        return real

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        real = self.__dict__.get("_loaded") or self._real()
        return getattr(real, name)


def _interpreter(*args: Any, **kwargs: Any) -> Any:
    stand_in = _STAND_IN
    real = stand_in.__dict__.get("_loaded") or stand_in._real()
    return real.Interpreter(*args, **kwargs)


_STAND_IN = _AstevalStandIn("asteval", "gcbase: asteval, imported on first use")
_STAND_IN.Interpreter = _interpreter  # type: ignore[attr-defined]


def install() -> None:
    """Make the modules above lazy in this process (idempotent; off with GCBASE_SPEEDUPS=0)."""
    global _installed
    with _lock:
        if _installed or os.environ.get("GCBASE_SPEEDUPS", "1") == "0":
            return
        if not any(isinstance(f, _LazyFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, _LazyFinder())
        if not any(isinstance(f, _SkipFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, _SkipFinder())
        if "asteval" not in sys.modules and importlib.util.find_spec("asteval") is not None:
            sys.modules["asteval"] = _STAND_IN
        _installed = True


def loaded() -> dict[str, bool]:
    """Which of the deferred modules some code has actually used in this process (for the benchmark)."""
    out = {}
    for name in LAZY:
        mod = sys.modules.get(name)
        out[name] = mod is not None and not isinstance(mod, importlib.util._LazyModule)  # type: ignore[attr-defined]
    out["asteval"] = "asteval" in sys.modules and sys.modules["asteval"] is not _STAND_IN
    return out
