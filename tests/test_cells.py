"""Tests for xieshang.cells: the one reading of a cell shared by validation and the data check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang import cells
from xieshang.contract import VALUE_LABELS, feature


@pytest.mark.parametrize("v", [None, np.nan, pd.NA, pd.NaT, "", "  ", "NA", "n/a", "NULL", "?", "未知", "缺失", "ＮＡ", "None", "none"])
def test_unknown_markers(v):
    assert cells.is_missing(v)


@pytest.mark.parametrize("v", ["0", 0, "abc", [1], {"a": 1}, "no"])
def test_values_that_are_not_unknown(v):
    assert not cells.is_missing(v)  # collections are wrong, not unknown


def test_normalize_and_booleans():
    assert cells.normalize(" １２ ") == "12"
    assert cells.normalize(5) == 5
    for v in (True, 1, 1.0, "yes", "Y", "是", "有", "1.0", " TRUE "):
        assert cells.to_bool(v) is True, v
    for v in (False, 0, 0.0, "no", "否", "无", "0.0"):
        assert cells.to_bool(v) is False, v
    for v in (2, 0.5, "maybe", None, "2.0"):
        assert cells.to_bool(v) is None, v


def test_codes_decode_each_distinct_spelling_once():
    calls = []

    def decode(v):
        calls.append(v)
        return cells.decode_bool(v)

    col = pd.Series(["是", "否", "是", None, "x", "是", "否"] * 100, dtype=object)
    codes = cells.cell_codes(col, decode)
    assert codes[:7].tolist() == [1, 0, 1, cells.MISSING_CODE, cells.BAD_CODE, 1, 0]
    assert sorted(calls) == sorted(["是", "否", "x"])  # NaN-like cells never reach the decoder
    assert cells.decode_label("") == cells.BAD_CODE  # an unknown label is not a label


def test_a_category_in_either_language():
    f = feature("communication")
    decode = cells.category_decoder(f)
    for i, value in enumerate(f.categories):
        assert decode(value) == i
        for label in VALUE_LABELS[f.name].get(value, ()):
            assert decode(label) == i, label
    assert decode("shouting") == cells.BAD_CODE and decode("") == cells.MISSING_CODE


def test_classify_sorts_every_cell():
    f = feature("plan_months")
    col = pd.Series(["12", "１２", "", "abc", "0", "12.5", 1e9, None, [3]], dtype=object)
    cls, values = cells.classify(f, col)
    assert cls.tolist() == [cells.OK, cells.OK, cells.UNKNOWN, cells.WRONG_TYPE, cells.OUT_OF_RANGE,
                            cells.WRONG_TYPE, cells.OUT_OF_RANGE, cells.UNKNOWN, cells.WRONG_TYPE]
    assert values[:2].tolist() == [12.0, 12.0] and np.isnan(values[2:]).all()
    cat, _ = cells.classify(feature("communication"), pd.Series(["积极主动", "rude", None]))
    assert cat.tolist() == [cells.OK, cells.BAD_CATEGORY, cells.UNKNOWN]


def test_show_value_abridges_huge_and_long_values():
    assert cells.show_value(10**400) == "1.000e+400"
    assert len(cells.show_value("x" * 100)) == 40 and cells.show_value("x" * 100).endswith("…")
    assert cells.show_value(np.int64(3)) == "3"
