"""Tests for xieshang.modeling.blending: the convex blend of the monotone candidates."""

import numpy as np
import pytest

from xieshang.modeling import (
    BLEND,
    CANDIDATES,
    MonotoneBlend,
    blend_candidates,
    direction_violations,
)


def _oof_log_loss(z, y):
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def test_blend_takes_the_convex_weights_of_lowest_out_of_fold_log_loss(two_candidates):
    _X, y, folds, _, results = two_candidates
    res, weights = blend_candidates(results, y, folds)
    assert list(weights) == [r.name for r in results]
    w = np.array(list(weights.values()))
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(w * 10, np.round(w * 10), atol=1e-9)  # on the grid of step 0.1
    S = np.column_stack([r.oof_score for r in results])
    np.testing.assert_allclose(res.oof_score, S @ w)
    chosen = _oof_log_loss(S @ w, y)
    for a in np.linspace(0, 1, 11):  # no grid point does better
        assert chosen <= _oof_log_loss(S @ [a, 1 - a], y) + 1e-12
    # It never does worse than a member, out of fold, and respects the directions as its members do.
    assert res.log_loss <= min(r.log_loss for r in results) + 1e-9
    assert res.monotone and len(res.fold_models) == len(folds)
    with pytest.raises(ValueError, match="at least two"):
        blend_candidates(results[:1], y, folds)
    with pytest.raises(ValueError, match="step"):
        blend_candidates(results, y, folds, step=0.3)


def _scored(name, score, folds):
    from sklearn.dummy import DummyClassifier

    from xieshang.modeling import CandidateResult

    stand_in = DummyClassifier().fit([[0], [1]], [0, 1])  # fold models are not used by the weights
    return CandidateResult(name, [stand_in] * len(folds), 1 / (1 + np.exp(-score)), [0.0], 0.0, {}, score)


def test_a_member_that_must_earn_its_place_gets_a_weight_only_beyond_the_noise():
    from xieshang.modeling import EARN_PLACE, cv_folds

    rng = np.random.default_rng(0)
    n = 20_000
    smooth, gate = rng.normal(size=n), rng.random(n) < 0.3
    truth = np.where(gate, np.minimum(smooth, -3.0), smooth)  # a hard cap on 30 % of the rows
    y = (rng.random(n) < 1 / (1 + np.exp(-truth))).astype(int)
    folds = cv_folds(y, 3, seed=0)
    extra = EARN_PLACE[0]
    additive = _scored("logistic_monotone", smooth, folds)
    # A flexible member that only echoes the additive one with noise: its tiny gain is not a gain.
    echo = _scored(extra, smooth + 0.05 * rng.normal(size=n), folds)
    free, free_w = blend_candidates([additive, echo], y, folds, earn_place=())
    kept, kept_w = blend_candidates([additive, echo], y, folds)
    assert free_w[extra] > 0 and kept_w[extra] == 0.0
    assert kept.log_loss >= free.log_loss  # what the rule gives up, out of fold: within the noise
    # A member that holds the cap the additive one cannot: a real gain, so it keeps its weight.
    holder = _scored(extra, truth, folds)
    _, w = blend_candidates([additive, holder], y, folds)
    assert w[extra] > 0.5
    assert blend_candidates([additive, holder], y, folds, earn_place=())[1] == w


def test_monotone_blend_is_the_weighted_sum_of_its_members(two_candidates, test_rows):
    X, y, _, pipes, _ = two_candidates
    fitted = [(n, p.fit(X, y)) for n, p in ((n, clone_(p)) for n, p in pipes.items())]
    blend = MonotoneBlend.from_fitted(fitted, [0.3, 0.7])
    expected = sum(w * m.decision_function(test_rows) for w, (_, m) in zip((0.3, 0.7), fitted))
    assert blend.shared_features_  # both start with DomainFeatures: computed once
    np.testing.assert_allclose(blend.decision_function(test_rows), expected, rtol=1e-12, atol=1e-12)
    # fit() refits the members itself and gives the same blend.
    refit = MonotoneBlend(list(pipes.items()), weights=[0.3, 0.7]).fit(X, y)
    np.testing.assert_allclose(refit.predict_proba(test_rows), blend.predict_proba(test_rows), rtol=1e-12)
    assert direction_violations(blend.predict_proba, test_rows, seed=2) == {}
    with pytest.raises(ValueError, match="weights"):
        MonotoneBlend(list(pipes.items()), weights=[0.5, 0.6]).fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        MonotoneBlend(list(pipes.items()), weights=[1.0]).fit(X, y)


def clone_(est):
    from sklearn.base import clone

    return clone(est)


def test_the_blend_reuses_the_refit_members_without_fitting_again(model, test_rows):
    cv = model.cv_results_[BLEND]
    members = list(cv["blend_weights"])
    # Every monotone candidate, and only those (a blend with a non-monotone member could break directions).
    assert members == [n for n in CANDIDATES if n != BLEND and model.cv_results_[n]["monotone"]]
    assert len(members) >= 2
    blend = model.calibrated_[BLEND].estimator_
    for n, est in zip(members, blend.estimators_):
        assert est is model.calibrated_[n].estimator_
    assert direction_violations(lambda X: model.calibrated_[BLEND].predict_proba(X), test_rows, seed=3) == {}
