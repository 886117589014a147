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
    for table in ("NEXT_STEPS", "GAP_TEMPLATES", "DOWN_PAYMENT_NOTES", "HARDSHIP_DOCUMENTS"):
        for key, texts in getattr(T, table).items():
            yield f"{table} {key}", texts


def test_every_feature_has_a_reason_and_every_actionable_feature_an_action():
    # savings is never a reason (it only bounds the down payments on offer), nor a waiver request (asking is the
    # borrower's right) nor the household's size: declared, not forgotten
    assert {"savings", "penalty_waiver_requested", "household_size"} == T.NO_REASON
    assert set(T.REASON_TEMPLATES) | T.NO_REASON == set(FEATURE_NAMES) | {"household_size"}
    assert not set(T.REASON_TEMPLATES) & T.NO_REASON
    assert set(T.ACTION_TEMPLATES) == set(ACTIONABLE_NAMES)
    # communication can be raised to every level above the worst
    assert set(T.ACTION_TEMPLATES["communication"]) == set(COMMUNICATION_LEVELS[1:])


@pytest.mark.parametrize("where, texts", list(_all_texts()))
def test_every_sentence_exists_in_both_languages(where, texts):
    assert set(texts) == set(T.LANGS), where
    words = re.sub(r"\{[^}]*\}", "", texts["en"])
    if re.search(r"[A-Za-z]", words):  # not a pure layout template such as "{text}: {gain}"
        assert CJK.search(texts["zh"]), f"{where}: the zh sentence has no Chinese"
    # English may quote a Chinese term in parentheses (以贷养贷, 我的账单) so the reader recognises it
    assert not CJK.search(re.sub(r"\([^)]*\)", "", texts["en"])), f"{where}: the en sentence has Chinese"


def test_check_lang_rejects_unknown_languages():
    assert T.check_lang("en") == "en"
    for bad in ("fr", "ZH", None, 1):
        with pytest.raises(ValueError, match=r"lang: expected one of 'zh', 'en'"):
            T.check_lang(bad)


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


_WRONG_WAY = re.compile(r"仅逾期|逾期初期|逾期时间较短|only \{v\} days|rarely negotiate|first weeks|wait", re.I)


def test_no_sentence_suggests_that_staying_overdue_helps():
    # every reason template, every heading and every next step: none may say more delinquency helps
    texts = [t for v in T.REASON_TEMPLATES.values() for variant in v.values() for t in variant.values()]
    texts += [t for v in T.HEADINGS.values() for t in v.values()]
    for t in texts:
        assert not _WRONG_WAY.search(t), t
    for variant in T.REASON_TEMPLATES["days_overdue"].values():
        assert "罚息" in variant["zh"] and "联系平台" in variant["zh"]
        assert "penalty interest" in variant["en"] and "contact the lender now" in variant["en"]
    for lang in T.LANGS:  # whatever side of the reference, the sentence says to act now
        assert T.reason_text("days_overdue", 5, 43, lang) == T.reason_text("days_overdue", 5, 1, lang)
    assert "now" in T.next_steps([("overdue", {"days": 3})], "en")[0]
    assert "waiting does not help" in T.next_steps([("overdue", {"days": 3})], "en")[0]
    assert "尽快联系" in T.next_steps([("overdue", {"days": 3})], "zh")[0]


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


def test_asset_proof_only_if_you_have_any_when_savings_are_unknown():
    base = {"outstanding_balance": 1000.0, "down_payment_ratio": 0.0, "plan_months": 6}
    assert "if you have any" in T.action_step_text("asset_proof", True, {**base, "savings": float("nan")}, "en")
    assert "如有资产" in T.action_step_text("asset_proof", True, base, "zh")  # no savings column: unknown
    assert T.action_step_text("asset_proof", True, {**base, "savings": 5000.0}, "en") == "hand in proof of assets"
    assert "如有" in T.reason_text("asset_proof", False, True, "zh", {"has_assets": False})


def test_category_names_come_from_the_contract():
    from xieshang.contract import VALUE_LABELS

    for name, labels in VALUE_LABELS.items():
        for value, (zh, en) in labels.items():
            assert T.category_name(name, value, "zh") == zh
            assert T.category_name(name, value, "en") == en
    assert T.category_name("hardship_reason", "no_such", "en") == "no_such"


def test_disclaimer_and_the_articles_way_forward():
    assert "不构成金融或法律建议" in T.heading("disclaimer", "zh") and "合成数据" in T.heading("disclaimer", "zh")
    en = T.heading("disclaimer", "en")
    assert "not financial or legal advice" in en and "synthetic" in en and "assumptions" in en
    keys = [(k, {"days": 3, "items": "x", "other": "1,000"}) for k in T.NEXT_STEPS]
    for lang in T.LANGS:
        joined = " ".join(T.next_steps(keys, lang)) + T.heading("ask_instead", lang)
        for must in ("12378", "12348", "95188", "110", "代理协商", "停息挂账", "征信", "我的账单"):
            assert must in joined, (lang, must)
    zh = " ".join(T.next_steps(keys, "zh"))
    assert "或类似" in zh and "收费" in zh and "书面" in zh and "金融监管总局" in zh and "支付宝" in zh


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
    assert "10%" in zh and "1,200" in zh and "应急钱不动" in zh
    assert "ask whether" in T.action_step_text("plan_months", 48, applicant, "en")  # beyond 36: an assumption
    assert "ask whether" not in T.action_step_text("plan_months", 24, applicant, "en")
    both = T.action_text({"income_proof": True, "plan_months": 24}, applicant, "zh")
    assert both.count(";") == 1
    assert T.action_text({}, applicant, "en") == T.HEADINGS["no_change"]["en"]


def test_points_and_percent_in_plain_words():
    assert T.percent(0.384) == "38%"
    assert T.points(0.12, "zh") == "约12个百分点"
    assert T.points(0.01, "en") == "about 1 percentage point"
    assert T.points(0.004, "en") == "under 1 percentage point"
    assert T.points(-0.004, "zh") == "-不到1个百分点"
    assert T.change_words(-0.03, "en") == "lowers it by about 3 percentage points"
    assert T.chance(0.384, "zh") == "38%" and T.chance(0.003, "zh") == "不到1%" and T.chance(0.0, "en") == "under 1%"


def test_no_sentence_mentions_costs_or_effort_units():
    texts = [t for table in (T.HEADINGS, T.NEXT_STEPS, T.GAP_TEMPLATES, T.NOTES) for v in table.values() for t in v.values()]
    texts += [t for v in T.ACTION_TEMPLATES.values() for variant in v.values() for t in variant.values()]
    for t in (re.sub(r"\{[^}]*\}", "", t) for t in texts):  # words, not field names
        assert not re.search(r"成本|努力单位|\bcosts?\b|effort unit|\bpts\b|借呗\s*app|银行保险消费者投诉热线|本身", t, re.I), t


def test_the_never_recommended_changes_have_no_sentence():
    # issue 22: no essential-expense cut, no waiver withdrawn (xieshang.rules.NEVER_RECOMMEND)
    assert "monthly_expenses" not in T.ACTION_TEMPLATES and "penalty_waiver_requested" not in T.ACTION_TEMPLATES
