import numpy as np
import pandas as pd
import pytest

from xieshang import generate
from xieshang.contract import FEATURE_NAMES, LABEL
from xieshang.validation import applicant_frame, validate_frame, validate_labels


@pytest.fixture(scope="module")
def rows():
    return generate(20, seed=5)


def test_clean_frame_passes_in_contract_order_without_extras(rows):
    shuffled = rows[list(reversed(rows.columns))].assign(customer_id=range(len(rows)))
    out = validate_frame(shuffled)
    assert list(out.columns) == list(FEATURE_NAMES)
    pd.testing.assert_frame_equal(out, rows[list(FEATURE_NAMES)])


def test_one_error_lists_every_problem(rows):
    bad = rows.drop(columns=["plan_months", "asset_proof"]).astype({"communication": object})
    bad.loc[0, "credit_score"] = 2000
    bad.loc[1, "communication"] = "rude"
    bad.loc[2, "on_time_ratio"] = np.nan
    bad.loc[3, "monthly_income"] = np.inf
    with pytest.raises(ValueError) as info:
        validate_frame(bad)
    msg = str(info.value)
    assert "5 problems" in msg  # the two missing columns are one problem
    for needle in ("missing column(s): asset_proof, plan_months", "credit_score: expected an integer in [350, 950]",
                   "got out-of-range value(s) 2000", "communication: expected one of", "'rude' at row 1",
                   "on_time_ratio", "NaN at row 2", "monthly_income", "infinite value at row 3"):
        assert needle in msg, needle


@pytest.mark.parametrize("value, fragment", [
    ("abc", "non-numeric value(s) 'abc'"),
    (12.5, "non-integer value(s) 12.5"),
    (-1, "out-of-range value(s) -1"),
    (True, "got booleans"),
])
def test_bad_numbers_are_named(rows, value, fragment):
    bad = rows.head(3).copy()
    bad["plan_months"] = [value, 12, 12] if not isinstance(value, bool) else [True, False, True]
    with pytest.raises(ValueError, match=r"plan_months: expected an integer in \[1, 60\]"):
        validate_frame(bad)
    with pytest.raises(ValueError) as info:
        validate_frame(bad)
    assert fragment in str(info.value)


def test_strings_are_normalised(rows):
    df = rows.head(2).astype(object)
    df.loc[df.index[0], "plan_months"] = " １２ "  # full-width digits, stray spaces
    df.loc[df.index[0], "communication"] = " Proactive "
    df.loc[df.index[0], "income_proof"] = "yes"
    df.loc[df.index[1], "income_proof"] = "否"
    out = validate_frame(df)
    assert out["plan_months"].iloc[0] == 12 and out["plan_months"].dtype == np.int64
    assert out["communication"].iloc[0] == "proactive"
    assert out["income_proof"].tolist() == [True, False]


@pytest.mark.parametrize("bad", ["maybe", 2, None])
def test_bad_booleans(rows, bad):
    df = rows.head(2).astype({"info_verified": object})
    df.loc[df.index[0], "info_verified"] = bad
    with pytest.raises(ValueError, match="info_verified: expected a boolean"):
        validate_frame(df)


@pytest.mark.parametrize("x, match", [
    (pd.DataFrame(), "the frame is empty"),
    ([1, 2, 3], "expected a pandas DataFrame.*got list"),
    (None, "got NoneType"),
])
def test_not_a_frame_or_empty(x, match):
    with pytest.raises(ValueError, match=match):
        validate_frame(x)


def test_duplicated_columns(rows):
    dup = pd.concat([rows.head(2), rows.head(2)[["credit_score"]]], axis=1)
    with pytest.raises(ValueError, match="duplicated column.*credit_score"):
        validate_frame(dup)


def test_labels(rows):
    out = validate_frame(rows, require_label=True)
    assert out[LABEL].tolist() == rows[LABEL].tolist()
    with pytest.raises(ValueError, match="missing label column 'approved'"):
        validate_frame(rows.drop(columns=LABEL), require_label=True)
    with pytest.raises(ValueError, match="approved: expected 0/1, got 2"):
        validate_labels(pd.Series([0, 1, 2]))


def test_applicant_from_dict_series_or_row(rows):
    as_dict = rows.iloc[0][list(FEATURE_NAMES)].to_dict()
    expected = validate_frame(rows.head(1)).reset_index(drop=True)
    pd.testing.assert_frame_equal(applicant_frame(as_dict), expected, check_dtype=True)
    pd.testing.assert_frame_equal(applicant_frame(rows.head(1)).reset_index(drop=True), expected)
    with pytest.raises(ValueError, match="expected exactly one row, got 2"):
        applicant_frame(rows.head(2))
    with pytest.raises(ValueError, match="expected a dict or a one-row DataFrame, got str"):
        applicant_frame("me")
    with pytest.raises(ValueError, match="collection for plan_months"):
        applicant_frame({**as_dict, "plan_months": [12, 24]})
    missing = {k: v for k, v in as_dict.items() if k != "credit_score"}
    with pytest.raises(ValueError, match="missing column.*credit_score"):
        applicant_frame(missing)


def _as_objects(frame):
    """The same cells in object columns: forces the full per-value checks."""
    return frame.astype(object)


def test_fast_path_for_typed_frames_gives_what_the_full_checks_give(rows):
    typed = validate_frame(rows)
    out = validate_frame(typed)  # already in contract dtypes: the fast path
    pd.testing.assert_frame_equal(out, validate_frame(_as_objects(rows)))
    pd.testing.assert_frame_equal(validate_frame(rows[list(reversed(rows.columns))]), out)
    out.loc[out.index[0], "credit_score"] = 351  # the result is the caller's to change, not a view of the input
    assert typed["credit_score"].iloc[0] == rows["credit_score"].iloc[0]


@pytest.mark.parametrize("column, value", [
    ("on_time_ratio", np.nan), ("monthly_income", np.inf), ("outstanding_balance", 1.0),
    ("credit_score", 2000), ("plan_months", 0), ("communication", np.nan),
])
def test_fast_path_words_bad_typed_values_like_the_full_checks(rows, column, value):
    typed = validate_frame(rows)
    typed.loc[typed.index[1], column] = value
    assert typed[column].dtype == validate_frame(rows)[column].dtype  # still the contract dtype
    with pytest.raises(ValueError, match=column) as fast:
        validate_frame(typed)
    with pytest.raises(ValueError) as full:
        validate_frame(_as_objects(typed))
    assert str(fast.value) == str(full.value)
