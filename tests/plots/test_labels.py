"""Tests for xieshang.plots.labels and the figure wording in xieshang.text."""

from __future__ import annotations

import pytest

from xieshang import plots, text
from xieshang.contract import HARDSHIP_REASONS


def test_every_plot_string_exists_in_both_languages():
    assert set(plots.TEXT["zh"]) == set(plots.TEXT["en"])
    for key, en in plots.TEXT["en"].items():
        assert plots.TEXT["zh"][key] != en or "{" in en


def test_category_names_agree_with_the_explanations():
    for reason in HARDSHIP_REASONS:
        assert plots.value_label("hardship_reason", reason, "zh") == text.category_name(
            "hardship_reason", reason, "zh")


@pytest.mark.parametrize(("name", "value", "lang", "shown"), [
    ("down_payment_ratio", 0.2, "en", "20%"),
    ("income_proof", True, "zh", "是"),
    ("income_proof", False, "en", "no"),
    ("communication", "proactive", "zh", "积极主动"),
    ("monthly_income", 12345.6, "zh", "12,346元"),
    ("plan_months", 36.0, "en", "36"),
])
def test_value_label(name, value, lang, shown):
    assert plots.value_label(name, value, lang) == shown
