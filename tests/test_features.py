import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from xieshang.contract import FEATURE_NAMES, TRUTH, feature
from xieshang.features import (
    COVER_CAP,
    ENGINEERED,
    DomainFeatures,
    document_names,
    supporting_document_names,
    validated_rows,
)
from xieshang.generator import generate
from xieshang.validation import validate_frame


@pytest.fixture(scope="module")
def rows():
    return generate(300, seed=5)


def test_output_names_match_directions_and_columns(rows):
    t = DomainFeatures().fit(rows)
    out = t.transform(rows)
    assert list(out.columns) == list(t.get_feature_names_out())
    assert set(t.directions()) == set(out.columns)
    assert set(ENGINEERED) <= set(out.columns)
    # Finite everywhere but where the input is unknown (the generator leaves some savings blank).
    assert rows["savings"].isna().any()
    assert np.isfinite(out.drop(columns=["savings", "household_size", "savings_cover"]).to_numpy()).all()
    assert out["savings"].isna().equals(rows["savings"].isna())
    assert out["household_size"].isna().equals(rows["household_size"].isna())
    assert out["savings_cover"].isna().equals(rows["savings"].isna())  # unknown savings cover nothing known
    assert out.index.equals(rows.index)
    # Each direction is the contract's for raw columns, the declared one for engineered columns.
    for name, d in t.directions().items():
        assert d == (ENGINEERED[name] if name in ENGINEERED else 0 if "=" in name else feature(name).direction)


def test_affordability_features_follow_their_definitions(rows):
    row = rows.iloc[[0]].copy()
    row[["outstanding_balance", "down_payment_ratio", "plan_months"]] = [12_000.0, 0.25, 12]
    row[["monthly_income", "monthly_expenses", "other_debt_payments"]] = [9_000.0, 3_000.0, 1_000.0]
    out = DomainFeatures().fit(rows).transform(row).iloc[0]
    assert out["instalment"] == pytest.approx(12_000 * 0.75 / 12)
    assert out["disposable_income"] == pytest.approx(5_000)
    assert out["instalment_share"] == pytest.approx(750 / 5_000)
    assert out["residual_income"] == pytest.approx(5_000 - 750)


def test_lender_measures_follow_their_definitions_and_caps(rows):
    row = rows.iloc[[0, 0, 0]].copy().reset_index(drop=True)
    row[["outstanding_balance", "down_payment_ratio", "plan_months"]] = [12_000.0, 0.25, 12]  # 750 a month
    row[["monthly_income", "monthly_expenses", "other_debt_payments"]] = [5_000.0, 2_000.0, 500.0]
    row["savings"] = [3_000.0, 1e7, np.nan]
    out = DomainFeatures(share_cap=4.0).fit(rows).transform(row)
    assert out.loc[0, "savings_cover"] == pytest.approx(4.0)  # four instalments
    assert out.loc[1, "savings_cover"] == COVER_CAP and np.isnan(out.loc[2, "savings_cover"])
    assert out.loc[0, "debt_to_income"] == pytest.approx((500 + 750) / 5_000)
    row["monthly_income"] = 0.0
    assert (DomainFeatures(share_cap=4.0).fit(rows).transform(row)["debt_to_income"] == 4.0).all()
    # The project's own affordability rule, as a flag (the one the advice uses).
    from xieshang import rules

    inst, disp = rules.plan_terms(rows)
    flags = DomainFeatures().fit(rows).transform(rows)["plan_affordable"].to_numpy()
    np.testing.assert_array_equal(flags, rules.affordable(inst, disp).astype(float))
    assert 0 < flags.mean() < 1
    # More savings never lower the cover, a larger instalment never raises it (their directions).
    assert DomainFeatures().directions()["savings_cover"] == 1 == feature("savings").direction
    assert DomainFeatures().directions()["debt_to_income"] == -1
    assert DomainFeatures().directions()["plan_affordable"] == 1


def test_a_frame_validated_by_the_caller_is_not_validated_again(rows, monkeypatch):
    import xieshang.features as features_module

    t = DomainFeatures().fit(rows)
    clean = validate_frame(rows)
    expected = t.transform(clean)
    calls = []
    monkeypatch.setattr(features_module, "validate_frame", lambda X: calls.append(X) or validate_frame(X))
    with validated_rows(clean):
        pd.testing.assert_frame_equal(t.transform(clean), expected)
        assert calls == []
        bad = clean.assign(credit_score=-5)  # another frame inside the block: validated, refused
        with pytest.raises(ValueError, match="credit_score"):
            t.transform(bad)
    t.transform(clean)  # after the block: validated again
    assert len(calls) == 2


def test_unaffordable_plan_gets_the_cap_and_documents_are_counted(rows):
    row = rows.iloc[[0]].copy()
    row[["monthly_income", "monthly_expenses", "other_debt_payments"]] = [2_000.0, 2_500.0, 0.0]
    for d in document_names():
        row[d] = True
    row["hardship_reason"] = pd.Categorical(["none"], categories=feature("hardship_reason").categories)
    out = DomainFeatures(share_cap=4.0).fit(rows).transform(row).iloc[0]
    assert out["instalment_share"] == 4.0
    assert out["document_count"] == len(supporting_document_names()) == len(document_names()) - 1
    assert out["proven_hardship"] == 0.0  # no hardship stated: nothing to prove
    assert out["hardship_reason=none"] == 1.0


def test_document_count_leaves_out_the_hardship_proof(rows):
    """Rules on the supporting documents, and on every document, stay monotone in (count, proof)."""
    import itertools

    assert "hardship_proof" in document_names() and "hardship_proof" not in supporting_document_names()
    base = rows.iloc[[0]].copy()
    base["hardship_reason"] = pd.Categorical(["illness"], categories=feature("hardship_reason").categories)
    combos = list(itertools.product([False, True], repeat=len(document_names())))
    X = pd.concat([base] * len(combos), ignore_index=True)
    X[list(document_names())] = np.array(combos)
    out = DomainFeatures().fit(rows).transform(X)
    np.testing.assert_array_equal(out["document_count"], X[list(supporting_document_names())].sum(axis=1))
    assert (out["proven_hardship"] == X["hardship_proof"]).all()
    count, proof = out["document_count"].to_numpy(), out["hardship_proof"].to_numpy()
    rules = {"3 of the supporting": X[list(supporting_document_names())].sum(axis=1) >= 3,
             "3 of every document": X[list(document_names())].sum(axis=1) >= 3}
    for name, rule in rules.items():
        table = pd.Series(rule.to_numpy(int)).groupby([count, proof]).agg(["min", "max"])
        assert (table["min"] == table["max"]).all(), f"{name}: not a function of (count, proof)"
        grid = table["min"].unstack()
        assert (grid.diff(axis=0).fillna(0) >= 0).all().all(), f"{name}: falls as the count rises"
        assert (grid.diff(axis=1).fillna(0) >= 0).all().all(), f"{name}: falls as the proof rises"


def test_extra_columns_and_order_are_ignored(rows):
    t = DomainFeatures().fit(rows)
    shuffled = rows[list(reversed(rows.columns))].assign(noise=1.0)
    shuffled[TRUTH] = 0.5
    pd.testing.assert_frame_equal(t.transform(shuffled), t.transform(rows[list(FEATURE_NAMES)]))


def test_bad_rows_and_parameters_raise(rows):
    bad = rows.copy()
    bad["plan_months"] = 0
    with pytest.raises(ValueError, match="plan_months"):
        DomainFeatures().fit(bad)
    with pytest.raises(ValueError, match="share_cap"):
        DomainFeatures(share_cap=-1).fit(rows)
    with pytest.raises(Exception, match="not fitted"):
        DomainFeatures().transform(rows)
    assert clone(DomainFeatures(share_cap=3.0)).get_params() == {"share_cap": 3.0}


def test_transform_validates_clean_and_unclean_input_alike(rows):
    features = DomainFeatures().fit(rows)
    clean = validate_frame(rows)
    as_text = rows.astype({"communication": str, "hardship_reason": str})
    pd.testing.assert_frame_equal(features.transform(as_text), features.transform(clean))
    out_of_range = clean.copy()
    out_of_range.loc[out_of_range.index[0], "credit_score"] = 10_000
    with pytest.raises(ValueError, match="credit_score"):
        features.transform(out_of_range)


@pytest.fixture()
def holed(rows, monkeypatch):
    """Valid rows with missing values set after validation (validation accepts NaN only once the contract does)."""
    monkeypatch.setattr("xieshang.features.validate_frame", lambda X, *a, **k: X[list(FEATURE_NAMES)])
    X = validate_frame(rows).reset_index(drop=True)
    X["credit_score"] = X["credit_score"].astype(float)
    X.loc[[0, 3], "credit_score"] = np.nan
    X["income_proof"] = X["income_proof"].astype(float)
    X.loc[[1, 3], "income_proof"] = np.nan
    X["communication"] = X["communication"].mask(X.index == 2)
    hardship = (X["hardship_reason"] != "none").to_numpy()
    X["hardship_proof"] = X["hardship_proof"].astype(float)
    first_hardship, first_none = int(np.flatnonzero(hardship)[0]), int(np.flatnonzero(~hardship)[0])
    X.loc[[first_hardship, first_none], "hardship_proof"] = np.nan
    return X, first_hardship, first_none


def test_missing_values_pass_through_as_nan_and_are_counted(rows, holed):
    X, with_hardship, without = holed
    clean = DomainFeatures().fit(rows).transform(validate_frame(rows).reset_index(drop=True))
    out = DomainFeatures().fit(X).transform(X)
    assert list(out.columns) == list(clean.columns)
    assert out["credit_score"].isna().tolist()[:4] == [True, False, False, True]
    assert np.isnan(out.loc[2, "communication"]) and not out["communication"].drop(index=2).isna().any()
    # Documents: the known ones are counted, the unknown ones counted apart.
    supporting = list(supporting_document_names())
    known = X[supporting].fillna(0).sum(axis=1)
    np.testing.assert_array_equal(out["document_count"], known)
    np.testing.assert_array_equal(out["documents_unknown"], X[supporting].isna().sum(axis=1))
    assert out.loc[1, "documents_unknown"] >= 1
    # A stated hardship with an unknown proof: unknown; no hardship: nothing to prove, whatever the flag.
    assert np.isnan(out.loc[with_hardship, "proven_hardship"]) and out.loc[without, "proven_hardship"] == 0.0
    # Nothing imputed: every other value is what the complete rows give.
    untouched = ~X.isna().any(axis=1)
    pd.testing.assert_frame_equal(out[untouched.to_numpy()], clean[untouched.to_numpy()])


def test_a_new_contract_column_flows_through_without_code_changes():
    import subprocess
    import sys

    code = """
import dataclasses, numpy as np
import xieshang.contract as c
from xieshang.generator import generate
rows = generate(50, seed=1)  # drawn before the contract grows
pension = dataclasses.replace(c.feature('monthly_income'), name='pension', label_zh='养老金', label_en='pension',
                              low=0.0, high=1e7, direction=1)
c.FEATURES = c.FEATURES + (pension,)
c.FEATURE_NAMES = c.FEATURE_NAMES + ('pension',)
c._BY_NAME['pension'] = pension
import importlib
import xieshang.features as f
f = importlib.reload(f)  # the package imported it before the contract grew: read the new contract
f.validate_frame = lambda X, *a, **k: X[list(c.FEATURE_NAMES)]
rows['pension'] = np.where(np.arange(50) % 3 == 0, np.nan, 1000.0)
t = f.DomainFeatures().fit(rows)
out = t.transform(rows)
assert t.directions()['pension'] == 1
assert np.isnan(out['pension'][0]) and out['pension'][1] == 1000.0
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_typical_approved_skips_missing_values(rows):
    from xieshang.features import typical_approved

    X = validate_frame(rows).reset_index(drop=True)
    y = rows["approved"].to_numpy()
    X["credit_score"] = X["credit_score"].astype(float)
    X.loc[X.index[:5], "credit_score"] = np.nan
    X["days_overdue"] = X["days_overdue"].astype(float).where(y == 0)  # unknown for every approved row
    ref = typical_approved(X, y)
    assert ref["credit_score"] == round(X.loc[y == 1, "credit_score"].median())
    assert ref["days_overdue"] == round(X["days_overdue"].median())
