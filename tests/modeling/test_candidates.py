"""Tests for xieshang.modeling.candidates: the candidate pipelines."""

import numpy as np
import pytest

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import (
    BLEND,
    make_candidates,
)


def test_blend_is_not_a_pipeline_of_its_own():
    with pytest.raises(ValueError, match="out-of-fold"):
        make_candidates(0, [BLEND])
    assert BLEND not in make_candidates(0)


@pytest.mark.parametrize("name", ["hgb_monotone", "logistic_monotone"])
def test_candidates_use_the_missingness_itself(data, accept_missing, with_missing, name):
    rng = np.random.default_rng(0)
    X = with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    y = data[LABEL].to_numpy().copy()
    unknown = X["credit_score"].isna().to_numpy()
    y[unknown] = rng.random(unknown.sum()) < 0.95  # not knowing the score says much here
    m = make_candidates(0, [name])[name].fit(X, y)
    p = m.predict_proba(X)[:, 1]
    assert np.isfinite(p).all()
    # Imputing the median would hide it; the model gives the unknown rows their own, higher, estimate.
    filled = X.assign(credit_score=X["credit_score"].fillna(X["credit_score"].median()))
    assert p[unknown].mean() > m.predict_proba(filled)[unknown, 1].mean() + 0.1


def test_the_refit_starts_warm_only_where_it_sees_more_rows_than_the_folds(data):
    from sklearn.base import clone

    from xieshang.modeling.candidates import WARM_TOL_SHRINK, warm_refit
    from xieshang.modeling.selection import cross_validate_candidate, cv_folds
    from xieshang.validation import validate_frame

    X, y = validate_frame(data.drop(columns=[LABEL, TRUTH])), data[LABEL].to_numpy()
    half = np.arange(0, len(y), 2)
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    on_all = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, 0), seed=0, probe_folds=0)
    # The folds saw every row: a cold refit, so a model of up to max_cv_rows rows is the same bit for bit.
    assert warm_refit("logistic_monotone", pipe, on_all, X, y) is None
    sub = X.iloc[half].reset_index(drop=True)
    on_half = cross_validate_candidate("logistic_monotone", pipe, sub, y[half], cv_folds(y[half], 3, 0), seed=0,
                                       probe_folds=0)
    warm = warm_refit("logistic_monotone", pipe, on_half, X, y)
    cold = make_candidates(0, ["logistic_monotone"])["logistic_monotone"].fit(X, y)
    assert warm is not None and warm[-1].tol == cold[-1].tol / WARM_TOL_SHRINK
    # The same optimum (the loss is strictly convex), reached at least as closely as from a cold start.
    tight = clone(pipe).set_params(logistic__tol=1e-13).fit(X, y).predict_proba(X)[:, 1]
    gap_warm = np.abs(warm.predict_proba(X)[:, 1] - tight).mean()
    gap_cold = np.abs(cold.predict_proba(X)[:, 1] - tight).mean()
    assert gap_warm <= gap_cold + 1e-5, (gap_warm, gap_cold)
    # Only the additive model: the boosting's refit has no starting point to take.
    assert warm_refit("hgb_monotone", pipe, on_half, X, y) is None
