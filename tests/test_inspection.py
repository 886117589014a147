"""Tests for xieshang.inspection: the numbers behind the figures (calibration, partial dependence, what-if)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang import inspection, plots
from xieshang.contract import BOOL_NAMES, CATEGORY_NAMES, LABEL, feature
from xieshang.generator import true_probability


def toy_model(X: pd.DataFrame) -> np.ndarray:
    """A deliberately miscalibrated stand-in for a fitted model."""
    return np.clip(0.8 * true_probability(X) + 0.1, 0, 1)


def test_calibration_table_bins_and_truth():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20_000)
    y = rng.uniform(size=p.size) < p
    t = inspection.calibration_table(y, p, n_bins=10, truth=p)
    assert t["n"].sum() == p.size and len(t) == 10
    assert np.allclose(t["mean_truth"], t["mean_predicted"])
    inside = (t["ci_low"] <= t["mean_predicted"]) & (t["mean_predicted"] <= t["ci_high"])
    assert inside.mean() >= 0.8  # a calibrated score sits inside its 95 % intervals
    assert ((t["mean_predicted"] >= t["bin_low"]) & (t["mean_predicted"] <= t["bin_high"])).all()
    shifted = inspection.calibration_table(y, np.clip(p + 0.2, 0, 1), n_bins=10)
    assert (shifted["observed_rate"] < shifted["mean_predicted"]).mean() > 0.7


def test_calibration_input_errors_name_every_problem():
    with pytest.raises(ValueError, match=r"y_true: expected 0/1 labels.*p: expected probabilities in \[0, 1\]"):
        inspection.calibration_table([0, 2, 1], [0.1, 1.5, 0.3])
    with pytest.raises(ValueError, match="p: expected 3 values"):
        inspection.calibration_table([0, 1, 1], [0.1, 0.5])
    with pytest.raises(ValueError, match="NaN/inf"):
        plots.reliability_diagram([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="n_bins: expected a positive integer"):
        inspection.calibration_table([0, 1], [0.1, 0.5], n_bins=0)


def test_default_grid_follows_the_contract(X):
    assert list(inspection.default_grid(X, BOOL_NAMES[0])) == [False, True]
    for name in CATEGORY_NAMES:
        assert tuple(inspection.default_grid(X, name)) == feature(name).categories
    g = inspection.default_grid(X, "past_overdue_count")
    assert (np.diff(g) > 0).all() and np.allclose(g, np.round(g))
    g = inspection.default_grid(None, "down_payment_ratio", n=6)
    assert g[0] == feature("down_payment_ratio").low and g[-1] == feature("down_payment_ratio").high


def test_partial_dependence_matches_a_row_by_row_loop(X):
    small = X.iloc[:150]
    grid, mean = inspection.partial_dependence(true_probability, small, "plan_months", grid=[6, 24, 60])
    for v, m in zip(grid, mean):
        assert m == pytest.approx(true_probability(small.assign(plan_months=int(v))).mean())
    batched = inspection.partial_dependence(true_probability, small, "plan_months", grid=[6, 24, 60], max_rows=150)
    assert np.allclose(batched[1], mean)


def test_partial_dependence_keeps_dtypes_and_accepts_estimators(X):
    seen = {}

    class Estimator:
        def predict_proba(self, frame):
            seen.update(frame.dtypes.to_dict())
            p = (frame["communication"].cat.codes.to_numpy() + 1) / 4
            return np.column_stack([1 - p, p])

    grid, mean = inspection.partial_dependence(Estimator(), X.iloc[:50], "communication")
    assert list(grid) == list(feature("communication").categories)
    assert np.allclose(mean, [0.25, 0.5, 0.75])
    assert seen["communication"] == X["communication"].dtype
    assert seen["plan_months"] == X["plan_months"].dtype


def test_partial_dependence_rejects_bad_input(X):
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        inspection.partial_dependence(toy_model, X, "colour")
    with pytest.raises(ValueError, match="non-empty DataFrame"):
        inspection.partial_dependence(toy_model, X.iloc[:0], "plan_months")
    with pytest.raises(ValueError, match="returned shape"):
        inspection.partial_dependence(lambda f: np.zeros(3), X.iloc[:10], "plan_months", grid=[12])


def test_approval_rates(sample):
    t = inspection.approval_rates(sample, "income_proof")
    expected = sample.groupby("income_proof")[LABEL].mean()
    assert np.allclose(t.set_index("level")["rate"].sort_index(), expected.sort_index())
    t = inspection.approval_rates(sample, "communication")
    assert list(t["level"]) == list(feature("communication").categories)
    t = inspection.approval_rates(sample, "credit_score", bins=5)
    assert len(t) == 5 and t["n"].sum() == len(sample) and (np.diff(t["level"]) > 0).all()
    with pytest.raises(ValueError, match="approved"):
        inspection.approval_rates(sample.drop(columns=[LABEL]), "credit_score")


def test_whatif_is_one_row_partial_dependence(X):
    applicant = X.iloc[4].to_dict()
    grid, p = inspection.whatif(true_probability, applicant, "plan_months")
    assert list(grid) == list(range(1, 61))
    current = int(applicant["plan_months"])
    row = X.iloc[[4]]
    assert p[current - 1] == pytest.approx(true_probability(row)[0])


# ----------------------------------------------------------------------------- behaviour of the building blocks
def test_with_values_stacks_one_copy_per_value_and_leaves_the_input(X):
    small = X.iloc[:4]
    before = small.copy()
    big = inspection.with_values(small, "plan_months", np.array([6, 48]))
    assert len(big) == 8
    assert big["plan_months"].tolist() == [6] * 4 + [48] * 4
    assert big["plan_months"].dtype == small["plan_months"].dtype
    other = [c for c in small.columns if c != "plan_months"]
    pd.testing.assert_frame_equal(big[other].iloc[4:].reset_index(drop=True), small[other].reset_index(drop=True))
    pd.testing.assert_frame_equal(small, before)  # the caller's frame is not changed
    cat = inspection.with_values(small, "communication", np.array(["proactive"]))
    assert isinstance(cat["communication"].dtype, pd.CategoricalDtype)
    assert list(cat["communication"].cat.categories) == list(small["communication"].cat.categories)


def test_proba_fn_reads_callables_and_estimators_alike(X):
    class TwoColumns:
        def predict_proba(self, frame):
            p = true_probability(frame)
            return np.column_stack([1 - p, p])

    rows = X.iloc[:30]
    expected = true_probability(rows)
    for model in (true_probability, TwoColumns(), lambda f: TwoColumns().predict_proba(f)):
        np.testing.assert_allclose(inspection.proba_fn(model)(rows), expected)
    with pytest.raises(ValueError, match="expected a callable or an object with predict_proba, got int"):
        inspection.proba_fn(3)
    with pytest.raises(ValueError, match=r"returned shape \(3,\), expected \(30,\)"):
        inspection.proba_fn(lambda f: np.zeros(3))(rows)


def test_check_binary_names_every_problem_at_once():
    y, (p,) = inspection.check_binary([0, 1, True], ("p", [0.2, 0.9, 1.0]))
    assert y.tolist() == [0, 1, 1] and p.tolist() == [0.2, 0.9, 1.0]
    with pytest.raises(ValueError, match=r"y_true: expected 0/1 labels, got \[.*3\.0.*\].*a: expected 3 values.*"
                                         r"b: expected finite numbers"):
        inspection.check_binary([0, 1, 3], ("a", [0.1, 0.2]), ("b", [0.1, np.nan, 0.3]))
    with pytest.raises(ValueError, match=r"y_true: expected a 1-D array, got shape \(2, 2\)"):
        inspection.check_binary([[0, 1], [1, 0]])


def test_whatif_grid_spans_the_contract_around_the_applicant(X):
    row = X.iloc[[0]]
    months = inspection.whatif_grid(row, "plan_months")
    f = feature("plan_months")
    assert months[0] == f.low and months[-1] == f.high and (np.diff(months) == 1).all()
    income = float(row["monthly_income"].iloc[0])
    money = inspection.whatif_grid(row, "monthly_income")
    assert money.min() >= 0.25 * income - 1e-9 and money.max() <= 2.0 * income + 1e-9
    assert tuple(inspection.whatif_grid(row, "communication")) == feature("communication").categories


def test_approval_rates_match_a_groupby(sample):
    t = inspection.approval_rates(sample, "communication")
    direct = sample.groupby("communication", observed=True)[LABEL].mean()
    for level, rate in zip(t["level"], t["rate"]):
        assert rate == pytest.approx(direct[level])
    assert t["n"].sum() == len(sample)
