"""Tests for xieshang.modeling.calibration: the refit calibrated model and the choice of method."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import (
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
    # "none" fits nothing: its score is the log loss of the out-of-fold values themselves.
    assert scores["none"] == pytest.approx(log_loss(y, 1 / (1 + np.exp(-res.oof_score))), rel=1e-12)
    assert choose_calibration(res, y, folds, methods=["none"])[0] == "none"
    with pytest.raises(ValueError, match="calibration"):
        choose_calibration(res, y, folds, methods=["beta"])


def test_refit_calibrated_none_is_the_sigmoid_of_the_decision_values(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, seed=0))
    none = RefitCalibrated(pipe, method="none").fit(X, y, oof_scores=res.oof_score)
    assert none.calibrator_ is None
    p = 1 / (1 + np.exp(-none.decision_function(test_rows)))
    np.testing.assert_allclose(none.predict_proba(test_rows), np.column_stack([1 - p, p]), rtol=1e-12)
    sig = RefitCalibrated(pipe, method="sigmoid").fit(X, y, oof_scores=res.oof_score)
    assert not np.allclose(sig.predict_proba(test_rows), none.predict_proba(test_rows), atol=1e-6)
