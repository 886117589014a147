"""The Chinese review's code fixes: a plan the borrower cannot keep is never "already" fine; no negative money,
no "100%", the caveat on plans over 36 months wherever one is named, no numbers at the floor."""

import dataclasses
import json
from pathlib import Path

import pytest

from explain.helpers import NanTolerant
from xieshang import rules
from xieshang import text as T
from xieshang.contract import feature
from xieshang.explain import ADVICE_CHECKS, advice_problems, explain
from xieshang.explain import _reasons as reasons_module
from xieshang.explain import _report as report_module
from xieshang.explain._facts import facts_of

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh", "en")
_BASE = json.loads((ROOT / "data" / "examples" / "applicant.json").read_text(encoding="utf-8"))
GOOD = {**_BASE, "days_overdue": 0, "hardship_reason": "illness", "income_proof": True, "bank_statements": True,
        "asset_proof": True, "credit_score": 800, "past_overdue_count": 0, "on_time_ratio": 1.0,
        "communication": "proactive", "months_on_book": 60}
# The review's case: 6 instalments of 10,000 RMB against 6,000 RMB a month left over (the truth: 94 %).
UNAFFORDABLE = {**GOOD, "outstanding_balance": 60_000.0, "plan_months": 6, "monthly_income": 9000.0,
                "monthly_expenses": 3000.0, "other_debt_payments": 0.0, "down_payment_ratio": 0.0, "savings": 0.0}
# The review's other case: a down payment of 18,000 RMB from 5,000 RMB of savings (the truth: over 99 %).
UNFUNDED = {**GOOD, "outstanding_balance": 60_000.0, "down_payment_ratio": 0.3, "plan_months": 12,
            "monthly_income": 12_000.0, "monthly_expenses": 3000.0, "other_debt_payments": 0.0, "savings": 5000.0}
# Income short of expenses and other debts by 4,200 RMB a month.
SHORT = {**_BASE, "monthly_income": 1000.0, "monthly_expenses": 3000.0, "other_debt_payments": 2200.0}
# Everything against them: the estimate is at the floor.
FLOOR = {**_BASE, "days_overdue": 400, "hardship_reason": "none", "hardship_proof": False, "credit_score": 350,
         "past_overdue_count": 20, "on_time_ratio": 0.1, "communication": "evasive", "broken_promises": 10,
         "info_verified": False, "materials_on_time": False, "months_on_book": 1, "expense_statement": False}
NONE = dict.fromkeys(ADVICE_CHECKS, 0)


def problems(exp):
    return {k: v for k, v in advice_problems(exp).items() if v}


@pytest.mark.parametrize("lang", LANGS)
def test_an_unaffordable_request_above_the_target_is_never_already_fine(oracle, lang):
    facts = facts_of(UNAFFORDABLE)
    assert not facts.plan_ok and facts.disposable == 6000.0 and facts.instalment == 10_000.0
    exp = explain(oracle, UNAFFORDABLE, lang=lang)
    assert exp.probability >= exp.target  # the estimate alone would say "nothing needs to change"
    assert exp.status != "already" and T.heading("already", lang) not in str(exp)
    assert exp.lead[0] == T.heading("request_unaffordable", lang, instalment="10,000", disposable="6,000")
    assert exp.actions and all(a.affordable for a in exp.actions)
    for a in exp.actions:  # every option is a plan they can keep
        new = {**UNAFFORDABLE, **a.changes}
        inst = rules.instalment(new["outstanding_balance"], new["down_payment_ratio"], new["plan_months"])
        assert bool(facts.affordable(inst))
    assert problems(exp) == {}
    # the old answer ("already", nothing else said) is counted as a problem
    old = dataclasses.replace(exp, status="already", actions=[], single_actions=[], lead=[], reached=True)
    assert problems(old) == {"already_with_plan_not_kept": 1}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("savings", [5000.0, float("nan")])
def test_a_down_payment_savings_do_not_cover_is_checked_first(oracle, lang, savings):
    app = {**UNFUNDED, "savings": savings}
    facts = facts_of(app)
    assert facts.plan_ok and not facts.down_payment_covered and not facts.plan_kept
    exp = explain(oracle, app, lang=lang)
    assert exp.probability >= exp.target
    assert exp.status == "check_down_payment" and not exp.reached and exp.actions == []
    # 60,000 over 12 months with no down payment: 5,000 a month, which 9,000 a month left over carries
    assert exp.lead == [T.heading("down_payment_first", lang, cash="18,000", months=12, instalment="5,000",
                                  verdict=T.NOTES["ok"][lang])]
    assert problems(exp) == {}
    old = dataclasses.replace(exp, status="already", lead=[], reached=True)
    assert problems(old) == {"already_with_plan_not_kept": 1}


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_down_payment_the_plan_may_need_more_time_or_a_deferral(oracle, lang):
    app = {**UNFUNDED, "monthly_income": 8000.0}  # 5,000 a month left over: 12 x 3,500 fits, 12 x 5,000 does not
    exp = explain(oracle, app, lang=lang)
    assert exp.probability >= exp.target and exp.status == "check_down_payment"
    first = exp.lead[0]
    assert T.NOTES["ok"][lang] in first  # the shortest affordable length with no down payment is named
    months = next(m for m in (12, 18, 24, 36, 48, 60)
                  if bool(rules.affordable(rules.instalment(60_000.0, 0.0, m), 5000.0)))
    assert months == 18
    assert T.heading("down_payment_first", lang, cash="18,000", months=months,
                     instalment=T.money(60_000.0 / months), verdict=T.NOTES["ok"][lang]) == first
    assert problems(exp) == {}


def test_an_affordable_request_with_a_covered_down_payment_is_already_fine(oracle):
    app = {**UNFUNDED, "savings": 40_000.0}  # 40,000 - 9,000 of reserve covers 18,000
    assert facts_of(app).plan_kept
    exp = explain(oracle, app)
    assert exp.status == "already" and exp.reached and exp.lead == [] and problems(exp) == {}


@pytest.mark.parametrize(("lang", "said"), [("zh", "每月入不敷出4,200元"), ("en", "short 4,200 RMB every month")])
def test_a_negative_surplus_is_said_as_a_shortfall(oracle, lang, said):
    exp = explain(oracle, SHORT, lang=lang)
    assert exp.status == "no_affordable_plan" and exp.gap.disposable == -4200.0
    gap = exp.gap.text(lang)
    assert said in gap and "-4,200" not in str(exp)
    plan_reason = next(r for r in exp.reasons if r.feature in ("monthly_income", "plan_months", "monthly_expenses",
                                                               "other_debt_payments", "outstanding_balance"))
    assert said in plan_reason.text and "-" not in plan_reason.text
    assert problems(exp) == {}
    # the old sentence printed the sum raw: the check counts it
    raw = dataclasses.replace(exp, reasons=[dataclasses.replace(plan_reason, text="你现有-4,200元")])
    assert problems(raw) == {"negative_money": 1}


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_reason_never_prints_a_negative_surplus(lang):
    ctx = {"instalment": 859.0, "disposable": -4200.0, "share": float("inf")}
    text = T.reason_text("plan_months", 9, 24, lang, ctx)
    assert "4,200" in text and "-4,200" not in text


@pytest.mark.parametrize(("lang", "top", "bottom"), [("zh", "超过99%", "不到1%"), ("en", "over 99%", "under 1%")])
def test_a_chance_is_capped_at_both_ends(lang, top, bottom):
    assert T.chance(0.999, lang) == top and T.chance(0.995, lang) == top
    assert T.chance(0.994, lang) == "99%" and T.chance(0.5, lang) == "50%"
    assert T.chance(0.001, lang) == bottom


@pytest.mark.parametrize("lang", LANGS)
def test_no_report_says_100_percent(oracle, monkeypatch, lang):
    exp = explain(oracle, {**UNFUNDED, "savings": 40_000.0}, lang=lang)
    assert exp.probability >= 0.995 and "100%" not in str(exp)
    assert T.chance(exp.probability, lang) in str(exp) and problems(exp) == {}
    monkeypatch.setattr(T, "chance", lambda p, lang: T.percent(p))  # the old rounding
    assert problems(exp) == {"hundred_percent": 1}


@pytest.mark.parametrize("lang", LANGS)
def test_the_gap_and_the_unknown_savings_note_carry_the_long_plan_caveat(oracle, lang):
    caveat = T.note("long_plan", lang)
    exp = explain(oracle, SHORT, lang=lang)
    assert exp.gap.plan_months > rules.LONG_PLAN_MONTHS and caveat in exp.gap.text(lang)
    row = {**UNAFFORDABLE, "plan_months": 12, "savings": float("nan"), "monthly_income": 4500.0,
           "outstanding_balance": 40_000.0}  # 1,500 left over: only a down payment over 60 months helps
    exp = explain(oracle, row, lang=lang)
    note = next(n for n in exp.notes if n.startswith(T.NOTES["unknown_savings"][lang].split("{")[0]))
    assert caveat in note
    assert problems(exp) == {}
    bare = dataclasses.replace(exp, notes=[n.replace(caveat, "") for n in exp.notes])
    assert problems(bare) == {"long_plan_without_caveat": 1}


@pytest.mark.parametrize("lang", LANGS)
def test_at_the_floor_reasons_are_named_without_numbers(oracle, monkeypatch, lang):
    exp = explain(oracle, FLOOR, lang=lang)
    assert exp.probability < report_module.FLOOR and exp.reasons
    lines = str(exp).splitlines()
    start = lines.index(T.heading("reasons", lang)) + 1
    shown = lines[start:lines.index("", start)]
    plain = {T.heading("reason_line_plain", lang, i=i, text=r.text) for r in exp.reasons for i in (1, 2, 3)}
    assert shown and set(shown) <= plain
    assert not any(T.points(0.0, lang, signed=False) in line for line in shown)
    assert problems(exp) == {}
    monkeypatch.setattr(report_module, "plain_reason", lambda p, impact: False)  # the old lines
    assert problems(exp)["numbers_at_the_floor"] >= 1


@pytest.mark.parametrize("lang", LANGS)
def test_at_the_floor_unknowns_are_named_without_numbers(oracle, monkeypatch, lang):
    model = NanTolerant(oracle)  # reads a blank as the least favourable value
    exp = explain(model, {**FLOOR, "credit_score": None, "income_proof": None}, lang=lang)
    assert exp.probability < report_module.FLOOR and exp.unknowns
    labels = {u.feature: getattr(feature(u.feature), f"label_{lang}") for u in exp.unknowns}
    assert [u.text for u in exp.unknowns] == [T.heading("unknown_item_plain", lang, label=labels[u.feature])
                                              for u in exp.unknowns]
    assert problems(exp) == {}
    monkeypatch.setattr(reasons_module, "plain_reason", lambda p, impact: False)  # the old items
    assert problems(explain(model, {**FLOOR, "credit_score": None, "income_proof": None}, lang=lang))[
        "numbers_at_the_floor"] >= 1


@pytest.mark.parametrize("lang", LANGS)
def test_with_no_affordable_plan_without_the_down_payment_what_to_ask_and_the_gap_follow(oracle, lang):
    # Half down over 60 months: 500 a month of 800 left over; with no down payment 1,000 a month fits no length.
    app = {**UNFUNDED, "plan_months": 60, "down_payment_ratio": 0.5, "monthly_income": 3800.0, "savings": float("nan")}
    exp = explain(oracle, app, lang=lang)
    assert exp.probability >= exp.target and exp.status == "check_down_payment"
    first, ask, gap = exp.lead
    assert T.NOTES["still"][lang] in first and T.note("long_plan", lang) in first
    assert ask == T.heading("ask_instead", lang)
    assert gap.startswith(T.GAP_TEMPLATES["shortfall"][lang].split("{")[0]) and T.money(500.0) in gap
    assert problems(exp) == {}


# A down payment of 18,000 RMB asked for, from 15,000 RMB of savings of which 9,000 RMB is the reserve: the
# 6,000 RMB beyond it covers 5 % or 10 % of the balance, not 20 % or 30 %. Six instalments are unaffordable.
SHORT_OF_DOWN = {**UNFUNDED, "savings": 15_000.0, "communication": "evasive", "broken_promises": 3,
                 "hardship_proof": False, "plan_months": 6, "monthly_income": 9000.0}


@pytest.mark.parametrize("lang", LANGS)
def test_no_option_counts_on_a_down_payment_savings_do_not_cover(oracle, lang):
    facts = facts_of(SHORT_OF_DOWN)
    assert facts.unfunded([0.3, 0.2]).all() and not facts.unfunded([0.0, 0.05, 0.1]).any()
    exp = explain(oracle, SHORT_OF_DOWN, lang=lang)
    assert exp.actions and exp.status == "reached"
    for a in exp.actions:  # each lowers it to what savings cover, and its instalment is that plan's
        dp = a.changes["down_payment_ratio"]
        assert dp in (0.0, 0.05, 0.1) and a.affordable
        inst = rules.instalment(60_000.0, dp, {**SHORT_OF_DOWN, **a.changes}["plan_months"])
        assert bool(facts.affordable(inst)) and T.money(inst) in a.text
        assert T.action_step_text("down_payment_ratio", dp, SHORT_OF_DOWN, lang) in a.text
    assert problems(exp) == {}
    # the old options kept the 18,000 RMB the borrower does not have: the check counts it
    first = exp.actions[0]
    kept = dataclasses.replace(first, changes={k: v for k, v in first.changes.items() if k != "down_payment_ratio"})
    assert problems(dataclasses.replace(exp, actions=[kept])) == {"option_counts_on_unfunded_down_payment": 1}


@pytest.mark.parametrize(("lang", "words"), [("zh", "申请不付首付"), ("en", "ask for no down payment")])
def test_savings_that_cover_no_down_payment_at_all_ask_for_none(oracle, lang, words):
    app = {**SHORT_OF_DOWN, "savings": 9500.0}  # 500 RMB beyond the reserve: not even 5 % (3,000 RMB)
    exp = explain(oracle, app, lang=lang)
    assert exp.actions and all(a.changes["down_payment_ratio"] == 0.0 for a in exp.actions)
    assert all(words in a.text for a in exp.actions)  # never "0 %" (the zero_percent check below)
    assert problems(exp) == {}


def test_the_gap_counts_only_the_down_payment_savings_cover(oracle):
    # 800 RMB a month left over: 60 instalments of 54,000 (10 % down) do not fit, nor of 42,000 (30 % down)
    app = {**SHORT_OF_DOWN, "monthly_income": 3800.0}
    exp = explain(oracle, app)
    assert exp.status == "no_affordable_plan" and exp.actions == []
    assert exp.gap is not None and exp.gap.down_payment_ratio == 0.1 and exp.gap.down_payment == 6000.0
    assert exp.gap.instalment == rules.instalment(60_000.0, 0.1, exp.gap.plan_months)
    assert problems(exp) == {}


def test_lowering_a_down_payment_savings_do_not_cover_costs_nothing():
    from xieshang.explain import price_changes

    assert price_changes(SHORT_OF_DOWN, {"down_payment_ratio": 0.1}) == 0.0
    covered = {**SHORT_OF_DOWN, "savings": 40_000.0}  # 31,000 beyond the reserve covers 18,000: lowering is no action
    with pytest.raises(ValueError, match=r"down_payment_ratio: 0\.3 -> 0\.1 is not an action of the contract"):
        price_changes(covered, {"down_payment_ratio": 0.1})


@pytest.mark.parametrize("lang", LANGS)
def test_every_option_lowers_an_unfunded_down_payment_to_the_most_savings_cover(oracle, lang):
    # 6,000 RMB beyond the reserve covers 5 % or 10 % of 60,000: every option asks for 10 %, never less. A smaller
    # one is never more affordable nor (the contract's direction) more likely approved: offered too, the options
    # only repeated the same steps with less down ("... 10 %", "... 5 %", "... no down payment").
    app = {**SHORT_OF_DOWN, "plan_months": 36, "info_verified": False}  # 36 instalments are affordable as asked
    exp = explain(oracle, app, lang=lang)
    assert len(exp.actions) >= 2 and exp.status == "reached"
    assert all(a.changes["down_payment_ratio"] == 0.1 for a in exp.actions)
    others = [frozenset(k for k in a.changes if k != "down_payment_ratio") for a in exp.actions]
    assert len(set(others)) == len(others)  # each option a different set of steps
    assert problems(exp) == {}


def test_price_changes_lowers_an_unfunded_down_payment_only_as_explain_does():
    from xieshang.explain import price_changes

    assert price_changes(SHORT_OF_DOWN, {"down_payment_ratio": 0.1}) == 0.0  # the most 6,000 RMB covers
    with pytest.raises(ValueError, match=r"down_payment_ratio: 0\.3 -> 0\.05 is not an action of the contract"):
        price_changes(SHORT_OF_DOWN, {"down_payment_ratio": 0.05})
