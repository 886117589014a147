"""Domain features: what a lender reading the article would compute from a request.

:class:`DomainFeatures` turns rows of the contract into numbers a learner can
use, and adds the quantities the article implies but no single column holds:

* ``instalment``: the monthly instalment of the proposed plan,
  ``balance × (1 − down payment) / plan months``;
* ``disposable_income``: ``income − essential expenses − other debt payments``;
* ``instalment_share``: the instalment's share of disposable income (a
  "reasonable plan" is one the borrower can afford); where disposable income
  is not positive the plan is unaffordable and the share is set to
  ``share_cap``, which also caps it;
* ``instalment_to_income``: the instalment's share of the whole income
  (capped the same way, ``share_cap`` where there is no income);
* ``residual_income``: disposable income left after paying the instalment;
* ``document_count``: how many supporting documents were handed in;
* ``proven_hardship``: a hardship is stated *and* proved.

Categorical columns become numbers too: ``communication`` its ordinal level
(worst = 0) and ``hardship_reason`` one indicator per category.

Every output column has a known direction of effect on approval
(:meth:`DomainFeatures.directions`): the contract's for raw columns, and for
engineered ones the direction that follows from the contract (a larger
instalment never helps). The gradient-boosted candidate turns them into
monotonic constraints.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .contract import BOOL_NAMES, CATEGORY_NAMES, FEATURE_NAMES, FEATURES, NUMERIC_NAMES, feature
from .validation import validate_frame

__all__ = ["DomainFeatures", "ENGINEERED", "document_names", "onehot_name", "ensure_valid"]

ENGINEERED: dict[str, int] = {
    "instalment": -1,
    "disposable_income": 1,
    "instalment_share": -1,
    "instalment_to_income": -1,
    "residual_income": 1,
    "document_count": 1,
    "proven_hardship": 1,
}
"""Engineered feature -> direction of its effect on approval (+1 raises, -1 lowers)."""

_ORDINAL = "communication"  # the one ordered category: coded by level
_REASON = "hardship_reason"  # the unordered one: one indicator per category


def _already_clean(X: Any) -> bool:
    """Whether ``X`` is exactly what :func:`validate_frame` returns (contract columns, order, dtypes, ranges)."""
    if not isinstance(X, pd.DataFrame) or len(X) == 0 or tuple(X.columns) != FEATURE_NAMES:
        return False
    for f in FEATURES:
        col = X[f.name]
        if f.kind == "category":
            if not isinstance(col.dtype, pd.CategoricalDtype) or tuple(col.cat.categories) != f.categories:
                return False
            if (col.cat.codes.to_numpy() < 0).any():
                return False
        elif f.kind == "bool":
            if col.dtype != bool:
                return False
        else:
            if col.dtype != (np.int64 if f.kind == "int" else np.float64):
                return False
            v = col.to_numpy(float)
            if not (np.isfinite(v).all() and v.min() >= f.low and v.max() <= f.high):
                return False
    return True


def ensure_valid(X: Any) -> pd.DataFrame:
    """:func:`~xieshang.validation.validate_frame`, skipping its per-value work for an already clean frame.

    A frame with exactly the contract's columns, order, dtypes, categories and
    ranges is returned as it is (training passes the same clean frame through
    many pipelines); anything else goes through ``validate_frame``.
    """
    return X if _already_clean(X) else validate_frame(X)


def document_names() -> tuple[str, ...]:
    """Boolean contract columns that are documents handed in (the "evidence" factors)."""
    return tuple(f.name for f in FEATURES if f.kind == "bool" and f.factor_en.startswith("evidence"))


def onehot_name(column: str, category: str) -> str:
    """Name of the indicator column of ``category`` of ``column``."""
    return f"{column}={category}"


class DomainFeatures(TransformerMixin, BaseEstimator):
    """Contract rows -> numeric domain features (a stateless scikit-learn transformer).

    Parameters
    ----------
    share_cap : float, default 5.0
        Cap of ``instalment_share``, also used where disposable income is not
        positive (the plan cannot be paid from income at all).

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray of str
        The contract's columns.
    n_features_in_ : int
        Their number.
    """

    def __init__(self, share_cap: float = 5.0) -> None:
        self.share_cap = share_cap

    def fit(self, X: pd.DataFrame, y: Any = None) -> DomainFeatures:
        """Check ``X`` against the contract; nothing is learned.

        Raises
        ------
        ValueError
            If ``X`` violates the contract or ``share_cap`` is not positive.
        """
        if not (isinstance(self.share_cap, (int, float)) and np.isfinite(self.share_cap) and self.share_cap > 0):
            raise ValueError(f"share_cap: expected a positive number, got {self.share_cap!r}")
        ensure_valid(X)
        self.feature_names_in_ = np.asarray(FEATURE_NAMES, dtype=object)
        self.n_features_in_ = len(FEATURE_NAMES)
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns, in order."""
        names: list[str] = []
        for f in FEATURES:
            if f.name == _REASON:
                names += [onehot_name(f.name, c) for c in f.categories]
            else:
                names.append(f.name)
        return np.asarray(names + list(ENGINEERED), dtype=object)

    def directions(self) -> dict[str, int]:
        """Direction of effect of every output column (+1, -1, or 0 for none)."""
        out: dict[str, int] = {}
        for name in self.get_feature_names_out():
            if name in ENGINEERED:
                out[name] = ENGINEERED[name]
            elif name.startswith(_REASON + "="):
                out[name] = 0
            else:
                out[name] = feature(name).direction
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Domain features of the rows of ``X`` (a float DataFrame, same index).

        Raises
        ------
        ValueError
            If ``X`` violates the contract.
        """
        check_is_fitted(self, "feature_names_in_")
        clean = ensure_valid(X)
        cols: dict[str, np.ndarray] = {}
        for name in NUMERIC_NAMES:
            cols[name] = clean[name].to_numpy(float)
        for name in BOOL_NAMES:
            cols[name] = clean[name].to_numpy(float)
        for name in CATEGORY_NAMES:
            codes = clean[name].cat.codes.to_numpy()
            if name == _REASON:
                for i, c in enumerate(feature(name).categories):
                    cols[onehot_name(name, c)] = (codes == i).astype(float)
            else:
                cols[name] = codes.astype(float)
        bal = cols["outstanding_balance"]
        instalment = bal * (1.0 - cols["down_payment_ratio"]) / cols["plan_months"]
        disposable = cols["monthly_income"] - cols["monthly_expenses"] - cols["other_debt_payments"]
        cap = float(self.share_cap)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(disposable > 0, instalment / np.where(disposable > 0, disposable, 1.0), cap)
        has_hardship = clean[_REASON].astype(str).to_numpy() != "none"
        cols["instalment"] = instalment
        cols["disposable_income"] = disposable
        cols["instalment_share"] = np.minimum(share, cap)
        cols["residual_income"] = disposable - instalment
        income = cols["monthly_income"]
        with np.errstate(divide="ignore", invalid="ignore"):
            to_income = np.where(income > 0, instalment / np.where(income > 0, income, 1.0), cap)
        cols["instalment_to_income"] = np.minimum(to_income, cap)
        cols["document_count"] = sum(cols[d] for d in document_names())
        cols["proven_hardship"] = (has_hardship & clean["hardship_proof"].to_numpy(bool)).astype(float)
        names = self.get_feature_names_out()
        return pd.DataFrame({n: cols[n] for n in names}, index=clean.index)
