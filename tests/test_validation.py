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
    bad.loc[2, "monthly_expenses"] = np.nan  # may not be blank (on_time_ratio may: see below)
    bad.loc[3, "monthly_income"] = np.inf
    with pytest.raises(ValueError) as info:
        validate_frame(bad)
    msg = str(info.value)
    assert "5 problems" in msg  # the two missing columns are one problem
    for needle in ("missing column(s): asset_proof, plan_months", "credit_score: expected an integer in [350, 950]",
                   "got out-of-range value(s) 2000", "communication: expected one of", "'rude' at row 1",
                   "monthly_expenses", "missing/NaN at row 2", "may not be blank", "monthly_income",
                   "infinite value at row 3"):
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


@pytest.mark.parametrize("bad", ["maybe", 2, 0.5])
def test_bad_booleans(rows, bad):
    df = rows.head(2).astype({"info_verified": object})
    df.loc[df.index[0], "info_verified"] = bad
    with pytest.raises(ValueError, match="info_verified: expected a boolean"):
        validate_frame(df)


def test_a_blank_boolean_is_an_error_where_the_contract_needs_it(rows):
    df = rows.head(2).astype({"penalty_waiver_requested": object})
    df.loc[df.index[0], "penalty_waiver_requested"] = None
    with pytest.raises(ValueError, match=r"penalty_waiver_requested: expected a boolean.*missing/NaN at row 0"):
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
    with pytest.raises(ValueError, match=r"duplicated column.*credit_score"):
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
    missing = {k: v for k, v in as_dict.items() if k != "monthly_income"}
    with pytest.raises(ValueError, match=r"missing column.*monthly_income"):
        applicant_frame(missing)


def test_applicant_may_leave_out_what_may_be_unknown(rows):
    from xieshang.contract import MISSING_OK_NAMES

    full = rows.iloc[0][list(FEATURE_NAMES)].to_dict()
    short = {k: v for k, v in full.items() if k not in MISSING_OK_NAMES}
    out = applicant_frame(short)
    assert out[list(MISSING_OK_NAMES)].isna().all(axis=None)
    explicit = applicant_frame({**short, **dict.fromkeys(MISSING_OK_NAMES)})
    pd.testing.assert_frame_equal(out, explicit)
    # The label and the generator's truth are known columns: ignored, not refused.
    pd.testing.assert_frame_equal(applicant_frame({**full, LABEL: 1, "true_probability": 0.5}), applicant_frame(full))


def test_unknown_key_names_the_closest_field_with_the_other_problems(rows):
    full = rows.iloc[0][list(FEATURE_NAMES)].to_dict()
    typo = {("credit_scor" if k == "credit_score" else k): v for k, v in full.items()}
    with pytest.raises(ValueError, match=r"credit_scor: not a field of the contract; did you mean credit_score\?"):
        applicant_frame(typo)
    with pytest.raises(ValueError, match=r"(?s)信用: .*did you mean credit_score\?.*plan_months: expected an integer"):
        applicant_frame({**full, "信用": 600, "plan_months": 0})
    with pytest.raises(ValueError, match=r"customer_id: not a field of the contract; expected one of outstanding_bal"):
        applicant_frame({**full, "customer_id": 7})


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
    ("monthly_expenses", np.nan), ("monthly_income", np.inf), ("outstanding_balance", 1.0),
    ("credit_score", 2000), ("plan_months", 0), ("hardship_reason", np.nan), ("on_time_ratio", np.inf),
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


# -- unknown values (missing_ok columns) ------------------------------------------------------

from xieshang.contract import FEATURES, MISSING_OK_NAMES, OPTIONAL_NAMES, feature  # noqa: E402


@pytest.mark.parametrize("blank", [np.nan, None, pd.NA, "", "  ", "NA", "n/a", "null", "未知", "ＮＡ", "unknown"])
@pytest.mark.parametrize("column", ["on_time_ratio", "credit_score", "info_verified", "communication"])
def test_unknown_in_a_missing_ok_column_stays_unknown(rows, column, blank):
    df = rows.head(3).astype({column: object})
    df.loc[df.index[1], column] = blank
    out = validate_frame(df)
    assert out[column].isna().tolist() == [False, True, False]
    kind = feature(column).kind
    if kind in ("int", "bool"):  # the known values survive, as float
        assert out[column].dtype == np.float64
        assert out[column].iloc[0] == float(rows[column].iloc[0])
    elif kind == "category":
        assert list(out[column].cat.categories) == list(feature(column).categories)
    others = [n for n in FEATURE_NAMES if n != column]
    pd.testing.assert_frame_equal(out[others], validate_frame(rows.head(3))[others])


def test_which_columns_may_be_blank():
    """The plan's terms and the money columns may not; the history, documents and attitude may."""
    assert {"credit_score", "on_time_ratio", "communication", "income_proof", "savings"} <= set(MISSING_OK_NAMES)
    for name in ("outstanding_balance", "monthly_income", "monthly_expenses", "plan_months",
                 "down_payment_ratio", "hardship_reason", "penalty_waiver_requested"):
        assert name not in MISSING_OK_NAMES
    assert OPTIONAL_NAMES == ("savings", "household_size")


def test_an_absent_optional_column_is_unknown_everywhere(rows):
    out = validate_frame(rows.drop(columns="savings"))
    assert out["savings"].isna().all() and list(out.columns) == list(FEATURE_NAMES)


@pytest.mark.parametrize("column, value, fragment", [
    ("credit_score", 2000, "out-of-range value(s) 2000"), ("credit_score", "high", "non-numeric value(s) 'high'"),
    ("communication", "rude", "got 'rude'"), ("info_verified", "maybe", "got 'maybe'"),
    ("on_time_ratio", "1.5", "out-of-range value(s) 1.5"),
])
def test_bad_values_in_a_missing_ok_column_are_still_errors(rows, column, value, fragment):
    df = rows.head(3).astype({column: object})
    df.loc[df.index[0], column] = np.nan
    df.loc[df.index[2], column] = value
    with pytest.raises(ValueError) as info:
        validate_frame(df)
    msg = str(info.value)
    assert f"{column}: expected" in msg and fragment in msg and "row 2" in msg and "1 problem)" in msg


def test_fast_path_with_unknowns_gives_what_the_full_checks_give(rows):
    df = rows.astype({n: object for n in MISSING_OK_NAMES})
    for i, name in enumerate(n for n in MISSING_OK_NAMES):
        df.loc[df.index[i % len(df)], name] = None
    typed = validate_frame(df)
    assert typed["credit_score"].dtype == np.float64 and typed["info_verified"].dtype == np.float64
    pd.testing.assert_frame_equal(validate_frame(typed), typed)  # the typed frame takes the fast path
    pd.testing.assert_frame_equal(validate_frame(_as_objects(typed)), typed)


def test_text_columns_as_read_from_a_csv(rows):
    """Every cell a string (a CSV read as text): numbers, blanks and odd spellings, same answer as typed."""
    text = rows.astype(str).astype(object)
    text.loc[text.index[0], "credit_score"] = ""
    text.loc[text.index[1], "credit_score"] = " ７００ "
    text.loc[text.index[2], "income_proof"] = "是"
    text.loc[text.index[3], "communication"] = "积极主动"
    out = validate_frame(text.astype("str"))
    expected = validate_frame(rows)
    assert np.isnan(out["credit_score"].iloc[0]) and out["credit_score"].iloc[1] == 700
    assert out["income_proof"].iloc[2] == True  # noqa: E712 - a bool
    assert out["communication"].iloc[3] == "proactive"
    same = [n for n in FEATURE_NAMES if n not in ("credit_score", "income_proof", "communication")]
    pd.testing.assert_frame_equal(out[same], expected[same], check_exact=False)


# -- headers and values in either language ----------------------------------------------------


def test_chinese_and_english_headers_in_any_form(rows):
    from xieshang.contract import COLUMN_LABELS

    renamed = {}
    for i, f in enumerate(FEATURES):
        renamed[f.name] = [f.label_zh, f.label_en.upper(), f"  {f.name.replace('_', ' ')} ",
                           f.label_zh.replace("(", "（").replace(")", "）")][i % 4]
    renamed[LABEL] = COLUMN_LABELS[LABEL][0]
    df = rows.rename(columns=renamed)
    out = validate_frame(df, require_label=True)
    pd.testing.assert_frame_equal(out, validate_frame(rows, require_label=True))


def test_short_labels_without_the_bracketed_part(rows):
    df = rows.rename(columns={"months_on_book": "借款账龄", "hardship_proof": "Hardship Proof",
                              "past_overdue_count": "overdue episodes"})
    pd.testing.assert_frame_equal(validate_frame(df), validate_frame(rows))


def test_two_headers_for_one_column_are_named(rows):
    df = rows.assign(**{"信用分": rows["credit_score"], "Monthly Income": rows["monthly_income"]})
    with pytest.raises(ValueError) as info:
        validate_frame(df)
    msg = str(info.value)
    assert "'credit_score' and '信用分' both mean 'credit_score'" in msg
    assert "'monthly_income' and 'Monthly Income' both mean 'monthly_income'" in msg


def test_unknown_headers_pass_and_problems_name_the_header_as_written(rows):
    df = rows.rename(columns={"credit_score": "信用分"}).assign(客户编号="x")
    df.loc[df.index[0], "信用分"] = 10
    with pytest.raises(ValueError, match=r"credit_score \(column '信用分'\): expected an integer in \[350, 950\]"):
        validate_frame(df)
    with pytest.raises(ValueError, match=r"missing column\(s\): plan_months\n.*plan_months = 申请分期期数"):
        validate_frame(rows.drop(columns="plan_months"))


@pytest.mark.parametrize("column, spelling, value", [
    ("hardship_reason", "失业", "unemployment"), ("hardship_reason", "A Drop in Income", "income_drop"),
    ("hardship_reason", "income drop", "income_drop"), ("hardship_reason", "无", "none"),
    ("communication", "积极主动", "proactive"), ("communication", " 被动回应 ", "responsive"),
    ("communication", "回避", "evasive"),
])
def test_category_values_in_either_language(rows, column, spelling, value):
    df = rows.head(2).astype({column: object})
    df.loc[df.index[0], column] = spelling
    assert validate_frame(df)[column].iloc[0] == value


def test_applicant_keys_may_be_labels(rows):
    app = {feature(k).label_zh: v for k, v in rows.iloc[0][list(FEATURE_NAMES)].to_dict().items()}
    pd.testing.assert_frame_equal(applicant_frame(app), validate_frame(rows.head(1)).reset_index(drop=True))


def test_header_aliases_are_read_from_the_contract():
    from xieshang.headers import HEADER_ALIASES, header_key

    for f in FEATURES:
        for text in (f.name, f.label_zh, f.label_en):
            assert HEADER_ALIASES[header_key(text)] == f.name
    assert header_key(" Monthly_Income ") == header_key("ｍｏｎｔｈｌｙ income") == "monthlyincome"


def test_blanks_and_junk_in_one_column_are_both_worded(rows):
    df = rows.head(4).astype({"monthly_income": object})
    df.loc[df.index[0], "monthly_income"] = ""
    df.loc[df.index[2], "monthly_income"] = "lots"
    with pytest.raises(ValueError) as info:
        validate_frame(df.astype({"monthly_income": "str"}))
    msg = str(info.value)
    assert "2 problems" in msg and "non-numeric value(s) 'lots' at row 2" in msg and "missing/NaN at row 0" in msg


def test_fast_path_for_frames_in_the_contract_names():
    from xieshang.contract import FEATURES
    from xieshang.validation import category_dtype

    df = generate(50, seed=3)[list(FEATURE_NAMES)]
    clean = validate_frame(df)
    assert clean is not df and list(clean.columns) == list(FEATURE_NAMES)
    pd.testing.assert_frame_equal(clean, validate_frame(df.assign(extra=1)))
    pd.testing.assert_frame_equal(clean, validate_frame(df[list(FEATURE_NAMES)[::-1]]))
    clean.iloc[0, 0] = clean.iloc[1, 0]  # the result is independent of the input
    assert df.iloc[0, 0] == generate(50, seed=3)[FEATURE_NAMES[0]].iloc[0]
    # A categorical column with the contract's own dtype object, or its categories in another order.
    for f in FEATURES:
        if f.kind != "category":
            continue
        shared = df.assign(**{f.name: pd.Categorical(df[f.name].astype(str), dtype=category_dtype(f.name))})
        pd.testing.assert_frame_equal(validate_frame(shared), validate_frame(df))
        shuffled = df.assign(**{f.name: pd.Categorical(df[f.name].astype(str), categories=f.categories[::-1])})
        out = validate_frame(shuffled)
        assert list(out[f.name].cat.categories) == list(f.categories)
        assert out[f.name].astype(str).tolist() == df[f.name].astype(str).tolist()
    with pytest.raises(KeyError):
        category_dtype("monthly_income")


def test_rows_of_a_frame_with_unknowns_elsewhere_give_what_the_full_checks_give():
    """A float column of a missing_ok int or bool feature without an unknown in these rows (a slice of a frame
    with unknowns elsewhere) comes back as the full checks return it: int64 / bool, a copy; odd values still worded."""
    df = generate(30, seed=4)[list(FEATURE_NAMES)]
    holed = df.assign(household_size=df["household_size"].astype(float).fillna(2.0),
                      info_verified=df["info_verified"].astype(float).fillna(1.0))
    holed.loc[holed.index[0], ["household_size", "info_verified"]] = np.nan
    for rows in (holed.iloc[[3]], holed.iloc[5:9], holed.iloc[5:9].drop(columns="savings")):
        assert rows["household_size"].dtype == np.float64 and not rows["household_size"].isna().any()
        out = validate_frame(rows)
        pd.testing.assert_frame_equal(out, validate_frame(_as_objects(rows)))
        assert out["household_size"].dtype == np.int64 and out["info_verified"].dtype == bool
        out.loc[out.index[0], "household_size"] = 9  # the caller's to change, not a view of the input
        assert rows["household_size"].iloc[0] == df.loc[rows.index[0], "household_size"]
    for column, value, fragment in (("household_size", 2.5, "non-integer value(s) 2.5"),
                                    ("household_size", 99.0, "out-of-range value(s) 99"),
                                    ("info_verified", 0.5, "info_verified: expected")):
        bad = holed.iloc[5:9].copy()
        bad.loc[bad.index[1], column] = value
        with pytest.raises(ValueError, match=column) as fast:
            validate_frame(bad)
        assert fragment in str(fast.value)
        with pytest.raises(ValueError) as full:
            validate_frame(_as_objects(bad))
        assert str(fast.value) == str(full.value)
