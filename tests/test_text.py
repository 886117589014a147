import re

import pytest

from xieshang import text as T
from xieshang.contract import ACTIONABLE_NAMES, COMMUNICATION_LEVELS, FEATURE_NAMES, HARDSHIP_REASONS

CJK = re.compile(r"[\u4e00-\u9fff]")


def _all_texts():
    for name, variants in T.REASON_TEMPLATES.items():
        for key, texts in variants.items():
            yield f"reason {name}/{key}", texts
    for name, variants in T.ACTION_TEMPLATES.items():
        for key, texts in variants.items():
            yield f"action {name}/{key}", texts
    for key, texts in T.HEADINGS.items():
        yield f"heading {key}", texts


def test_every_feature_has_a_reason_and_every_actionable_feature_an_action():
    assert set(T.REASON_TEMPLATES) == set(FEATURE_NAMES)
    assert set(T.ACTION_TEMPLATES) == set(ACTIONABLE_NAMES)
    # communication can be raised to every level above the worst
    assert set(T.ACTION_TEMPLATES["communication"]) == set(COMMUNICATION_LEVELS[1:])


@pytest.mark.parametrize("where, texts", list(_all_texts()))
def test_every_sentence_exists_in_both_languages(where, texts):
    assert set(texts) == set(T.LANGS), where
    words = re.sub(r"\{[^}]*\}", "", texts["en"])
    if re.search(r"[A-Za-z]", words):  # not a pure layout template such as "{text}: {gain}"
        assert CJK.search(texts["zh"]), f"{where}: the zh sentence has no Chinese"
    assert not CJK.search(texts["en"]), f"{where}: the en sentence has Chinese"


def test_check_lang_rejects_unknown_languages():
    assert T.check_lang("en") == "en"
    for bad in ("fr", "ZH", None, 1):
        with pytest.raises(ValueError, match=r"lang: expected one of 'zh', 'en'"):
            T.check_lang(bad)


def test_reason_sentence_of_the_issue():
    assert T.reason_text("past_overdue_count", 5, 1, "zh") == "过去24个月逾期5次"
    assert T.reason_text("past_overdue_count", 5, 1, "en") == "5 overdue episodes in the last 24 months"


def test_reason_wording_follows_the_side_of_the_reference():
    # few days overdue is held against the borrower for another reason than many days
    early = T.reason_text("days_overdue", 5, 43, "en")
    late = T.reason_text("days_overdue", 400, 43, "en")
    assert "only 5 days" in early and "long delinquency" in late
    unaffordable = T.reason_text("plan_months", 6, 24, "en", {"instalment": 3000.0, "disposable": 1000.0, "share": 3.0})
    assert "exceeds disposable income" in unaffordable and "3,000" in unaffordable


@pytest.mark.parametrize("reason", HARDSHIP_REASONS)
def test_hardship_reasons_have_readable_names(reason):
    for lang in T.LANGS:
        s = T.reason_text("hardship_reason", reason, "income_drop", lang)
        assert "_" not in s


def test_action_sentences_show_the_numbers():
    applicant = {"outstanding_balance": 12_000.0, "down_payment_ratio": 0.0, "plan_months": 12,
                 "monthly_expenses": 3000.0}
    assert "600" in T.action_step_text("plan_months", 20, applicant, "en")  # 12,000 / 20
    zh = T.action_step_text("down_payment_ratio", 0.1, applicant, "zh")
    assert "10%" in zh and "1,200" in zh
    cut = T.action_step_text("monthly_expenses", 2400.0, applicant, "en")
    assert "20%" in cut and "2,400" in cut
    both = T.action_text({"income_proof": True, "plan_months": 24}, applicant, "zh")
    assert both.count(";") == 1
    assert T.action_text({}, applicant, "en") == T.HEADINGS["no_change"]["en"]


def test_points_and_percent():
    assert T.percent(0.384) == "38%"
    assert T.points(0.12, "zh") == "+12个百分点"
    assert T.points(-0.004, "en") == "-0.4 pts"


def test_cost_note_quotes_the_contract():
    from xieshang.contract import feature

    terms = T.cost_terms()
    assert terms["doc"] == feature("income_proof").action.cost
    assert terms["dp_unit"] == feature("down_payment_ratio").action.unit_cost
    for lang in ("zh", "en"):
        note = T.heading("cost_note", lang, **terms)
        assert f"{terms['plan']:g}" in note and f"{terms['cut_unit']:g}" in note
