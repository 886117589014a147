"""Monotone LightGBM: boosted trees under the contract's directions, with LightGBM's less restrictive constraints.

scikit-learn's monotone constraints bound every leaf under a split by the
split's midpoint, which keeps a tree from holding a gate (one column capping
the effect of the others). LightGBM's ``"intermediate"`` method keeps the same
directions with looser bounds. It is one of the capacities the boosting screens
(:data:`~xieshang.modeling.boosting.CAPACITIES`) and the optional candidate
``lgbm_monotone``. ``lightgbm`` is a dependency of the package; where it is
missing all the same (:data:`HAVE_LIGHTGBM`), fitting one says how to install it.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from .scores import fast_matrix

__all__ = ["HAVE_LIGHTGBM", "MonotoneLGBM"]

try:  # a dependency; an environment without it gets a clear error at fit
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
    early_stopping : bool, default True
        Watch ``validation_fraction`` of the rows and keep the best round; ``False``: fit every row for
        ``max_iter`` rounds (a length found elsewhere, as the refit after the folds).

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
                 n_iter_no_change: int = 30, method: str = "intermediate", seed: int = 0,
                 early_stopping: bool = True) -> None:
        self.directions = directions
        self.num_leaves = num_leaves
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.max_iter = max_iter
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.method = method
        self.seed = seed
        self.early_stopping = early_stopping

    def fit(self, X: pd.DataFrame, y: Any) -> MonotoneLGBM:
        """Fit on a numeric frame (directions apply by column name) and 0/1 labels.

        Raises
        ------
        ValueError
            Without ``lightgbm`` installed, or labels of other than two classes.
        """
        if not HAVE_LIGHTGBM:
            raise ValueError("MonotoneLGBM: expected the package lightgbm, which is not installed; "
                             "install it with pip install 'lightgbm>=4.6' (a dependency of xieshang)")
        import lightgbm

        y = np.asarray(y).astype(np.int64)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"y: expected two classes, got {self.classes_.tolist()}")
        directions = self.directions or {}
        cst = [int(directions.get(str(c), 0)) for c in X.columns]
        self.columns_ = [str(c) for c in X.columns]
        self.booster_ = lightgbm.LGBMClassifier(
            n_estimators=int(self.max_iter), num_leaves=int(self.num_leaves), learning_rate=float(self.learning_rate),
            min_child_samples=int(self.min_child_samples), monotone_constraints=cst,
            monotone_constraints_method=self.method, num_threads=1, random_state=int(self.seed), verbose=-1)
        if not self.early_stopping:  # a length found elsewhere (the folds): every row fits the trees
            self.booster_.fit(X, y)
            self.n_iter_ = int(self.max_iter)
            return self
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
        # LightGBM's own Booster on a float matrix: the scikit-learn wrapper's checks of a frame cost
        # ~0.4 ms a call, most of a one-row prediction; the values are the same.
        M = fast_matrix(X, self.columns_)
        if M is None:
            M = X[self.columns_].to_numpy(dtype=float) if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=float)
        raw = self.booster_.booster_.predict(M, raw_score=True, num_iteration=self.n_iter_, num_threads=1)
        return np.asarray(raw, dtype=float).reshape(-1)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the log-odds are positive."""
        return (self.decision_function(X) > 0).astype(np.int64)
