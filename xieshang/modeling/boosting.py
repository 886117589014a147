"""Monotone boosted trees whose capacity and length are learned from the training rows.

The shape of the world is not assumed: :func:`search_monotone_boosting`
screens a few capacities of monotone boosted trees (tree size, learning rate,
leaf size; from main effects with pairwise interactions to higher-order ones;
scikit-learn's ``HistGradientBoostingClassifier`` or LightGBM's trees, whose
looser monotone bounds can hold a lender's gate) on the first shared fold and cross-validates the chosen
one on the other folds. The choice (:func:`one_standard_error_choice`) is the
least flexible capacity whose held-out log loss is within one standard error
of the lowest; when the trees are to be blended with a partner (the additive
model), each capacity is scored by its best blend with the partner's
out-of-fold values, because what matters is what the trees add to it. Every fit stops
early on a validation split of its own training rows (never the held-out
fold), and the final model is refit *once* on all rows without a validation
split, at a rate :data:`REFIT_SHRINK` times smaller for that many times the mean
number of iterations early stopping found in the folds (the product of rate and
iterations, which sets how far the boosting goes, is kept; smaller steps average
out more of the label noise, measured in ``bench/bench_worlds.py``).

The domain features are stateless, so they are computed once for every fit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ..features import DomainFeatures
from .blending import BLEND_GRID_STEP
from .lgbm import MonotoneLGBM
from .scores import binary_log_loss, row_log_loss
from .selection import CandidateResult, direction_violations
from .tabulated import TabulatedHGB

__all__ = ["CAPACITIES", "REFIT_SHRINK", "BoostingSearch", "blended_row_losses", "capacity_label", "monotone_boosting",
           "monotone_hgb",
           "one_standard_error_choice", "search_monotone_boosting"]

CAPACITIES: tuple[dict[str, Any], ...] = (
    # Three leaves: each tree splits on at most two columns (main effects and pairwise interactions),
    # which predicts from lookup tables (TabulatedHGB).
    {"max_leaf_nodes": 3, "learning_rate": 0.2, "min_samples_leaf": 100},
    # Larger trees: higher-order interactions and sharper thresholds.
    {"max_leaf_nodes": 7, "learning_rate": 0.15, "min_samples_leaf": 100},
    # LightGBM's trees under the same directions with looser bounds: they can hold a gate (one column
    # capping the effect of the others), which scikit-learn's midpoint bounds cannot (MonotoneLGBM).
    {"engine": "lightgbm", "max_leaf_nodes": 7, "learning_rate": 0.15, "min_samples_leaf": 50},
)
"""Capacities screened, from the least to the most flexible (each a dict of boosting parameters)."""

MAX_ITER = 2000
"""Cap of boosting iterations while early stopping searches the length."""

N_ITER_NO_CHANGE = 15
"""Iterations without improvement of the validation loss before a fold's fit stops."""

VALIDATION_FRACTION = 0.1
"""Share of a fold's training rows early stopping watches (the held-out fold is never used)."""

MIN_EARLY_STOPPING_ROWS = 400
"""Below this many training rows in a fold, early stopping would watch too few rows to mean anything
(and scikit-learn cannot split them at all under ~20): a fixed :data:`SMALL_DATA_ITER` is used."""

SMALL_DATA_ITER = 50
"""Iterations of a fold's fit on fewer than :data:`MIN_EARLY_STOPPING_ROWS` rows."""


REFIT_SHRINK = 2
"""The refit on all rows takes steps this many times smaller, for this many times the iterations the folds
found: shrinkage lowers the variance of the final model, while the folds, which only choose the capacity
and the length, keep the cheaper screened rate."""


def blended_row_losses(y: np.ndarray, score: np.ndarray, partner: np.ndarray | None = None,
                       step: float = BLEND_GRID_STEP) -> tuple[np.ndarray, float]:
    """Per-row log loss of ``score`` blended at its best weight with ``partner`` (decision values).

    Parameters
    ----------
    y : numpy.ndarray
        0/1 labels of the held-out rows.
    score : numpy.ndarray
        Decision values (log-odds) of the model screened.
    partner : numpy.ndarray, optional
        Out-of-fold decision values of the model it will be blended with; without one, ``score`` alone.
    step : float, default :data:`~xieshang.modeling.blending.BLEND_GRID_STEP`
        Step of the grid of the partner's weight, from 0 (``score`` alone) to 1 excluded.

    Returns
    -------
    losses : numpy.ndarray
        Log loss of every row at the weight of lowest mean loss.
    weight : float
        That weight of the partner (0 without one).
    """
    y = np.asarray(y, dtype=float)
    weights = np.arange(0.0, 1.0 - 1e-9, step) if partner is not None else np.zeros(1)
    blends = [np.clip((1.0 - w) * score + (w * partner if partner is not None else 0.0), -35, 35) for w in weights]
    losses = [row_log_loss(z, y) for z in blends]
    k = int(np.argmin([rows.mean() for rows in losses]))
    return losses[k], float(weights[k])


def one_standard_error_choice(row_losses: dict[str, np.ndarray]) -> str:
    """The first (least flexible) option within one standard error of the lowest mean loss.

    Parameters
    ----------
    row_losses : dict of str to numpy.ndarray
        Option -> per-row held-out losses on the same rows, from the least to the most flexible.

    Returns
    -------
    str
        The chosen option: a more flexible one only where its gain over a simpler one exceeds the
        noise of the held-out rows (the standard error of the paired per-row differences).

    Raises
    ------
    ValueError
        No option, or losses of different lengths.
    """
    if not row_losses:
        raise ValueError("row_losses: expected at least one option, got none")
    lengths = {len(v) for v in row_losses.values()}
    if len(lengths) != 1:
        raise ValueError(f"row_losses: expected losses on the same rows, got lengths {sorted(lengths)}")
    best = min(row_losses, key=lambda k: float(np.mean(row_losses[k])))
    for option, rows in row_losses.items():
        d = np.asarray(rows, dtype=float) - np.asarray(row_losses[best], dtype=float)
        se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
        if float(np.mean(d)) <= se:
            return option
    return best


def capacity_label(capacity: dict[str, Any]) -> str:
    """A short readable name of a capacity, e.g. ``"leaves=3, rate=0.2, min_leaf=50"`` (LightGBM's prefixed)."""
    engine = "lightgbm, " if capacity.get("engine", "hgb") == "lightgbm" else ""
    return (f"{engine}leaves={capacity['max_leaf_nodes']}, rate={capacity['learning_rate']:g}, "
            f"min_leaf={capacity['min_samples_leaf']}")


def monotone_boosting(*, seed: int, capacity: dict[str, Any], max_iter: int | None = None) -> Any:
    """:func:`monotone_hgb`, or :class:`~xieshang.modeling.lgbm.MonotoneLGBM` for a capacity of ``engine="lightgbm"``.

    Same parameters as :func:`monotone_hgb`; LightGBM's early stopping watches the same share of
    the rows and stops after as many rounds without improvement.
    """
    engine = capacity.get("engine", "hgb")
    if engine == "hgb":
        return monotone_hgb(seed=seed, capacity=capacity, max_iter=max_iter)
    if engine != "lightgbm":
        raise ValueError(f"capacity: expected engine 'hgb' or 'lightgbm', got {engine!r}")
    return MonotoneLGBM(
        directions=DomainFeatures().directions(), num_leaves=int(capacity["max_leaf_nodes"]),
        learning_rate=float(capacity["learning_rate"]), min_child_samples=int(capacity["min_samples_leaf"]),
        max_iter=MAX_ITER if max_iter is None else int(max_iter), validation_fraction=VALIDATION_FRACTION,
        n_iter_no_change=N_ITER_NO_CHANGE, seed=int(seed), early_stopping=max_iter is None)


def monotone_hgb(*, seed: int, capacity: dict[str, Any], max_iter: int | None = None) -> TabulatedHGB:
    """Boosted trees with monotonic constraints from the contract's directions.

    Parameters
    ----------
    seed : int
        ``random_state`` (the validation split of early stopping).
    capacity : dict
        ``max_leaf_nodes``, ``learning_rate``, ``min_samples_leaf``.
    max_iter : int, optional
        A fixed number of iterations, without early stopping (the refit on all
        rows); by default early stopping on a validation split of the
        training rows, up to :data:`MAX_ITER`.
    """
    bad = {"max_leaf_nodes", "learning_rate", "min_samples_leaf"} - set(capacity)
    if bad:
        raise ValueError(f"capacity: expected keys max_leaf_nodes, learning_rate, min_samples_leaf, "
                         f"got {sorted(capacity)!r} (missing {', '.join(sorted(bad))})")
    fixed = max_iter is not None
    return TabulatedHGB(
        max_iter=int(max_iter) if max_iter is not None else MAX_ITER,
        l2_regularization=1.0,
        early_stopping=not fixed,
        validation_fraction=VALIDATION_FRACTION if not fixed else None,
        n_iter_no_change=N_ITER_NO_CHANGE,
        monotonic_cst=DomainFeatures().directions(),
        random_state=int(seed),
        **{k: capacity[k] for k in ("max_leaf_nodes", "learning_rate", "min_samples_leaf")},
    )


@dataclass
class BoostingSearch:
    """What :func:`search_monotone_boosting` found."""

    result: CandidateResult
    """The chosen capacity's cross-validation on the shared folds."""
    capacity: dict[str, Any]
    """The chosen capacity."""
    n_iter: int
    """Iterations of the refit on all rows: :data:`REFIT_SHRINK` times the mean best iteration of the folds."""
    fold_iterations: list[int]
    """Best iteration (lowest validation loss) of every fold's fit."""
    screening: dict[str, float] = field(default_factory=dict)
    """Capacity label -> held-out log loss on the first fold (blended at its best weight with the partner,
    when there is one)."""
    partner_weights: dict[str, float] = field(default_factory=dict)
    """Capacity label -> the partner's weight in that best blend (empty without a partner)."""
    estimator: Pipeline | None = None
    """The unfitted final pipeline: domain features, then the chosen boosting for ``n_iter`` iterations
    at a :data:`REFIT_SHRINK` times smaller rate."""


def _best_iteration(model: Any) -> int:
    """Iteration of lowest validation loss (``validation_score_[0]`` is before the first tree; LightGBM's ``n_iter_``)."""
    scores = np.asarray(getattr(model, "validation_score_", []), dtype=float)
    return max(1, int(np.argmax(scores))) if len(scores) > 1 else int(model.n_iter_)


def search_monotone_boosting(
    X: pd.DataFrame,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    capacities: Sequence[dict[str, Any]] = CAPACITIES,
    name: str = "hgb_monotone",
    progress: Callable[[str], None] | None = None,
    probe_folds: int | None = None,
    partner_score: np.ndarray | None = None,
) -> BoostingSearch:
    """Choose the capacity on the first fold, cross-validate it on the others, size the refit.

    Parameters
    ----------
    X : pandas.DataFrame
        Valid rows in the contract (missing values allowed where the contract allows them).
    y : numpy.ndarray
        0/1 labels.
    folds : list of (train, test) indices
        The shared folds (:func:`~xieshang.modeling.selection.cv_folds`).
    seed : int, default 0
    capacities : sequence of dict, default :data:`CAPACITIES`
        Capacities screened on the first fold (one is simply cross-validated).
    name : str, default "hgb_monotone"
    progress : callable, optional
        Called with one line of text per fit.
    probe_folds : int, optional
        How many fold models (the first ones) the direction check probes;
        every one by default.
    partner_score : numpy.ndarray, optional
        Out-of-fold decision values (one per row of ``X``, on the same folds)
        of the model the trees will be blended with: each capacity is then
        screened by its best blend with it (:func:`blended_row_losses`).

    Returns
    -------
    BoostingSearch

    Raises
    ------
    ValueError
        No capacity, or no folds.
    """
    if not capacities:
        raise ValueError("capacities: expected at least one capacity to try, got none")
    if not folds:
        raise ValueError("folds: expected at least one (train, test) split, got none")
    if partner_score is not None and np.shape(partner_score) != (len(y),):
        raise ValueError(f"partner_score: expected one decision value per row ({len(y)}), got shape "
                         f"{np.shape(partner_score)}")
    start = time.perf_counter()
    y = np.asarray(y)
    features = DomainFeatures().fit(X)
    Xt = features.transform(X)  # stateless: once for every fit

    def fit(capacity: dict[str, Any], k: int) -> tuple[Any, np.ndarray]:
        tr, te = folds[k]
        t0 = time.perf_counter()
        fixed = SMALL_DATA_ITER if len(tr) < MIN_EARLY_STOPPING_ROWS else None
        m = monotone_boosting(seed=seed + k, capacity=capacity, max_iter=fixed).fit(Xt.iloc[tr], y[tr])
        score = m.decision_function(Xt.iloc[te])
        if progress:
            z = np.clip(score, -35, 35)
            loss = float(np.mean(row_log_loss(z, y[te])))
            progress(f"  {name} [{capacity_label(capacity)}]: fold {k + 1}/{len(folds)} log loss {loss:.4f}, "
                     f"{m.n_iter_} iterations ({time.perf_counter() - t0:.1f} s)")
        return m, score

    screened = {capacity_label(c): (c, *fit(c, 0)) for c in capacities}
    te0 = folds[0][1]
    partner = None if partner_score is None else np.asarray(partner_score, dtype=float)[te0]
    rows = {label: blended_row_losses(y[te0], s, partner) for label, (_, _, s) in screened.items()}
    screening = {label: float(r.mean()) for label, (r, _) in rows.items()}
    weights = {label: w for label, (_, w) in rows.items()} if partner is not None else {}
    best = one_standard_error_choice({label: r for label, (r, _) in rows.items()})
    capacity = screened[best][0]
    oof_score = np.empty(len(y))
    models, losses, iterations = [], [], []
    violations: dict[str, float] = {}
    for k, (_tr, te) in enumerate(folds):
        m, score = (screened[best][1], screened[best][2]) if k == 0 else fit(capacity, k)
        oof_score[te] = score
        losses.append(binary_log_loss(y[te], 1.0 / (1.0 + np.exp(-score))))
        iterations.append(_best_iteration(m))
        pipe = Pipeline([("features", features), ("hgb", m)])
        if probe_folds is None or k < probe_folds:
            for feat, v in direction_violations(pipe.predict_proba, X.iloc[te], seed=seed + k).items():
                violations[feat] = max(v, violations.get(feat, 0.0))
        models.append(pipe)
    oof = 1.0 / (1.0 + np.exp(-oof_score))
    n_iter = max(1, round(float(np.mean(iterations)))) * REFIT_SHRINK
    slow = dict(capacity, learning_rate=capacity["learning_rate"] / REFIT_SHRINK)
    final = Pipeline([("features", DomainFeatures()),
                      ("hgb", monotone_boosting(seed=seed, capacity=slow, max_iter=n_iter))])
    result = CandidateResult(name, models, oof, losses, time.perf_counter() - start, violations, oof_score)
    return BoostingSearch(result, dict(capacity), n_iter, iterations, screening, weights, final)
