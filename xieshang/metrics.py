"""How good a probability is: discrimination, calibration, and distance to the truth.

:func:`evaluate` gathers them for one set of predictions: ROC-AUC, log loss,
Brier score, expected calibration error, calibration slope and intercept;
and, when the true probabilities are known (our generator's data), the
log-loss ratio to the oracle, the mean absolute error ``mean |p̂ − p|`` and
the AUC gap to the oracle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from .checks import check_int

__all__ = [
    "probability_bins",
    "expected_calibration_error",
    "calibration_slope_intercept",
    "truth_comparison",
    "evaluate",
]

_EPS = 1e-12


def _check(y: Any, p: Any, name: str = "p") -> tuple[np.ndarray, np.ndarray]:
    yy = np.asarray(y, dtype=float).ravel()
    pp = np.asarray(p, dtype=float).ravel()
    problems = []
    if yy.size == 0:
        problems.append("y: expected at least one label, got none")
    if not np.isin(yy, (0.0, 1.0)).all():
        problems.append("y: expected only 0/1 labels")
    if pp.shape != yy.shape:
        problems.append(f"{name}: expected {yy.size} probabilities (one per label), got {pp.size}")
    elif not (np.isfinite(pp).all() and (pp >= 0).all() and (pp <= 1).all()):
        problems.append(f"{name}: expected probabilities in [0, 1]")
    if problems:
        raise ValueError("; ".join(problems))
    return yy, pp


def expected_calibration_error(y_true: Any, p: Any, n_bins: int = 10) -> float:
    """Expected calibration error over equal-width probability bins.

    ``sum_b (n_b / n) · |mean(y in b) − mean(p in b)|``.

    Raises
    ------
    ValueError
        Labels other than 0/1, probabilities outside [0, 1], mismatched lengths.
    """
    y, pp = _check(y_true, p)
    n_bins = check_int(n_bins, "n_bins", low=1)
    bins = probability_bins(pp, n_bins)
    gap = np.abs(np.bincount(bins, weights=y, minlength=n_bins) - np.bincount(bins, weights=pp, minlength=n_bins))
    return float(gap.sum() / len(y))


def probability_bins(p: np.ndarray, n_bins: int) -> np.ndarray:
    """Index of the equal-width bin of each probability: ``[0, 1/n)``, ``[1/n, 2/n)``, ..., ``[1 - 1/n, 1]``.

    The one binning of the ECE and of the calibration table and reliability
    diagram (:func:`xieshang.inspection.calibration_table`), so both put every
    probability in the same bin.
    """
    n_bins = check_int(n_bins, "n_bins", low=1)
    # 1e-9 absorbs float error at the edges (0.3 * 10 is 2.9999999999999996): 0.3 opens the bin [0.3, 0.4).
    return np.clip(np.floor(np.asarray(p, dtype=float) * n_bins + 1e-9).astype(np.int64), 0, n_bins - 1)


def _logistic_fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray | None) -> np.ndarray:
    """Unpenalised logistic regression by Newton's method: intercept (+ slope of x unless offset given)."""
    X = np.ones((len(y), 1)) if offset is not None else np.column_stack([np.ones(len(y)), x])
    off = np.zeros(len(y)) if offset is None else offset
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        z = X @ beta + off
        mu = 1.0 / (1.0 + np.exp(-z))
        w = np.maximum(mu * (1 - mu), _EPS)
        step = np.linalg.solve(X.T @ (X * w[:, None]) + 1e-10 * np.eye(X.shape[1]), X.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def calibration_slope_intercept(y_true: Any, p: Any) -> tuple[float, float]:
    """Calibration slope and intercept (calibration-in-the-large).

    The slope is ``b`` in ``logit P(y=1) = a + b · logit(p)``; the intercept
    is ``a`` with the slope fixed at 1. A perfectly calibrated model has slope
    1 and intercept 0; a slope below 1 means over-confident predictions.

    Returns
    -------
    slope, intercept : float
    """
    y, pp = _check(y_true, p)
    lp = np.log(np.clip(pp, _EPS, 1 - _EPS) / np.clip(1 - pp, _EPS, 1))
    slope = float(_logistic_fit(lp, y, None)[1])
    intercept = float(_logistic_fit(lp, y, lp)[0])
    return slope, intercept


def truth_comparison(y_true: Any, p: Any, p_true: Any) -> dict[str, float]:
    """Distance of predictions ``p`` to the true probabilities ``p_true``.

    Returns
    -------
    dict
        ``log_loss_ratio_to_oracle`` (model log loss / oracle log loss, 1 is
        perfect), ``mean_abs_error_to_truth`` (mean ``|p − p_true|``) and
        ``auc_gap_to_oracle`` (oracle AUC − model AUC).
    """
    y, pp = _check(y_true, p)
    _, pt = _check(y_true, p_true, "p_true")
    ll_o = log_loss(y, np.clip(pt, _EPS, 1 - _EPS), labels=[0, 1])
    out = {
        "log_loss_ratio_to_oracle": float(log_loss(y, np.clip(pp, _EPS, 1 - _EPS), labels=[0, 1]) / ll_o),
        "mean_abs_error_to_truth": float(np.mean(np.abs(pp - pt))),
        "auc_gap_to_oracle": float("nan"),
    }
    if 0 < y.sum() < len(y):
        out["auc_gap_to_oracle"] = float(roc_auc_score(y, pt) - roc_auc_score(y, pp))
    return out


def evaluate(y_true: Any, p: Any, p_true: Any = None, n_bins: int = 10) -> dict[str, float]:
    """Every metric of one set of predicted approval probabilities.

    Parameters
    ----------
    y_true : array-like of 0/1
    p : array-like
        Predicted approval probabilities.
    p_true : array-like, optional
        True probabilities; adds :func:`truth_comparison`.
    n_bins : int, default 10
        Bins of the expected calibration error.

    Returns
    -------
    dict
        ``n``, ``roc_auc`` (NaN with a single class), ``log_loss``, ``brier``,
        ``ece``, ``calibration_slope``, ``calibration_intercept`` and, with
        ``p_true``, the truth comparisons.
    """
    y, pp = _check(y_true, p)
    slope, intercept = calibration_slope_intercept(y, pp)
    out = {
        "n": len(y),
        "roc_auc": float(roc_auc_score(y, pp)) if 0 < y.sum() < len(y) else float("nan"),
        "log_loss": float(log_loss(y, np.clip(pp, _EPS, 1 - _EPS), labels=[0, 1])),
        "brier": float(brier_score_loss(y, pp)),
        "ece": expected_calibration_error(y, pp, n_bins),
        "calibration_slope": slope,
        "calibration_intercept": intercept,
    }
    if p_true is not None:
        out.update(truth_comparison(y, pp, p_true))
    return out
