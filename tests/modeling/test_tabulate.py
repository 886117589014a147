"""Tests for xieshang.modeling.tabulate: boosted trees answered from tables."""

import numpy as np

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
