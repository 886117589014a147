import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from xieshang.contract import FEATURE_NAMES, TRUTH, feature
from xieshang.features import ENGINEERED, DomainFeatures, document_names
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
    assert np.isfinite(out.to_numpy()).all()
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


def test_unaffordable_plan_gets_the_cap_and_documents_are_counted(rows):
    row = rows.iloc[[0]].copy()
    row[["monthly_income", "monthly_expenses", "other_debt_payments"]] = [2_000.0, 2_500.0, 0.0]
    for d in document_names():
        row[d] = True
    row["hardship_reason"] = pd.Categorical(["none"], categories=feature("hardship_reason").categories)
    out = DomainFeatures(share_cap=4.0).fit(rows).transform(row).iloc[0]
    assert out["instalment_share"] == 4.0
    assert out["document_count"] == len(document_names())
    assert out["proven_hardship"] == 0.0  # no hardship stated: nothing to prove
    assert out["hardship_reason=none"] == 1.0


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
