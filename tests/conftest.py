"""Shared test helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang.contract import FEATURE_NAMES
from xieshang.generator import generate, true_probability


class OracleModel:
    """A 'model' whose predict_proba is the generator's true probability (for tests and benchmarks)."""

    @property
    def reference_values_(self) -> dict:
        """The generator's typical approved applicant, what the reasons compare with (the oracle's own)."""
        from xieshang.explain import reference_values

        return reference_values()

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = true_probability(X)
        return np.column_stack([1.0 - p, p])


@pytest.fixture(scope="session")
def oracle() -> OracleModel:
    """The oracle model (true probabilities)."""
    return OracleModel()


@pytest.fixture(scope="session")
def small_model():
    """A quickly trained monotone gradient-boosted model (2,000 rows, 2 folds, sigmoid calibration)."""
    from xieshang.generator import generate
    from xieshang.model import ApprovalModel

    df = generate(2000, seed=1)
    model = ApprovalModel(seed=0, candidates=("hgb_monotone",), n_splits=2, calibration=("sigmoid",))
    return model.fit(df, df["approved"])


# -- rows with missing values (tests/modeling/) ------------------------------------------------
def _holes(frame, rng):
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


@pytest.fixture()
def with_missing():
    """``with_missing(frame, rng)``: valid rows, then missing values where the contract allows them."""
    return _holes


@pytest.fixture(scope="session")
def saved_model(small_model, tmp_path_factory):
    """:func:`small_model` saved with its sidecar, as the engines' workers receive it."""
    return small_model.save(tmp_path_factory.mktemp("model") / "approval.joblib")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """2,000 generated rows (seed 3), for the figures and the numbers behind them."""
    return generate(2000, seed=3)


@pytest.fixture(scope="module")
def X(sample) -> pd.DataFrame:
    """The contract's columns of :func:`sample`."""
    return sample[list(FEATURE_NAMES)]
