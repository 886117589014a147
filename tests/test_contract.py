import pytest

from xieshang import contract
from xieshang.contract import FEATURE_NAMES, FEATURES, feature


def test_names_are_unique_and_complete():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES) == len(FEATURES)
    kinds = {*contract.NUMERIC_NAMES, *contract.BOOL_NAMES, *contract.CATEGORY_NAMES}
    assert kinds == set(FEATURE_NAMES)


@pytest.mark.parametrize("f", FEATURES, ids=lambda f: f.name)
def test_every_feature_is_fully_described(f):
    assert f.label_zh and f.label_en and f.factor_zh and f.factor_en
    assert f.direction in (-1, 0, 1)
    if f.is_numeric:
        assert f.low is not None and f.high is not None and f.low < f.high
    if f.kind == "category":
        assert len(f.categories) >= 2 and len(set(f.categories)) == len(f.categories)
    if f.action is not None:
        assert f.action.cost >= 0 and f.action.unit_cost >= 0
        if f.action.kind in ("choose", "scale"):
            assert f.action.values, "a choice needs options"
            if f.action.kind == "choose":
                assert all(f.low <= v <= f.high for v in f.action.values)
            else:
                assert all(0 < v < 1 for v in f.action.values)


def test_history_and_circumstances_are_not_actionable():
    # The issue: history, score, income, other debts, balance, days overdue and the hardship are not actions.
    fixed = {"past_overdue_count", "on_time_ratio", "broken_promises", "months_on_book", "credit_score",
             "monthly_income", "other_debt_payments", "outstanding_balance", "days_overdue", "hardship_reason"}
    assert fixed.isdisjoint(contract.ACTIONABLE_NAMES)
    assert feature("hardship_proof").action.requires == "has_hardship"


def test_essential_expenses_and_a_waiver_request_are_never_actions():
    # issue 22 (xieshang.rules.NEVER_RECOMMEND): no essential-expense cut, no waiver withdrawn
    assert feature("monthly_expenses").action is None and feature("penalty_waiver_requested").action is None
    assert feature("household_size").action is None and not feature("household_size").required


def test_unknown_feature_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown feature 'salary'; expected one of"):
        feature("salary")


def test_expected_describes_the_allowed_values():
    assert feature("credit_score").expected() == "an integer in [350, 950]"
    assert "'proactive'" in feature("communication").expected()
    assert "boolean" in feature("income_proof").expected()


def test_documents_are_explicit_cheap_boolean_actions():
    assert set(contract.DOCUMENT_NAMES) == {"hardship_proof", "income_proof", "bank_statements", "asset_proof",
                                            "expense_statement"}
    for name in contract.DOCUMENT_NAMES:
        f = feature(name)
        assert f.kind == "bool" and f.direction == 1 and f.action.kind == "set_true"
