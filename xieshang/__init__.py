"""xieshang (协商): how likely is a negotiated repayment plan to be approved, and what would raise it.

The model learns from synthetic data that encodes one article's account of
what lenders look at; it is not advice from any lender.
"""

from .contract import FEATURES, FEATURE_NAMES, feature
from .explain import Explanation, explain
from .generator import generate, true_probability
from .model import ApprovalModel, load_model, train
from .validation import validate_frame

__all__ = [
    "ApprovalModel",
    "FEATURES",
    "FEATURE_NAMES",
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
