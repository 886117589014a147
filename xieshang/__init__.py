"""xieshang (协商): how likely is a negotiated repayment plan to be approved, and what would raise it.

The model learns from synthetic data that encodes one article's account of
what lenders look at; it is not advice from any lender, nor financial or legal
advice (不构成金融或法律建议).

The public names are imported on first use (PEP 562), so ``import xieshang``
and ``xieshang --help`` do not pay for pandas and scikit-learn up front.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "ApprovalModel",
    "Explanation",
    "explain",
    "feature",
    "generate",
    "load_model",
    "train",
    "true_probability",
    "validate_frame",
]
__version__ = "0.1.0"

# public name -> submodule that defines it
_WHERE = {
    "FEATURES": "contract",
    "FEATURE_NAMES": "contract",
    "feature": "contract",
    "Explanation": "explain",
    "explain": "explain",
    "generate": "generator",
    "true_probability": "generator",
    "ApprovalModel": "model",
    "load_model": "model",
    "train": "model",
    "validate_frame": "validation",
}

if TYPE_CHECKING:  # for type checkers and IDEs: the eager imports
    from .contract import FEATURE_NAMES, FEATURES, feature
    from .explain import Explanation, explain
    from .generator import generate, true_probability
    from .model import ApprovalModel, load_model, train
    from .validation import validate_frame


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'xieshang' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
