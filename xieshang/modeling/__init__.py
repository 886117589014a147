"""Modeling: estimators, shared folds, capacity search, calibration and blending.

The recipe :class:`~xieshang.model.ApprovalModel` follows when it is fitted:

1. every candidate is cross-validated on the same stratified folds
   (:func:`~.selection.cv_folds`) and scored by out-of-fold log loss; the
   default, ``hgb_monotone``, chooses its capacity on the first fold and its
   length by early stopping inside each fold (:mod:`.boosting`);
2. a candidate whose fitted models break a direction of the contract
   (:func:`~.selection.direction_violations`) is not eligible; the eligible one
   with the lowest log loss wins;
3. optionally, ``blend_monotone``: a convex blend of the monotone candidates'
   out-of-fold log-odds (:mod:`.blending`);
4. each candidate's out-of-fold decision values choose its calibration
   method and fit the calibrator (:mod:`.calibration`);
5. each candidate is refit *once* on all rows (boosting: without a validation
   split, at a rate :data:`~.boosting.REFIT_SHRINK` times smaller for that many
   times the iterations found in the folds).

Modules (each one job): :mod:`.tabulate` (trees summed into lookup tables), :mod:`.flat_trees`
(larger trees as flat node arrays, walked at once),
:mod:`.tabulated` (the boosting that predicts from them), :mod:`.scores` (log-odds and
log loss every step shares),
:mod:`.estimators`, :mod:`.selection` (folds, direction check, scoring),
:mod:`.boosting` (capacity search), :mod:`.candidates`, :mod:`.calibration`,
:mod:`.blending`, :mod:`.lgbm` (LightGBM under the contract's directions: a capacity the boosting screens), and :mod:`.recipe` (the whole recipe as one
function, :func:`~.recipe.fit_recipe`). Nothing here imports the model, explanations or reports.
"""

from .blending import BLEND, BLEND_GRID_STEP, EARN_PLACE, MonotoneBlend, blend_candidates
from .boosting import (
    CAPACITIES,
    REFIT_SHRINK,
    BoostingSearch,
    blended_row_losses,
    capacity_label,
    monotone_boosting,
    monotone_hgb,
    one_standard_error_choice,
    search_monotone_boosting,
)
from .calibration import CALIBRATION_METHODS, DEFAULT_CLIP, RefitCalibrated, choose_calibration
from .candidates import AVAILABLE, CANDIDATES, FIT_ORDER, cross_validate_named, make_candidates
from .estimators import MonotoneLogistic
from .lgbm import HAVE_LIGHTGBM, MonotoneLGBM
from .recipe import RecipeResult, cv_subsample, fit_recipe
from .scores import decision_scores, log_odds, row_log_loss
from .selection import CandidateResult, cross_validate_candidate, cv_folds, direction_violations, holdout_split
from .tabulate import tabulate_trees
from .tabulated import TabulatedHGB

__all__ = [
    "AVAILABLE", "BLEND", "BLEND_GRID_STEP", "CALIBRATION_METHODS", "CANDIDATES", "CAPACITIES", "DEFAULT_CLIP", "EARN_PLACE",
    "FIT_ORDER", "HAVE_LIGHTGBM", "REFIT_SHRINK",
    "BoostingSearch", "CandidateResult", "RecipeResult", "MonotoneBlend", "MonotoneLGBM", "MonotoneLogistic",
    "RefitCalibrated", "TabulatedHGB",
    "blend_candidates", "blended_row_losses", "capacity_label", "choose_calibration", "cross_validate_candidate", "cross_validate_named",
    "cv_folds", "cv_subsample", "decision_scores", "fit_recipe", "log_odds", "direction_violations", "holdout_split", "make_candidates", "monotone_boosting",
    "monotone_hgb",
    "one_standard_error_choice", "row_log_loss", "search_monotone_boosting", "tabulate_trees",
]
