"""Tests for xieshang.modeling.scores: the scores and decision values every modeling step shares."""

import numpy as np
import pytest
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import decision_scores, make_candidates
from xieshang.modeling.scores import binary_log_loss


def test_binary_log_loss_is_scikit_learns_bit_for_bit():
    # The fit compares folds, calibration methods and blends by this number: a last-bit difference
    # could change a choice, so it must be scikit-learn's exactly, extremes included.
    rng = np.random.default_rng(0)
    for n in (1, 7, 1_000, 16_667):
        p = rng.random(n)
        p[: n // 10] = rng.choice([0.0, 1.0, 1e-17, 1 - 1e-17], size=n // 10)
        y = (rng.random(n) < 0.6).astype(int)
        for labels in (y, y.astype(float), y.astype(bool)):
            assert binary_log_loss(labels, p) == log_loss(labels, p, labels=[0, 1])
    # Certain and wrong: clipped to machine epsilon, finite.
    assert binary_log_loss([1, 0], [0.0, 1.0]) == log_loss([1, 0], [0.0, 1.0], labels=[0, 1]) > 30


def test_a_pipelines_steps_are_run_directly_with_the_same_values(data, test_rows, monkeypatch):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["hgb_monotone"])["hgb_monotone"].fit(X, y)
    expected = pipe.decision_function(test_rows)
    monkeypatch.setattr(Pipeline, "decision_function", lambda *a: pytest.fail("Pipeline.decision_function called"))
    np.testing.assert_array_equal(decision_scores(pipe, test_rows), expected)
