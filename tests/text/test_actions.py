"""xieshang.text.actions: one sentence per change, joined per option."""


from xieshang import text as T


def test_asset_proof_only_if_you_have_any_when_savings_are_unknown():
    base = {"outstanding_balance": 1000.0, "down_payment_ratio": 0.0, "plan_months": 6}
    assert "if you have any" in T.action_step_text("asset_proof", True, {**base, "savings": float("nan")}, "en")
    assert "如有资产" in T.action_step_text("asset_proof", True, base, "zh")  # no savings column: unknown
    assert T.action_step_text("asset_proof", True, {**base, "savings": 5000.0}, "en") == "hand in proof of assets"
    assert "如有" in T.reason_text("asset_proof", False, True, "zh", {"has_assets": False})


def test_action_sentences_show_the_numbers():
    applicant = {"outstanding_balance": 12_000.0, "down_payment_ratio": 0.0, "plan_months": 12,
                 "monthly_expenses": 3000.0}
    assert "600" in T.action_step_text("plan_months", 20, applicant, "en")  # 12,000 / 20
    zh = T.action_step_text("down_payment_ratio", 0.1, applicant, "zh")
    assert "10%" in zh and "1,200" in zh and "应急钱不动" in zh
    assert "ask whether" in T.action_step_text("plan_months", 48, applicant, "en")  # beyond 36: an assumption
    assert "ask whether" not in T.action_step_text("plan_months", 24, applicant, "en")
    both = T.action_text({"income_proof": True, "plan_months": 24}, applicant, "zh")
    assert both.count("；") == 1 and ";" not in both  # a Chinese list: full-width
    assert T.action_text({}, applicant, "en") == T.HEADINGS["no_change"]["en"]


def test_the_never_recommended_changes_have_no_sentence():
    # issue 22: no essential-expense cut, no waiver withdrawn (xieshang.rules.NEVER_RECOMMEND)
    assert "monthly_expenses" not in T.ACTION_TEMPLATES and "penalty_waiver_requested" not in T.ACTION_TEMPLATES


def test_a_down_payment_raised_from_one_asked_for_states_all_of_it():
    # 5 % of 60,000 asked for, 10 % offered: "pay 10 % of the balance (about 6,000 RMB)", not the 3,000 RMB added,
    # which read as 10 % of the balance; savings must cover the whole 6,000 (xieshang.rules.forbidden_changes).
    applicant = {"outstanding_balance": 60_000.0, "down_payment_ratio": 0.05, "plan_months": 12}
    for lang in ("zh", "en"):
        text = T.action_step_text("down_payment_ratio", 0.1, applicant, lang)
        assert "10%" in text and T.money(6000.0) in text and T.money(3000.0) not in text
        lowered = T.action_step_text("down_payment_ratio", 0.1, {**applicant, "down_payment_ratio": 0.3}, lang)
        assert T.money(6000.0) in lowered and lowered != text
