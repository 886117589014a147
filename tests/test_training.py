import numpy as np
import pandas as pd
import pytest

from xieshang import train
from xieshang.contract import LABEL, TRUTH
from xieshang.generator import generate
from xieshang.metrics import evaluate
from xieshang.training import (
    CANDIDATES,
    MonotoneLogistic,
    RefitCalibrated,
    choose_calibration,
    cross_validate_candidate,
    cv_folds,
    direction_violations,
    holdout_split,
    make_candidates,
)


@pytest.fixture(scope="module")
def data():
    return generate(1_600, seed=21)


@pytest.fixture(scope="module")
def test_rows():
    return generate(2_000, seed=22)


@pytest.fixture(scope="module")
def model(data):
    return train(data, seed=3)


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


def test_direction_check_catches_a_model_that_breaks_a_direction(test_rows):
    def backwards(X):  # more past overdues raise the estimate: forbidden
        p = 1 / (1 + np.exp(-0.3 * X["past_overdue_count"].to_numpy(float)))
        return np.column_stack([1 - p, p])

    assert set(direction_violations(backwards, test_rows)) == {"past_overdue_count"}


def test_monotone_logistic_respects_signs_even_against_the_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 1 / (1 + np.exp(-2 * x))).astype(int)  # the data say: x raises approval
    X = pd.DataFrame({"x": x})
    free = MonotoneLogistic().fit(X, y)
    forced = MonotoneLogistic(directions={"x": -1}).fit(X, y)
    grid = pd.DataFrame({"x": np.linspace(-3, 3, 50)})
    assert np.all(np.diff(free.decision_function(grid)) >= 0) and free.coef_.sum() > 0
    assert np.all(np.diff(forced.decision_function(grid)) <= 1e-12)


def test_train_refuses_bad_data_with_every_problem(data):
    bad = data.drop(columns="credit_score").assign(approved=2)
    with pytest.raises(ValueError, match=r"(?s)credit_score.*approved"):
        train(bad)
    with pytest.raises(ValueError, match="approved"):
        train(data.drop(columns=LABEL))


def test_folds_are_shared_stratified_and_seeded(data):
    y = data[LABEL].to_numpy()
    a, b = cv_folds(y, 4, seed=1), cv_folds(y, 4, seed=1)
    assert all(np.array_equal(x[1], z[1]) for x, z in zip(a, b))
    assert sorted(np.concatenate([te for _, te in a]).tolist()) == list(range(len(y)))
    for _, te in a:
        assert abs(y[te].mean() - y.mean()) < 0.02
    with pytest.raises(ValueError, match="approved"):
        cv_folds(np.array([0] * 10 + [1]), 5)


def test_unknown_candidate_and_bad_split_are_refused(data):
    with pytest.raises(ValueError, match="candidates"):
        make_candidates(0, ["random_forest"])
    with pytest.raises(ValueError, match="test_size"):
        holdout_split(data, test_size=1.5)
    tr, te = holdout_split(data, test_size=0.25, seed=0)
    assert len(te) == round(0.25 * len(data)) and not set(tr.index) & set(te.index)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic", "temperature"])
def test_refit_calibrated_is_calibrated_classifier_cv_without_ensemble(data, test_rows, method):
    from sklearn.calibration import CalibratedClassifierCV

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    folds = cv_folds(y, 3, seed=0)
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, folds)
    ours = RefitCalibrated(pipe, method=method).fit(X, y, oof_scores=res.oof_score)
    sk = CalibratedClassifierCV(pipe, method=method, cv=folds, ensemble=False).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(test_rows), sk.predict_proba(test_rows), atol=1e-9)
    # Applied directly (without the wrapper's per-call overhead) it gives what scikit-learn gives.
    assert ours.direct_calibration_
    np.testing.assert_array_equal(ours.predict_proba(test_rows),
                                  ours.calibrator_.predict_proba(ours.decision_function(test_rows)[:, None]))


def test_refit_calibrated_computes_out_of_fold_scores_itself(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, seed=4))
    given = RefitCalibrated(pipe, n_splits=3, seed=4).fit(X, y, oof_scores=res.oof_score)
    computed = RefitCalibrated(pipe, n_splits=3, seed=4).fit(X, y)
    np.testing.assert_allclose(computed.predict_proba(test_rows), given.predict_proba(test_rows), rtol=1e-12)
    with pytest.raises(ValueError, match="method"):
        RefitCalibrated(pipe, method="platt").fit(X, y)
    with pytest.raises(ValueError, match="oof_scores"):
        RefitCalibrated(pipe).fit(X, y, oof_scores=res.oof_score[:10])


def test_calibration_is_chosen_by_cross_fitted_log_loss(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    pipe = make_candidates(0, ["hgb_monotone"])["hgb_monotone"]
    res = cross_validate_candidate("hgb_monotone", pipe, X, y, folds)
    method, scores = choose_calibration(res, y, folds)
    assert set(scores) == {"sigmoid", "isotonic", "temperature", "none"}
    assert method == min(("sigmoid", "isotonic", "temperature"), key=scores.get)
    with pytest.raises(ValueError, match="calibration"):
        choose_calibration(res, y, folds, methods=["beta"])


def test_the_model_predicts_with_one_refit_pipeline(model, test_rows):
    final = model.calibrated_[model.candidate_]
    assert isinstance(final, RefitCalibrated) and final.method == model.calibration_
    expected = np.clip(final.predict_proba(test_rows)[:, 1], model.clip, 1 - model.clip)
    np.testing.assert_array_equal(model.predict_proba(test_rows)[:, 1], expected)
    for name in model.cv_results_:  # every candidate still answers, for the reports
        assert model.candidate_proba(test_rows, name).shape == (len(test_rows),)
