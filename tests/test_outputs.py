import numpy as np
import pandas as pd
import pytest

from xieshang.modeling.scores import log_odds
from xieshang.outputs import proba, proba_and_log_odds

X = pd.DataFrame({"a": [0.0, 1.0, 2.0]})
P = np.array([0.1, 0.5, 0.9])


class Proba:
    def predict_proba(self, X):
        return np.column_stack([1 - P[: len(X)], P[: len(X)]])


class Decision(Proba):
    def decision_function(self, X):
        return np.array([-5.0, 0.0, 7.0])


class Both(Proba):
    def predict_proba_and_log_odds(self, X):
        return P, np.array([-9.0, 0.0, 9.0])


def test_proba_is_the_second_column():
    np.testing.assert_array_equal(proba(Proba(), X), P)


def test_log_odds_come_from_the_richest_output_the_model_has():
    np.testing.assert_allclose(proba_and_log_odds(Proba(), X)[1], log_odds(P))
    np.testing.assert_array_equal(proba_and_log_odds(Decision(), X)[1], [-5.0, 0.0, 7.0])
    p, z = proba_and_log_odds(Both(), X)
    np.testing.assert_array_equal(p, P)
    np.testing.assert_array_equal(z, [-9.0, 0.0, 9.0])


def test_bad_outputs_are_refused():
    class OneColumn:
        def predict_proba(self, X):
            return P

    class NotFinite(Both):
        def predict_proba_and_log_odds(self, X):
            return P, np.array([np.nan, 0.0, 1.0])

    with pytest.raises(ValueError, match=r"expected a finite \(3, 2\) array, got shape \(3,\)"):
        proba(OneColumn(), X)
    with pytest.raises(ValueError, match="expected an object with predict_proba, got object"):
        proba(object(), X)
    with pytest.raises(ValueError, match="expected 3 finite probabilities and log-odds"):
        proba_and_log_odds(NotFinite(), X)


def test_inspection_reads_models_through_the_adapter():
    from xieshang.inspection import proba_fn

    np.testing.assert_array_equal(proba_fn(Proba())(X), P)
    with pytest.raises(ValueError, match="predict_proba: expected a finite"):
        proba_fn(type("OneColumn", (), {"predict_proba": lambda self, X: P})())(X)
