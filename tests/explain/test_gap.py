import json

import pytest

from explain.helpers import (
    as_row,
    stuck,
)
from xieshang import rules
from xieshang import text as T
from xieshang.explain import (
    explain,
    plan_gap,
)


def test_negative_disposable_income_gets_the_gap_and_the_way_forward_never_options(pool, oracle):
    row = stuck(pool)
    for lang in ("zh", "en"):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and not exp.reached
        # issue 22: no option toward a plan they cannot pay; the report leads with "do not sign"
        assert exp.actions == [] and exp.single_actions == []
        # savings (100,000) repay the whole balance with the reserve kept: said first, then "do not sign"
        assert exp.lead[0].startswith(T.HEADINGS["savings_cover"][lang].split("{")[0])
        assert exp.lead[1] == T.heading("no_affordable_plan", lang) and exp.lead[2] == T.heading("ask_instead", lang)
        assert str(exp).index(exp.lead[1]) < str(exp).index(T.heading("next_steps", lang))
        # the gap, from the rule: longest plan, no fundable down payment (disposable income below zero)
        gap = exp.gap
        assert gap is not None and gap.plan_months == 60 and gap.down_payment_ratio == 0.0
        assert gap.instalment == pytest.approx(float(rules.instalment(40_000.0, 0.0, 60)))
        assert gap.required_disposable == pytest.approx(float(rules.required_disposable(gap.instalment)))
        assert gap.disposable == pytest.approx(-700.0)
        assert gap.shortfall == pytest.approx(gap.required_disposable + 700.0)
        assert gap.lump_sum == pytest.approx(40_000.0)  # nothing is affordable: the whole balance
        assert T.money(gap.shortfall) in str(exp) and gap.text(lang) in exp.lead
        report = str(exp)
        for must in ("12378", "12348", "95188", "中介" if lang == "zh" else "agents", "停息挂账", "110"):
            assert must in report, (lang, must)
        steps = " ".join(exp.next_steps)
        assert ("诊断证明" if lang == "zh" else "diagnosis") in steps  # the proof fits the cause
    d = json.loads(json.dumps(exp.to_dict(), allow_nan=False))
    assert d["gap"]["shortfall"] == pytest.approx(exp.gap.shortfall) and d["next_steps"] == exp.next_steps


def test_the_gap_is_the_rule_in_money(pool):
    seen = 0
    for i in range(200):
        row = as_row(pool.iloc[[i]])
        gap = plan_gap(row)
        disp = float(rules.disposable_income(row["monthly_income"], row["monthly_expenses"], row["other_debt_payments"]))
        size = row["household_size"]  # the living floor grows with a known household
        assert (gap.shortfall == 0) == bool(rules.affordable(gap.instalment, disp, size))
        spendable = float(rules.spendable_savings(row["savings"], row["monthly_expenses"]))  # beyond the reserve
        assert gap.down_payment_ratio * row["outstanding_balance"] <= (spendable if spendable > 0 else 0) + 1e-6 \
            or gap.down_payment_ratio == row["down_payment_ratio"]
        if gap.shortfall > 0:
            seen += 1
            assert rules.affordable(gap.instalment, disp + gap.shortfall + 1e-6, size)
            assert not rules.affordable(gap.instalment, disp + gap.shortfall - 1.0, size)
            rest = row["outstanding_balance"] * (1 - gap.down_payment_ratio) - gap.lump_sum
            assert rest <= 1e-6 or rules.affordable(rest / gap.plan_months, disp, size)
    assert seen > 5
