import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

from xieshang import train
from xieshang.contract import LABEL, TRUTH
from xieshang.features import DomainFeatures
from xieshang.generator import generate
from xieshang.metrics import evaluate
from xieshang.modeling import (
    BLEND,
    CANDIDATES,
    CAPACITIES,
    REFIT_SHRINK,
    MonotoneBlend,
    MonotoneLogistic,
    RefitCalibrated,
    TabulatedHGB,
    blend_candidates,
    blended_row_losses,
    capacity_label,
    choose_calibration,
    cross_validate_candidate,
    cv_folds,
    direction_violations,
    holdout_split,
    make_candidates,
    one_standard_error_choice,
    search_monotone_boosting,
)


@pytest.fixture(scope="module")
def data():
    return generate(1_600, seed=21)


@pytest.fixture(scope="module")
def test_rows():
    return generate(2_000, seed=22)


@pytest.fixture(scope="module")
def model(data):
    return train(data, seed=3)


def test_train_fits_compares_every_candidate_and_predicts(model, test_rows):
    assert set(model.cv_results_) == set(CANDIDATES)
    assert model.candidate_ in CANDIDATES and model.cv_results_[model.candidate_]["monotone"]
    eligible = [n for n, r in model.cv_results_.items() if r["monotone"]]
    assert model.candidate_ == min(eligible, key=lambda n: model.cv_results_[n]["cv_log_loss"])
    assert model.calibration_ in ("sigmoid", "isotonic", "temperature")
    p = model.predict_proba(test_rows)[:, 1]
    assert ((p >= model.clip) & (p <= 1 - model.clip)).all()
    # Better than knowing only the approval rate, on rows it never saw.
    m = evaluate(test_rows[LABEL], p)
    base = evaluate(test_rows[LABEL], np.full(len(p), test_rows[LABEL].mean()))
    assert m["log_loss"] < base["log_loss"]


def test_true_probability_does_not_influence_the_model(data, model, test_rows):
    scrambled = data.assign(**{TRUTH: np.random.default_rng(0).permutation(data[TRUTH].to_numpy())})
    other = train(scrambled, seed=3)
    np.testing.assert_array_equal(other.predict_proba(test_rows), model.predict_proba(test_rows))


def test_same_seed_gives_identical_metrics(data, model, test_rows):
    again = train(data, seed=3)
    assert again.cv_results_[model.candidate_]["fold_log_loss"] == model.cv_results_[model.candidate_]["fold_log_loss"]
    a = evaluate(test_rows[LABEL], model.predict_proba(test_rows)[:, 1], test_rows[TRUTH])
    b = evaluate(test_rows[LABEL], again.predict_proba(test_rows)[:, 1], test_rows[TRUTH])
    assert a == b


def test_monotone_directions_hold_on_the_fitted_model(model, test_rows):
    assert direction_violations(model.predict_proba, test_rows, n_rows=300, seed=1) == {}


def test_direction_check_catches_a_model_that_breaks_a_direction(test_rows):
    def backwards(X):  # more past overdues raise the estimate: forbidden
        p = 1 / (1 + np.exp(-0.3 * X["past_overdue_count"].to_numpy(float)))
        return np.column_stack([1 - p, p])

    assert set(direction_violations(backwards, test_rows)) == {"past_overdue_count"}


def test_monotone_logistic_respects_signs_even_against_the_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=3_000)
    y = (rng.random(3_000) < 1 / (1 + np.exp(-2 * x))).astype(int)  # the data say: x raises approval
    X = pd.DataFrame({"x": x})
    free = MonotoneLogistic().fit(X, y)
    forced = MonotoneLogistic(directions={"x": -1}).fit(X, y)
    grid = pd.DataFrame({"x": np.linspace(-3, 3, 50)})
    assert np.all(np.diff(free.decision_function(grid)) >= 0) and free.coef_.sum() > 0
    assert np.all(np.diff(forced.decision_function(grid)) <= 1e-12)


def test_monotone_logistic_log_odds_are_its_ramp_basis_times_its_coefficients():
    # decision_function interpolates each column's summed ramps: it must equal the basis the fit used,
    # blanks included (a column seen blank in fit: its indicator; one never blank: the average row).
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=2_000), "b": rng.integers(0, 5, 2_000).astype(float),
                      "c": rng.exponential(size=2_000), "k": np.ones(2_000)})
    X.loc[rng.random(2_000) < 0.1, "c"] = np.nan
    y = (rng.random(2_000) < 1 / (1 + np.exp(-X["a"] + 0.3 * X["b"]))).astype(int)
    model = MonotoneLogistic(directions={"a": 1, "b": -1}).fit(X, y)
    new = pd.DataFrame({"a": [-9.0, 0.1, np.nan, 9.0], "b": [2.0, np.nan, 0.0, 7.0],
                        "c": [np.nan, 0.5, 30.0, 0.0], "k": [1.0, 2.0, np.nan, 1.0]})
    for rows in (X, new, *(new.iloc[[i]] for i in range(len(new)))):  # one row at a time too
        M = rows.to_numpy(float)
        expected = (model._basis(M) - model.basis_mean_) @ model.coef_ + model.intercept_
        np.testing.assert_allclose(model.decision_function(rows), expected, rtol=1e-12, atol=1e-12)
    # The curves kept for fast prediction are rebuilt by a refit.
    refit = model.fit(X.assign(a=-X["a"]), y)
    M = new.to_numpy(float)
    np.testing.assert_allclose(refit.decision_function(new),
                               (refit._basis(M) - refit.basis_mean_) @ refit.coef_ + refit.intercept_, rtol=1e-12)


def test_train_refuses_bad_data_with_every_problem(data):
    bad = data.drop(columns="credit_score").assign(approved=2)
    with pytest.raises(ValueError, match=r"(?s)credit_score.*approved"):
        train(bad)
    with pytest.raises(ValueError, match="approved"):
        train(data.drop(columns=LABEL))


def test_folds_are_shared_stratified_and_seeded(data):
    y = data[LABEL].to_numpy()
    a, b = cv_folds(y, 4, seed=1), cv_folds(y, 4, seed=1)
    assert all(np.array_equal(x[1], z[1]) for x, z in zip(a, b))
    assert sorted(np.concatenate([te for _, te in a]).tolist()) == list(range(len(y)))
    for _, te in a:
        assert abs(y[te].mean() - y.mean()) < 0.02
    with pytest.raises(ValueError, match="approved"):
        cv_folds(np.array([0] * 10 + [1]), 5)


def test_unknown_candidate_and_bad_split_are_refused(data):
    with pytest.raises(ValueError, match="candidates"):
        make_candidates(0, ["random_forest"])
    with pytest.raises(ValueError, match="test_size"):
        holdout_split(data, test_size=1.5)
    tr, te = holdout_split(data, test_size=0.25, seed=0)
    assert len(te) == round(0.25 * len(data)) and not set(tr.index) & set(te.index)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic", "temperature"])
def test_refit_calibrated_is_calibrated_classifier_cv_without_ensemble(data, test_rows, method):
    from sklearn.calibration import CalibratedClassifierCV

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    folds = cv_folds(y, 3, seed=0)
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, folds)
    ours = RefitCalibrated(pipe, method=method).fit(X, y, oof_scores=res.oof_score)
    sk = CalibratedClassifierCV(pipe, method=method, cv=folds, ensemble=False).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(test_rows), sk.predict_proba(test_rows), atol=1e-9)
    # Applied directly (without the wrapper's per-call overhead) it gives what scikit-learn gives.
    assert ours.direct_calibration_
    np.testing.assert_array_equal(ours.predict_proba(test_rows),
                                  ours.calibrator_.predict_proba(ours.decision_function(test_rows)[:, None]))


def test_refit_calibrated_computes_out_of_fold_scores_itself(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, seed=4))
    given = RefitCalibrated(pipe, n_splits=3, seed=4).fit(X, y, oof_scores=res.oof_score)
    computed = RefitCalibrated(pipe, n_splits=3, seed=4).fit(X, y)
    np.testing.assert_allclose(computed.predict_proba(test_rows), given.predict_proba(test_rows), rtol=1e-12)
    with pytest.raises(ValueError, match="method"):
        RefitCalibrated(pipe, method="platt").fit(X, y)
    with pytest.raises(ValueError, match="oof_scores"):
        RefitCalibrated(pipe).fit(X, y, oof_scores=res.oof_score[:10])


def test_calibration_is_chosen_by_cross_fitted_log_loss(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    pipe = make_candidates(0, ["hgb_monotone"])["hgb_monotone"]
    res = cross_validate_candidate("hgb_monotone", pipe, X, y, folds)
    method, scores = choose_calibration(res, y, folds)
    assert set(scores) == {"sigmoid", "isotonic", "temperature", "none"}
    assert method == min(("sigmoid", "isotonic", "temperature", "none"), key=scores.get)
    # "none" fits nothing: its score is the log loss of the out-of-fold values themselves.
    assert scores["none"] == pytest.approx(log_loss(y, 1 / (1 + np.exp(-res.oof_score))), rel=1e-12)
    assert choose_calibration(res, y, folds, methods=["none"])[0] == "none"
    with pytest.raises(ValueError, match="calibration"):
        choose_calibration(res, y, folds, methods=["beta"])


def test_refit_calibrated_none_is_the_sigmoid_of_the_decision_values(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    pipe = make_candidates(0, ["logistic_monotone"])["logistic_monotone"]
    res = cross_validate_candidate("logistic_monotone", pipe, X, y, cv_folds(y, 3, seed=0))
    none = RefitCalibrated(pipe, method="none").fit(X, y, oof_scores=res.oof_score)
    assert none.calibrator_ is None
    p = 1 / (1 + np.exp(-none.decision_function(test_rows)))
    np.testing.assert_allclose(none.predict_proba(test_rows), np.column_stack([1 - p, p]), rtol=1e-12)
    sig = RefitCalibrated(pipe, method="sigmoid").fit(X, y, oof_scores=res.oof_score)
    assert not np.allclose(sig.predict_proba(test_rows), none.predict_proba(test_rows), atol=1e-6)


def test_the_model_predicts_with_one_refit_pipeline(model, test_rows):
    final = model.calibrated_[model.candidate_]
    assert isinstance(final, RefitCalibrated) and final.method == model.calibration_
    expected = np.clip(final.predict_proba(test_rows)[:, 1], model.clip, 1 - model.clip)
    np.testing.assert_array_equal(model.predict_proba(test_rows)[:, 1], expected)
    for name in model.cv_results_:  # every candidate still answers, for the reports
        assert model.candidate_proba(test_rows, name).shape == (len(test_rows),)


@pytest.fixture(scope="module")
def two_candidates(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    pipes = make_candidates(0, ["logistic_monotone", "hgb_monotone"])
    results = [cross_validate_candidate(n, p, X, y, folds) for n, p in pipes.items()]
    return X, y, folds, pipes, results


def _oof_log_loss(z, y):
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def test_blend_takes_the_convex_weights_of_lowest_out_of_fold_log_loss(two_candidates):
    _X, y, folds, _, results = two_candidates
    res, weights = blend_candidates(results, y, folds)
    assert list(weights) == [r.name for r in results]
    w = np.array(list(weights.values()))
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(w * 10, np.round(w * 10), atol=1e-9)  # on the grid of step 0.1
    S = np.column_stack([r.oof_score for r in results])
    np.testing.assert_allclose(res.oof_score, S @ w)
    chosen = _oof_log_loss(S @ w, y)
    for a in np.linspace(0, 1, 11):  # no grid point does better
        assert chosen <= _oof_log_loss(S @ [a, 1 - a], y) + 1e-12
    # It never does worse than a member, out of fold, and respects the directions as its members do.
    assert res.log_loss <= min(r.log_loss for r in results) + 1e-9
    assert res.monotone and len(res.fold_models) == len(folds)
    with pytest.raises(ValueError, match="at least two"):
        blend_candidates(results[:1], y, folds)
    with pytest.raises(ValueError, match="step"):
        blend_candidates(results, y, folds, step=0.3)


def test_monotone_blend_is_the_weighted_sum_of_its_members(two_candidates, test_rows):
    X, y, _, pipes, _ = two_candidates
    fitted = [(n, p.fit(X, y)) for n, p in ((n, clone_(p)) for n, p in pipes.items())]
    blend = MonotoneBlend.from_fitted(fitted, [0.3, 0.7])
    expected = sum(w * m.decision_function(test_rows) for w, (_, m) in zip((0.3, 0.7), fitted))
    assert blend.shared_features_  # both start with DomainFeatures: computed once
    np.testing.assert_allclose(blend.decision_function(test_rows), expected, rtol=1e-12, atol=1e-12)
    # fit() refits the members itself and gives the same blend.
    refit = MonotoneBlend(list(pipes.items()), weights=[0.3, 0.7]).fit(X, y)
    np.testing.assert_allclose(refit.predict_proba(test_rows), blend.predict_proba(test_rows), rtol=1e-12)
    assert direction_violations(blend.predict_proba, test_rows, seed=2) == {}
    with pytest.raises(ValueError, match="weights"):
        MonotoneBlend(list(pipes.items()), weights=[0.5, 0.6]).fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        MonotoneBlend(list(pipes.items()), weights=[1.0]).fit(X, y)


def clone_(est):
    from sklearn.base import clone

    return clone(est)


def test_the_blend_reuses_the_refit_members_without_fitting_again(model, test_rows):
    cv = model.cv_results_[BLEND]
    members = list(cv["blend_weights"])
    # Every monotone candidate, and only those (a blend with a non-monotone member could break directions).
    assert members == [n for n in CANDIDATES if n != BLEND and model.cv_results_[n]["monotone"]]
    assert len(members) >= 2
    blend = model.calibrated_[BLEND].estimator_
    for n, est in zip(members, blend.estimators_):
        assert est is model.calibrated_[n].estimator_
    assert direction_violations(lambda X: model.calibrated_[BLEND].predict_proba(X), test_rows, seed=3) == {}


def test_blend_is_not_a_pipeline_of_its_own():
    with pytest.raises(ValueError, match="out-of-fold"):
        make_candidates(0, [BLEND])
    assert BLEND not in make_candidates(0)


def test_tabulated_boosting_gives_scikit_learn_decision_values(data, test_rows):
    from sklearn.ensemble import HistGradientBoostingClassifier as HGB

    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    Xt = DomainFeatures().fit(test_rows).transform(test_rows)
    small = make_candidates(0, ["hgb_monotone"])["hgb_monotone"].fit(X, y).named_steps["hgb"]
    assert isinstance(small, TabulatedHGB) and small.tables_ is not None
    np.testing.assert_allclose(small.decision_function(Xt), HGB.decision_function(small, Xt), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(small.predict_proba(Xt), HGB.predict_proba(small, Xt), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(small.predict(Xt.to_numpy()), HGB.predict(small, Xt))
    # Missing values follow each node's learned side, as in scikit-learn, in every column.
    holed = Xt.iloc[:200].copy()
    rng = np.random.default_rng(0)
    holed = holed.mask(rng.random(holed.shape) < 0.3)
    assert small._tabulated(holed) is not None  # the tables answer, not scikit-learn
    np.testing.assert_allclose(small.decision_function(holed), HGB.decision_function(small, holed),
                               rtol=1e-10, atol=1e-10)
    # Trees splitting on more than two columns cannot be tabulated: scikit-learn answers.
    deep = TabulatedHGB(max_iter=20, max_leaf_nodes=31, random_state=0).fit(DomainFeatures().fit(X).transform(X), y)
    assert deep.tables_ is None
    np.testing.assert_array_equal(deep.predict_proba(Xt), HGB.predict_proba(deep, Xt))


def test_boosting_capacity_and_length_are_chosen_on_the_folds(data, test_rows):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    found = search_monotone_boosting(X, y, folds, seed=0)
    # Every capacity is screened on the first fold; the chosen one is the lowest held-out log loss or a
    # less flexible one (one standard error rule), never a more flexible one.
    assert list(found.screening) == [capacity_label(c) for c in CAPACITIES]
    labels = list(found.screening)
    lowest = min(labels, key=found.screening.get)
    assert labels.index(capacity_label(found.capacity)) <= labels.index(lowest)
    assert found.partner_weights == {}  # no partner given
    # Early stopping inside each fold sizes the refit: the mean best iteration, then no validation split,
    # at a rate REFIT_SHRINK times smaller for REFIT_SHRINK times the iterations.
    assert len(found.fold_iterations) == len(folds) == len(found.result.fold_models)
    assert found.n_iter == REFIT_SHRINK * max(1, round(np.mean(found.fold_iterations)))
    hgb = found.estimator.named_steps["hgb"]
    assert hgb.max_iter == found.n_iter and hgb.early_stopping is False
    assert hgb.learning_rate == pytest.approx(found.capacity["learning_rate"] / REFIT_SHRINK)
    assert {k: v for k, v in hgb.get_params().items() if k in ("max_leaf_nodes", "min_samples_leaf")} == \
        {k: found.capacity[k] for k in ("max_leaf_nodes", "min_samples_leaf")}
    for m in found.result.fold_models:
        assert m.named_steps["hgb"].early_stopping is True
    # Out-of-fold values: each fold's rows come from the model that did not see them.
    for (_tr, te), m in zip(folds, found.result.fold_models):
        np.testing.assert_allclose(found.result.oof_score[te], m.decision_function(X.iloc[te]), rtol=1e-9)
    assert found.result.monotone
    with pytest.raises(ValueError, match="capacities"):
        search_monotone_boosting(X, y, folds, capacities=())


def test_one_standard_error_rule_keeps_the_simpler_option_unless_the_gain_beats_the_noise():
    rng = np.random.default_rng(0)
    simple = rng.exponential(0.5, 4000)
    noise = rng.normal(0, 0.2, 4000)
    # Lower on average by far less than the noise of the paired differences: the simpler option stays.
    slightly = simple - 0.001 + noise
    assert one_standard_error_choice({"simple": simple, "flexible": slightly}) == "simple"
    # Lower by many standard errors: the flexible option wins; and the order of the options matters.
    clearly = simple - 0.05 + noise
    assert one_standard_error_choice({"simple": simple, "flexible": clearly}) == "flexible"
    assert one_standard_error_choice({"flexible": slightly, "simple": simple}) == "flexible"
    assert one_standard_error_choice({"only": simple}) == "only"
    with pytest.raises(ValueError, match="at least one option"):
        one_standard_error_choice({})
    with pytest.raises(ValueError, match="same rows"):
        one_standard_error_choice({"a": simple, "b": simple[:10]})


def test_blended_row_losses_take_the_partners_best_weight():
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 1.5, 5000)
    y = (rng.random(5000) < 1 / (1 + np.exp(-truth))).astype(int)
    half_a, half_b = truth + rng.normal(0, 1, 5000), truth + rng.normal(0, 1, 5000)
    alone, w0 = blended_row_losses(y, half_a)
    blended, w = blended_row_losses(y, half_a, half_b)
    z = np.clip(half_a, -35, 35)
    np.testing.assert_allclose(alone, np.logaddexp(0, z) - y * z)
    assert w0 == 0.0 and 0.0 < w < 1.0  # two equally noisy views: each gets weight
    assert blended.mean() < alone.mean()
    # Beside the true log-odds, a useless partner gets no weight.
    useless, w_none = blended_row_losses(y, truth, rng.normal(0, 3, 5000))
    assert w_none == 0.0 and useless.mean() == pytest.approx(blended_row_losses(y, truth)[0].mean())


def test_boosting_capacity_is_screened_beside_its_blend_partner(data):
    X, y = data.drop(columns=[LABEL, TRUTH]), data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    alone = search_monotone_boosting(X, y, folds, seed=0)
    partner = cross_validate_candidate("logistic_monotone", make_candidates(0, ["logistic_monotone"])[
        "logistic_monotone"], X, y, folds, seed=0).oof_score
    beside = search_monotone_boosting(X, y, folds, seed=0, partner_score=partner)
    assert set(beside.partner_weights) == set(beside.screening) == set(alone.screening)
    for label, loss in beside.screening.items():
        assert loss <= alone.screening[label] + 1e-12  # the blend's grid includes the trees alone
    with pytest.raises(ValueError, match="partner_score"):
        search_monotone_boosting(X, y, folds, seed=0, partner_score=partner[:10])


def test_the_refit_boosting_runs_the_iterations_found_in_the_folds(model):
    cv = model.cv_results_["hgb_monotone"]
    assert {"capacity", "n_iter", "fold_iterations", "screening", "screening_partner_weights"} <= set(cv)
    # The blend is a candidate: the capacities were screened beside the additive model.
    assert set(cv["screening_partner_weights"]) == set(cv["screening"])
    refit = model.calibrated_["hgb_monotone"].estimator_.named_steps["hgb"]
    assert refit.n_iter_ == cv["n_iter"] and not refit.early_stopping


def _with_missing(frame, rng):
    """Valid rows, then missing values where the contract will allow them (after validation)."""
    from xieshang.validation import validate_frame

    X = validate_frame(frame).reset_index(drop=True)
    n = len(X)
    for col in ("credit_score", "days_overdue", "on_time_ratio"):
        X[col] = X[col].astype(float).mask(rng.random(n) < 0.2)
    for col in ("income_proof", "hardship_proof", "materials_on_time"):
        X[col] = X[col].astype(float).mask(rng.random(n) < 0.2)
    X["communication"] = X["communication"].mask(rng.random(n) < 0.2)
    return X


@pytest.fixture()
def accept_missing(monkeypatch):
    """Validation accepts NaN only after the contract change lands: let clean-but-holed frames through."""
    from xieshang.contract import FEATURE_NAMES

    def passthrough(X, *args, **kwargs):
        return X[list(FEATURE_NAMES)]

    for where in ("xieshang.features.validate_frame", "xieshang.modeling.selection.validate_frame",
                  "xieshang.model.validate_frame"):
        monkeypatch.setattr(where, passthrough)


@pytest.mark.parametrize("name", ["hgb_monotone", "logistic_monotone"])
def test_candidates_use_the_missingness_itself(data, accept_missing, name):
    rng = np.random.default_rng(0)
    X = _with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    y = data[LABEL].to_numpy().copy()
    unknown = X["credit_score"].isna().to_numpy()
    y[unknown] = rng.random(unknown.sum()) < 0.95  # not knowing the score says much here
    m = make_candidates(0, [name])[name].fit(X, y)
    p = m.predict_proba(X)[:, 1]
    assert np.isfinite(p).all()
    # Imputing the median would hide it; the model gives the unknown rows their own, higher, estimate.
    filled = X.assign(credit_score=X["credit_score"].fillna(X["credit_score"].median()))
    assert p[unknown].mean() > m.predict_proba(filled)[unknown, 1].mean() + 0.1


def test_boosting_search_and_direction_check_accept_missing_values(data, accept_missing):
    rng = np.random.default_rng(1)
    X = _with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    y = data[LABEL].to_numpy()
    folds = cv_folds(y, 3, seed=0)
    found = search_monotone_boosting(X, y, folds, seed=0, capacities=CAPACITIES[:1])
    assert np.isfinite(found.result.oof_score).all() and found.result.monotone
    final = found.estimator.fit(X, y)
    assert direction_violations(final.predict_proba, X, seed=0) == {}


def test_the_whole_model_trains_and_predicts_on_rows_with_missing_values(data, test_rows, accept_missing):
    from xieshang import ApprovalModel

    rng = np.random.default_rng(2)
    X = _with_missing(data.drop(columns=[LABEL, TRUTH]), rng)
    model = ApprovalModel(seed=0, n_splits=2).fit(X, data[LABEL])
    assert set(model.cv_results_) == set(CANDIDATES)
    holed = _with_missing(test_rows.drop(columns=[LABEL, TRUTH]), rng)
    p = model.predict_proba(holed)[:, 1]
    assert np.isfinite(p).all() and ((p >= model.clip) & (p <= 1 - model.clip)).all()
    # Still better than the approval rate alone on rows it never saw, holes and all.
    y = test_rows[LABEL].to_numpy()
    assert evaluate(y, p)["log_loss"] < evaluate(y, np.full(len(y), y.mean()))["log_loss"]
    assert direction_violations(model.predict_proba, holed, seed=4) == {}


def test_a_blank_in_a_column_never_blank_in_fit_counts_as_average_not_as_the_extreme(data):
    from xieshang.features import DomainFeatures
    from xieshang.modeling import MonotoneLogistic

    X = DomainFeatures().fit(data).transform(data)
    model = MonotoneLogistic(directions=DomainFeatures().directions()).fit(X, data[LABEL])
    assert np.isnan(X["credit_score"]).sum() == 0
    row = X.iloc[:1].copy()
    p = []
    for v in (350, 950, np.nan):
        row["credit_score"] = v
        p.append(model.predict_proba(row)[0, 1])
    assert p[0] < p[2] < p[1]
