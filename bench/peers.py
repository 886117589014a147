"""The project's peers in ``bench_worlds.py``: what a strong practitioner would fit instead.

Every peer is an unfitted scikit-learn classifier that takes the contract's rows
as they are (a world may lack ``savings``) and is given the same three plan
features, computed by :func:`plan_features`: the plan's instalment, its burden
``instalment / (max(disposable, 0) + 200)`` and the income left after it.

* ``baseline``: the plain boosted baseline of issue 9, exactly:
  one-hot categories, ``HistGradientBoostingClassifier`` (defaults,
  ``random_state=0``) inside ``CalibratedClassifierCV(method="isotonic", cv=5)``;
* ``ebm``: ``interpret``'s ``ExplainableBoostingClassifier`` with its defaults
  and ``n_jobs=1`` (a cyclic-boosted additive model with pairwise
  interactions; it takes the two categories as they are);
* ``lightgbm``: ``LGBMClassifier`` defaults with ``num_threads=1``, one-hot
  categories as the baseline, inside ``CalibratedClassifierCV(method="isotonic", cv=5)``.

``interpret-core`` and ``lightgbm`` are the ``bench`` extra
(``pip install -e ".[bench]"``; ``make bench-worlds`` installs it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from xieshang.contract import BOOL_NAMES, FEATURE_NAMES

__all__ = ["CATEGORIES", "PEERS", "baseline", "ebm", "lightgbm", "plan_features"]

CATEGORIES = ["hardship_reason", "communication"]


def plan_features(X: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns present in ``X`` (booleans as 0/1) plus instalment, burden and income left."""
    X = X[[c for c in FEATURE_NAMES if c in X]].copy()
    for b in BOOL_NAMES:
        X[b] = X[b].astype(float)  # booleans as 0/1 (NaN stays NaN)
    instalment = X["outstanding_balance"] * (1 - X["down_payment_ratio"]) / X["plan_months"]
    disposable = X["monthly_income"] - X["monthly_expenses"] - X["other_debt_payments"]
    X["instalment"] = instalment
    X["burden"] = instalment / (np.maximum(disposable, 0) + 200)
    X["left"] = disposable - instalment
    return X


def _one_hot() -> ColumnTransformer:
    return ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORIES)], remainder="passthrough")


def baseline() -> CalibratedClassifierCV:
    """The plain boosted baseline of issue 9."""
    pipe = make_pipeline(FunctionTransformer(plan_features), _one_hot(), HistGradientBoostingClassifier(random_state=0))
    return CalibratedClassifierCV(pipe, method="isotonic", cv=5)


def ebm() -> Any:
    """``ExplainableBoostingClassifier`` defaults, one job, on the plan features."""
    from interpret.glassbox import ExplainableBoostingClassifier

    return make_pipeline(FunctionTransformer(plan_features), ExplainableBoostingClassifier(n_jobs=1))


def lightgbm() -> CalibratedClassifierCV:
    """LightGBM defaults, one thread, isotonic ``CalibratedClassifierCV(cv=5)``, on the plan features."""
    from lightgbm import LGBMClassifier

    pipe = make_pipeline(FunctionTransformer(plan_features), _one_hot(),
                         LGBMClassifier(num_threads=1, verbose=-1))
    return CalibratedClassifierCV(pipe, method="isotonic", cv=5)


PEERS: dict[str, Callable[[], Any]] = {"baseline": baseline, "ebm": ebm, "lightgbm": lightgbm}
"""Peer name -> a builder of the unfitted classifier."""
