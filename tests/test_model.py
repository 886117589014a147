import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibrationDisplay
from sklearn.model_selection import cross_val_score

from xieshang import ApprovalModel, load_model
from xieshang.contract import FEATURE_NAMES, LABEL
from xieshang.generator import generate
from xieshang.model import sidecar_path

FAST = dict(candidates=("logistic_monotone", "hgb_monotone"), n_splits=3)


@pytest.fixture(scope="module")
def data():
    return generate(1_500, seed=31)


@pytest.fixture(scope="module")
def fitted(data):
    return ApprovalModel(seed=0, **FAST).fit(data, data[LABEL])


@pytest.fixture()
def saved(fitted, tmp_path):
    return fitted.save(tmp_path / "approval.joblib", metrics={"roc_auc": 0.9})


def test_sklearn_conventions(fitted, data):
    p = fitted.predict_proba(data)
    assert p.shape == (len(data), 2) and np.allclose(p.sum(axis=1), 1.0)
    assert list(fitted.classes_) == [0, 1]
    assert list(fitted.feature_names_in_) == list(FEATURE_NAMES)
    np.testing.assert_array_equal(fitted.predict(data), (p[:, 1] >= 0.5).astype(int))
    params = fitted.get_params()
    assert params["seed"] == 0 and params["n_threads"] == 1
    assert clone(fitted).get_params() == params and not hasattr(clone(fitted), "classes_")
    # Column order and extra columns do not matter.
    np.testing.assert_array_equal(fitted.predict_proba(data[list(reversed(data.columns))]), p)


def test_works_with_sklearn_tools(fitted, data):
    disp = CalibrationDisplay.from_estimator(fitted, data, data[LABEL], n_bins=5)
    assert len(disp.prob_true) > 1
    scores = cross_val_score(ApprovalModel(candidates=("logistic_monotone",), n_splits=2), data, data[LABEL],
                             cv=2, scoring="neg_log_loss")
    assert scores.shape == (2,) and (scores < 0).all()


def test_bad_parameters_and_input_are_refused(data):
    with pytest.raises(ValueError, match=r"n_splits.*clip"):
        ApprovalModel(n_splits=1, clip=0.7).fit(data, data[LABEL])
    with pytest.raises(ValueError, match="labels"):
        ApprovalModel(**FAST).fit(data, data[LABEL][:10])
    with pytest.raises(ValueError, match="candidate"):
        ApprovalModel(candidates=("svm",)).fit(data, data[LABEL])
    with pytest.raises(ValueError, match=r"blend_monotone.*at least two"):
        ApprovalModel(candidates=("hgb_monotone", "blend_monotone")).fit(data, data[LABEL])


def test_blended_model_saves_and_loads_with_identical_predictions(data, tmp_path):
    model = ApprovalModel(seed=0, candidates=("logistic_monotone", "hgb_monotone", "blend_monotone"),
                          n_splits=2, calibration=("sigmoid",)).fit(data, data[LABEL])
    assert set(model.cv_results_) == {"logistic_monotone", "hgb_monotone", "blend_monotone"}
    again = load_model(model.save(tmp_path / "approval.joblib"))
    for name in model.calibrated_:
        np.testing.assert_array_equal(again.candidate_proba(data, name), model.candidate_proba(data, name))


def test_bad_rows_at_predict_time_are_refused(fitted, data):
    with pytest.raises(ValueError, match=r"missing column.*monthly_income"):
        fitted.predict_proba(data.drop(columns="monthly_income"))


def test_save_then_load_gives_identical_predictions(fitted, saved, data):
    side = json.loads(sidecar_path(saved).read_text(encoding="utf-8"))
    assert side["seed"] == 0 and side["metrics"] == {"roc_auc": 0.9}
    assert [f["name"] for f in side["feature_contract"]] == list(FEATURE_NAMES)
    assert {"scikit-learn", "numpy", "pandas", "joblib", "python"} <= set(side["versions"])
    assert side["data_fingerprint"] == fitted.data_fingerprint_
    loaded = load_model(saved)
    np.testing.assert_array_equal(loaded.predict_proba(data), fitted.predict_proba(data))


def test_tampered_artifact_is_refused(saved):
    raw = bytearray(saved.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"SHA-256.*make train"):
        load_model(saved)


def test_other_sklearn_version_is_refused_before_unpickling(saved):
    side_file = sidecar_path(saved)
    side = json.loads(side_file.read_text(encoding="utf-8"))
    side["versions"]["scikit-learn"] = "0.1.0"
    side_file.write_text(json.dumps(side), encoding="utf-8")
    saved.write_bytes(b"not a pickle at all")  # would crash if it were unpickled
    with pytest.raises(ValueError, match=r"scikit-learn 0\.1\.0.*make train"):
        load_model(saved)


def test_missing_files_and_other_contract_are_refused(saved, tmp_path):
    with pytest.raises(ValueError, match=r"no model file.*make train"):
        load_model(tmp_path / "nothing.joblib")
    side_file = sidecar_path(saved)
    side = json.loads(side_file.read_text(encoding="utf-8"))
    side["feature_contract"] = side["feature_contract"][:-1]
    side_file.write_text(json.dumps(side), encoding="utf-8")
    with pytest.raises(ValueError, match="feature contract"):
        load_model(saved)
    side_file.unlink()
    with pytest.raises(ValueError, match="sidecar missing"):
        load_model(saved)


def test_failed_save_leaves_the_previous_pair_in_place(fitted, saved, monkeypatch, data):
    before = saved.read_bytes(), sidecar_path(saved).read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("xieshang.persistence.write_json", boom)
    with pytest.raises(OSError, match="disk full"):
        fitted.save(saved)
    assert (saved.read_bytes(), sidecar_path(saved).read_bytes()) == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["approval.joblib", "approval.json"]
    load_model(saved)


def test_prediction_runs_under_the_thread_limit(fitted, data):
    import copy

    from threadpoolctl import threadpool_info, threadpool_limits

    seen = []

    class Spy:  # records the thread counts the winning pipeline runs with
        def __init__(self, inner):
            self.inner = inner

        def predict_proba(self, X):
            seen.append({lib["num_threads"] for lib in threadpool_info()})
            return self.inner.predict_proba(X)

    spied = copy.copy(fitted)
    spied.calibrated_ = {**fitted.calibrated_, fitted.candidate_: Spy(fitted.calibrated_[fitted.candidate_])}
    with threadpool_limits(limits=2):
        for _ in range(2):  # the first call makes the kept controller, the second reuses it
            np.testing.assert_array_equal(spied.predict_proba(data.head(3)), fitted.predict_proba(data.head(3)))
    assert seen == [{1}, {1}]


def test_reasons_reference_comes_from_the_training_data(fitted, data, saved):
    ok = data[data[LABEL] == 1]
    ref = fitted.reference_values_
    assert ref["monthly_income"] == pytest.approx(ok["monthly_income"].median())
    assert ref["plan_months"] == round(ok["plan_months"].median())
    assert ref["communication"] == "proactive" and ref["income_proof"] is True
    assert load_model(saved).reference_values_ == ref


def test_large_sets_are_cross_validated_on_a_stratified_subsample_and_refit_on_every_row(data, monkeypatch):
    import xieshang.modeling.recipe as model_module  # where the recipe cross-validates

    seen, original = [], model_module.cross_validate_named

    def spy(name, X, y, folds, **kwargs):
        seen.append((len(X), float(np.mean(y))))
        return original(name, X, y, folds, **kwargs)

    monkeypatch.setattr(model_module, "cross_validate_named", spy)
    model = ApprovalModel(seed=0, max_cv_rows=1000, **FAST).fit(data, data[LABEL])
    assert [n for n, _ in seen] == [1000, 1000]
    assert abs(seen[0][1] - data[LABEL].mean()) < 0.002  # stratified
    # The refit saw every row: the additive model's quantile knots span the whole training range.
    logistic = model.calibrated_["logistic_monotone"].estimator_.named_steps["logistic"]
    j = list(logistic.feature_names_in_).index("credit_score")
    assert logistic.knots_[j][0] == data["credit_score"].min() and logistic.knots_[j][-1] == data["credit_score"].max()
    assert model.n_train_rows_ == len(data)
    with pytest.raises(ValueError, match="max_cv_rows"):
        ApprovalModel(max_cv_rows=10).fit(data, data[LABEL])


def test_tiny_training_sets_train_or_say_in_our_words_how_many_rows_are_needed():
    import xieshang

    df = xieshang.generate(400, seed=0)
    pick = lambda k: pd.concat([df[df[LABEL] == 1].head(k), df[df[LABEL] == 0].head(k)])
    with pytest.raises(ValueError, match=r"need at least 3 approved and 3 refused rows .* got 2 approved and 2 refused"):
        xieshang.train(pick(2), seed=0)
    model = xieshang.train(pick(3), seed=0)  # no scikit-learn message about folds or validation splits
    p = model.predict_proba(pick(3))[:, 1]
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()


def test_a_file_without_the_optional_savings_column_trains_and_ignores_it_later():
    """A 22-column file keeps working: the never-seen column is held constant, never a crash."""
    df = generate(3000, seed=4)
    model = ApprovalModel(seed=0, n_splits=3).fit(df.drop(columns="savings"), df[LABEL])
    without = model.predict_proba(df.drop(columns="savings"))[:, 1]
    with_savings = model.predict_proba(df)[:, 1]  # known later, but nothing was learned about it
    assert np.isfinite(without).all()
    np.testing.assert_array_equal(without, with_savings)
