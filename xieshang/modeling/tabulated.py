"""Boosted trees that predict from lookup tables: :class:`TabulatedHGB`.

``HistGradientBoostingClassifier`` whose trees, when each splits on at most two
columns, are summed into tables (:mod:`~xieshang.modeling.tabulate`): the same
decision values without scikit-learn's Python call per tree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from .scores import fast_matrix, same_columns
from .tabulate import interval_index, tabulate_trees

__all__ = ["TabulatedHGB"]


class TabulatedHGB(HistGradientBoostingClassifier):
    """``HistGradientBoostingClassifier`` that predicts from its trees summed into lookup tables.

    When every fitted tree splits on at most two columns (small trees, or an
    interaction constraint), the trees touching the same columns add up to
    one table over the thresholds they use: the same decision values (up to
    the order of floating-point sums), without scikit-learn's Python call per
    tree, which dominates a one-row prediction of hundreds of small trees.
    A missing value follows each node's learned side, as in scikit-learn.
    Otherwise scikit-learn's own prediction is used.
    The parameters are those of ``HistGradientBoostingClassifier``.

    Attributes
    ----------
    tables_ : dict or None
        The tables (see :func:`~xieshang.modeling.tabulate.tabulate_trees`), or ``None`` when the trees cannot be
        tabulated (or the tables did not reproduce scikit-learn's decision
        values on the training rows).
    never_seen_ : numpy.ndarray of int
        Columns unknown (NaN) in every training row (an optional column a file
        lacks): nothing can be learned from them, so they are held constant,
        in training and prediction alike (scikit-learn cannot bin an all-NaN column).
    """

    def _held(self, X: Any) -> Any:
        """``X`` with the never-seen columns held at 0 (a copy only when there are any).

        A frame with the columns of ``fit`` that the tables can answer becomes a float matrix first:
        copying a matrix costs microseconds, a frame (and setting its columns) a millisecond.
        """
        cols = getattr(self, "never_seen_", None)
        if cols is None or not len(cols):
            return X
        if getattr(self, "tables_", None) is not None:
            M = fast_matrix(X, getattr(self, "feature_names_in_", None))
            if M is not None:
                M = M.copy()
                M[:, cols] = 0.0
                return M
        if isinstance(X, pd.DataFrame):
            X = X.copy()
            X.iloc[:, cols] = 0.0
            return X
        M = np.array(X, dtype=float)
        M[:, cols] = 0.0
        return M

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any) -> TabulatedHGB:
        """Fit as ``HistGradientBoostingClassifier``, then tabulate the trees (checked on training rows)."""
        from scipy import sparse

        self.tables_ = None
        # Dense input only (scikit-learn's own checks refuse sparse input with their message).
        M = None if sparse.issparse(X) else np.asarray(X)
        if M is not None:  # anything not plainly numeric is left to scikit-learn's own checks and messages
            try:
                M = None if M.dtype.kind == "c" else M.astype(float)
            except (TypeError, ValueError):
                M = None
        dense = M is not None and M.ndim == 2 and M.size > 0
        never_seen = np.isnan(M).all(axis=0) if M is not None and dense else np.zeros(0, dtype=bool)
        self.never_seen_ = np.flatnonzero(never_seen)
        X = self._held(X)
        super().fit(X, y, sample_weight=sample_weight, **fit_params)
        tables = tabulate_trees(self) if dense else None
        if tables is not None:
            self.tables_ = tables
            # Checked on the first rows and on rows with missing values (their own routing).
            M = np.asarray(X, dtype=float)
            nan_rows = np.flatnonzero(np.isnan(M).any(axis=1))[:512]
            rows = np.union1d(np.arange(min(M.shape[0], 512)), nan_rows)
            probe = X.iloc[rows] if isinstance(X, pd.DataFrame) else M[rows]
            fast = self._tabulated(probe)
            if fast is None or not np.allclose(fast, super().decision_function(probe), rtol=1e-9, atol=1e-9):
                self.tables_ = None
        return self

    def _tabulated(self, X: Any) -> np.ndarray | None:
        """Decision values from the tables (missing values included), or ``None`` where scikit-learn's must answer."""
        t: dict[str, Any] | None = getattr(self, "tables_", None)
        if t is None:
            return None
        names = getattr(self, "feature_names_in_", None)
        if isinstance(X, pd.DataFrame):
            if names is None or not same_columns(X.columns, names):
                return None
            M = X.to_numpy(dtype=float)
        else:
            M = np.asarray(X, dtype=float)  # a matrix: as from _held, whose frame had fit's columns
        if M.ndim != 2 or M.shape[1] != self.n_features_in_:
            return None
        out = np.full(len(M), t["const"])
        if not len(t["f0"]):
            return out
        used, rowstart, first, second = t["used"], t["rowstart"], t["first"], t["second"]
        f0, f1, flat = t["f0"], t["f1"], t["flat"]
        # Two block sizes: intervals of many rows per column call (few Python calls), then the
        # (rows x tables) index arrays of a few hundred rows, small enough to stay in cache.
        outer, inner = 16384, 512
        b = np.zeros((min(len(M), outer), M.shape[1]), dtype=np.intp)
        for lo in range(0, len(M), outer):
            block = M[lo:lo + outer]
            bb = b[:len(block)]
            for f in used:
                bb[:, f] = interval_index(t["cuts"][f], block[:, f])
            for i in range(0, len(block), inner):
                part = bb[i:i + inner]
                idx = first.take(part[:, f0] + rowstart)
                idx += second.take(part[:, f1] + rowstart)
                out[lo + i:lo + i + inner] += flat.take(idx).sum(axis=1)
        return out

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the positive class, shape (n,)."""
        X = self._held(X)
        out = self._tabulated(X)
        return super().decision_function(X) if out is None else out

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        from scipy.special import expit

        X = self._held(X)
        out = self._tabulated(X)
        if out is None:
            return super().predict_proba(X)
        p = expit(out)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The class whose log-odds win (as scikit-learn: the first class on a tie)."""
        X = self._held(X)
        out = self._tabulated(X)
        return super().predict(X) if out is None else self.classes_[(out > 0).astype(np.int64)]
