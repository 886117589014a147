import json

import numpy as np
import pandas as pd
import pytest

from explain.helpers import (
    NanTolerant,
    apply,
    as_row,
    rejected,
)
from xieshang.contract import ACTIONABLE_NAMES
from xieshang.explain import (
    explain,
    explain_frame,
    option_space,
    reference_values,
)
from xieshang.generator import true_probability


def test_each_reason_impact_is_the_gain_of_moving_that_feature_to_its_reference(pool, oracle):
    app = rejected(pool, 1, seed=2)
    exp = explain(oracle, app, lang="zh")
    base = true_probability(app)[0]
    for r in exp.reasons:
        moved = apply(app, {r.feature: r.reference})
        assert r.impact == pytest.approx(true_probability(moved)[0] - base)
        assert r.value == as_row(app)[r.feature]


def test_the_issue_example_reason(pool, oracle):
    row = as_row(rejected(pool, 1, seed=3))
    row.update(past_overdue_count=5, broken_promises=0, info_verified=True, monthly_income=9000.0,
               monthly_expenses=3000.0, other_debt_payments=0.0)
    zh = explain(oracle, row, lang="zh")
    en = explain(oracle, row, lang="en")
    assert "过去24个月逾期5次" in [r.text for r in zh.reasons]
    assert "5 overdue episodes in the last 24 months" in [r.text for r in en.reasons]


def test_reasons_may_name_non_actionable_factors(pool, oracle):
    exps = [explain(oracle, rejected(pool, 1, seed=s)) for s in range(10)]
    names = {r.feature for e in exps for r in e.reasons}
    assert names - set(ACTIONABLE_NAMES), "no non-actionable factor ever named"
    for e in exps:
        for r in e.reasons:
            assert r.actionable == (r.feature in ACTIONABLE_NAMES)


def test_reasons_at_the_clip_floor_still_name_what_holds_the_probability_down(pool, oracle):
    from xieshang.generator import true_logit

    class Clipped:  # a model whose probabilities stop at 0.1 %, with unclipped scores
        reference_values_ = reference_values()  # what the reasons compare with

        def predict_proba(self, X):
            p = np.clip(true_probability(X), 0.001, 0.999)
            return np.column_stack([1 - p, p])

        def decision_function(self, X):
            return true_logit(X)

    row = as_row(rejected(pool, 1, seed=56))
    row.update(past_overdue_count=17, info_verified=False, broken_promises=8, credit_score=400, on_time_ratio=0.3,
               communication="evasive", monthly_income=0.0)
    for lang, nothing in (("en", "Nothing in particular"), ("zh", "没有明显拉低概率的因素")):
        exp = explain(Clipped(), row, lang=lang)
        assert exp.probability == pytest.approx(0.001)
        names = {r.feature for r in exp.reasons}
        assert names and nothing not in str(exp)
        assert names & {"past_overdue_count", "info_verified", "broken_promises", "credit_score"}


def test_reasons_of_a_trained_model_at_its_floor(pool, small_model):
    row = as_row(rejected(pool, 1, seed=57))
    row.update(past_overdue_count=17, info_verified=False, broken_promises=10, credit_score=360, on_time_ratio=0.1,
               communication="evasive", monthly_income=0.0, days_overdue=400)
    exp = explain(small_model, row, lang="en")
    assert exp.reasons and "Nothing in particular" not in str(exp)


def test_no_reason_or_step_suggests_staying_overdue(pool, oracle):
    row = as_row(rejected(pool, 1, seed=58))
    row.update(days_overdue=2)  # early: the generator's lenders prefer to wait, we never say so
    exp = explain(oracle, row, lang="en")
    assert "days_overdue" not in {r.feature for r in exp.reasons}
    assert any("2 days overdue" in s and "now" in s for s in exp.next_steps)
    for e in explain_frame(oracle, rejected(pool, 40, seed=59)):
        for r in e.reasons:
            if r.feature == "days_overdue":
                assert (r.value > r.reference and "penalty interest" in r.text) or "罚息" in r.text


def test_the_unknowns_that_matter_most_are_named(pool, oracle):
    nan = float("nan")
    row = as_row(rejected(pool, 1, seed=54))
    row.update(credit_score=nan, on_time_ratio=nan, income_proof=nan, savings=nan)
    model = NanTolerant(oracle)
    for lang, needle in (("zh", "未填信息中影响最大的"), ("en", "Of the unknown values, these matter most")):
        exp = explain(model, row, lang=lang)
        assert exp.unknowns and len(exp.unknowns) <= 3
        assert {u.feature for u in exp.unknowns} <= {"credit_score", "on_time_ratio", "income_proof"}
        assert all(u.impact > 0 for u in exp.unknowns)  # the filler takes the worst value: knowing helps
        assert needle in str(exp)
        assert json.loads(json.dumps(exp.to_dict()))["unknowns"][0]["feature"] == exp.unknowns[0].feature
    known = as_row(rejected(pool, 1, seed=54))
    assert explain(model, known, lang="en").unknowns == []


def test_unknown_values_are_carried_through(pool, oracle):
    nan = float("nan")
    row = as_row(rejected(pool, 1, seed=54))
    row.update(credit_score=nan, communication=None, info_verified=nan, asset_proof=None, days_overdue=nan,
               hardship_proof=nan, savings=nan, hardship_reason="income_drop")
    model = NanTolerant(oracle)
    for lang in ("zh", "en"):
        exp = explain(model, row, lang=lang)
        unknown = {"credit_score", "communication", "info_verified", "asset_proof", "days_overdue", "hardship_proof"}
        assert not {r.feature for r in exp.reasons} & unknown  # an unknown value is never held against anyone
        d = json.loads(json.dumps(exp.to_dict(), allow_nan=False))  # strict JSON: unknown is null
        assert d["applicant"]["credit_score"] is None and d["applicant"]["communication"] is None
        changes = {k for a in exp.actions + exp.single_actions for k in a.changes}
        assert "down_payment_ratio" not in changes  # savings unknown
        steps = " ".join(exp.next_steps)
        assert ("资产证明\uff08如有\uff09" if lang == "zh" else "asset proof (if you have any)") in steps
        assert ("工资流水" if lang == "zh" else "payslip") in steps
        # days overdue unknown: no step quotes a number of days
        assert ("天:每多逾期一天" not in steps) if lang == "zh" else ("days overdue:" not in steps)
        # an unknown document can still be handed in; unknown contact can still be made proactive
        space = option_space(exp.applicant)
        names = {dd.name for dd in space.dims}
        assert {"info_verified", "asset_proof", "hardship_proof", "communication"} <= names
    batch = explain_frame(model, pd.DataFrame([row, as_row(rejected(pool, 1, seed=55))]), lang="en")
    assert batch[0].to_dict()["actions"] == explain(model, row, lang="en").to_dict()["actions"]
