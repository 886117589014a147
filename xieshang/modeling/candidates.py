"""The candidates: their names, their pipelines, and how each is cross-validated on the shared folds.

* ``hgb_monotone`` (the default): monotone boosted trees whose capacity and
  length are chosen on the folds (:func:`~xieshang.modeling.boosting.search_monotone_boosting`);
* ``logistic_monotone``: a sign-constrained logistic regression on quantile
  ramps with missing indicators (a monotone additive model; optional);
* ``lgbm_monotone``: LightGBM under the same directions with looser
  constraints (:class:`~xieshang.modeling.lgbm.MonotoneLGBM`; optional; ``hgb_monotone`` screens
  it as one of its capacities);
* ``blend_monotone``: the convex blend of the other monotone candidates'
  log-odds (:func:`~xieshang.modeling.blending.blend_candidates`; optional).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ..features import DomainFeatures
from .blending import BLEND
from .boosting import CAPACITIES, capacity_label, monotone_hgb, search_monotone_boosting
from .estimators import MonotoneLogistic
from .lgbm import MonotoneLGBM
from .selection import CandidateResult, cross_validate_candidate

__all__ = ["AVAILABLE", "CANDIDATES", "FIT_ORDER", "make_candidates", "cross_validate_named"]

CANDIDATES: tuple[str, ...] = ("logistic_monotone", "hgb_monotone", BLEND)
"""The default candidates (``ApprovalModel(candidates=...)``)."""

AVAILABLE: tuple[str, ...] = ("hgb_monotone", "logistic_monotone", "lgbm_monotone", BLEND)
"""Every candidate name ``ApprovalModel`` accepts (the blend last: it is built from the others)."""

FIT_ORDER: dict[str, int] = {"hgb_monotone": 1, "lgbm_monotone": 2}
"""Order in which the candidates are cross-validated (lowest first; others 0): the monotone boosting's capacity
is screened blended with the one candidate fitted before it, the additive model."""


PROBE_FOLDS = 0
"""Fold models probed by the direction check: none. They share the refit model's features and constraints,
and the refit model, the one that predicts, is always probed (``fit_recipe``) before any candidate is
judged eligible or blended; probing the first fold model of each candidate as well cost a fit two more
probes."""


def _logistic_monotone(seed: int) -> Pipeline:
    """Domain features, then :class:`MonotoneLogistic` with the directions of the contract."""
    features = DomainFeatures()
    return Pipeline([("features", features), ("logistic", MonotoneLogistic(directions=features.directions()))])


def _hgb_monotone(seed: int) -> Pipeline:
    """Domain features, then monotone boosting of the first capacity with early stopping (no search)."""
    return Pipeline([("features", DomainFeatures()), ("hgb", monotone_hgb(seed=seed, capacity=CAPACITIES[0]))])


def _lgbm_monotone(seed: int) -> Pipeline:
    """Domain features, then LightGBM under the contract's directions (optional: needs ``lightgbm``)."""
    features = DomainFeatures()
    return Pipeline([("features", features), ("lgbm", MonotoneLGBM(directions=features.directions(), seed=seed))])


_BUILDERS: dict[str, Callable[[int], Pipeline]] = {
    "hgb_monotone": _hgb_monotone,
    "logistic_monotone": _logistic_monotone,
    "lgbm_monotone": _lgbm_monotone,
}


def make_candidates(seed: int = 0, names: Sequence[str] | None = None) -> dict[str, Pipeline]:
    """Unfitted candidate pipelines, by name.

    Parameters
    ----------
    seed : int, default 0
        Seed of every random step inside the pipelines.
    names : sequence of str, optional
        Which candidates; by default :data:`CANDIDATES`. The blend is no
        pipeline of its own (:func:`~xieshang.modeling.blending.blend_candidates`).

    Raises
    ------
    ValueError
        For an unknown or repeated name, or the blend.
    """
    names = [n for n in CANDIDATES if n != BLEND] if names is None else list(names)
    if BLEND in names:
        raise ValueError(f"candidates: {BLEND!r} is built from the other candidates' out-of-fold decision values "
                         "(blend_candidates), not fitted as a pipeline of its own")
    bad = [n for n in names if n not in _BUILDERS]
    if bad or not names or len(set(names)) != len(names):
        raise ValueError(f"candidates: expected distinct names among {', '.join(_BUILDERS)}, got {names!r}")
    return {n: _BUILDERS[n](int(seed)) for n in names}


def cross_validate_named(
    name: str,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    partner_score: np.ndarray | None = None,
) -> tuple[CandidateResult, Pipeline, dict[str, Any]]:
    """Cross-validate one candidate by name on the shared folds.

    ``partner_score``: for ``hgb_monotone``, the out-of-fold decision values of
    the candidate it will be blended with, which its capacity is screened
    beside (:func:`~xieshang.modeling.boosting.search_monotone_boosting`).

    Returns
    -------
    result : CandidateResult
        Fold models, out-of-fold predictions and decision values, log losses, violations.
    estimator : Pipeline
        The unfitted pipeline to refit on all rows.
    info : dict
        What was chosen on the folds (for ``hgb_monotone``: ``capacity``,
        ``n_iter``, ``fold_iterations``, ``screening``, ``screening_partner_weights``), for ``cv_results_``.
    """
    if name == "hgb_monotone":
        found = search_monotone_boosting(X, y, folds, seed=seed, name=name, progress=progress,
                                         probe_folds=PROBE_FOLDS, partner_score=partner_score)
        info = {"capacity": capacity_label(found.capacity), "n_iter": found.n_iter,
                "fold_iterations": found.fold_iterations, "screening": found.screening,
                "screening_partner_weights": found.partner_weights}
        return found.result, found.estimator, info
    pipe = make_candidates(seed, [name])[name]
    result = cross_validate_candidate(name, pipe, X, y, folds, seed=seed, progress=progress, probe_folds=PROBE_FOLDS)
    return result, pipe, {}
