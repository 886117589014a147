"""xieshang.text.reasons: one sentence per reason."""

import pytest

from xieshang import text as T
from xieshang.contract import ACTIONABLE_NAMES, COMMUNICATION_LEVELS, FEATURE_NAMES, HARDSHIP_REASONS


def test_every_feature_has_a_reason_and_every_actionable_feature_an_action():
    # savings is never a reason (it only bounds the down payments on offer), nor a waiver request (asking is the
    # borrower's right) nor the household's size: declared, not forgotten
    assert {"savings", "penalty_waiver_requested", "household_size"} == T.NO_REASON
    assert set(T.REASON_TEMPLATES) | T.NO_REASON == set(FEATURE_NAMES) | {"household_size"}
    assert not set(T.REASON_TEMPLATES) & T.NO_REASON
    assert set(T.ACTION_TEMPLATES) == set(ACTIONABLE_NAMES)
    # communication can be raised to every level above the worst
    assert set(T.ACTION_TEMPLATES["communication"]) == set(COMMUNICATION_LEVELS[1:])


def test_reason_sentence_of_the_issue():
    assert T.reason_text("past_overdue_count", 5, 1, "zh") == "过去24个月逾期5次"
    assert T.reason_text("past_overdue_count", 5, 1, "en") == "5 overdue episodes in the last 24 months"


def test_reason_wording_follows_the_plan_rule():
    unaffordable = T.reason_text("plan_months", 6, 24, "en", {"instalment": 3000.0, "disposable": 1000.0, "share": 3.0})
    assert "too little" in unaffordable and "3,000" in unaffordable
    # 900 of 1,000 fits under the income but leaves less than the living buffer: still unaffordable
    tight = T.reason_text("plan_months", 12, 24, "zh", {"instalment": 900.0, "disposable": 1000.0, "share": 0.9})
    assert "留不出生活余地" in tight
    easy = T.reason_text("plan_months", 12, 24, "en", {"instalment": 300.0, "disposable": 3000.0, "share": 0.1})
    assert "takes 10%" in easy


@pytest.mark.parametrize("reason, zh, en", [
    ("unemployment", "失业证明", "unemployment"), ("illness", "诊断证明", "diagnosis"),
    ("income_drop", "工资流水", "payslip"), ("business_failure", "营业执照", "business licence"),
    ("family_emergency", "相关证明", "emergency"), ("other_debts", "贷款合同", "loan contracts"),
])
def test_hardship_proof_is_named_by_its_cause(reason, zh, en):
    applicant = {"hardship_reason": reason, "outstanding_balance": 1000.0, "down_payment_ratio": 0.0, "plan_months": 6}
    assert zh in T.action_step_text("hardship_proof", True, applicant, "zh")
    assert en in T.action_step_text("hardship_proof", True, applicant, "en")
    assert zh in T.reason_text("hardship_proof", False, True, "zh", {"hardship_reason": reason})
    assert en in T.reason_text("hardship_proof", False, True, "en", {"hardship_reason": reason})
    others = [d["zh"] for r, d in T.HARDSHIP_DOCUMENTS.items() if r != reason]
    assert not any(o in T.action_step_text("hardship_proof", True, applicant, "zh") for o in others)


def test_category_names_come_from_the_contract():
    from xieshang.contract import VALUE_LABELS

    for name, labels in VALUE_LABELS.items():
        for value, (zh, en) in labels.items():
            assert T.category_name(name, value, "zh") == zh
            assert T.category_name(name, value, "en") == en
    assert T.category_name("hardship_reason", "no_such", "en") == "no_such"


@pytest.mark.parametrize("reason", HARDSHIP_REASONS)
def test_hardship_reasons_have_readable_names(reason):
    for lang in T.LANGS:
        s = T.reason_text("hardship_reason", reason, "income_drop", lang)
        assert "_" not in s


def test_the_plan_reason_counts_the_household_as_the_plan_rule_does():
    # 1,500 RMB a month from 3,000: affordable for one person, not for six (rules.living_floor grows with a known
    # household); the reason says what the report says of the same plan (it said "burden" for the six).
    ctx = {"instalment": 1500.0, "disposable": 3000.0, "share": 0.5}
    unaffordable = T.reason_text("plan_months", 12, 24, "en", {"instalment": 3000.0, "disposable": 1000.0, "share": 3.0})
    one = T.reason_text("plan_months", 12, 24, "en", ctx)
    six = T.reason_text("plan_months", 12, 24, "en", {**ctx, "household": 6.0})
    assert six != one and six.split("1,500")[1].split("(")[0] == unaffordable.split("3,000")[1].split("(")[0]
    assert T.reason_text("plan_months", 12, 24, "en", {**ctx, "household": float("nan")}) == one  # unknown: as for one
