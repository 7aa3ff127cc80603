"""Responsibility boundaries (責任分界): prove who may do what, on a plan and on a live account.

    from gcbase.boundaries import evaluate
    result = evaluate(plan)            # BoundaryResult; result.ok, result.to_dict()

See docs/BOUNDARIES.md for the evaluator (iamprover) and what gcbase adds to it.
"""

from gcbase.boundaries.result import BoundaryResult, evaluate, evaluate_model

__all__ = ["BoundaryResult", "evaluate", "evaluate_model"]
