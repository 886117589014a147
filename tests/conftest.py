"""Shared test helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang.generator import true_probability


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
