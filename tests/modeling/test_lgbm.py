"""Tests for xieshang.modeling.lgbm: monotone LightGBM, the optional candidate ``lgbm_monotone``."""

import numpy as np
import pytest

import xieshang.modeling.lgbm as lgbm_module
from xieshang.contract import LABEL, TRUTH
from xieshang.features import DomainFeatures
from xieshang.model import ApprovalModel
from xieshang.modeling import MonotoneLGBM, direction_violations, make_candidates


def test_monotone_lgbm_keeps_the_directions_and_stops_early(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["lgbm_monotone"])["lgbm_monotone"].fit(X, y)
    booster = pipe[-1]
    assert isinstance(booster, MonotoneLGBM)
    assert 1 <= booster.n_iter_ < booster.max_iter  # the length is found on its own validation rows
    # Every directed column is constrained, in its direction (by name, whatever the column order).
    directions = DomainFeatures().directions()
    columns = booster.booster_.feature_name_
    assert booster.booster_.get_params()["monotone_constraints"] == [directions.get(c, 0) for c in columns]
    assert direction_violations(pipe.predict_proba, test_rows, n_rows=300, seed=1) == {}
    p = pipe.predict_proba(test_rows)
    z = pipe.decision_function(test_rows)
    np.testing.assert_allclose(p[:, 1], 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_array_equal(pipe.predict(test_rows), (z > 0).astype(int))
    # Same seed, same model.
    again = make_candidates(0, ["lgbm_monotone"])["lgbm_monotone"].fit(X, y)
    np.testing.assert_array_equal(again.decision_function(test_rows), z)


def test_monotone_lgbm_says_what_is_missing_without_lightgbm(data, monkeypatch):
    X, y = DomainFeatures().fit_transform(data.drop(columns=[LABEL, TRUTH])), data[LABEL].to_numpy()
    monkeypatch.setattr(lgbm_module, "HAVE_LIGHTGBM", False)
    with pytest.raises(ValueError, match=r"MonotoneLGBM: expected the package lightgbm.*pip install"):
        MonotoneLGBM().fit(X, y)
    monkeypatch.undo()
    with pytest.raises(ValueError, match=r"y: expected two classes, got \[1\]"):
        MonotoneLGBM().fit(X, np.ones(len(y), dtype=int))


def test_the_booster_answers_as_the_scikit_learn_wrapper_and_a_fixed_length_fits_every_row(data, test_rows):
    X, y = DomainFeatures().fit_transform(data.drop(columns=[LABEL, TRUTH])), data[LABEL].to_numpy()
    Xt = DomainFeatures().fit_transform(test_rows.drop(columns=[LABEL, TRUTH]))
    m = MonotoneLGBM(directions=DomainFeatures().directions(), seed=1).fit(X, y)
    wrapper = m.booster_.predict(Xt, raw_score=True, num_iteration=m.n_iter_)
    np.testing.assert_array_equal(m.decision_function(Xt), wrapper)
    np.testing.assert_array_equal(m.decision_function(Xt.iloc[[3]]), wrapper[[3]])  # one row, as explain asks
    fixed = MonotoneLGBM(directions=DomainFeatures().directions(), seed=1, max_iter=40, early_stopping=False).fit(X, y)
    assert fixed.n_iter_ == fixed.booster_.booster_.num_trees() == 40


def test_the_model_can_compare_and_blend_the_lgbm_candidate(data, test_rows):
    names = ("logistic_monotone", "hgb_monotone", "lgbm_monotone", "blend_monotone")
    model = ApprovalModel(seed=3, candidates=names).fit(data.drop(columns=[LABEL, TRUTH]), data[LABEL])
    assert set(model.cv_results_) == set(names)
    assert model.cv_results_["lgbm_monotone"]["monotone"]
    assert set(model.cv_results_["blend_monotone"]["blend_weights"]) == set(names) - {"blend_monotone"}
    eligible = [n for n, r in model.cv_results_.items() if r["monotone"]]
    assert model.candidate_ == min(eligible, key=lambda n: model.cv_results_[n]["cv_log_loss"])
    assert direction_violations(model.predict_proba, test_rows, n_rows=300, seed=1) == {}
