"""Tests for xieshang.modeling.estimators: the monotone additive model."""

import numpy as np
import pandas as pd

from xieshang.contract import LABEL
from xieshang.features import DomainFeatures
from xieshang.modeling import (
    MonotoneLogistic,
)


def test_monotone_logistic_respects_signs_even_against_the_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 1 / (1 + np.exp(-2 * x))).astype(int)  # the data say: x raises approval
    X = pd.DataFrame({"x": x})
    free = MonotoneLogistic().fit(X, y)
    forced = MonotoneLogistic(directions={"x": -1}).fit(X, y)
    grid = pd.DataFrame({"x": np.linspace(-3, 3, 50)})
    assert np.all(np.diff(free.decision_function(grid)) >= 0) and free.coef_.sum() > 0
    assert np.all(np.diff(forced.decision_function(grid)) <= 1e-12)


def test_monotone_logistic_log_odds_are_its_ramp_basis_times_its_coefficients():
    # decision_function interpolates each column's summed ramps: it must equal the basis the fit used,
    # blanks included (a column seen blank in fit: its indicator; one never blank: the average row).
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=2_000), "b": rng.integers(0, 5, 2_000).astype(float),
                      "c": rng.exponential(size=2_000), "k": np.ones(2_000)})
    X.loc[rng.random(2_000) < 0.1, "c"] = np.nan
    y = (rng.random(2_000) < 1 / (1 + np.exp(-X["a"] + 0.3 * X["b"]))).astype(int)
    model = MonotoneLogistic(directions={"a": 1, "b": -1}).fit(X, y)
    new = pd.DataFrame({"a": [-9.0, 0.1, np.nan, 9.0], "b": [2.0, np.nan, 0.0, 7.0],
                        "c": [np.nan, 0.5, 30.0, 0.0], "k": [1.0, 2.0, np.nan, 1.0]})
    for rows in (X, new, *(new.iloc[[i]] for i in range(len(new)))):  # one row at a time too
        M = rows.to_numpy(float)
        expected = (model._basis(M) - model.basis_mean_) @ model.coef_ + model.intercept_
        np.testing.assert_allclose(model.decision_function(rows), expected, rtol=1e-12, atol=1e-12)
    # The curves kept for fast prediction are rebuilt by a refit.
    refit = model.fit(X.assign(a=-X["a"]), y)
    M = new.to_numpy(float)
    np.testing.assert_allclose(refit.decision_function(new),
                               (refit._basis(M) - refit.basis_mean_) @ refit.coef_ + refit.intercept_, rtol=1e-12)


def test_a_blank_in_a_column_never_blank_in_fit_counts_as_average_not_as_the_extreme(data):
    from xieshang.modeling import MonotoneLogistic

    X = DomainFeatures().fit(data).transform(data)
    model = MonotoneLogistic(directions=DomainFeatures().directions()).fit(X, data[LABEL])
    assert np.isnan(X["credit_score"]).sum() == 0
    row = X.iloc[:1].copy()
    p = []
    for v in (350, 950, np.nan):
        row["credit_score"] = v
        p.append(model.predict_proba(row)[0, 1])
    assert p[0] < p[2] < p[1]


def test_monotone_logistic_ends_at_the_optimum_of_the_penalised_loss_on_its_own_ramps(data):
    # The basis is scaled to unit variance for the optimiser only. At the fit, the gradient of the mean log
    # loss plus the penalty on the ramps' own coefficients vanishes (the optimality conditions), except on a
    # coefficient a direction holds at 0: there it points to the forbidden side.
    directions = DomainFeatures().directions()
    X = DomainFeatures().fit(data).transform(data)
    y = data[LABEL].to_numpy()
    model = MonotoneLogistic(directions=directions).fit(X, y)
    B = model._basis(X.to_numpy(float)) - model.basis_mean_
    residual = 1.0 / (1.0 + np.exp(-(B @ model.coef_ + model.intercept_))) - y
    penalty = model.coef_ / (model.C * len(y))
    grad = B.T @ residual / len(y) + penalty
    signs = np.concatenate([np.full(len(k) - 1, directions.get(name, 0)) for name, k in zip(X.columns, model.knots_)]
                           + [np.zeros(len(model.missing_columns_))])
    held = (model.coef_ == 0.0) & (signs != 0)
    assert held.any() and abs(residual.mean()) < 1e-6  # the intercept is free
    np.testing.assert_allclose(grad[~held], 0.0, atol=2e-5)
    assert (grad[held] * signs[held] > -2e-5).all()  # raising a held ramp the allowed way would not help
    assert abs(penalty[~held]).max() > 1e-4  # the penalty matters here: a wrong one would show
