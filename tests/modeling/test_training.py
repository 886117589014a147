"""Tests for training the whole model (xieshang.model.train / ApprovalModel.fit): candidates, seeds, refusals."""

import numpy as np
import pytest

from xieshang import train
from xieshang.contract import LABEL, TRUTH
from xieshang.metrics import evaluate
from xieshang.modeling import (
    CANDIDATES,
    RefitCalibrated,
    direction_violations,
)


def test_train_fits_compares_every_candidate_and_predicts(model, test_rows):
    assert set(model.cv_results_) == set(CANDIDATES)
    assert model.candidate_ in CANDIDATES and model.cv_results_[model.candidate_]["monotone"]
    eligible = [n for n, r in model.cv_results_.items() if r["monotone"]]
    assert model.candidate_ == min(eligible, key=lambda n: model.cv_results_[n]["cv_log_loss"])
    assert model.calibration_ in ("sigmoid", "isotonic", "temperature")
    p = model.predict_proba(test_rows)[:, 1]
    assert ((p >= model.clip) & (p <= 1 - model.clip)).all()
    # Better than knowing only the approval rate, on rows it never saw.
    m = evaluate(test_rows[LABEL], p)
    base = evaluate(test_rows[LABEL], np.full(len(p), test_rows[LABEL].mean()))
    assert m["log_loss"] < base["log_loss"]


def test_true_probability_does_not_influence_the_model(data, model, test_rows):
    scrambled = data.assign(**{TRUTH: np.random.default_rng(0).permutation(data[TRUTH].to_numpy())})
    other = train(scrambled, seed=3)
    np.testing.assert_array_equal(other.predict_proba(test_rows), model.predict_proba(test_rows))


def test_same_seed_gives_identical_metrics(data, model, test_rows):
    again = train(data, seed=3)
    assert again.cv_results_[model.candidate_]["fold_log_loss"] == model.cv_results_[model.candidate_]["fold_log_loss"]
    a = evaluate(test_rows[LABEL], model.predict_proba(test_rows)[:, 1], test_rows[TRUTH])
    b = evaluate(test_rows[LABEL], again.predict_proba(test_rows)[:, 1], test_rows[TRUTH])
    assert a == b


def test_monotone_directions_hold_on_the_fitted_model(model, test_rows):
    assert direction_violations(model.predict_proba, test_rows, n_rows=300, seed=1) == {}


def test_calibration_is_chosen_on_probabilities_clipped_as_the_model_clips_them(data, model):
    from xieshang.model import ApprovalModel

    wide = ApprovalModel(seed=3, clip=0.2).fit(data.drop(columns=[LABEL, TRUTH]), data[LABEL])
    for name, r in model.cv_results_.items():
        assert wide.cv_results_[name]["cv_log_loss"] == r["cv_log_loss"]  # the same fits: only the scoring differs
        # No calibrated probability goes below 0.2: no held-out row costs more than -log(0.2).
        assert max(wide.cv_results_[name]["calibration_log_loss"].values()) <= -np.log(0.2)
        assert wide.cv_results_[name]["calibration_log_loss"] != r["calibration_log_loss"]


def test_train_refuses_bad_data_with_every_problem(data):
    bad = data.drop(columns="credit_score").assign(approved=2)
    with pytest.raises(ValueError, match=r"(?s)credit_score.*approved"):
        train(bad)
    with pytest.raises(ValueError, match="approved"):
        train(data.drop(columns=LABEL))


def test_the_model_predicts_with_one_refit_pipeline(model, test_rows):
    final = model.calibrated_[model.candidate_]
    assert isinstance(final, RefitCalibrated) and final.method == model.calibration_
    expected = np.clip(final.predict_proba(test_rows)[:, 1], model.clip, 1 - model.clip)
    np.testing.assert_array_equal(model.predict_proba(test_rows)[:, 1], expected)
    for name in model.cv_results_:  # every candidate still answers, for the reports
        assert model.candidate_proba(test_rows, name).shape == (len(test_rows),)


def test_the_whole_model_trains_and_predicts_on_rows_with_missing_values(data, test_rows, accept_missing, with_missing):
    from xieshang import ApprovalModel

    rng = np.random.default_rng(2)
    X = with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    model = ApprovalModel(seed=0, n_splits=2).fit(X, data[LABEL])
    assert set(model.cv_results_) == set(CANDIDATES)
    holed = with_missing(test_rows.drop(columns=[LABEL, TRUTH]), rng)
    p = model.predict_proba(holed)[:, 1]
    assert np.isfinite(p).all() and ((p >= model.clip) & (p <= 1 - model.clip)).all()
    # Still better than the approval rate alone on rows it never saw, holes and all.
    y = test_rows[LABEL].to_numpy()
    assert evaluate(y, p)["log_loss"] < evaluate(y, np.full(len(y), y.mean()))["log_loss"]
    assert direction_violations(model.predict_proba, holed, seed=4) == {}
