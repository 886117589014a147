"""Monotone LightGBM: boosted trees under the contract's directions, with LightGBM's less restrictive constraints.

scikit-learn's monotone constraints bound every leaf under a split by the
split's midpoint, which keeps a tree from holding a gate (one column capping
the effect of the others). LightGBM's ``"intermediate"`` method keeps the same
directions with looser bounds. ``lightgbm`` is optional (the ``lgbm`` extra):
without it the candidate ``lgbm_monotone`` is not available (:data:`HAVE_LIGHTGBM`).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

__all__ = ["HAVE_LIGHTGBM", "MonotoneLGBM"]

try:  # optional: the lgbm extra (in dev and bench) installs it
    import lightgbm as _lightgbm  # noqa: F401

    HAVE_LIGHTGBM = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_LIGHTGBM = False


class MonotoneLGBM(ClassifierMixin, BaseEstimator):
    """``LGBMClassifier`` constrained by known directions, its length found by early stopping.

    Parameters
    ----------
    directions : dict, optional
        Column -> +1 / -1 / 0 (columns not named are unconstrained).
    num_leaves : int, default 7
    learning_rate : float, default 0.05
    min_child_samples : int, default 50
    max_iter : int, default 2000
        Cap of boosting rounds while early stopping searches the length.
    validation_fraction : float, default 0.1
        Share of the training rows early stopping watches (the rest fit the trees).
    n_iter_no_change : int, default 30
    method : str, default "intermediate"
        LightGBM's ``monotone_constraints_method``.
    seed : int, default 0
        Seed of the validation split and of LightGBM.

    Attributes
    ----------
    booster_ : lightgbm.LGBMClassifier
        The fitted model.
    n_iter_ : int
        Boosting rounds kept (the best on the validation rows).
    classes_ : numpy.ndarray
    """

    def __init__(self, *, directions: dict[str, int] | None = None, num_leaves: int = 7, learning_rate: float = 0.05,
                 min_child_samples: int = 50, max_iter: int = 2000, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 30, method: str = "intermediate", seed: int = 0) -> None:
        self.directions = directions
        self.num_leaves = num_leaves
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.max_iter = max_iter
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.method = method
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any) -> MonotoneLGBM:
        """Fit on a numeric frame (directions apply by column name) and 0/1 labels.

        Raises
        ------
        ValueError
            Without ``lightgbm`` installed, or labels of other than two classes.
        """
        if not HAVE_LIGHTGBM:
            raise ValueError("lgbm_monotone: expected the optional package lightgbm, which is not installed; "
                             "install it with pip install 'xieshang[lgbm]' or leave the candidate out")
        import lightgbm

        y = np.asarray(y).astype(np.int64)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"y: expected two classes, got {self.classes_.tolist()}")
        directions = self.directions or {}
        cst = [int(directions.get(str(c), 0)) for c in X.columns]
        self.booster_ = lightgbm.LGBMClassifier(
            n_estimators=int(self.max_iter), num_leaves=int(self.num_leaves), learning_rate=float(self.learning_rate),
            min_child_samples=int(self.min_child_samples), monotone_constraints=cst,
            monotone_constraints_method=self.method, num_threads=1, random_state=int(self.seed), verbose=-1)
        tr, va = train_test_split(np.arange(len(y)), test_size=float(self.validation_fraction),
                                  random_state=int(self.seed), stratify=y)
        watch: dict[str, Any] = {"eval_X": (X.iloc[va],), "eval_y": (y[va],)}
        if "eval_X" not in inspect.signature(lightgbm.LGBMClassifier.fit).parameters:  # lightgbm < 4.7
            watch = {"eval_set": [(X.iloc[va], y[va])]}
        self.booster_.fit(X.iloc[tr], y[tr], callbacks=[lightgbm.early_stopping(int(self.n_iter_no_change),
                                                                                verbose=False)], **watch)
        self.n_iter_ = int(self.booster_.best_iteration_ or self.max_iter)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds of approval (the raw score at the best iteration)."""
        check_is_fitted(self, "booster_")
        return np.asarray(self.booster_.predict(X, raw_score=True, num_iteration=self.n_iter_), dtype=float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the log-odds are positive."""
        return (self.decision_function(X) > 0).astype(np.int64)
