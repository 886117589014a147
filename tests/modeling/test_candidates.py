"""Tests for xieshang.modeling.candidates: the candidate pipelines."""

import numpy as np
import pytest

from xieshang.contract import LABEL, TRUTH
from xieshang.modeling import (
    BLEND,
    make_candidates,
)


def test_blend_is_not_a_pipeline_of_its_own():
    with pytest.raises(ValueError, match="out-of-fold"):
        make_candidates(0, [BLEND])
    assert BLEND not in make_candidates(0)


@pytest.mark.parametrize("name", ["hgb_monotone", "logistic_monotone"])
def test_candidates_use_the_missingness_itself(data, accept_missing, with_missing, name):
    rng = np.random.default_rng(0)
    X = with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    y = data[LABEL].to_numpy().copy()
    unknown = X["credit_score"].isna().to_numpy()
    y[unknown] = rng.random(unknown.sum()) < 0.95  # not knowing the score says much here
    m = make_candidates(0, [name])[name].fit(X, y)
    p = m.predict_proba(X)[:, 1]
    assert np.isfinite(p).all()
    # Imputing the median would hide it; the model gives the unknown rows their own, higher, estimate.
    filled = X.assign(credit_score=X["credit_score"].fillna(X["credit_score"].median()))
    assert p[unknown].mean() > m.predict_proba(filled)[unknown, 1].mean() + 0.1
