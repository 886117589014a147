"""Calibration: the method chosen by cross-fitted log loss, fitted on out-of-fold decision values.

:func:`choose_calibration` compares sigmoid, isotonic and temperature scaling
on a candidate's out-of-fold decision values; :class:`RefitCalibrated` is the
estimator refit once on all rows with that calibrator
(``CalibratedClassifierCV(ensemble=False)`` semantics, without repeating the
cross-validation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted

from .scores import binary_log_loss, decision_scores
from .selection import CandidateResult, cv_folds

__all__ = ["CALIBRATION_METHODS", "DEFAULT_CLIP", "RefitCalibrated", "choose_calibration"]

CALIBRATION_METHODS: tuple[str, ...] = ("sigmoid", "isotonic", "temperature", "none")
"""Calibration methods compared by held-out log loss: those of ``CalibratedClassifierCV``, and ``"none"`` (the
model's own probabilities, the sigmoid of its decision value: nothing fitted, so nothing to overfit)."""

NONE = "none"

DEFAULT_CLIP = 1e-3
"""The clip of predicted probabilities calibration methods are scored with: ``ApprovalModel``'s default."""


class _Scores(ClassifierMixin, BaseEstimator):
    """A fitted stand-in classifier whose decision function is its single input column.

    Lets ``CalibratedClassifierCV`` calibrate scores computed once, so the
    calibration methods are compared without predicting again.
    """

    def fit(self, X: Any, y: Any = None) -> _Scores:
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=float)[:, 0]

    def predict(self, X: Any) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(np.int64)


def _calibrate(model: Any, X: Any, y: np.ndarray, method: str) -> CalibratedClassifierCV:
    # A frozen model predicts the same on every split, so two folds give the same calibrator as
    # five, and work with as few as two rows of each label.
    return CalibratedClassifierCV(FrozenEstimator(model), method=method, cv=2).fit(X, y)


def _apply_calibration(calibrated: CalibratedClassifierCV, scores: np.ndarray) -> np.ndarray:
    """``calibrated.predict_proba(scores)`` for a binary ``_Scores`` stand-in, without its per-call overhead.

    ``CalibratedClassifierCV.predict_proba`` re-derives the response method and
    the target type on every call (about 1 ms, more than the model itself on
    one row); this applies the fitted calibrator the same way it does.
    """
    inner = calibrated.calibrated_classifiers_[0]
    calibrator = inner.calibrators[0]
    if inner.method == "sigmoid" and hasattr(calibrator, "a_") and hasattr(calibrator, "b_"):
        # _SigmoidCalibration.predict's own arithmetic, without its input checks (most of a one-row call).
        from scipy.special import expit

        p = np.asarray(expit(-(calibrator.a_ * scores[:, 0] + calibrator.b_)), dtype=float)
        proba = np.column_stack([1.0 - p, p])
    elif inner.method == "temperature":
        proba = np.asarray(calibrator.predict(scores), dtype=float)
    elif inner.method == "isotonic" and getattr(calibrator, "out_of_bounds", None) == "clip" and hasattr(calibrator, "f_"):
        # IsotonicRegression.predict's own steps (clip, interpolate, cast), without its input checks.
        t = scores[:, 0].astype(calibrator.X_thresholds_.dtype, copy=False)
        p = np.asarray(calibrator.f_(np.clip(t, calibrator.X_min_, calibrator.X_max_)).astype(t.dtype), dtype=float)
        proba = np.column_stack([1.0 - p, p])
    else:
        p = np.asarray(calibrator.predict(scores[:, 0]), dtype=float)
        proba = np.column_stack([1.0 - p, p])
    proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba


def _direct_calibration_matches(calibrated: CalibratedClassifierCV, scores: np.ndarray) -> bool:
    """Whether :func:`_apply_calibration` gives exactly what scikit-learn gives (else the public path is used)."""
    try:
        return bool(np.array_equal(_apply_calibration(calibrated, scores), calibrated.predict_proba(scores)))
    except Exception:  # another scikit-learn's internals
        return False


def _quick_calibrated(method: str, s_fit: np.ndarray, y_fit: np.ndarray, s_new: np.ndarray) -> np.ndarray | None:
    """The calibrator ``CalibratedClassifierCV`` fits on one column of scores, fitted and applied directly.

    Without the wrapper's own cross-validation of the frozen scorer (about
    60 ms a call, the bulk of comparing methods). ``None`` where there is no
    direct path (temperature scaling, or another scikit-learn's internals).
    """
    try:
        if method == "sigmoid":
            from sklearn.calibration import _SigmoidCalibration

            return np.asarray(_SigmoidCalibration().fit(s_fit, y_fit).predict(s_new), dtype=float)
        if method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            return np.asarray(IsotonicRegression(out_of_bounds="clip").fit(s_fit, y_fit).predict(s_new), dtype=float)
    except (ImportError, AttributeError, TypeError):
        return None
    return None


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0))), dtype=float)


def choose_calibration(
    result: CandidateResult,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    methods: Sequence[str] = CALIBRATION_METHODS,
    clip: float = DEFAULT_CLIP,
) -> tuple[str, dict[str, float]]:
    """Pick the calibration method with the lowest held-out log loss on the out-of-fold scores.

    The out-of-fold decision values of ``result`` are what the final
    calibrator is fitted on (:class:`RefitCalibrated`). To score a method
    honestly it is cross-fitted on the same folds: fitted on the scores of
    every other fold, scored on this one.

    Every method is scored on its probabilities clipped to ``[clip, 1 - clip]``,
    as the model predicts them (``ApprovalModel(clip=...)``). Unclipped, an
    isotonic step of exactly 0 or 1 costs a few held-out rows a loss of ~34
    each (log of 1e-15): that chose the sigmoid on worlds with hard caps, where
    the clipped isotonic is closer to the truth (``bench/bench_calibration.py``).

    Parameters
    ----------
    result : CandidateResult
        A candidate cross-validated on ``folds``, with its out-of-fold decision values.
    y : numpy.ndarray
        The 0/1 labels of those rows.
    folds : list of (train, test) indices
        The shared folds.
    methods : sequence of str, default :data:`CALIBRATION_METHODS`
        The methods compared.
    clip : float, default :data:`DEFAULT_CLIP`
        The clip of the predicted probabilities, in [0, 0.5); 0 scores them unclipped.

    Returns
    -------
    method : str
        The chosen method.
    scores : dict
        Held-out log loss of each method, and of no calibration (``"none"``).
    """
    bad = [m for m in methods if m not in CALIBRATION_METHODS]
    if bad or not methods:
        raise ValueError(f"calibration: expected methods among {', '.join(CALIBRATION_METHODS)}, got {list(methods)!r}")
    if isinstance(clip, bool) or not isinstance(clip, (int, float)) or not 0 <= clip < 0.5:
        raise ValueError(f"clip: expected a number in [0, 0.5), got {clip!r}")
    if result.oof_score is None:
        raise ValueError(f"{result.name}: no out-of-fold decision values to calibrate on")
    y = np.asarray(y)
    s = result.oof_score[:, None]
    fitted = [m for m in methods if m != NONE]
    loss = {m: 0.0 for m in fitted}
    scorer = _Scores().fit(None)
    for tr, te in folds:
        for m in fitted:
            p = _quick_calibrated(m, s[tr, 0], y[tr], s[te, 0])
            if p is None:  # the method (or this scikit-learn) has no direct path: the public one
                p = _calibrate(scorer, s[tr], y[tr], m).predict_proba(s[te])[:, 1]
            loss[m] += binary_log_loss(y[te], np.clip(p, clip, 1.0 - clip)) * len(te)
    scores = {m: float(v / len(y)) for m, v in loss.items()}
    scores[NONE] = binary_log_loss(y, np.clip(_sigmoid(result.oof_score), clip, 1.0 - clip))
    best = min(methods, key=lambda m: scores[m])
    return best, scores


class RefitCalibrated(ClassifierMixin, BaseEstimator):
    """A pipeline refit once on all rows, calibrated on its out-of-fold decision values.

    The semantics of ``CalibratedClassifierCV(ensemble=False)``: the
    calibrator (sigmoid, isotonic or temperature) is fitted on decision
    values the estimator produced on rows it was not trained on, and the
    estimator itself is refit on every row, so predicting runs it once.

    Parameters
    ----------
    estimator : estimator
        Unfitted classifier (a candidate pipeline).
    method : {"sigmoid", "isotonic", "temperature", "none"}, default "sigmoid"
        Calibration method (``"none"``: the sigmoid of the decision value, nothing fitted).
    n_splits : int, default 5
        Folds used to compute out-of-fold scores when ``fit`` is not given them.
    seed : int, default 0
        Seed of those folds.

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` fitted on all rows.
    calibrator_ : CalibratedClassifierCV or None
        Maps a decision value (one column) to the calibrated probability (``None`` for ``"none"``).
    direct_calibration_ : bool
        Whether the fitted calibrator is applied directly (checked to give
        exactly what ``calibrator_.predict_proba`` gives, minus its overhead).
    classes_ : numpy.ndarray
        ``array([0, 1])``.
    """

    def __init__(self, estimator: Any, *, method: str = "sigmoid", n_splits: int = 5, seed: int = 0) -> None:
        self.estimator = estimator
        self.method = method
        self.n_splits = n_splits
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any, *, oof_scores: np.ndarray | None = None,
            fitted_estimator: Any | None = None, oof_labels: Any | None = None) -> RefitCalibrated:
        """Fit the calibrator on out-of-fold scores and refit the estimator on all rows.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows in the contract.
        y : array-like of 0/1
        oof_scores : numpy.ndarray, optional
            Out-of-fold decision values of ``estimator`` on ``X`` (as from
            :func:`cross_validate_candidate`); computed on :func:`cv_folds` if omitted.
        fitted_estimator : estimator, optional
            ``estimator`` already fitted on ``X`` and ``y`` (the blend of the
            candidates' refit models, say): kept as ``estimator_`` instead of
            fitting a clone again.
        oof_labels : array-like of 0/1, optional
            The labels of ``oof_scores`` when they come from other rows than
            ``X`` (the cross-validation ran on a subsample of a large training
            set); by default ``y``.
        """
        if self.method not in CALIBRATION_METHODS:
            raise ValueError(f"method: expected one of {', '.join(CALIBRATION_METHODS)}, got {self.method!r}")
        y = np.asarray(y).astype(np.int64)
        if oof_scores is None:
            oof_scores = np.empty(len(y))
            for tr, te in cv_folds(y, int(self.n_splits), int(self.seed)):
                fold = clone(self.estimator).fit(X.iloc[tr], y[tr])
                oof_scores[te] = decision_scores(fold, X.iloc[te])
        oof_scores = np.asarray(oof_scores, dtype=float).reshape(-1)
        y_cal = y if oof_labels is None else np.asarray(oof_labels).astype(np.int64)
        if len(oof_scores) != len(y_cal):
            raise ValueError(f"oof_scores: expected {len(y_cal)} values (one per labelled row), got {len(oof_scores)}")
        if self.method == NONE:
            self.calibrator_, self.direct_calibration_ = None, True
        else:
            self.calibrator_ = _calibrate(_Scores().fit(None), oof_scores[:, None], y_cal, self.method)
            probe = oof_scores[:: max(1, len(oof_scores) // 500), None]
            self.direct_calibration_ = _direct_calibration_matches(self.calibrator_, probe)
        if fitted_estimator is not None:
            check_is_fitted(fitted_estimator)
            self.estimator_ = fitted_estimator
        else:
            self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Uncalibrated decision values of the refit estimator."""
        check_is_fitted(self, "estimator_")
        return decision_scores(self.estimator_, X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities of the two classes, shape (n, 2)."""
        s = self.decision_function(X)[:, None]
        if self.calibrator_ is None:  # "none"
            p = _sigmoid(s[:, 0])
            return np.column_stack([1.0 - p, p])
        if self.direct_calibration_:
            return _apply_calibration(self.calibrator_, s)
        return self.calibrator_.predict_proba(s)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the calibrated probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

