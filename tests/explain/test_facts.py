import math

import numpy as np
import pytest

from explain.helpers import as_row, rejected
from xieshang import rules
from xieshang.contract import NO_HARDSHIP
from xieshang.explain import _search, explain, explain_frame
from xieshang.explain._facts import facts_of


def test_facts_are_the_rules_arithmetic(pool):
    for seed in range(20):
        row = as_row(rejected(pool, 1, seed=seed))
        f = facts_of(row)
        inst = rules.instalment(row["outstanding_balance"], row["down_payment_ratio"], row["plan_months"])
        disp = rules.disposable_income(row["monthly_income"], row["monthly_expenses"], row["other_debt_payments"])
        assert (f.instalment, f.disposable) == (float(inst), float(disp))
        assert f.plan_ok == bool(rules.affordable(inst, disp, row["household_size"]))
        assert f.has_hardship == (row["hardship_reason"] != NO_HARDSHIP)
        assert f.savings == row["savings"] or (math.isnan(f.savings) and math.isnan(row["savings"]))


def test_unknown_or_absent_savings_are_nan(pool):
    row = as_row(rejected(pool, 1))
    assert math.isnan(facts_of({**row, "savings": float("nan")}).savings)
    assert math.isnan(facts_of({k: v for k, v in row.items() if k != "savings"}).savings)
    assert not facts_of({**row, "savings": None}).savings_known


def test_an_applicants_facts_are_computed_once_per_explanation(pool, oracle, monkeypatch):
    calls = []
    real = _search.facts_of
    monkeypatch.setattr(_search, "facts_of", lambda row: calls.append(1) or real(row))
    apps = rejected(pool, 5, seed=2)
    explain(oracle, apps.iloc[[0]])
    assert len(calls) == 1
    explain_frame(oracle, apps)
    assert len(calls) == 1 + len(apps)


@pytest.mark.parametrize("disp", [-500.0, 0.0, 100.0, 300.0, 1000.0, 1500.0, 12_345.6])
def test_the_largest_instalment_is_the_inverse_of_the_required_income(disp):
    carry = float(rules.largest_instalment(disp))
    assert carry >= 0
    if carry > 0:
        assert float(rules.required_disposable(carry)) == pytest.approx(disp)
        assert bool(rules.affordable(carry, disp)) and not bool(rules.affordable(carry + 1.0, disp))
    else:
        assert not bool(rules.affordable(np.float64(1.0), disp))
