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
* ``instalment_burden``: ``instalment / (max(disposable, 0) + BURDEN_FLOOR)``,
  a soft affordability that keeps grading the instalment where disposable
  income is not positive (where ``instalment_share`` is capped);
* ``document_count``: how many supporting documents (every document but the
  hardship proof) are known to be handed in;
* ``documents_unknown``: how many of their flags are missing;
* ``proven_hardship``: a hardship is stated *and* proved (missing where the
  proof flag, or the reason, is missing and a hardship may be stated).

Two lender's measures a credit analyst computes beside them (issue 21):

* ``savings_cover``: how many instalments the savings cover (``savings /
  instalment``, capped at ``cover_cap``; missing where savings are unknown):
  the cushion that carries a plan through a bad month;
* ``debt_to_income``: all monthly debt service, the plan's instalment
  included, over income (``(other debt payments + instalment) / income``,
  capped at ``share_cap``, which it is where there is no income);
* ``plan_affordable``: 1 where the plan passes the project's own
  affordability rule (:func:`xieshang.rules.affordable`, the one the advice
  and the audit use), else 0: a lender's pass/fail line is a cliff, which a
  flag gives every learner in one step.

The contract is read generically (:data:`~xieshang.contract.FEATURES`): a
numeric or boolean column becomes one float column, an ordered category
(one with a direction) its level (worst = 0), an unordered one
(``hardship_reason``) one indicator per category. A new contract column flows
through without code changes, with the contract's direction.

**Missing values** pass through as NaN (a missing category level too; an
unordered category's indicators are all 0): nothing is imputed, so a learner
that handles NaN (``HistGradientBoostingClassifier``) can use the missingness
itself.

Every output column has a known direction of effect on approval
(:meth:`DomainFeatures.directions`): the contract's for raw columns, and for
engineered ones the direction that follows from the contract (a larger
instalment never helps). The gradient-boosted candidate turns them into
monotonic constraints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from . import rules
from .contract import DOCUMENT_NAMES, FEATURE_NAMES, FEATURES, NO_HARDSHIP, feature
from .validation import column_arrays, validate_frame

__all__ = ["BURDEN_FLOOR", "COVER_CAP", "validated_rows", "DomainFeatures", "ENGINEERED", "document_names", "onehot_name", "supporting_document_names",
           "typical_approved"]

ENGINEERED: dict[str, int] = {
    "instalment": -1,
    "disposable_income": 1,
    "instalment_share": -1,
    "instalment_to_income": -1,
    "residual_income": 1,
    "instalment_burden": -1,
    "document_count": 1,
    "documents_unknown": 0,
    "proven_hardship": 1,
    "savings_cover": 1,
    "debt_to_income": -1,
    "plan_affordable": 1,
}
"""Engineered feature -> direction of its effect on approval (+1 raises, -1 lowers)."""

_REASON = "hardship_reason"  # the engineered features read whether a hardship is stated

COVER_CAP = 120.0
"""Cap of ``savings_cover`` (instalments): ten years of instalments; more changes no lender's view."""

BURDEN_FLOOR = 200.0
"""RMB added to the positive part of disposable income in ``instalment_burden`` (keeps it finite and graded)."""


_VALIDATED: ContextVar[pd.DataFrame | None] = ContextVar("xieshang_validated_rows", default=None)


@contextmanager
def validated_rows(clean: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """Within the block, :meth:`DomainFeatures.transform` trusts this very frame without validating it again.

    For a caller that has just validated ``clean`` (``validate_frame``) and hands it, unchanged, to a
    pipeline: validating a one-row frame twice costs more than the model's own arithmetic. Only the
    same object is trusted (``is``), and only inside the block.
    """
    token = _VALIDATED.set(clean)
    try:
        yield clean
    finally:
        _VALIDATED.reset(token)


def typical_approved(X: pd.DataFrame, y: Any) -> dict[str, Any]:
    """The values of a typical approved applicant: what the reasons compare a borrower with.

    Booleans and ordered categories: their favourable value (contract direction),
    which any borrower can fully satisfy; unordered categories: the most common
    value among approved rows; quantities: the median of approved rows.

    Parameters
    ----------
    X : pandas.DataFrame
        Valid rows in the contract (as returned by ``validate_frame``).
    y : array-like of 0/1
        Approval labels; at least one must be 1.
    """
    ok = X[np.asarray(y) == 1]
    if len(ok) == 0:
        raise ValueError("typical_approved: expected at least one approved row (label 1), got none")
    ref: dict[str, Any] = {}
    for f in FEATURES:
        if f.kind == "bool":
            ref[f.name] = f.direction > 0
        elif f.kind == "category":
            if f.direction != 0:
                ref[f.name] = f.categories[-1] if f.direction > 0 else f.categories[0]
            else:
                ref[f.name] = str(ok[f.name].astype(str).mode().iloc[0])
        else:
            med = float(ok[f.name].median())  # missing values are skipped
            if np.isnan(med):  # unknown for every approved row: the median of every row, else unknown
                med = float(X[f.name].median())
            ref[f.name] = round(med) if f.kind == "int" and np.isfinite(med) else med
    return ref


def document_names() -> tuple[str, ...]:
    """Boolean contract columns that are documents handed in (``Feature.document``)."""
    return DOCUMENT_NAMES


def supporting_document_names() -> tuple[str, ...]:
    """The documents ``document_count`` counts: every document but the hardship proof.

    The hardship proof has columns of its own (its flag, ``proven_hardship``).
    Counted in the sum, the monotone constraints could not take it out again:
    a lender's rule on the other documents ("at least three of them") would
    fall as the proof rises at a fixed count. A rule on every document is a
    function of (count, proof) rising in both, which a tree on the two
    columns represents.
    """
    return _SUPPORTING


def _lender_measures(out: np.ndarray, instalment: np.ndarray, income: np.ndarray, disposable: np.ndarray,
                     cap: float) -> None:
    """Fill ``savings_cover``, ``debt_to_income`` and ``plan_affordable`` (module docstring) into ``out`` in place."""
    savings = out[:, _OUT_INDEX["savings"]]
    debt = out[:, _OUT_INDEX["other_debt_payments"]] + instalment
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cover = np.where(instalment > 0, savings / np.where(instalment > 0, instalment, 1.0), COVER_CAP)
        dti = np.where(income > 0, debt / np.where(income > 0, income, 1.0), cap)
    out[:, _OUT_INDEX["savings_cover"]] = np.where(np.isnan(savings), np.nan, np.minimum(cover, COVER_CAP))
    out[:, _OUT_INDEX["debt_to_income"]] = np.minimum(dti, cap)
    with np.errstate(invalid="ignore"):
        fine = rules.affordable(instalment, disposable).astype(float)
    out[:, _OUT_INDEX["plan_affordable"]] = np.where(np.isnan(instalment) | np.isnan(disposable), np.nan, fine)


def onehot_name(column: str, category: str) -> str:
    """Name of the indicator column of ``category`` of ``column``."""
    return f"{column}={category}"


def _one_hot(f: Any) -> bool:
    """An unordered category (no direction): one indicator per category; an ordered one is coded by level."""
    return f.kind == "category" and f.direction == 0


def _output_names() -> tuple[str, ...]:
    names: list[str] = []
    for f in FEATURES:
        if _one_hot(f):
            names += [onehot_name(f.name, c) for c in f.categories]
        else:
            names.append(f.name)
    return tuple(names) + tuple(ENGINEERED)


_OUT_NAMES = _output_names()  # the contract fixes them: computed once
_OUT_COLUMNS = pd.Index(_OUT_NAMES, dtype=object)
_OUT_INDEX = {name: j for j, name in enumerate(_OUT_NAMES)}
_DOCUMENTS = document_names()
_SUPPORTING = tuple(d for d in _DOCUMENTS if d != "hardship_proof")  # why: supporting_document_names


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

    def __init__(self, *, share_cap: float = 5.0) -> None:
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
        validate_frame(X)
        self.feature_names_in_ = np.asarray(FEATURE_NAMES, dtype=object)
        self.n_features_in_ = len(FEATURE_NAMES)
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns, in order."""
        return np.asarray(_OUT_NAMES, dtype=object)

    def directions(self) -> dict[str, int]:
        """Direction of effect of every output column (+1, -1, or 0 for none)."""
        out: dict[str, int] = {}
        for name in self.get_feature_names_out():
            if name in ENGINEERED:
                out[name] = ENGINEERED[name]
            elif "=" in name:  # an indicator of an unordered category
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
        trusted = _VALIDATED.get()
        clean = trusted if trusted is not None and X is trusted else validate_frame(X)  # validated_rows
        a = column_arrays(clean)  # NumPy arrays (Categorical for categories): no Series per column
        out = np.empty((len(clean), len(_OUT_NAMES)))
        for f in FEATURES:  # generic: a new contract column flows through
            if f.kind == "category":
                codes = np.asarray(pd.Categorical(a[f.name], categories=f.categories).codes
                                   if not isinstance(a[f.name], pd.Categorical) else a[f.name].codes)
                if _one_hot(f):  # a missing level: every indicator 0
                    first = _OUT_INDEX[onehot_name(f.name, f.categories[0])]
                    out[:, first:first + len(f.categories)] = codes[:, None] == np.arange(len(f.categories))[None, :]
                else:
                    out[:, _OUT_INDEX[f.name]] = np.where(codes >= 0, codes, np.nan)
            else:  # numbers and booleans (bool, or float 0/1 with NaN) as floats; NaN stays NaN
                out[:, _OUT_INDEX[f.name]] = np.asarray(a[f.name], dtype=float)
        col = {name: out[:, _OUT_INDEX[name]] for name in ("outstanding_balance", "down_payment_ratio", "plan_months",
                                                            "monthly_income", "monthly_expenses", "other_debt_payments")}
        instalment = rules.instalment(col["outstanding_balance"], col["down_payment_ratio"], col["plan_months"])
        disposable = rules.disposable_income(col["monthly_income"], col["monthly_expenses"], col["other_debt_payments"])
        income = col["monthly_income"]
        cap = float(self.share_cap)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            share = np.where(disposable > 0, instalment / np.where(disposable > 0, disposable, 1.0), cap)
            to_income = np.where(income > 0, instalment / np.where(income > 0, income, 1.0), cap)
        reason = a[_REASON]
        codes = np.asarray(reason.codes) if isinstance(reason, pd.Categorical) else \
            np.asarray(pd.Categorical(reason, categories=feature(_REASON).categories).codes)
        none = feature(_REASON).categories.index(NO_HARDSHIP)
        proof = out[:, _OUT_INDEX["hardship_proof"]]
        docs = out[:, [_OUT_INDEX[d] for d in _SUPPORTING]]
        out[:, _OUT_INDEX["instalment"]] = instalment
        out[:, _OUT_INDEX["disposable_income"]] = disposable
        out[:, _OUT_INDEX["instalment_share"]] = np.minimum(share, cap)
        out[:, _OUT_INDEX["residual_income"]] = rules.residual(instalment, disposable)
        out[:, _OUT_INDEX["instalment_burden"]] = instalment / (np.maximum(disposable, 0.0) + BURDEN_FLOOR)
        out[:, _OUT_INDEX["instalment_to_income"]] = np.minimum(to_income, cap)
        out[:, _OUT_INDEX["document_count"]] = np.nansum(docs, axis=1)  # known to be handed in
        out[:, _OUT_INDEX["documents_unknown"]] = np.isnan(docs).sum(axis=1)
        _lender_measures(out, instalment, income, disposable, cap)
        # No hardship stated: nothing to prove (0); stated: the proof flag, missing if it is; reason unknown: missing
        # unless the proof is known to be absent.
        proven = np.where(codes == none, 0.0, proof)
        out[:, _OUT_INDEX["proven_hardship"]] = np.where((codes < 0) & (proof != 0), np.nan, proven)
        # One float block: cheap to build, and a zero-copy ``to_numpy`` for the next step.
        return pd.DataFrame(out, columns=_OUT_COLUMNS, index=clean.index, copy=False)
