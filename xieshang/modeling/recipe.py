"""The recipe :class:`~xieshang.model.ApprovalModel` follows when it is fitted, as one function.

:func:`fit_recipe` cross-validates every candidate on shared folds, blends the
monotone ones when asked, chooses each candidate's calibration, refits it once
on every row and checks the refit's directions; the model keeps the eligible
candidate with the lowest out-of-fold log loss. It lives apart from the
estimator so that ``model.py`` holds the scikit-learn API and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .blending import BLEND, MonotoneBlend, blend_candidates
from .calibration import RefitCalibrated, choose_calibration
from .candidates import FIT_ORDER, cross_validate_named
from .selection import CandidateResult, DirectionProbe, cv_folds

__all__ = ["RecipeResult", "fit_recipe", "cv_subsample"]

Say = Callable[[str], None]


@dataclass
class RecipeResult:
    """What :func:`fit_recipe` chose.

    Attributes
    ----------
    candidate : str
        The winning candidate (eligible, lowest cross-validated log loss).
    calibration : str
        Its calibration method.
    cv_results : dict
        Per candidate: fold log losses, directions, calibration scores, fit seconds and search details.
    calibrated : dict
        Candidate name -> its refit :class:`~xieshang.modeling.RefitCalibrated`.
    cv_log_loss : float
        The winner's cross-validated log loss.
    """

    candidate: str
    calibration: str
    cv_results: dict[str, dict[str, Any]]
    calibrated: dict[str, RefitCalibrated]
    cv_log_loss: float


def cv_subsample(y: np.ndarray, max_rows: int | None, seed: int) -> np.ndarray | None:
    """Sorted indices of a stratified subsample of ``max_rows`` rows, or ``None`` when every row is used."""
    if max_rows is None or len(y) <= max_rows:
        return None
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(y)), train_size=int(max_rows), random_state=int(seed), stratify=y)
    return np.sort(keep)


@dataclass
class _Run:
    """The settings and the shared data of one fit, read by every step."""

    X: pd.DataFrame
    y: np.ndarray
    y_cv: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    calibration: tuple[str, ...]
    n_splits: int
    seed: int
    say: Say
    clip: float
    probe: DirectionProbe | None = None
    """The direction check's rows, built for the first refit and asked of every one."""


def _calibrate_refit(run: _Run, res: CandidateResult, estimator: Any, fitted: Any | None = None,
                     ) -> tuple[RefitCalibrated, dict[str, Any]]:
    """Choose ``res``'s calibration, refit (or take ``fitted``), check its directions; its ``cv_results`` entry."""
    method, scores = choose_calibration(res, run.y_cv, run.folds, methods=run.calibration, clip=run.clip)
    t0 = time.perf_counter()
    cal = RefitCalibrated(estimator, method=method, n_splits=run.n_splits, seed=run.seed).fit(
        run.X, run.y, oof_scores=res.oof_score, fitted_estimator=fitted, oof_labels=run.y_cv)
    # The refit model is the one that predicts: it is the one the direction check probes (PROBE_FOLDS).
    # Every refit of this fit is probed on the same rows: the probe is built once.
    if run.probe is None:
        run.probe = DirectionProbe.build(run.X, seed=run.seed + len(run.folds))
    for feat, v in run.probe.violations(cal.predict_proba).items():
        res.violations[feat] = max(v, res.violations.get(feat, 0.0))
    refit_s = time.perf_counter() - t0
    run.say(f"  {res.name}: refit on all {len(run.y):,} rows ({refit_s:.1f} s)")
    run.say(f"  {res.name}: calibration " + ", ".join(f"{m} {v:.4f}" for m, v in scores.items())
            + f" -> {method}" + ("" if res.monotone else f"; breaks directions of {', '.join(res.violations)}"))
    return cal, {
        "cv_log_loss": res.log_loss,
        "fold_log_loss": res.fold_log_loss,
        "monotone": res.monotone,
        "direction_violations": res.violations,
        "calibration": method,
        "calibration_log_loss": scores,
        "fit_seconds": round(res.seconds + refit_s, 2),
    }


def fit_recipe(X: pd.DataFrame, y: np.ndarray, *, candidates: tuple[str, ...], n_splits: int,
               calibration: tuple[str, ...], seed: int, max_cv_rows: int | None, clip: float,
               say: Say | None = None) -> RecipeResult:
    """Cross-validate, blend, calibrate and refit every candidate; choose the winner.

    Parameters
    ----------
    X : pandas.DataFrame
        Validated rows in the contract, indexed 0..n-1.
    y : numpy.ndarray
        Their 0/1 labels.
    candidates, n_splits, calibration, seed, max_cv_rows, clip
        As in :class:`~xieshang.model.ApprovalModel` (already checked there); the calibration
        methods are scored on probabilities clipped to ``[clip, 1 - clip]``, as the model predicts.
    say : callable, optional
        Called with one line of progress per stage.

    Returns
    -------
    RecipeResult

    Raises
    ------
    ValueError
        If no candidate respects the contract's directions.
    """
    progress = say  # None: the searches skip their progress lines entirely
    say = say or (lambda text: None)
    # A large training set is cross-validated on a stratified subsample (choices and calibration
    # need far fewer rows than the refit, which uses every row).
    cv_rows = cv_subsample(y, max_cv_rows, seed)
    X_cv = X if cv_rows is None else X.iloc[cv_rows].reset_index(drop=True)
    y_cv = y if cv_rows is None else y[cv_rows]
    run = _Run(X, y, y_cv, cv_folds(y_cv, n_splits, seed), tuple(calibration), n_splits, seed, say, clip)
    names = list(candidates)
    results: dict[str, CandidateResult] = {}
    estimators: dict[str, Any] = {}
    cv: dict[str, dict[str, Any]] = {}
    calibrated: dict[str, RefitCalibrated] = {}
    # The boosting after the additive model: when blended, its capacity is screened beside it alone.
    for name in sorted((n for n in names if n != BLEND), key=lambda n: FIT_ORDER.get(n, 0)):
        say(f"cross-validating {name} on {len(run.folds)} folds of {len(y_cv):,} rows")
        partners = [r for r in results.values() if r.monotone and r.oof_score is not None]
        res, estimators[name], info = cross_validate_named(
            name, X_cv, y_cv, run.folds, seed=seed, progress=progress,
            partner_score=partners[0].oof_score if BLEND in names and len(partners) == 1 else None,
        )
        results[name] = res
        calibrated[name], cv[name] = _calibrate_refit(run, res, estimators[name])
        cv[name].update(info)
        if info:
            say(f"  {name}: chose {info.get('capacity')}, refit for {info.get('n_iter')} iterations")
    if BLEND in names:
        _blend(run, results, estimators, calibrated, cv)
    eligible = [n for n in results if results[n].monotone]
    if not eligible:
        raise ValueError(
            "no candidate respects the contract's directions: "
            + "; ".join(f"{n} breaks {', '.join(r.violations)}" for n, r in results.items())
            + "; add a monotone candidate such as 'hgb_monotone'"
        )
    winner = min(eligible, key=lambda n: results[n].log_loss)
    return RecipeResult(winner, cv[winner]["calibration"], cv, calibrated, results[winner].log_loss)


def _blend(run: _Run, results: dict[str, CandidateResult], estimators: dict[str, Any],
           calibrated: dict[str, RefitCalibrated], cv: dict[str, dict[str, Any]]) -> None:
    """Add :data:`~xieshang.modeling.BLEND` to the results: a convex blend of the monotone candidates."""
    members = [n for n in estimators if results[n].monotone]
    if len(members) < 2:
        run.say(f"{BLEND}: skipped, fewer than two candidates respect the directions")
        return
    run.say(f"blending {', '.join(members)} by their out-of-fold decision values")
    res, weights = blend_candidates([results[n] for n in members], run.y_cv, run.folds, name=BLEND)
    w = list(weights.values())
    blend = MonotoneBlend([(n, estimators[n]) for n in members], weights=w)
    refit = MonotoneBlend.from_fitted([(n, calibrated[n].estimator_) for n in members], w)
    results[BLEND] = res
    calibrated[BLEND], cv[BLEND] = _calibrate_refit(run, res, blend, fitted=refit)
    cv[BLEND]["blend_weights"] = weights
    run.say(f"  {BLEND}: weights " + ", ".join(f"{n} {v:.1f}" for n, v in weights.items()))
