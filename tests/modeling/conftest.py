"""Fixtures of the modeling tests: training rows, unseen rows, a trained model, two cross-validated candidates."""

import pytest

from xieshang import train
from xieshang.contract import LABEL, TRUTH
from xieshang.generator import generate
from xieshang.modeling import (
    cross_validate_candidate,
    cv_folds,
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


@pytest.fixture(scope="module")
def two_candidates(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    pipes = make_candidates(0, ["logistic_monotone", "hgb_monotone"])
    results = [cross_validate_candidate(n, p, X, y, folds) for n, p in pipes.items()]
    return X, y, folds, pipes, results
