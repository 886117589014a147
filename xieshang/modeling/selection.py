"""Shared cross-validation folds, the direction check, and scoring a candidate on the folds.

Every candidate is scored on the same stratified folds (:func:`cv_folds`) by
out-of-fold log loss (:func:`cross_validate_candidate`); a candidate whose
fitted models move against a direction of the contract
(:func:`direction_violations`) is not eligible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ..contract import FEATURES, LABEL
from ..validation import validate_frame
from .scores import binary_log_loss, decision_scores

_DIRECTIONS = {f.name: f.direction for f in FEATURES}

__all__ = ["CandidateResult", "DirectionProbe", "cv_folds", "cross_validate_candidate", "direction_violations",
           "holdout_split"]


def cv_folds(y: np.ndarray, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The stratified folds every candidate is scored on: a list of (train, test) indices.

    Raises
    ------
    ValueError
        If a class has fewer rows than ``n_splits``.
    """
    y = np.asarray(y)
    counts = np.bincount(y.astype(int), minlength=2)
    if n_splits < 2 or counts.min() < n_splits:
        raise ValueError(
            f"need at least {max(n_splits, 2)} approved and {max(n_splits, 2)} refused rows for "
            f"{n_splits}-fold cross-validation, got {counts[1]} approved and {counts[0]} refused"
        )
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=int(seed))
    return list(skf.split(np.zeros(len(y)), y))


@dataclass
class CandidateResult:
    """One candidate's cross-validation: fold models, out-of-fold predictions, scores."""

    name: str
    fold_models: list[Any]
    oof: np.ndarray
    fold_log_loss: list[float]
    seconds: float
    violations: dict[str, float] = field(default_factory=dict)
    oof_score: np.ndarray | None = None
    """Out-of-fold decision values (:func:`decision_scores`): what the calibrator is fitted on."""

    @property
    def log_loss(self) -> float:
        """Out-of-fold log loss over all rows."""
        return float(np.mean(self.fold_log_loss))

    @property
    def monotone(self) -> bool:
        """Whether no probed model (the refit, and any fold model probed) moves against a contract direction."""
        return not self.violations


@dataclass
class DirectionProbe:
    """Rows moved along a grid of every directed feature: built once, asked of any number of models.

    Build it with :meth:`build`; :meth:`violations` asks one model. The
    models of one fit are all probed on the same rows (:func:`~xieshang.modeling.recipe.fit_recipe`),
    so the frame is built once for all of them.
    """

    frame: pd.DataFrame
    """Every probe row, feature after feature, grid value after grid value."""
    layout: list[tuple[str, int, int]]
    """Per directed feature: its name, its grid's length and how many rows each grid value moves."""

    @classmethod
    def build(cls, X: pd.DataFrame, *, n_rows: int = 200, n_grid: int = 8, seed: int = 0) -> DirectionProbe:
        """The probe of ``X``: ``n_rows`` of its rows (drawn with ``seed``), moved along each grid.

        The grid is the observed quantiles for numbers (``n_grid`` of them), both values for booleans,
        every level for ordered categories.
        """
        clean = validate_frame(X)
        rng = np.random.default_rng(seed)
        rows = clean.iloc[rng.choice(len(clean), size=min(n_rows, len(clean)), replace=False)]
        probes: list[pd.DataFrame] = []
        layout: list[tuple[str, int, int]] = []
        for f in FEATURES:
            if f.direction == 0:
                continue
            if f.kind == "bool":
                grid: list[Any] = [False, True]
            elif f.kind == "category":
                grid = list(f.categories)
            else:
                values = clean[f.name].to_numpy(float)
                values = values[~np.isnan(values)]  # missing values are not a point on the grid
                if not len(values):
                    continue
                grid = list(np.unique(np.quantile(values, np.linspace(0, 1, n_grid))))
                if f.kind == "int":
                    grid = sorted({round(v) for v in grid})
            if len(grid) >= 2:
                moved = [rows.assign(**{f.name: v}) for v in grid]
                if f.kind == "category":
                    for m in moved:
                        m[f.name] = pd.Categorical(m[f.name], categories=f.categories)
                probes.append(pd.concat(moved, ignore_index=True))
                layout.append((f.name, len(grid), len(rows)))
        frame = pd.concat(probes, ignore_index=True) if probes else clean.iloc[:0]
        return cls(frame, layout)

    def violations(self, predict_proba: Callable[[pd.DataFrame], np.ndarray], *, tol: float = 1e-9) -> dict[str, float]:
        """Feature name -> largest move of ``predict_proba`` against its direction (only those > ``tol``)."""
        if not self.layout:
            return {}
        p_all = predict_proba(self.frame)[:, 1]  # one call for every probe: cheap even for slow pipelines
        out: dict[str, float] = {}
        start = 0
        for name, n, n_rows in self.layout:
            p = p_all[start:start + n * n_rows].reshape(n, n_rows)
            start += n * n_rows
            worst = float(np.max(-_DIRECTIONS[name] * np.diff(p, axis=0)))
            if worst > tol:
                out[name] = worst
        return out


def direction_violations(
    predict_proba: Callable[[pd.DataFrame], np.ndarray],
    X: pd.DataFrame,
    *,
    n_rows: int = 200,
    n_grid: int = 8,
    seed: int = 0,
    tol: float = 1e-9,
) -> dict[str, float]:
    """Where predictions move against a contract direction; empty if nowhere.

    For every feature with a direction, ``n_rows`` rows of ``X`` are moved
    along a grid of values (observed quantiles for numbers, both values for
    booleans, every level for ordered categories) and the predicted approval
    probability must never move against the direction (:class:`DirectionProbe`).

    Parameters
    ----------
    predict_proba : callable
        DataFrame in the contract -> (n, 2) probabilities.
    X : pandas.DataFrame
        Rows in the contract to probe from.

    Returns
    -------
    dict
        Feature name -> largest move against its direction (only those > ``tol``).
    """
    return DirectionProbe.build(X, n_rows=n_rows, n_grid=n_grid, seed=seed).violations(predict_proba, tol=tol)


def cross_validate_candidate(
    name: str,
    estimator: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    probe_folds: int | None = None,
) -> CandidateResult:
    """Fit ``estimator`` on every fold, keep the fold models and out-of-fold predictions.

    ``probe_folds``: how many fold models (the first ones) :func:`direction_violations`
    probes; every one by default. The fold models share the refit model's
    features and constraints, and the refit model is always probed.
    """
    oof, oof_score = np.empty(len(y)), np.empty(len(y))
    models, losses = [], []
    violations: dict[str, float] = {}
    start = time.perf_counter()
    for k, (tr, te) in enumerate(folds):
        t0 = time.perf_counter()
        m = clone(estimator).fit(X.iloc[tr], y[tr])
        oof[te] = m.predict_proba(X.iloc[te])[:, 1]
        oof_score[te] = decision_scores(m, X.iloc[te])
        losses.append(binary_log_loss(y[te], oof[te]))
        if probe_folds is None or k < probe_folds:
            for feat, v in direction_violations(m.predict_proba, X.iloc[te], seed=seed + k).items():
                violations[feat] = max(v, violations.get(feat, 0.0))
        models.append(m)
        if progress:
            progress(f"  {name}: fold {k + 1}/{len(folds)} log loss {losses[-1]:.4f} ({time.perf_counter() - t0:.1f} s)")
    return CandidateResult(name, models, oof, losses, time.perf_counter() - start, violations, oof_score)


def holdout_split(df: pd.DataFrame, test_size: float = 0.2, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into a training and a held-out test frame, stratified by the label.

    Raises
    ------
    ValueError
        If ``test_size`` is not in (0, 1), the label is missing, or a class is too rare to split.
    """
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise ValueError(f"test_size: expected a number in (0, 1), got {test_size!r}")
    if LABEL not in df.columns:
        raise ValueError(f"missing label column {LABEL!r} (0/1)")
    y = df[LABEL].to_numpy()
    counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
    if counts.min() < 2:
        raise ValueError(f"need at least 2 approved and 2 refused rows to hold out a test set, got {counts[1]} and {counts[0]}")
    tr, te = train_test_split(np.arange(len(df)), test_size=test_size, random_state=int(seed), stratify=y)
    return df.iloc[np.sort(tr)], df.iloc[np.sort(te)]

