"""Issue 22: advice for the borrower, not for the score, on generated applicants of every kind and the zoo."""

import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explain.helpers import as_row, rejected
from xieshang import rules
from xieshang import text as T
from xieshang.contract import FEATURE_NAMES
from xieshang.explain import ADVICE_CHECKS, advice_problems, explain, explain_frame, option_space, sum_problems
from xieshang.explain._facts import facts_of
from xieshang.generator import generate

ROOT = Path(__file__).resolve().parents[2]


def kinds(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The same applicants as every kind of borrower the issue names."""
    income = df["monthly_income"]
    return {
        "as_drawn": df,
        "savings_absent": df.drop(columns=["savings"]),
        "savings_zero": df.assign(savings=0.0),
        "savings_unknown": df.assign(savings=np.nan),
        "savings_ample": df.assign(savings=df["outstanding_balance"] * 3 + df["monthly_expenses"] * 6),
        "unemployed": df.assign(hardship_reason=pd.Categorical(["unemployment"] * len(df),
                                                               categories=df["hardship_reason"].cat.categories),
                                monthly_income=np.minimum(income, 200.0)),
        "ill": df.assign(hardship_reason=pd.Categorical(["illness"] * len(df),
                                                        categories=df["hardship_reason"].cat.categories)),
        "heavy_other_debts": df.assign(other_debt_payments=np.round(income * 0.6)),
        "large_household": df.assign(household_size=6.0),
        "proposed_down_payment": df.assign(down_payment_ratio=0.3),
    }


@pytest.fixture(scope="module")
def applicants():
    return generate(400, seed=77)


@pytest.mark.parametrize("kind", list(kinds(generate(2, seed=0))))
def test_no_report_breaks_an_advice_rule(applicants, oracle, kind):
    X = kinds(applicants)[kind]
    statuses = set()
    for lang in ("zh", "en"):
        exps = explain_frame(oracle, X, lang=lang)
        total = sum_problems(exps)
        assert total == dict.fromkeys(ADVICE_CHECKS, 0), {k: v for k, v in total.items() if v}
        statuses |= {e.status for e in exps}
    if kind == "unemployed":  # income of at most 200 RMB: no plan is affordable, whatever the estimate
        assert statuses == {"no_affordable_plan"}
    else:
        assert len(statuses) >= 2  # the kinds do reach different outcomes


def test_the_zoo_worlds_get_sound_advice_too(small_model):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from worlds import WORLDS
    finally:
        sys.path.remove(str(ROOT / "bench"))
    for name, make in WORLDS.items():
        X = make(150, 3)
        for lang in ("zh", "en"):
            total = sum_problems(explain_frame(small_model, X[[c for c in FEATURE_NAMES if c in X]], lang=lang))
            assert total == dict.fromkeys(ADVICE_CHECKS, 0), (name, {k: v for k, v in total.items() if v})


def test_the_chinese_report_of_a_typical_rejected_applicant_fits_a_phone_screen_or_two(small_model):
    X = generate(1500, seed=99)
    rej = X[small_model.predict_proba(X)[:, 1] < 0.6].head(400)
    exps = explain_frame(small_model, rej, lang="zh")
    assert len(exps) >= 200
    assert statistics.median(len(str(e)) for e in exps) <= 700
    assert max(len(e.next_steps) for e in exps) <= 6


# --- the rules of what we never recommend -----------------------------------------------------------


def test_forbidden_changes_name_what_we_never_recommend():
    row = {"monthly_expenses": 2000.0, "penalty_waiver_requested": True, "down_payment_ratio": 0.0,
           "outstanding_balance": 10_000.0, "savings": 8000.0}
    assert set(rules.NEVER_RECOMMEND) == {"monthly_expenses", "penalty_waiver_requested", "down_payment_ratio"}
    assert rules.forbidden_changes(row, {"monthly_expenses": 1800.0}) == ["monthly_expenses"]
    assert rules.forbidden_changes(row, {"penalty_waiver_requested": False}) == ["penalty_waiver_requested"]
    # 8,000 of savings less a reserve of 3 x 2,000: 2,000 may fund a down payment, 10 % of 10,000 = 1,000 fits
    assert rules.forbidden_changes(row, {"down_payment_ratio": 0.1}) == []
    assert rules.forbidden_changes(row, {"down_payment_ratio": 0.3}) == ["down_payment_ratio"]
    assert rules.forbidden_changes({**row, "savings": float("nan")}, {"down_payment_ratio": 0.1}) == ["down_payment_ratio"]
    assert rules.forbidden_changes(row, {"plan_months": 24, "income_proof": True}) == []


def test_savings_keep_an_emergency_reserve():
    assert float(rules.emergency_reserve(2000.0)) == rules.RESERVE_MONTHS * 2000.0
    assert float(rules.spendable_savings(8000.0, 2000.0)) == 8000.0 - rules.RESERVE_MONTHS * 2000.0
    assert float(rules.spendable_savings(1000.0, 2000.0)) == 0.0
    assert np.isnan(rules.spendable_savings(np.nan, 2000.0))


def test_the_living_floor_grows_with_a_known_household():
    assert float(rules.living_floor(None)) == rules.LIVING_FLOOR == float(rules.living_floor(np.nan))
    assert float(rules.living_floor(1)) == rules.LIVING_FLOOR
    assert float(rules.living_floor(4)) == rules.LIVING_FLOOR + 3 * rules.PER_PERSON_FLOOR
    # 600 of 1,200 leaves 600: enough for one person, not for four
    assert bool(rules.affordable(600.0, 1200.0)) and not bool(rules.affordable(600.0, 1200.0, 4))
    assert float(rules.required_disposable(600.0, 4)) == 600.0 + rules.LIVING_FLOOR + 3 * rules.PER_PERSON_FLOOR


def test_a_larger_household_can_make_a_plan_unaffordable(pool, oracle):
    row = as_row(rejected(pool, 1, seed=70))
    row.update(monthly_income=4000.0, monthly_expenses=1500.0, other_debt_payments=0.0, outstanding_balance=12_000.0,
               plan_months=12, down_payment_ratio=0.0, savings=0.0)  # 1,000 a month of 2,500: fine for one
    assert facts_of({**row, "household_size": 1.0}).plan_ok
    assert not facts_of({**row, "household_size": 6.0}).plan_ok  # 2,500 - 1,000 < 300 + 5 x 300
    big = explain(oracle, {**row, "household_size": 6.0}, lang="en")
    inst = [rules.instalment(12_000.0, 0.0, a.changes.get("plan_months", 12)) for a in big.actions]
    assert all(bool(rules.affordable(i, 2500.0, 6.0)) for i in inst)


def test_no_expense_cut_and_no_waiver_withdrawal_is_ever_on_the_menu(pool):
    for seed in range(30):
        row = as_row(rejected(pool, 1, seed=seed))
        row["penalty_waiver_requested"] = True
        menu = option_space(row).menu()
        assert "monthly_expenses" not in menu and "penalty_waiver_requested" not in menu


def test_the_report_without_an_affordable_plan_says_do_not_sign_and_what_to_ask(pool, oracle):
    row = as_row(rejected(pool, 1, seed=71))
    row.update(monthly_income=2500.0, monthly_expenses=1800.0, other_debt_payments=0.0, outstanding_balance=60_000.0,
               savings=0.0, plan_months=12, down_payment_ratio=0.0)
    for lang in ("zh", "en"):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and exp.actions == []
        assert exp.lead[:2] == [T.heading("no_affordable_plan", lang), T.heading("ask_instead", lang)]
        gap = exp.gap.text(lang)
        assert gap in exp.lead and T.money(exp.gap.shortfall) in gap
        assert ("其他债权人" if lang == "zh" else "other debts") not in gap  # there are none
        assert ("只有" if lang == "zh" else "only ") not in gap
        assert T.GAP_TEMPLATES["lump"][lang].split("{")[0] not in gap  # no savings: no lump sum
        assert advice_problems(exp) == dict.fromkeys(ADVICE_CHECKS, 0)


def test_savings_that_repay_the_whole_debt_are_said_first(pool, oracle):
    row = as_row(rejected(pool, 1, seed=72))
    row.update(outstanding_balance=5000.0, monthly_expenses=1000.0, savings=9000.0)  # 9,000 - 3,000 >= 5,000
    exp = explain(oracle, row, lang="zh")
    assert exp.lead[0].startswith("你的存款约9,000元") and "一次还清" in exp.lead[0]
    row["savings"] = 7000.0  # 7,000 - 3,000 < 5,000: the reserve is kept, so no
    assert not any(line.startswith("你的存款") for line in explain(oracle, row, lang="zh").lead)


def test_a_proposed_down_payment_beyond_savings_is_flagged(pool, oracle):
    row = as_row(rejected(pool, 1, seed=73))
    row.update(outstanding_balance=20_000.0, down_payment_ratio=0.2, monthly_expenses=1000.0, savings=2000.0)
    for lang, words in (("zh", "不要为首付借钱"), ("en", "Do not borrow for it")):
        exp = explain(oracle, row, lang=lang)
        assert any(words in n for n in exp.notes) and words in str(exp)
    row["savings"] = 10_000.0  # 10,000 - 3,000 >= 4,000: covered, no flag
    assert not any("不要为首付借钱" in n for n in explain(oracle, row, lang="zh").notes)


def test_heavy_other_debts_are_handled_together(pool, oracle):
    row = as_row(rejected(pool, 1, seed=74))
    row.update(monthly_income=6000.0, other_debt_payments=3500.0)
    for lang in ("zh", "en"):
        steps = explain(oracle, row, lang=lang).next_steps
        assert sum(T.NEXT_STEPS["all_debts"][lang].split("{")[0] in s for s in steps) == 1
    row["other_debt_payments"] = 0.0
    assert not any("其他欠款" in s for s in explain(oracle, row, lang="zh").next_steps)


def test_the_advice_checks_catch_what_they_check(pool, oracle):
    from dataclasses import replace

    from xieshang.explain import Action

    exp = explain(oracle, rejected(pool, 1, seed=75), lang="zh")
    bad = Action({"monthly_expenses": exp.applicant["monthly_expenses"] * 0.8, "penalty_waiver_requested": False},
                 0.005, 3.0, "把支出削减20%,成本 3.0 → 0%", 0.0, affordable=True)
    exp = replace(exp, actions=[bad], next_steps=[*exp.next_steps, "借呗App", "x", "y", "z", "w", "v"])
    problems = advice_problems(exp)
    for check in ("expense_cut", "waiver_withdrawal", "option_at_most_1pct", "jiebei_app", "too_many_next_steps"):
        assert problems[check] >= 1, check
