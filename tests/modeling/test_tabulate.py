"""Tests for xieshang.modeling.tabulate: boosted trees answered from tables."""

import numpy as np
import pytest

from xieshang.contract import LABEL, TRUTH
from xieshang.features import DomainFeatures
from xieshang.modeling import (
    TabulatedHGB,
    make_candidates,
)


def test_tabulated_boosting_gives_scikit_learn_decision_values(data, test_rows):
    from sklearn.ensemble import HistGradientBoostingClassifier as HGB

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    Xt = DomainFeatures().fit(test_rows).transform(test_rows)
    small = make_candidates(0, ["hgb_monotone"])["hgb_monotone"].fit(X, y).named_steps["hgb"]
    assert isinstance(small, TabulatedHGB) and small.tables_ is not None
    np.testing.assert_allclose(small.decision_function(Xt), HGB.decision_function(small, Xt), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(small.predict_proba(Xt), HGB.predict_proba(small, Xt), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(small.predict(Xt.to_numpy()), HGB.predict(small, Xt))
    # Missing values follow each node's learned side, as in scikit-learn, in every column.
    holed = Xt.iloc[:200].copy()
    rng = np.random.default_rng(0)
    holed = holed.mask(rng.random(holed.shape) < 0.3)
    assert small._tabulated(holed) is not None  # the tables answer, not scikit-learn
    np.testing.assert_allclose(small.decision_function(holed), HGB.decision_function(small, holed),
                               rtol=1e-10, atol=1e-10)
    # Trees splitting on more than two columns cannot be tabulated: scikit-learn answers.
    deep = TabulatedHGB(max_iter=20, max_leaf_nodes=31, random_state=0).fit(DomainFeatures().fit(X).transform(X), y)
    assert deep.tables_ is None and deep.flat_trees_ is not None  # walked at once: the same values
    np.testing.assert_array_equal(deep.predict_proba(Xt), HGB.predict_proba(deep, Xt))


def test_intervals_of_every_column_at_once_are_searchsorteds():
    from xieshang.modeling.tabulate import interval_index, interval_indices

    rng = np.random.default_rng(3)
    cuts = [np.sort(rng.normal(size=k)) for k in (1, 4, 9)]
    cuts[2][-1] = np.inf  # a split on missing values alone
    counts = np.array([len(c) for c in cuts])
    matrix = np.full((3, 9), np.inf)
    for j, c in enumerate(cuts):
        matrix[j, :len(c)] = c
    X = rng.normal(size=(50, 3))
    X[::7, 0] = np.nan
    X[1, 1], X[2, 2], X[3, 0], X[4, 1] = cuts[1][2], np.inf, -np.inf, cuts[1][0]  # on a cut, at the ends
    expected = np.column_stack([interval_index(c, X[:, j]) for j, c in enumerate(cuts)])
    np.testing.assert_array_equal(interval_indices(matrix, counts, X), expected)


def test_a_few_rows_take_the_one_comparison_path_with_the_same_values(data, test_rows, monkeypatch):
    from sklearn.ensemble import HistGradientBoostingClassifier as HGB

    import xieshang.modeling.tabulated as tabulated

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    Xt = DomainFeatures().fit(test_rows).transform(test_rows).iloc[:40]
    small = make_candidates(0, ["hgb_monotone"])["hgb_monotone"].fit(X, y).named_steps["hgb"]
    assert small.tables_ is not None and 40 * small.tables_["cut_matrix"].size <= tabulated.FEW_CELLS
    monkeypatch.setattr(tabulated, "interval_index", lambda *a: pytest.fail("a call per column for 40 rows"))
    few = small.decision_function(Xt)
    np.testing.assert_allclose(few, HGB.decision_function(small, Xt), rtol=1e-10, atol=1e-10)
    monkeypatch.undo()
    monkeypatch.setattr(tabulated, "FEW_CELLS", 0)  # the same rows, a searchsorted call per column
    np.testing.assert_array_equal(small.decision_function(Xt), few)
