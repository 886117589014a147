"""Bad input by the thousand: property-based attacks on every entry point.

Hypothesis builds frames and applicants cell by cell from the contract, some
cells valid (written in many spellings) and some bad (wrong types, NaN, ±inf,
out of range, unknown categories, collections, huge numbers), then drops,
adds and shuffles columns. The oracle knows which fields it spoiled:

* nothing spoiled -> the library answers, and the answer equals the answer on
  the canonical values;
* something spoiled -> exactly one ``ValueError`` whose problem lines name
  exactly the spoiled fields; nothing else escapes.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from _robustness import tried
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xieshang.cells import is_missing
from xieshang.contract import FEATURE_NAMES, FEATURES, LABEL, MISSING_OK_NAMES, REQUIRED_NAMES, TRUTH, Feature
from xieshang.generator import generate
from xieshang.headers import canonical_name
from xieshang.validation import applicant_frame, validate_frame

# A numeric warning (overflow, division by zero) on valid or invalid input is a defect too.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# Deterministic in CI: the same examples every run, no example database.
FAST = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MODEL = settings(FAST, max_examples=20)

_FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789.-+eE"})
_FULLWIDTH_ALPHA = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyz_"})
_PADS = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\u00a0"])  # \u3000: ideographic space
_PROBLEM = re.compile(r"^  - ([A-Za-z_]+)(?::| )", re.M)


# -- cells ------------------------------------------------------------------------------------


_UNKNOWN = st.sampled_from([math.nan, None, pd.NA, "", " ", "NA", " n/a ", "null", "未知", "ＮＡ", "unknown"])


@st.composite
def known_cell(draw, f: Feature):
    """A valid cell that is not unknown."""
    return draw(valid_cell(f).filter(lambda c: not (isinstance(c[1], float) and math.isnan(c[1]))))


@st.composite
def valid_cell(draw, f: Feature):
    """(raw cell, canonical value) for a valid value of ``f``, in one of many spellings.

    A column the contract marks ``missing_ok`` may also get an unknown (canonical NaN).
    """
    if f.missing_ok and draw(st.integers(0, 7)) == 0:
        return draw(_UNKNOWN), math.nan
    pad_l, pad_r = draw(_PADS), draw(_PADS)
    if f.is_numeric:
        edges = [f.low, f.high]
        if f.kind == "int":
            v = int(draw(st.sampled_from([*edges, f.low + 1, f.high - 1]) | st.integers(int(f.low), int(f.high))))
            spell = draw(st.sampled_from(["int", "np", "float", "str", "fullwidth"]))
            raw = {"int": v, "np": np.int64(v), "float": float(v), "str": f"{pad_l}{v}{pad_r}",
                   "fullwidth": f"{pad_l}{str(v).translate(_FULLWIDTH)}{pad_r}"}[spell]
            return raw, v
        v = float(draw(st.sampled_from(edges) | st.floats(f.low, f.high, allow_nan=False)))
        spell = draw(st.sampled_from(["float", "np", "str", "fullwidth"]))
        raw = {"float": v, "np": np.float64(v), "str": f"{pad_l}{v!r}{pad_r}",
               "fullwidth": f"{pad_l}{repr(v).translate(_FULLWIDTH)}{pad_r}"}[spell]
        return raw, v
    if f.kind == "bool":
        v = draw(st.booleans())
        raw = draw(st.sampled_from([
            v, np.bool_(v), int(v), float(v),
            f"{pad_l}{'TRUE' if v else 'False'}{pad_r}", "yes" if v else "no", "是" if v else "否",
            "ｙｅｓ" if v else "ｎｏ", "1" if v else "0",
        ]))
        return raw, v
    from xieshang.contract import VALUE_LABELS

    v = draw(st.sampled_from(f.categories))
    zh, en = VALUE_LABELS[f.name][v]
    raw = draw(st.sampled_from([v, v.upper(), v.title(), f"{pad_l}{v}{pad_r}", v.translate(_FULLWIDTH_ALPHA),
                                v.replace("_", " "), f"{pad_l}{zh}{pad_r}", en.title()]))
    return raw, v


_JUNK_VALUES = [None, [1], {"a": 1}, (1, 2), {3}, object(), b"\xff", complex(1, 2),
                10**400, -(10**5000), "9" * 500]  # too big for a float; too long to quote
_TEXT = st.text(alphabet="xz?!# 中文", min_size=0, max_size=6)  # never spells a number or a category


def invalid_cell(f: Feature):
    """A value ``f`` must refuse (an unknown is refused only where the contract needs a value)."""
    def keep(values: list) -> list:
        return [v for v in values if not (f.missing_ok and is_missing(v))]

    junk = st.sampled_from(keep(_JUNK_VALUES))
    text = _TEXT.map(lambda s: "#" + s + "?")  # never blank, never "?" alone
    if f.is_numeric:
        lo, hi = f.low, f.high
        bad = [math.nan, math.inf, -math.inf, "nan", "inf", "", lo - 1, hi + 1, -1e308, 1e308, 10**30,
               -(10**30), hi * 10 + 1, True, False, f"{hi + 1:g}".translate(_FULLWIDTH), "1,000", "12abc"]
        if f.kind == "int":
            bad += [lo + 0.5, f" {lo + 0.25} "]
        return st.sampled_from(keep(bad)) | junk | text
    if f.kind == "bool":
        return st.sampled_from(keep([2, -1, 0.5, math.nan, "maybe", "", "2", " 1.5 ", math.inf])) | junk | text
    return st.sampled_from(keep(["unknwn", "", " ", "income-drops", "积极", 3, 1.5, math.nan, True])) | junk | text


# -- frames -----------------------------------------------------------------------------------


@st.composite
def spoiled_frames(draw, max_rows: int = 4, p_bad: float = 0.15, unknowns: bool = True):
    """(frame, canonical clean frame or None, spoiled field names, missing field names).

    With ``unknowns=False`` no valid cell is unknown and no optional column is dropped.
    """
    n = draw(st.integers(1, max_rows))
    spoil = draw(st.booleans())  # half the frames clean (in odd spellings), half with at least one fault
    forced = draw(st.sampled_from(FEATURE_NAMES)) if spoil else None
    data, clean, bad = {}, {}, set()
    for f in FEATURES:
        cells = [draw(valid_cell(f) if unknowns or not f.missing_ok else known_cell(f)) for _ in range(n)]
        raw = [c[0] for c in cells]
        if spoil and (f.name == forced or draw(st.floats(0, 1)) < p_bad):
            raw[draw(st.integers(0, n - 1))] = draw(invalid_cell(f))
            bad.add(f.name)
        data[f.name] = raw
        clean[f.name] = [c[1] for c in cells]
    dropped = set()
    if unknowns and draw(st.integers(0, 5)) == 0:  # an optional column may be absent: unknown everywhere
        dropped = {f.name for f in FEATURES if not f.required}
    if spoil and draw(st.booleans()):
        dropped |= set(draw(st.sets(st.sampled_from(FEATURE_NAMES), min_size=1, max_size=3)))
    missing = dropped & set(REQUIRED_NAMES)
    for name in dropped - missing:
        clean[name] = [math.nan] * n
    extras = draw(st.dictionaries(  # none of these means a contract column (see xieshang.headers)
        st.sampled_from(["id", "Credit_Score_2", "plan months (old)", "note", LABEL, TRUTH, "客户", "0"]),
        st.sampled_from([1, "x", None, math.nan, [1]]), max_size=3))
    # A contract column may be headed by its name or its Chinese or English label, in odd spacing or case.
    headers = {f.name: draw(st.sampled_from([f.name, f.name, f.label_zh, f" {f.label_en.title()} ", f.name.upper()]))
               for f in FEATURES}
    cols = [c for c in FEATURE_NAMES if c not in dropped] + list(extras)
    order = draw(st.permutations(cols))
    frame = pd.DataFrame({headers.get(c, c): data[c] if c in data else [extras[c]] * n for c in order},
                         index=draw(st.sampled_from([None, list(range(10, 10 + n)), ["a"] * n])))
    canon = None
    if not bad and not missing:
        canon = _canonical(clean, frame.index)
    return frame, canon, bad - dropped, missing


def _canonical(values: dict[str, list], index: pd.Index) -> pd.DataFrame:
    """What validation returns: contract dtypes, and float64 with NaN for an int or bool column with unknowns."""
    cols = {}
    for f in FEATURES:
        v = values[f.name]
        unknown = any(isinstance(x, float) and math.isnan(x) for x in v)
        if f.kind == "category":
            cols[f.name] = pd.Categorical([None if unknown and x is not x else x for x in v], categories=f.categories)
        elif unknown:
            cols[f.name] = np.asarray(v, dtype=float)
        else:
            cols[f.name] = np.asarray(v, dtype={"int": np.int64, "float": float, "bool": bool}[f.kind])
    return pd.DataFrame(cols, index=index)


def named_problems(message: str) -> tuple[set[str], set[str]]:
    """(fields named by a problem line, fields listed as missing) in a validation message."""
    missing = set()
    m = re.search(r"missing column\(s\): ([^\n]+)", message)
    if m:
        missing = {s.strip() for s in m.group(1).split(",")}
    fields = {name for name in _PROBLEM.findall(message) if name in FEATURE_NAMES}
    return fields, missing


def assert_refusal_names(exc: ValueError, bad: set[str], missing: set[str]) -> None:
    msg = str(exc)
    fields, listed = named_problems(msg)
    assert fields == bad, (fields, bad, msg)
    assert listed == missing, (listed, missing, msg)


# -- validate_frame ---------------------------------------------------------------------------


@FAST
@given(spoiled_frames())
def test_validate_frame_answers_exactly_or_names_every_bad_field(case):
    frame, canon, bad, missing = case
    tried(f"validate_frame: {'clean' if canon is not None else 'spoiled'} frames", 1)
    tried("validate_frame: cells", frame.size)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning, no silent cast
        if canon is None:
            with pytest.raises(ValueError) as info:
                validate_frame(frame)
            assert_refusal_names(info.value, bad, missing)
        else:
            out = validate_frame(frame)
            pd.testing.assert_frame_equal(out, canon)


@FAST
@given(st.one_of(
    st.none(), st.integers(), st.floats(), st.text(max_size=5), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(FEATURE_NAMES), st.integers(), max_size=3),
    st.builds(np.zeros, st.integers(0, 3)),
))
def test_non_frames_are_refused_with_a_value_error(x):
    tried("validate_frame: non-frames")
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        validate_frame(x)


@pytest.mark.parametrize("make, match", [
    (lambda r: r.iloc[:0], "the frame is empty"),
    (lambda r: r.iloc[:, :0], "missing column"),
    (lambda r: pd.DataFrame(index=range(3)), "missing column"),
    (lambda r: r.set_axis(pd.MultiIndex.from_tuples([(c, "x") for c in r.columns]), axis=1), "MultiIndex"),
    (lambda r: pd.concat([r, r[["credit_score"]]], axis=1), "duplicated column.*credit_score"),
    (lambda r: r.astype({"credit_score": complex}), "credit_score: .*complex"),
    (lambda r: r.assign(credit_score=pd.Timestamp("2020-01-01")), "credit_score: .*datetime"),
])
def test_frame_shapes_and_dtypes_are_refused(make, match):
    tried("validate_frame: odd shapes/dtypes")
    with pytest.raises(ValueError, match=match):
        validate_frame(make(generate(3, seed=1)))


# -- one applicant ----------------------------------------------------------------------------


@st.composite
def applicants(draw, unknowns: bool = True):
    """(dict applicant, canonical one-row frame or None, bad fields, missing fields)."""
    frame, canon, bad, missing = draw(spoiled_frames(max_rows=1, p_bad=0.1, unknowns=unknowns))
    # A dict may leave out a field that may be unknown (then it is unknown, not missing) and may hold no key
    # the contract does not know (refused, naming the closest field: tested in test_validation).
    assume(not missing & set(MISSING_OK_NAMES))
    app = {k: v for k, v in frame.iloc[0].to_dict().items() if canonical_name(k) is not None}
    return app, canon, bad, missing


@FAST
@given(applicants())
def test_applicant_frame_answers_exactly_or_names_every_bad_field(case):
    app, canon, bad, missing = case
    tried(f"applicant_frame: {'clean' if canon is not None else 'spoiled'} applicants")
    if canon is None:
        with pytest.raises(ValueError) as info:
            applicant_frame(app)
        if "collection for" not in str(info.value):  # a list/dict value is refused up front
            assert_refusal_names(info.value, bad, missing)
    else:
        pd.testing.assert_frame_equal(applicant_frame(app), canon.reset_index(drop=True))


# -- the fitted model -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    from xieshang.model import ApprovalModel

    df = generate(3000, seed=11)
    return ApprovalModel(seed=0, candidates=("hgb_monotone",), n_splits=2, calibration=("sigmoid",)).fit(
        df, df[LABEL])


def _check_proba(p: np.ndarray, n: int) -> None:
    assert p.shape == (n, 2)
    assert np.isfinite(p).all()
    assert ((p > 0) & (p < 1)).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


@MODEL
@given(case=spoiled_frames(unknowns=False))
def test_predict_proba_answers_exactly_or_names_every_bad_field(model, case):
    _predict_proba_case(model, case)


@MODEL
@given(case=spoiled_frames())
def test_predict_proba_with_unknown_values_answers_exactly_or_names_every_bad_field(model, case):
    _predict_proba_case(model, case)


def _predict_proba_case(model, case):
    frame, canon, bad, missing = case
    tried(f"predict_proba: {'clean' if canon is not None else 'spoiled'} frames")
    if canon is None:
        with pytest.raises(ValueError) as info:
            model.predict_proba(frame)
        assert_refusal_names(info.value, bad, missing)
    else:
        p = model.predict_proba(frame)
        _check_proba(p, len(frame))
        np.testing.assert_array_equal(p, model.predict_proba(canon))


@st.composite
def edge_frames(draw):
    """Valid rows with every numeric feature at or next to an end of its range."""
    n = draw(st.integers(1, 8))
    cols = {}
    for f in FEATURES:
        if f.is_numeric:
            step = 1 if f.kind == "int" else (f.high - f.low) * 1e-9
            pool = [f.low, f.high, f.low + step, f.high - step]
            vals = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
            cols[f.name] = np.asarray(vals, dtype=np.int64 if f.kind == "int" else float)
        elif f.kind == "bool":
            cols[f.name] = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        else:
            cols[f.name] = pd.Categorical(draw(st.lists(st.sampled_from(f.categories), min_size=n, max_size=n)),
                                          categories=f.categories)
    return pd.DataFrame(cols)


@MODEL
@given(frame=edge_frames())
def test_valid_input_at_range_edges_gives_probabilities_strictly_inside(model, frame):
    tried("predict_proba: range-edge rows", len(frame))
    _check_proba(model.predict_proba(frame), len(frame))
    assert set(np.unique(model.predict(frame))) <= {0, 1}


def test_extremes_of_every_range_at_once(model):
    """All lows, all highs, and every mix of the ends of the affordability inputs."""
    from itertools import product

    from xieshang.contract import feature

    money = ("outstanding_balance", "monthly_income", "monthly_expenses", "other_debt_payments")
    rows = [{f.name: getattr(f, end) for f in FEATURES if f.is_numeric} for end in ("low", "high")]
    rows += [{name: getattr(feature(name), end) for name, end in zip(money, ends)}
             for ends in product(("low", "high"), repeat=len(money))]
    base = generate(1, seed=3)
    frame = pd.concat([base.assign(**r) for r in rows], ignore_index=True)
    tried("predict_proba: range-edge rows", len(frame))
    _check_proba(model.predict_proba(frame), len(frame))


# -- explain ----------------------------------------------------------------------------------


@settings(MODEL, max_examples=25)
@given(case=applicants(unknowns=False))
def test_explain_answers_or_names_every_bad_field(model, case):
    _explain_case(model, case)


@settings(MODEL, max_examples=25)
@given(case=applicants())
def test_explain_with_unknown_values_answers_or_names_every_bad_field(model, case):
    _explain_case(model, case)


def _explain_case(model, case):
    app, canon, bad, missing = case
    tried(f"explain: {'clean' if canon is not None else 'spoiled'} applicants")
    if canon is None:
        with pytest.raises(ValueError) as info:
            model.explain(app, lang="en")
        if "collection for" not in str(info.value):
            assert_refusal_names(info.value, bad, missing)
    else:
        exp = model.explain(app, lang="en")
        assert 0 < exp.probability < 1
        assert exp.probability == pytest.approx(model.predict_proba(canon)[0, 1])
        assert str(exp)


@settings(MODEL, max_examples=25)
@given(frame=edge_frames())
def test_explain_on_range_edges(model, frame):
    import json

    from xieshang.contract import ACTIONABLE_NAMES

    tried("explain: range-edge applicants")
    for lang, target in (("zh", 0.6), ("en", 0.99)):
        exp = model.explain(frame.iloc[[0]], target=target, lang=lang)
        assert 0 < exp.probability < 1
        for action in exp.actions:
            assert 0 < action.probability < 1
            assert set(action.changes) <= set(ACTIONABLE_NAMES)
        assert str(exp)
        json.dumps(exp.to_dict(), allow_nan=False)  # `xieshang explain --json` must be valid JSON


@pytest.mark.parametrize("kwargs, field", [
    ({"target": math.nan}, "target"), ({"target": 1.5}, "target"), ({"target": -0.1}, "target"),
    ({"target": "0.6"}, "target"), ({"target": None}, "target"), ({"lang": "fr"}, "lang"),
    ({"lang": None}, "lang"), ({"lang": ["zh"]}, "lang"),
])
def test_explain_bad_options_name_the_option(model, kwargs, field):
    tried("explain: bad options")
    app = generate(1, seed=2).iloc[0][list(FEATURE_NAMES)].to_dict()
    with pytest.raises(ValueError, match=field):
        model.explain(app, **kwargs)


@pytest.mark.parametrize("app, match", [
    ("me", "expected a dict or a one-row DataFrame"), (None, "expected a dict"), ([1, 2], "expected a dict"),
    ({}, "missing column"), (pd.DataFrame(), "expected exactly one row|empty"),
])
def test_explain_non_applicants(model, app, match):
    tried("explain: non-applicants")
    with pytest.raises(ValueError, match=match):
        model.explain(app)


# -- training ---------------------------------------------------------------------------------


@settings(FAST, max_examples=40)
@given(case=spoiled_frames(max_rows=6, p_bad=0.2))
def test_train_refuses_bad_frames_naming_every_bad_field(case):
    """Training validates before fitting; only spoiled frames are tried (a valid one would fit)."""
    import xieshang.model

    frame, canon, bad, missing = case
    if canon is not None:
        return
    tried("train: spoiled frames")
    with pytest.raises(ValueError) as info:
        xieshang.model.train(frame.assign(**{LABEL: 1}), seed=0)
    assert_refusal_names(info.value, bad, missing)


@pytest.mark.parametrize("labels, match", [
    ([2, 0, 1], "approved: expected 0/1"), ([math.nan, 0, 1], "approved: expected 0/1"),
    (["x", 0, 1], "approved: expected 0/1"), ([[1], 0, 1], "approved: expected 0/1"),
    (None, "missing label column 'approved'"),
])
def test_train_refuses_bad_labels(labels, match):
    import xieshang.model

    df = generate(3, seed=0)
    df = df.drop(columns=LABEL) if labels is None else df.assign(**{LABEL: pd.Series(labels, dtype=object)})
    tried("train: bad labels")
    with pytest.raises(ValueError, match=match):
        xieshang.model.train(df, seed=0)


@pytest.mark.parametrize("make, match", [
    (lambda df: df.assign(**{LABEL: 1}), r"need at least \d+ approved and \d+ refused rows.*got 200 approved and 0"),
    (lambda df: df.head(3), r"need at least \d+ approved and \d+ refused rows"),  # too few for the folds
])
def test_train_refuses_unlearnable_labels(make, match):
    import xieshang.model

    tried("train: unlearnable labels")
    with pytest.raises(ValueError, match=match):
        xieshang.model.train(make(generate(200, seed=0)), seed=0)


@pytest.mark.parametrize("params, field", [
    ({"seed": -1}, "seed: expected"), ({"seed": 1.5}, "seed: expected"), ({"n_splits": 1}, "n_splits: expected"),
    ({"clip": 0.0}, "clip: expected"), ({"clip": math.nan}, "clip: expected"), ({"n_threads": 0}, "n_threads: expected"),
    ({"candidates": ("nope",)}, "candidates: expected"), ({"candidates": ()}, "candidates: expected"),
    ({"calibration": ("magic",)}, "calibration: expected"), ({"calibration": ()}, "calibration: expected"),
])
def test_model_parameters_are_checked(params, field):
    from xieshang.model import ApprovalModel

    df = generate(200, seed=0)
    tried("ApprovalModel: bad parameters")
    with pytest.raises(ValueError, match=field):
        ApprovalModel(**params).fit(df, df[LABEL])


def test_labels_of_another_length_are_refused():
    from xieshang.model import ApprovalModel

    df = generate(50, seed=0)
    tried("ApprovalModel: label length")
    with pytest.raises(ValueError, match="y: expected 50 labels"):
        ApprovalModel().fit(df, df[LABEL].iloc[:-1])


# -- reports on degenerate test sets ----------------------------------------------------------


@pytest.mark.parametrize("n", [10, 50, 300])
def test_reliability_diagram_with_bins_observed_at_exactly_0_or_1(n):
    """Found: a Wilson bound a rounding error beyond a rate of 0 or 1 made matplotlib refuse the error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from xieshang.inspection import calibration_table
    from xieshang.plots import reliability_diagram

    y = np.r_[np.zeros(n), np.ones(n)]
    p = np.r_[np.full(n, 0.03), np.full(n, 0.97)]
    t = calibration_table(y, p)
    lower, upper = t["observed_rate"] - t["ci_low"], t["ci_high"] - t["observed_rate"]
    assert min(lower.min(), upper.min()) < 0  # the input does provoke the rounding
    tried("plots: degenerate reliability bins")
    plt.close(reliability_diagram(y, p))


# -- degenerate but valid training data -------------------------------------------------------


def _constant_numerics(df):
    return df.assign(**{f.name: df[f.name].iloc[0] for f in FEATURES if f.is_numeric})


def _extremes_only(df):
    rng = np.random.default_rng(0)
    return df.assign(**{f.name: rng.choice([f.low, f.high], len(df)).astype(df[f.name].dtype)
                        for f in FEATURES if f.is_numeric})


@pytest.mark.parametrize("make", [
    lambda df: _extremes_only(df.set_axis(df.index * 7 + 3)),
    lambda df: _constant_numerics(df).assign(communication="proactive", hardship_reason="none"),
    lambda df: df.assign(**{LABEL: np.random.default_rng(1).integers(0, 2, len(df))}),  # labels carry no signal
], ids=["extremes_only_odd_index", "constant_numerics_single_categories", "random_labels"])
def test_training_on_degenerate_valid_data_answers(make):
    """A learner, not a lookup: any valid data trains, and predictions stay finite and inside (0, 1)."""
    from xieshang.model import ApprovalModel

    df = make(generate(500, seed=4))
    tried("train: degenerate valid data sets")
    model = ApprovalModel(candidates=("logistic_monotone", "hgb_monotone"), n_splits=2,
                          calibration=("sigmoid",)).fit(df, df[LABEL])
    _check_proba(model.predict_proba(generate(200, seed=5)), 200)


# -- the data check agrees with validation ----------------------------------------------------


@settings(FAST, max_examples=60)
@given(spoiled_frames())
def test_check_frame_agrees_with_validate_frame(case):
    """Whatever validation refuses the check calls a problem, naming the same fields; what validation
    accepts the check passes, unless it is about training (too few rows, a leak, a bad label)."""
    from xieshang.check import check_frame

    frame, _canon, bad, _missing = case
    tried("check_frame: spoiled and clean frames")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_frame(frame)
    try:
        validate_frame(frame)
    except ValueError:
        assert not report.ok
        named = {i.column for i in report.problems if i.column in FEATURE_NAMES}
        if not any(i.code in ("invalid", "ambiguous_columns") for i in report.problems):
            assert named == bad, (named, bad, [i.en for i in report.problems])
        return
    assert {i.code for i in report.problems} <= {"too_few_rows", "leak", "bad_labels"}, report.render("en")
