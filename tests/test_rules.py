"""Tests for xieshang.rules: the plan's arithmetic and when a plan is affordable, and that the features use it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang import rules
from xieshang.contract import FEATURE_NAMES
from xieshang.features import DomainFeatures
from xieshang.generator import generate


def test_instalment_and_disposable_income():
    np.testing.assert_allclose(rules.instalment(12_000, 0.25, 9), 1_000.0)
    np.testing.assert_allclose(rules.instalment([1200, 2400], [0.0, 0.5], [12, 6]), [100.0, 200.0])
    np.testing.assert_allclose(rules.disposable_income(8_000, 3_000, 1_500), 3_500.0)
    np.testing.assert_allclose(rules.residual(1_000, 3_500), 2_500.0)


def test_required_disposable_is_the_edge_of_affordable():
    inst = np.array([0.0, 100.0, 1_000.0, 5_000.0])
    need = rules.required_disposable(inst)
    # The buffer: a share of disposable income, never less than the living floor.
    np.testing.assert_allclose(need, np.maximum(inst / (1 - rules.BUFFER_SHARE), inst + rules.LIVING_FLOOR))
    assert rules.affordable(inst[1:], need[1:]).all()
    assert not rules.affordable(inst[1:], need[1:] - 1.0).any()
    # What is left after the instalment is at least the buffer exactly at the edge.
    left = need - inst
    assert (left + 1e-9 >= np.maximum(rules.BUFFER_SHARE * need, rules.LIVING_FLOOR)).all()


def test_no_plan_is_affordable_without_disposable_income():
    assert not rules.affordable(0.0, 0.0)
    assert not rules.affordable(10.0, -500.0)
    assert rules.affordable(0.0, rules.LIVING_FLOOR)


def test_plan_terms_of_frames_and_mappings_agree():
    rows = generate(50, seed=4)
    inst, disp = rules.plan_terms(rows)
    np.testing.assert_allclose(inst, rules.instalment(rows["outstanding_balance"], rows["down_payment_ratio"],
                                                      rows["plan_months"]))
    np.testing.assert_allclose(disp, rules.disposable_income(rows["monthly_income"], rows["monthly_expenses"],
                                                             rows["other_debt_payments"]))
    one = rows.iloc[0].to_dict()
    i1, d1 = rules.plan_terms(one)
    assert float(i1) == pytest.approx(inst[0]) and float(d1) == pytest.approx(disp[0])
    with pytest.raises(ValueError, match="rows: expected a DataFrame or a mapping of the plan's columns, got list"):
        rules.plan_terms([1, 2, 3])


def test_the_domain_features_are_the_rules():
    """One home per rule: DomainFeatures computes the instalment and disposable income with rules, nothing else."""
    rows = generate(300, seed=5)[list(FEATURE_NAMES)]
    out = DomainFeatures().fit(rows).transform(rows)
    inst, disp = rules.plan_terms(rows)
    np.testing.assert_array_equal(out["instalment"].to_numpy(), inst)
    np.testing.assert_array_equal(out["disposable_income"].to_numpy(), disp)
    np.testing.assert_array_equal(out["residual_income"].to_numpy(), rules.residual(inst, disp))
    assert isinstance(out, pd.DataFrame) and out.index.equals(rows.index)
