"""The package's own estimators pass scikit-learn's estimator checks."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from xieshang.modeling import MonotoneLogistic, TabulatedHGB


@parametrize_with_checks([MonotoneLogistic(), TabulatedHGB(max_iter=20, max_leaf_nodes=3)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
