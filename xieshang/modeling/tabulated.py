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

from .flat_trees import FLAT_MAX_CELLS, flatten_trees, walk_flat_trees
from .scores import fast_matrix, same_columns
from .tabulate import interval_index, interval_indices, tabulate_trees

__all__ = ["TabulatedHGB"]

FEW_CELLS = 100_000
"""Up to this many (row, cut) pairs, every column's intervals come from one comparison
(:func:`~xieshang.modeling.tabulate.interval_indices`) instead of a ``searchsorted`` call per column."""


class TabulatedHGB(HistGradientBoostingClassifier):
    """``HistGradientBoostingClassifier`` that predicts from its trees summed into lookup tables.

    When every fitted tree splits on at most two columns (small trees, or an
    interaction constraint), the trees touching the same columns add up to
    one table over the thresholds they use: the same decision values (up to
    the order of floating-point sums), without scikit-learn's Python call per
    tree, which dominates a one-row prediction of hundreds of small trees.
    A missing value follows each node's learned side, as in scikit-learn.
    Otherwise a few rows walk every tree at once through the flat node arrays
    of :mod:`~xieshang.modeling.flat_trees` (the same values, bit for bit), and
    more rows scikit-learn's own walk of the fitted trees, without its per-call
    input checks; anything but a frame with the columns of ``fit`` or a numeric
    matrix goes through scikit-learn's ``predict_proba`` and its checks.
    The parameters are those of ``HistGradientBoostingClassifier``.

    Attributes
    ----------
    tables_ : dict or None
        The tables (see :func:`~xieshang.modeling.tabulate.tabulate_trees`), or ``None`` when the trees cannot be
        tabulated (or the tables did not reproduce scikit-learn's decision
        values on the training rows).
    flat_trees_ : dict or None
        The trees as flat node arrays (:func:`~xieshang.modeling.flat_trees.flatten_trees`) when they are
        not tabulated, or ``None`` (tabulated, or not reproducing scikit-learn's values bit for bit).
    never_seen_ : numpy.ndarray of int
        Columns unknown (NaN) in every training row (an optional column a file
        lacks): nothing can be learned from them, so they are held constant,
        in training and prediction alike (scikit-learn cannot bin an all-NaN column).
    """

    def _held(self, X: Any) -> Any:
        """``X`` with the never-seen columns held at 0 (a copy only when there are any), for scikit-learn's own path.

        The fast paths hold them on a float matrix instead (:meth:`_matrix`).
        """
        cols = getattr(self, "never_seen_", None)
        if cols is None or not len(cols):
            return X
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

        self.tables_: dict[str, Any] | None = None
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
        self.flat_trees_: dict[str, Any] | None = None
        if dense:
            self._compile(X)
        return self

    @staticmethod
    def _probe(X: Any, n: int) -> Any:
        """The first ``n`` rows of ``X`` and up to ``n`` rows with missing values (their own routing)."""
        M = np.asarray(X, dtype=float)
        nan_rows = np.flatnonzero(np.isnan(M).any(axis=1))[:n]
        rows = np.union1d(np.arange(min(M.shape[0], n)), nan_rows)
        return X.iloc[rows] if isinstance(X, pd.DataFrame) else M[rows]

    def _compile(self, X: Any) -> None:
        """The tables, else the flat trees, each kept only if it gives scikit-learn's values on training rows."""
        self.tables_ = tabulate_trees(self)
        if self.tables_ is not None:
            probe = self._probe(X, 512)
            fast = self._tabulated(probe)
            if fast is None or not np.allclose(fast, super().decision_function(probe), rtol=1e-9, atol=1e-9):
                self.tables_ = None
        if self.tables_ is None:
            self.flat_trees_ = flatten_trees(self)
            probe = self._probe(X, 64)  # bit for bit: the same additions in the same order
            M = self._matrix(probe)
            if self.flat_trees_ is not None and (M is None or not np.array_equal(
                    walk_flat_trees(self.flat_trees_, M), super().decision_function(probe))):
                self.flat_trees_ = None

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
            if "cut_matrix" in t and len(block) * t["cut_matrix"].size <= FEW_CELLS:  # one call for every column
                bb[:, used] = interval_indices(t["cut_matrix"], t["cut_counts"], block[:, used])
            else:
                for f in used:
                    bb[:, f] = interval_index(t["cuts"][f], block[:, f])
            for i in range(0, len(block), inner):
                part = bb[i:i + inner]
                idx = first.take(part[:, f0] + rowstart)
                idx += second.take(part[:, f1] + rowstart)
                out[lo + i:lo + i + inner] += flat.take(idx).sum(axis=1)
        return out

    def _matrix(self, X: Any) -> np.ndarray | None:
        """``X`` as a float matrix (never-seen columns held at 0) the fast paths may take, or ``None``.

        A frame with exactly the columns of ``fit`` (:func:`~xieshang.modeling.scores.fast_matrix`), or a
        numeric matrix of as many columns; anything else goes through scikit-learn's checks and messages.
        """
        if isinstance(X, pd.DataFrame):
            M = fast_matrix(X, getattr(self, "feature_names_in_", None))
        elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "fiub" and len(X):
            M = np.asarray(X, dtype=float)
        else:
            M = None
        if M is None or M.shape[1] != getattr(self, "n_features_in_", -1):
            return None
        cols = getattr(self, "never_seen_", None)
        if cols is not None and len(cols):
            M = M.copy()  # never the caller's data
            M[:, cols] = 0.0
        return M

    def _walked(self, M: np.ndarray) -> np.ndarray | None:
        """Log-odds of a binary model from its fitted trees, as ``_raw_predict`` sums them, without its checks.

        scikit-learn's own tree walk (``_predict_iterations``) on the float matrix, from the same
        baseline in the same order: the same values, bit for bit. Its input checks cost more than
        walking a few hundred rows through a few hundred trees. ``None`` for another scikit-learn's internals.
        """
        try:
            if self.n_trees_per_iteration_ != 1:
                return None
            raw = np.zeros((len(M), 1), dtype=self._baseline_prediction.dtype, order="F")
            raw += self._baseline_prediction
            from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

            self._predict_iterations(M, self._predictors, raw, False, _openmp_effective_n_threads())
        except (AttributeError, TypeError, ImportError):
            return None
        return raw[:, 0]

    def _raw(self, X: Any) -> np.ndarray | None:
        """Log-odds of the positive class from the tables, else from the flat trees (a few rows) or scikit-learn's
        own walk without its checks; ``None``: ask scikit-learn."""
        M = self._matrix(X)
        if M is None:
            return None
        out = self._tabulated(M)
        if out is not None:
            return out
        flat = getattr(self, "flat_trees_", None)  # None: not compiled (or fitted before it was)
        if flat is not None and len(M) * len(flat["roots"]) <= FLAT_MAX_CELLS:
            return walk_flat_trees(flat, M)
        return self._walked(M)

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the positive class, shape (n,)."""
        out = self._raw(X)
        return super().decision_function(self._held(X)) if out is None else out

    @staticmethod
    def _proba(out: np.ndarray) -> np.ndarray:
        """As scikit-learn's binomial loss: the logistic of the log-odds, then its complement."""
        from scipy.special import expit

        p = expit(out)
        return np.column_stack([1.0 - p, p])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        out = self._raw(X)
        return super().predict_proba(self._held(X)) if out is None else self._proba(out)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class (as scikit-learn: the first class on a tie)."""
        out = self._raw(X)
        if out is None:
            return super().predict(self._held(X))
        return self.classes_[np.argmax(self._proba(out), axis=1)]
