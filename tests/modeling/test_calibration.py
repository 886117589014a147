"""Tests for xieshang.modeling.calibration: the refit calibrated model and the choice of method."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import (
    CandidateResult,
    RefitCalibrated,
    choose_calibration,
    cross_validate_candidate,
    cv_folds,
    make_candidates,
)


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
    assert method == min(("sigmoid", "isotonic", "temperature", "none"), key=scores.get)
    # "none" fits nothing: its score is the log loss of the out-of-fold values themselves, clipped as the
    # model predicts them (and unclipped with clip=0).
    p = 1 / (1 + np.exp(-res.oof_score))
    assert scores["none"] == pytest.approx(log_loss(y, np.clip(p, 1e-3, 1 - 1e-3)), rel=1e-12)
    assert choose_calibration(res, y, folds, clip=0.0)[1]["none"] == pytest.approx(log_loss(y, p), rel=1e-12)
    assert choose_calibration(res, y, folds, methods=["none"])[0] == "none"
    with pytest.raises(ValueError, match="calibration"):
        choose_calibration(res, y, folds, methods=["beta"])
    with pytest.raises(ValueError, match=r"clip: expected a number in \[0, 0.5\), got 0.5"):
        choose_calibration(res, y, folds, clip=0.5)


def _stepped_scores(seed: int) -> tuple[CandidateResult, np.ndarray, list]:
    """A score whose truth is a step with a hard cap (1 % below 0): isotonic can follow it, a sigmoid cannot."""
    rng = np.random.default_rng(seed)
    s = rng.uniform(-4, 4, 6000)
    y = (rng.random(len(s)) < np.where(s < 0, 0.01, np.where(s < 2, 0.5, 0.95))).astype(int)
    return CandidateResult("step", [], 1 / (1 + np.exp(-s)), [0.0], 0.0, {}, s), y, cv_folds(y, 3, seed=0)


def test_calibration_is_scored_on_probabilities_clipped_as_the_model_predicts():
    # Unclipped, an isotonic step of exactly 0 under the cap costs a held-out approval ~34 (the log of
    # 1e-15): on these rows that alone makes the sigmoid look better. Clipped at the model's 1e-3, the
    # isotonic's held-out loss is far lower, and it is chosen.
    res, y, folds = _stepped_scores(seed=1)
    unclipped, raw = choose_calibration(res, y, folds, methods=["sigmoid", "isotonic"], clip=0.0)
    clipped, scores = choose_calibration(res, y, folds, methods=["sigmoid", "isotonic"])
    assert (unclipped, clipped) == ("sigmoid", "isotonic")
    assert scores["isotonic"] < raw["isotonic"] - 0.01
    assert scores["sigmoid"] == pytest.approx(raw["sigmoid"], abs=1e-4)  # a sigmoid is never exactly 0 or 1 here
    # The reason: a fold's isotonic map gives exactly 0 to some held-out approvals.
    from sklearn.isotonic import IsotonicRegression

    zero_for_approved = 0
    for tr, te in folds:
        q = IsotonicRegression(out_of_bounds="clip").fit(res.oof_score[tr], y[tr]).predict(res.oof_score[te])
        zero_for_approved += int(((q == 0) & (y[te] == 1)).sum())
    assert zero_for_approved > 0


def test_isotonic_calibration_is_applied_without_scikit_learns_per_call_checks(data, test_rows, monkeypatch):
    from sklearn.isotonic import IsotonicRegression

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, seed=0))
    ours = RefitCalibrated(pipe, method="isotonic").fit(X, y, oof_scores=res.oof_score)
    expected = ours.calibrator_.predict_proba(ours.decision_function(test_rows)[:, None])
    monkeypatch.setattr(IsotonicRegression, "predict", lambda *a: pytest.fail("IsotonicRegression.predict called"))
    np.testing.assert_array_equal(ours.predict_proba(test_rows), expected)
