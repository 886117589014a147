"""Tests for xieshang.modeling.scores: the decision values every modeling step shares."""

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import decision_scores, make_candidates


def test_a_pipelines_steps_are_run_directly_with_the_same_values(data, test_rows, monkeypatch):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["hgb_monotone"])["hgb_monotone"].fit(X, y)
    expected = pipe.decision_function(test_rows)
    monkeypatch.setattr(Pipeline, "decision_function", lambda *a: pytest.fail("Pipeline.decision_function called"))
    np.testing.assert_array_equal(decision_scores(pipe, test_rows), expected)
