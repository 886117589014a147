"""Blending candidates by their out-of-fold decision values: a convex logarithmic opinion pool.

A convex combination of models monotone in a column in the same direction is
monotone in it too, and it costs no new fit: :func:`blend_candidates` chooses
the weights on the candidates' out-of-fold values, :class:`MonotoneBlend`
reuses their refit models.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..features import DomainFeatures
from .scores import binary_log_loss, decision_scores, row_log_loss
from .selection import CandidateResult

__all__ = ["BLEND", "BLEND_GRID_STEP", "EARN_PLACE", "MonotoneBlend", "blend_candidates"]

BLEND = "blend_monotone"
"""The candidate blending the others' out-of-fold decision values (:func:`blend_candidates`)."""

BLEND_GRID_STEP = 0.1
"""Step of the grid of blend weights (every convex combination with weights on this grid is tried)."""

EARN_PLACE: tuple[str, ...] = ("lgbm_monotone",)
"""Members that must earn their place in the blend (:func:`blend_candidates`): the most flexible trees, whose small
out-of-fold gains on smooth worlds did not carry to the truth (``bench/bench_worlds.py``, world ``ours``)."""


class MonotoneBlend(ClassifierMixin, BaseEstimator):
    """A convex combination of classifiers' decision values (log-odds): a logarithmic opinion pool.

    With non-negative weights summing to one, a blend of models that are all
    monotone in a column in the same direction is monotone in it too.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Named classifiers (a ``decision_function``, or ``predict_proba``).
    weights : sequence of float
        One per estimator, non-negative, summing to one.

    Attributes
    ----------
    estimators_ : list
        The fitted estimators, in order.
    weights_ : numpy.ndarray
        The checked weights.
    shared_features_ : bool
        Whether the members share their first step, :class:`DomainFeatures`,
        so that it runs once per prediction.
    classes_ : numpy.ndarray
        ``array([0, 1])``.
    """

    def __init__(self, estimators: Sequence[tuple[str, Any]], *, weights: Sequence[float]) -> None:
        self.estimators = estimators
        self.weights = weights

    def _checked_weights(self) -> np.ndarray:
        problems = []
        n = len(self.estimators) if isinstance(self.estimators, (list, tuple)) else 0
        if n == 0:
            problems.append(f"estimators: expected a non-empty list of (name, estimator), got {self.estimators!r}")
        try:
            w = np.asarray(self.weights, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            w = np.array([np.nan])
        if len(w) != n:
            problems.append(f"weights: expected {n} values (one per estimator), got {len(w)}")
        elif not (np.isfinite(w).all() and (w >= 0).all() and abs(w.sum() - 1.0) <= 1e-9):
            problems.append(f"weights: expected non-negative numbers summing to 1, got {list(self.weights)!r}")
        if problems:
            raise ValueError("MonotoneBlend: " + "; ".join(problems))
        return w

    def fit(self, X: pd.DataFrame, y: Any) -> MonotoneBlend:
        """Fit a clone of every estimator with a positive weight on ``X``, ``y``."""
        self.weights_ = self._checked_weights()
        self.estimators_ = [clone(e).fit(X, y) if w > 0 else clone(e)
                            for (_, e), w in zip(self.estimators, self.weights_)]
        self.shared_features_ = self._shared_features()
        self.classes_ = np.array([0, 1])
        return self

    @classmethod
    def from_fitted(cls, estimators: Sequence[tuple[str, Any]], weights: Sequence[float]) -> MonotoneBlend:
        """The blend of estimators already fitted on the same rows, without fitting them again.

        Raises
        ------
        ValueError
            Bad weights; ``NotFittedError`` if a weighted estimator is not fitted.
        """
        blend = cls(list(estimators), weights=weights)
        blend.weights_ = blend._checked_weights()
        for (_, e), w in zip(blend.estimators, blend.weights_):
            if w > 0:
                check_is_fitted(e)
        blend.estimators_ = [e for _, e in blend.estimators]
        blend.shared_features_ = blend._shared_features()
        blend.classes_ = np.array([0, 1])
        return blend

    def _shared_features(self) -> bool:
        """Whether every weighted member is a pipeline starting with the same (stateless) :class:`DomainFeatures`."""
        firsts = [e.steps[0][1] if isinstance(e, Pipeline) and len(e.steps) > 1 else None
                  for e, w in zip(self.estimators_, self.weights_) if w > 0]
        if not firsts:
            return True
        head = firsts[0]
        if head is None or type(head) is not DomainFeatures:
            return False
        params = head.get_params()
        return all(type(f) is DomainFeatures and f.get_params() == params for f in firsts)

    def decision_function(self, X: Any) -> np.ndarray:
        """The weighted sum of the estimators' decision values (members of weight 0 are not run).

        When the members are pipelines starting with the same
        :class:`DomainFeatures` (which learns nothing), the features are
        computed once for all of them.
        """
        check_is_fitted(self, "estimators_")
        members = [(e, w) for e, w in zip(self.estimators_, self.weights_) if w > 0]
        if getattr(self, "shared_features_", False):
            Xt = members[0][0].steps[0][1].transform(X)
            # A member of two steps: its last step directly (a sliced pipeline costs ~0.1 ms a call).
            return np.sum([w * decision_scores(e.steps[-1][1] if len(e.steps) == 2 else e[1:], Xt)
                           for e, w in members], axis=0)
        return np.sum([w * decision_scores(e, X) for e, w in members], axis=0)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2): the logistic of the blended log-odds."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """1 where the blended log-odds are positive."""
        return (self.decision_function(X) > 0).astype(np.int64)


def _earns_place(with_rows: np.ndarray, without_rows: np.ndarray) -> bool:
    """Whether per-row losses ``with_rows`` are lower than ``without_rows`` by more than one standard error."""
    d = np.asarray(with_rows, dtype=float) - np.asarray(without_rows, dtype=float)
    se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
    return float(np.mean(d)) < -se


def _simplex_grid(k: int, step: float) -> np.ndarray:
    """Every weight vector of ``k`` non-negative multiples of ``step`` summing to one (rows)."""
    m = round(1.0 / step)
    rows = [c for c in itertools.product(range(m + 1), repeat=k - 1) if sum(c) <= m]
    return np.array([[*c, m - sum(c)] for c in rows], dtype=float) / m


def blend_candidates(
    results: Sequence[CandidateResult],
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    step: float = BLEND_GRID_STEP,
    name: str = BLEND,
    earn_place: Sequence[str] = EARN_PLACE,
) -> tuple[CandidateResult, dict[str, float]]:
    """Blend candidates by their out-of-fold decision values: the convex weights of lowest log loss.

    Every weight vector on a grid of ``step`` is scored by the out-of-fold
    log loss of the blended log-odds (the candidates' out-of-fold values
    already exist: nothing is fitted). Pass only monotone candidates: the
    blend inherits every direction violation of its members.

    Parameters
    ----------
    results : sequence of CandidateResult
        At least two candidates cross-validated on ``folds``.
    y : numpy.ndarray
        The 0/1 labels.
    folds : list of (train, test) indices
        The shared folds the candidates were scored on.
    step : float, default :data:`BLEND_GRID_STEP`
        Grid step of the weights, in (0, 1].
    name : str, default :data:`BLEND`
        Name of the blended candidate.
    earn_place : sequence of str, default :data:`EARN_PLACE`
        Members that get a weight only where the best blend with them beats
        the best blend without them by more than one standard error of the
        paired per-row out-of-fold log losses (the others' weights otherwise).

    Returns
    -------
    result : CandidateResult
        The blend's fold models (:class:`MonotoneBlend` of the members' fold
        models), out-of-fold probabilities and decision values, fold log losses.
    weights : dict
        Member name -> weight.

    Raises
    ------
    ValueError
        Fewer than two candidates, one without out-of-fold decision values, or a bad ``step``.
    """
    if len(results) < 2:
        raise ValueError(f"{name}: expected at least two candidates to blend, got {len(results)}")
    missing = [r.name for r in results if r.oof_score is None]
    if missing:
        raise ValueError(f"{name}: no out-of-fold decision values for {', '.join(missing)}")
    if not (isinstance(step, (int, float)) and 0 < step <= 1 and abs(1 / step - round(1 / step)) < 1e-9):
        raise ValueError(f"step: expected 1/k for a positive integer k, got {step!r}")
    start = time.perf_counter()
    y = np.asarray(y, dtype=float)
    # Every candidate has its out-of-fold decision values (checked above).
    S = np.column_stack([r.oof_score for r in results if r.oof_score is not None])
    grid = _simplex_grid(len(results), step)
    losses = []
    for g in grid:  # one weight vector at a time: memory stays one column, however many rows
        z = S @ g
        losses.append(float(np.mean(row_log_loss(z, y))))
    w = grid[int(np.argmin(losses))]
    extra = np.array([r.name in earn_place for r in results])
    if extra.any() and not extra.all() and (w[extra] > 0).any():
        without = [k for k, g in enumerate(grid) if not (g[extra] > 0).any()]
        w0 = grid[min(without, key=lambda k: losses[k])]
        if not _earns_place(row_log_loss(S @ w, y), row_log_loss(S @ w0, y)):
            w = w0
    z = S @ w
    oof = 1.0 / (1.0 + np.exp(-z))
    fold_losses = [binary_log_loss(y[te], oof[te]) for _, te in folds]
    members = [(r.name, r) for r in results]
    models = [MonotoneBlend.from_fitted([(n, r.fold_models[k]) for n, r in members], w) for k in range(len(folds))]
    violations: dict[str, float] = {}
    for r in results:
        for feat, v in r.violations.items():
            violations[feat] = max(v, violations.get(feat, 0.0))
    seconds = time.perf_counter() - start
    result = CandidateResult(name, models, oof, fold_losses, seconds, violations, z)
    return result, {n: float(v) for (n, _), v in zip(members, w)}

