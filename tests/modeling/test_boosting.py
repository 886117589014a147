"""Tests for xieshang.modeling.boosting: capacity and length chosen on the folds."""

import pickle

import numpy as np
import pytest

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import (
    CAPACITIES,
    REFIT_SHRINK,
    MonotoneLGBM,
    TabulatedHGB,
    blended_row_losses,
    capacity_label,
    cross_validate_candidate,
    cv_folds,
    direction_violations,
    make_candidates,
    monotone_boosting,
    one_standard_error_choice,
    search_monotone_boosting,
)


def test_boosting_capacity_and_length_are_chosen_on_the_folds(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    found = search_monotone_boosting(X, y, folds, seed=0)
    # Every capacity is screened on the first fold; the chosen one is the lowest held-out log loss or a
    # less flexible one (one standard error rule), never a more flexible one.
    assert list(found.screening) == [capacity_label(c) for c in CAPACITIES]
    labels = list(found.screening)
    lowest = min(labels, key=found.screening.get)
    assert labels.index(capacity_label(found.capacity)) <= labels.index(lowest)
    assert found.partner_weights == {}  # no partner given
    # Early stopping inside each fold sizes the refit: the mean best iteration, then no validation split,
    # at a rate REFIT_SHRINK times smaller for REFIT_SHRINK times the iterations.
    assert len(found.fold_iterations) == len(folds) == len(found.result.fold_models)
    assert found.n_iter == REFIT_SHRINK * max(1, round(np.mean(found.fold_iterations)))
    hgb = found.estimator.named_steps["hgb"]
    assert hgb.max_iter == found.n_iter and hgb.early_stopping is False
    assert hgb.learning_rate == pytest.approx(found.capacity["learning_rate"] / REFIT_SHRINK)
    if found.capacity.get("engine", "hgb") == "hgb":
        assert {k: v for k, v in hgb.get_params().items() if k in ("max_leaf_nodes", "min_samples_leaf")} == \
            {k: found.capacity[k] for k in ("max_leaf_nodes", "min_samples_leaf")}
    for m in found.result.fold_models:
        assert m.named_steps["hgb"].early_stopping is True
    # Out-of-fold values: each fold's rows come from the model that did not see them.
    for (_tr, te), m in zip(folds, found.result.fold_models):
        np.testing.assert_allclose(found.result.oof_score[te], m.decision_function(X.iloc[te]), rtol=1e-9)
    assert found.result.monotone
    with pytest.raises(ValueError, match="capacities"):
        search_monotone_boosting(X, y, folds, capacities=())


def test_lightgbm_capacity_is_screened_and_refit_like_the_others(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    lightgbm = [c for c in CAPACITIES if c.get("engine") == "lightgbm"]
    assert len(lightgbm) == 1 and capacity_label(lightgbm[0]).startswith("lightgbm, leaves=")
    found = search_monotone_boosting(X, y, folds, seed=0, capacities=lightgbm)
    final = found.estimator.named_steps["hgb"]
    assert isinstance(final, MonotoneLGBM) and final.early_stopping is False
    assert final.max_iter == found.n_iter == REFIT_SHRINK * max(1, round(np.mean(found.fold_iterations)))
    assert final.learning_rate == pytest.approx(lightgbm[0]["learning_rate"] / REFIT_SHRINK)
    assert final.num_leaves == lightgbm[0]["max_leaf_nodes"]
    for (_tr, te), m in zip(folds, found.result.fold_models):
        assert m.named_steps["hgb"].early_stopping is True
        np.testing.assert_allclose(found.result.oof_score[te], m.decision_function(X.iloc[te]), rtol=1e-9)
    assert found.result.monotone
    refit = found.estimator.fit(X, y)
    assert refit.named_steps["hgb"].n_iter_ == found.n_iter
    again = pickle.loads(pickle.dumps(refit))  # a saved model answers as the fitted one, to the bit
    np.testing.assert_array_equal(again.decision_function(test_rows), refit.decision_function(test_rows))
    assert not direction_violations(refit.predict_proba, test_rows.drop(columns=[LABEL, TRUTH]), seed=0)


def test_monotone_boosting_builds_each_engine_and_refuses_others():
    assert isinstance(monotone_boosting(seed=0, capacity=CAPACITIES[0]), TabulatedHGB)
    with pytest.raises(ValueError, match="expected engine 'hgb' or 'lightgbm', got 'xgboost'"):
        monotone_boosting(seed=0, capacity={**CAPACITIES[0], "engine": "xgboost"})


def test_one_standard_error_rule_keeps_the_simpler_option_unless_the_gain_beats_the_noise():
    rng = np.random.default_rng(0)
    simple = rng.exponential(0.5, 4000)
    noise = rng.normal(0, 0.2, 4000)
    # Lower on average by far less than the noise of the paired differences: the simpler option stays.
    slightly = simple - 0.001 + noise
    assert one_standard_error_choice({"simple": simple, "flexible": slightly}) == "simple"
    # Lower by many standard errors: the flexible option wins; and the order of the options matters.
    clearly = simple - 0.05 + noise
    assert one_standard_error_choice({"simple": simple, "flexible": clearly}) == "flexible"
    assert one_standard_error_choice({"flexible": slightly, "simple": simple}) == "flexible"
    assert one_standard_error_choice({"only": simple}) == "only"
    with pytest.raises(ValueError, match="at least one option"):
        one_standard_error_choice({})
    with pytest.raises(ValueError, match="same rows"):
        one_standard_error_choice({"a": simple, "b": simple[:10]})


def test_blended_row_losses_take_the_partners_best_weight():
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 1.5, 5000)
    y = (rng.random(5000) < 1 / (1 + np.exp(-truth))).astype(int)
    half_a, half_b = truth + rng.normal(0, 1, 5000), truth + rng.normal(0, 1, 5000)
    alone, w0 = blended_row_losses(y, half_a)
    blended, w = blended_row_losses(y, half_a, half_b)
    z = np.clip(half_a, -35, 35)
    np.testing.assert_allclose(alone, np.logaddexp(0, z) - y * z)
    assert w0 == 0.0 and 0.0 < w < 1.0  # two equally noisy views: each gets weight
    assert blended.mean() < alone.mean()
    # Beside the true log-odds, a useless partner gets no weight.
    useless, w_none = blended_row_losses(y, truth, rng.normal(0, 3, 5000))
    assert w_none == 0.0 and useless.mean() == pytest.approx(blended_row_losses(y, truth)[0].mean())


def test_boosting_capacity_is_screened_beside_its_blend_partner(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    alone = search_monotone_boosting(X, y, folds, seed=0)
    partner = cross_validate_candidate("logistic_monotone", make_candidates(0, ["logistic_monotone"])[
        "logistic_monotone"], X, y, folds, seed=0).oof_score
    beside = search_monotone_boosting(X, y, folds, seed=0, partner_score=partner)
    assert set(beside.partner_weights) == set(beside.screening) == set(alone.screening)
    for label, loss in beside.screening.items():
        assert loss <= alone.screening[label] + 1e-12  # the blend's grid includes the trees alone
    with pytest.raises(ValueError, match="partner_score"):
        search_monotone_boosting(X, y, folds, seed=0, partner_score=partner[:10])


def test_the_refit_boosting_runs_the_iterations_found_in_the_folds(model):
    cv = model.cv_results_["hgb_monotone"]
    assert {"capacity", "n_iter", "fold_iterations", "screening", "screening_partner_weights"} <= set(cv)
    # The blend is a candidate: the capacities were screened beside the additive model.
    assert set(cv["screening_partner_weights"]) == set(cv["screening"])
    refit = model.calibrated_["hgb_monotone"].estimator_.named_steps["hgb"]
    assert refit.n_iter_ == cv["n_iter"] and not refit.early_stopping


def test_boosting_search_and_direction_check_accept_missing_values(data, accept_missing, with_missing):
    rng = np.random.default_rng(1)
    X = with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    y = data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    found = search_monotone_boosting(X, y, folds, seed=0, capacities=CAPACITIES[:1])
    assert np.isfinite(found.result.oof_score).all() and found.result.monotone
    final = found.estimator.fit(X, y)
    assert direction_violations(final.predict_proba, X, seed=0) == {}
