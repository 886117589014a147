"""Tests for xieshang.modeling.flat_trees: every tree walked at once gives scikit-learn's values bit for bit."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier as HGB

from xieshang.modeling import TabulatedHGB
from xieshang.modeling.flat_trees import FLAT_MAX_CELLS, MAX_SPLITS, flatten_trees, walk_flat_trees


@pytest.fixture(scope="module")
def holed():
    """Rows whose missing values carry signal (so some nodes send them left, some right, some split on them alone)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4))
    y = (X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(scale=0.5, size=3000) > 0).astype(int)
    X[rng.random(3000) < 0.2, 0] = np.nan
    X[(y == 1) & (rng.random(3000) < 0.3), 3] = np.nan  # missing here means approval: a split on missingness
    return pd.DataFrame(X, columns=["a", "b", "c", "d"]), y


@pytest.fixture(scope="module")
def seven(holed):
    X, y = holed
    return TabulatedHGB(max_leaf_nodes=7, max_iter=60, learning_rate=0.3, random_state=0).fit(X, y)


def test_seven_leaf_trees_are_flattened_and_give_scikit_learns_values_bit_for_bit(holed, seven, monkeypatch):
    X, _ = holed
    assert seven.tables_ is None and seven.flat_trees_ is not None  # three columns in a tree: no tables
    nodes = np.concatenate([p[0].nodes for p in seven._predictors])
    split = nodes[~nodes["is_leaf"].astype(bool)]
    assert split["missing_go_to_left"].any() and not split["missing_go_to_left"].all()
    assert np.isinf(split["num_threshold"]).any()  # a split on missing values alone
    for rows in (X.iloc[[5]], X.iloc[:37], X):  # one row, a search's batch, beyond FLAT_MAX_CELLS
        with monkeypatch.context() as m:
            if len(rows) < 100:  # the flat trees answer, not scikit-learn's walk
                m.setattr(seven, "_walked", lambda M: pytest.fail("scikit-learn's walk for a few rows"))
            fast = seven.decision_function(rows)
        np.testing.assert_array_equal(fast, HGB.decision_function(seven, rows))
        np.testing.assert_array_equal(seven.decision_function(rows), HGB.decision_function(seven, rows))
        np.testing.assert_array_equal(seven.predict_proba(rows), HGB.predict_proba(seven, rows))
        np.testing.assert_array_equal(seven.predict(rows), HGB.predict(seven, rows))
    assert len(X) * len(seven.flat_trees_["roots"]) > FLAT_MAX_CELLS  # the last one took scikit-learn's walk
    M = X.to_numpy()
    np.testing.assert_array_equal(walk_flat_trees(seven.flat_trees_, M), HGB.decision_function(seven, X))
    # Six splits a tree at most: every split answered at once, the leaf read from the answers' pattern;
    # level by level (the path of larger trees) gives the same values.
    assert "leaf_table" in seven.flat_trees_ and seven.flat_trees_["split_feature"].shape[1] <= MAX_SPLITS
    steps = {k: v for k, v in seven.flat_trees_.items() if k != "leaf_table"}
    np.testing.assert_array_equal(walk_flat_trees(steps, M), HGB.decision_function(seven, X))


def test_larger_trees_walk_level_by_level_with_scikit_learns_values(holed):
    X, y = holed
    big = TabulatedHGB(max_leaf_nodes=31, max_iter=15, random_state=0).fit(X, y)
    assert big.flat_trees_ is not None and "leaf_table" not in big.flat_trees_  # more than MAX_SPLITS splits
    rows = X.iloc[:50]
    np.testing.assert_array_equal(big.predict_proba(rows), HGB.predict_proba(big, rows))


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_frames_of_other_columns_or_types_are_left_to_scikit_learns_checks(holed, seven):
    X, _ = holed
    assert seven._matrix(X[["b", "a", "c", "d"]]) is None  # columns in another order: scikit-learn's message
    with pytest.raises(ValueError, match="feature names"):
        seven.predict_proba(X[["b", "a", "c", "d"]])
    assert seven._matrix(X.iloc[:, :3].to_numpy()) is None
    with pytest.raises(ValueError, match="features"):
        seven.predict_proba(X.iloc[:, :3].to_numpy())
    ints = X.fillna(0).round().astype(int)  # an int frame: scikit-learn converts, the same values
    np.testing.assert_array_equal(seven.predict_proba(ints), HGB.predict_proba(seven, ints))


def test_categorical_splits_are_not_flattened():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"c": pd.Categorical(rng.choice(list("xyz"), 800)), "n": rng.normal(size=800)})
    y = ((X["c"] == "x") ^ (X["n"] > 0)).astype(int).to_numpy()
    hgb = TabulatedHGB(max_leaf_nodes=7, max_iter=10, categorical_features="from_dtype", random_state=0).fit(X, y)
    assert flatten_trees(hgb) is None and hgb.flat_trees_ is None
    np.testing.assert_array_equal(hgb.predict_proba(X), HGB.predict_proba(hgb, X))
