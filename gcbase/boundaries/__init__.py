"""Responsibility boundaries (責任分界): prove who may do what, on a plan and on a live account.

    from gcbase.boundaries import evaluate
    result = evaluate(plan)            # BoundaryResult; result.ok, result.to_dict()

See docs/BOUNDARIES.md for the evaluator (iamprover) and what gcbase adds to it.
"""

from typing import Any

__all__ = ["BoundaryResult", "evaluate", "evaluate_model"]


def __getattr__(name: str) -> Any:
    """The evaluator (and Z3) are imported when used: gcbase.check reads only what the plan model reads
    (gcbase.boundaries.from_plan.READS), and a cold `gcbase check --plan` never proves a matrix."""
    if name in __all__:
        from gcbase.boundaries import result

        return getattr(result, name)
    raise AttributeError(f"module 'gcbase.boundaries' has no attribute {name!r}")
