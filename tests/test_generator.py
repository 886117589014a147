import numpy as np
import pandas as pd
import pytest

from xieshang import generate, rules, true_probability
from xieshang import generator as gen
from xieshang.contract import FEATURE_NAMES, FEATURES, LABEL, NO_HARDSHIP, TRUTH, feature
from xieshang.generator import COEF, EFFECTS, affordability, true_logit
from xieshang.validation import validate_frame


@pytest.fixture(scope="module")
def big():
    return generate(200_000, seed=7)


@pytest.fixture(scope="module")
def sample():
    return generate(3_000, seed=3)


def test_schema_dtypes_and_ranges(sample):
    assert list(sample.columns) == [*FEATURE_NAMES, LABEL, TRUTH]
    for f in FEATURES:
        col = sample[f.name]
        if f.kind == "int":  # an int column with unknowns (household_size) is held as float, as validation does
            assert col.dtype == np.int64 or (f.missing_ok and col.dtype == np.float64 and col.isna().any())
        elif f.kind == "float":
            assert col.dtype == np.float64
        elif f.kind == "bool":
            assert col.dtype == bool
        else:
            assert list(col.cat.categories) == list(f.categories)
        if f.is_numeric:
            assert col.min() >= f.low and col.max() <= f.high, f.name
    # The validator accepts generated data unchanged.
    pd.testing.assert_frame_equal(validate_frame(sample), sample[list(FEATURE_NAMES)])
    assert set(sample[LABEL].unique()) <= {0, 1}
    assert sample[TRUTH].between(0, 1, inclusive="neither").all()


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = generate(2_000, seed=11), generate(2_000, seed=11), generate(2_000, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.mark.parametrize("n, seed", [(0, 0), (-5, 0), (2.5, 0), ("10", 0), (True, 0), (10, -1), (10, 1.5)])
def test_bad_arguments_are_refused(n, seed):
    with pytest.raises(ValueError, match=r"(n|seed): expected a (positive|non-negative) integer"):
        generate(n, seed=seed)


def test_true_probability_recomputes_the_stored_truth(sample):
    np.testing.assert_allclose(true_probability(sample), sample[TRUTH], rtol=1e-12)
    # ...ignoring extra columns and column order.
    shuffled = sample[list(reversed(sample.columns))]
    np.testing.assert_allclose(true_probability(shuffled), sample[TRUTH], rtol=1e-12)


def test_true_probability_validates_its_input(sample):
    bad = sample.head(3).drop(columns="plan_months")
    with pytest.raises(ValueError, match=r"missing column.*plan_months"):
        true_probability(bad)


def test_base_rate_is_in_range(big):
    assert 0.35 <= big[LABEL].mean() <= 0.45


def test_labels_are_calibrated_by_construction(big):
    # Within deciles of the truth, the observed approval rate matches the mean truth
    # to within 4 binomial standard errors.
    bins = pd.qcut(big[TRUTH], 10, duplicates="drop")
    grouped = big.groupby(bins, observed=True).agg(rate=(LABEL, "mean"), p=(TRUTH, "mean"), n=(LABEL, "size"))
    se = np.sqrt(grouped.p * (1 - grouped.p) / grouped.n).clip(lower=1e-3)
    assert (np.abs(grouped.rate - grouped.p) <= 4 * se).all(), grouped


def _bump(df, name):
    """Move `name` one realistic step in its 'larger' direction, everything else fixed."""
    f = feature(name)
    out = df.copy()
    if f.kind == "bool":
        out[name] = True
        base = df.assign(**{name: False})
        return base, out
    if f.kind == "category":  # ordered levels: communication
        levels = list(f.categories)
        base = df.assign(**{name: pd.Categorical([levels[0]] * len(df), categories=levels)})
        out[name] = pd.Categorical([levels[-1]] * len(df), categories=levels)
        return base, out
    step = (f.high - f.low) * 0.1
    base = df.copy()
    vals = df[name].astype(float).clip(f.low, f.high - step)
    base[name] = vals.astype(df[name].dtype) if f.kind == "float" else np.round(vals).astype(np.int64)
    bumped = base[name].astype(float) + step
    out[name] = bumped if f.kind == "float" else np.round(bumped).astype(np.int64)
    return base, out


@pytest.mark.parametrize("name", [f.name for f in FEATURES if f.direction != 0])
def test_each_factor_moves_the_truth_in_its_direction(sample, name):
    direction = feature(name).direction
    base, bumped = _bump(sample, name)
    delta = direction * (true_probability(bumped) - true_probability(base))
    assert (delta >= -1e-12).all(), f"{name} moved against its direction"
    if name == "savings":  # directed (never harmful) in the contract, yet no effect in this world
        np.testing.assert_allclose(delta, 0.0, atol=1e-12)
    elif name == "hardship_proof":
        has = (sample["hardship_reason"] != "none").to_numpy()
        assert (delta[has] > 0).all() and np.allclose(delta[~has], 0)
    else:
        # Saturation (burden capped, probability ~0 or ~1) may leave a few rows unmoved.
        assert (delta > 1e-9).mean() > 0.5, f"{name} barely matters"


def test_article_claims_hold(sample):
    p = lambda **kw: true_probability(sample.assign(**kw))
    # False information makes approval very unlikely.
    assert np.median(p(info_verified=False) / p(info_verified=True)) < 0.15
    # No hardship reason lowers it, whatever the documents.
    cats = sample["hardship_reason"].cat.categories
    none = pd.Categorical(["none"] * len(sample), categories=cats)
    ill = pd.Categorical(["illness"] * len(sample), categories=cats)
    assert (p(hardship_reason=none) < p(hardship_reason=ill)).all()
    # Very long plans lower it where the plan is affordable either way.
    affordable = sample.assign(monthly_income=200_000.0, monthly_expenses=0.0, other_debt_payments=0.0)
    assert (true_probability(affordable.assign(plan_months=60)) < true_probability(affordable.assign(plan_months=36))).all()
    # Every day overdue harms (charges, credit record): asking early is better than asking late.
    assert (p(days_overdue=0) > p(days_overdue=30)).all()
    assert (p(days_overdue=30) > p(days_overdue=700)).all()


def test_an_affordable_plan_raises_the_truth(sample):
    # Longer plans lower the instalment; while burden is above the free level that helps.
    df = sample.assign(outstanding_balance=60_000.0, monthly_income=12_000.0, monthly_expenses=4_000.0,
                       other_debt_payments=1_000.0, down_payment_ratio=0.0)
    assert (true_probability(df.assign(plan_months=24)) > true_probability(df.assign(plan_months=6))).all()
    instalment, disposable, burden = affordability(df.assign(plan_months=24))
    np.testing.assert_allclose(instalment, 2_500.0)
    np.testing.assert_allclose(disposable, 7_000.0)
    np.testing.assert_allclose(burden, 2_500.0 / 7_000.0)


def test_the_truth_uses_the_one_plan_rule(sample):
    # affordability() is xieshang.rules' instalment and disposable income, nothing of its own.
    inst, disp, _ = affordability(sample)
    r_inst, r_disp = rules.plan_terms(sample)
    np.testing.assert_array_equal(inst, r_inst)
    np.testing.assert_array_equal(disp, r_disp)
    assert "affordable" not in gen.__all__
    # Crossing rules.affordable's line is a step in the truth: just affordable beats just not.
    row = sample.head(50).assign(outstanding_balance=24_000.0, down_payment_ratio=0.0, plan_months=24,
                                 monthly_expenses=3_000.0, other_debt_payments=0.0)
    need = float(rules.required_disposable(1_000.0))
    ok = row.assign(monthly_income=3_000.0 + need)
    short = row.assign(monthly_income=3_000.0 + need - 1.0)
    assert rules.affordable(*rules.plan_terms(ok)).all() and not rules.affordable(*rules.plan_terms(short)).any()
    jump = true_logit(ok) - true_logit(short)
    assert (jump > -COEF["unaffordable_plan"] * 0.99).all()


def test_the_truth_follows_the_rule_when_the_rule_changes(sample, monkeypatch):
    # No affordability formula of the generator's own: a stricter living floor in xieshang.rules
    # makes every plan unaffordable, and the truth drops by exactly that effect where it was affordable.
    before = true_logit(sample)
    was_ok = rules.affordable(*rules.plan_terms(sample))
    assert was_ok.any()
    monkeypatch.setattr(rules, "LIVING_FLOOR", 1e12)
    after = true_logit(sample)
    np.testing.assert_allclose((after - before)[was_ok], COEF["unaffordable_plan"])
    np.testing.assert_allclose((after - before)[~was_ok], 0.0)


def test_conscientious_borrowers_size_the_plan_by_the_rule(big):
    # Where some usual plan is affordable, conscientious borrowers mostly propose an affordable one.
    inst, disp = rules.plan_terms(big)
    could = rules.affordable(rules.instalment(big["outstanding_balance"], big["down_payment_ratio"], 60), disp)
    good = (big["communication"] == "proactive").to_numpy() & could
    bad = (big["communication"] == "evasive").to_numpy() & could
    rate_good = rules.affordable(inst[good], disp[good]).mean()
    rate_bad = rules.affordable(inst[bad], disp[bad]).mean()
    assert rate_good > rate_bad


def test_a_longer_delinquency_never_looks_better(sample):
    # Partial effect of days_overdue: non-increasing on 0..720 for every row, everything else fixed.
    lo, hi = int(feature("days_overdue").low), int(feature("days_overdue").high)
    grid = np.arange(lo, hi + 1, 15)
    rows = sample.head(400)
    curves = np.column_stack([true_probability(rows.assign(days_overdue=int(d))) for d in grid])
    assert (np.diff(curves, axis=1) <= 1e-15).all()
    # ...and it is a real harm, not a flat line.
    assert (curves[:, 0] - curves[:, -1] > 1e-6).mean() > 0.9


def test_other_debts_are_a_hardship_not_a_fault(sample):
    # The article lists other debts among the hardships to document: never worse than the reference reason.
    cats = sample["hardship_reason"].cat.categories
    as_reason = lambda r: sample.assign(hardship_reason=pd.Categorical([r] * len(sample), categories=cats))
    other, drop = true_probability(as_reason("other_debts")), true_probability(as_reason("income_drop"))
    assert (other >= drop).all()
    assert (other > true_probability(as_reason(NO_HARDSHIP))).all()


def test_savings_are_coherent(big):
    known = big["savings"].notna()
    # A proposed down payment never exceeds what the borrower had.
    paid = big["down_payment_ratio"] * big["outstanding_balance"]
    assert (paid[known] <= big.loc[known, "savings"] + 1e-6).all()
    assert (big.loc[known, "down_payment_ratio"] > 0).any()
    # Strength drives savings: the unemployed have less than borrowers without a hardship.
    med = big.groupby("hardship_reason", observed=True)["savings"].median()
    assert med["unemployment"] < med[NO_HARDSHIP]
    assert (big.loc[known & (big["hardship_reason"] == "unemployment"), "savings"] < 1_000).mean() > 0.5
    # Some are unknown, evasive borrowers' more often.
    unknown = big.groupby("communication", observed=True)["savings"].apply(lambda s: s.isna().mean())
    assert 0.05 < big["savings"].isna().mean() < 0.3
    assert unknown["evasive"] > unknown["proactive"]


def test_savings_have_no_effect_on_the_truth(sample):
    base = true_probability(sample)
    np.testing.assert_array_equal(true_probability(sample.assign(savings=np.nan)), base)
    np.testing.assert_array_equal(true_probability(sample.assign(savings=1e6)), base)
    np.testing.assert_array_equal(true_probability(sample.drop(columns="savings")), base)
    assert feature("savings").direction == 1  # a cushion, never harmful (contract), though no effect here


def test_structure_matches_life(big):
    med = big.groupby("hardship_reason", observed=True)["monthly_income"].median()
    assert med["unemployment"] < med.drop("unemployment").min()
    promises = big.groupby("communication", observed=True)["broken_promises"].mean()
    assert promises["evasive"] > promises["responsive"] > promises["proactive"]
    overdue = big.groupby("communication", observed=True)["past_overdue_count"].mean()
    assert overdue["evasive"] > overdue["proactive"]
    assert not big.loc[big["hardship_reason"] == "none", "hardship_proof"].any()
    # Jiebei balances are mostly 2k-100k; online lenders mostly agree 12-36 instalments.
    assert big["outstanding_balance"].between(2_000, 100_000).mean() > 0.8
    assert big["plan_months"].between(12, 36).mean() > 0.6


def test_effects_are_documented_once_and_all_used(sample):
    names = [e.name for e in EFFECTS]
    assert len(names) == len(set(names)) == len(COEF)
    # Zeroing any single coefficient changes the logit: no documented effect is dead.
    base = true_logit(sample)
    for name in names:
        saved = COEF[name]
        try:
            COEF[name] = 0.0
            assert not np.allclose(true_logit(sample), base), name
        finally:
            COEF[name] = saved


def test_the_package_reads_every_name_from_its_modules():
    from xieshang.generator import draw, truth, world

    for module in (world, truth, draw):
        for name in set(module.__all__) & set(gen.__all__):
            assert getattr(gen, name) is getattr(module, name), name
    assert set(gen.__all__) <= set(world.__all__) | set(truth.__all__) | set(draw.__all__)
    frame = gen.generate(50, seed=4)
    terms = truth.effect_terms(validate_frame(frame))
    assert set(terms) == set(gen.COEF)
    assert np.allclose(sum(gen.COEF[k] * v for k, v in terms.items()), gen.true_logit(frame))
