"""Tests for xieshang.modeling.selection: folds, the hold-out split, the direction check."""

import numpy as np
import pytest

from xieshang.contract import LABEL
from xieshang.modeling import (
    cv_folds,
    direction_violations,
    holdout_split,
    make_candidates,
)


def test_direction_check_catches_a_model_that_breaks_a_direction(test_rows):
    def backwards(X):  # more past overdues raise the estimate: forbidden
        p = 1 / (1 + np.exp(-0.3 * X["past_overdue_count"].to_numpy(float)))
        return np.column_stack([1 - p, p])

    assert set(direction_violations(backwards, test_rows)) == {"past_overdue_count"}


def test_one_probe_asks_every_model_of_a_fit_on_the_same_rows(test_rows):
    from xieshang.modeling.selection import DirectionProbe

    def backwards(X):
        p = 1 / (1 + np.exp(-0.3 * X["past_overdue_count"].to_numpy(float)))
        return np.column_stack([1 - p, p])

    def flat(X):
        return np.full((len(X), 2), 0.5)

    probe = DirectionProbe.build(test_rows, seed=5)
    seen = []
    found = probe.violations(lambda X: seen.append(X) or backwards(X))
    assert found == direction_violations(backwards, test_rows, seed=5) and set(found) == {"past_overdue_count"}
    assert probe.violations(flat) == {}
    assert len(seen) == 1 and len(seen[0]) == sum(n * rows for _, n, rows in probe.layout) > 0


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
