"""Tests for xieshang.headers: a column or value in either language, read from the contract."""

from __future__ import annotations

import pandas as pd
import pytest

from xieshang.contract import FEATURES, LABEL, VALUE_LABELS, feature
from xieshang.headers import canonical_name, column_mapping, header_key, rename_columns, value_aliases


def test_header_key_ignores_case_width_spaces_and_underscores():
    assert header_key(" Monthly_Income ") == header_key("monthlyincome") == header_key("ＭＯＮＴＨＬＹ ＩＮＣＯＭＥ")
    assert header_key(" 月收入 ") == "月收入"


@pytest.mark.parametrize("f", FEATURES, ids=lambda f: f.name)
def test_every_column_is_found_by_its_name_and_both_labels(f):
    for header in (f.name, f.label_zh, f.label_en, f.label_en.upper(), f" {f.name} "):
        assert canonical_name(header) == f.name, header


def test_headers_outside_the_contract_pass_through():
    assert canonical_name("customer id") is None
    assert canonical_name(3) is None  # only strings can match
    df = pd.DataFrame({"月收入": [1], "客户编号": ["a"], "credit_score": [600]})
    out = rename_columns(df)
    assert list(out.columns) == ["monthly_income", "客户编号", "credit_score"]
    assert out["客户编号"].tolist() == ["a"]
    assert column_mapping(["credit_score", "monthly_income"]) == {}  # exact names need no renaming
    ready = pd.DataFrame({"credit_score": [600]})
    assert rename_columns(ready) is ready


def test_two_headers_for_one_column_are_named_together():
    with pytest.raises(ValueError, match=r"'月收入' and 'Monthly Income' both mean 'monthly_income'"):
        column_mapping(["月收入", "Monthly Income"])


def test_the_label_is_found_in_both_languages():
    assert canonical_name(LABEL) == LABEL
    assert canonical_name("是否同意") == LABEL


def test_category_values_in_either_language():
    f = feature("hardship_reason")
    aliases = value_aliases(f.name, f.categories)
    for value in f.categories:
        assert aliases[header_key(value)] == value
        for label in VALUE_LABELS[f.name].get(value, ()):
            assert aliases[header_key(label)] == value, label


def test_a_former_label_still_names_its_column():
    from xieshang.contract import FORMER_LABELS

    assert feature("savings").label_zh not in FORMER_LABELS["savings"]  # the label did change
    for name, former in FORMER_LABELS.items():
        for label in former:
            assert canonical_name(label) == name, label
            assert column_mapping([label, "月收入"])[label] == name
