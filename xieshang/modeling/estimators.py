"""The monotone additive model the candidates are built from.

* :class:`MonotoneLogistic`: a sign-constrained logistic regression on
  quantile ramps (a monotone additive model), with missing indicators.

The boosted trees predicting from lookup tables are :class:`~xieshang.modeling.tabulated.TabulatedHGB`;
the scores every step shares (log-odds, per-row log loss) are in :mod:`~xieshang.modeling.scores`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .scores import fast_matrix

__all__ = ["MonotoneLogistic"]


class MonotoneLogistic(ClassifierMixin, BaseEstimator):
    """L2-regularised logistic regression on ramp bases, with signs fixed by known directions.

    Each column becomes piecewise-linear ramps between its quantiles (constant
    outside the training range); a binary column stays as it is. Coefficients
    of a column with a direction are constrained to that sign (L-BFGS-B
    bounds), so the fitted log-odds are an additive function of the columns,
    monotone in every directed one: a monotone generalised additive model.

    Parameters
    ----------
    directions : dict, optional
        Column -> +1 / -1 / 0; missing columns are unconstrained.
    n_knots : int, default 10
        Quantile knots per column (ties collapse them).
    C : float, default 1.0
        Inverse L2 strength, as in ``LogisticRegression``.
    max_iter : int, default 500
        Iterations of L-BFGS-B.
    tol : float, default 1e-10
        Relative reduction of the loss below which L-BFGS-B stops (``ftol``).
        On the scaled basis the fit then ends on scipy's projected-gradient
        test instead, at the optimum: within 10⁻⁶ of every probability of a fit
        run to ``tol=1e-13``, on every world of the zoo measured. A looser
        tolerance stops on one slow iteration, up to 0.003 away on average.
    """

    def __init__(self, *, directions: dict[str, int] | None = None, n_knots: int = 10, C: float = 1.0,
                 max_iter: int = 500, tol: float = 1e-10) -> None:
        self.directions = directions
        self.n_knots = n_knots
        self.C = C
        self.max_iter = max_iter
        self.tol = tol

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing value is data: it gets its own indicator
        tags.classifier_tags.multi_class = False
        return tags

    def _matrix(self, X: Any) -> np.ndarray:
        """``X`` as a float matrix with the columns seen in ``fit``, in that order (checked as scikit-learn does)."""
        from sklearn.utils.validation import validate_data

        names = getattr(self, "feature_names_in_", None)
        fast = fast_matrix(X, names)
        if fast is not None:
            return fast
        if isinstance(X, pd.DataFrame) and names is not None and not X.columns.equals(pd.Index(names)):
            missing = [n for n in names if n not in X.columns]
            if missing:
                raise ValueError(f"X: missing column(s) {', '.join(map(str, missing))}")
            X = X[list(names)]  # the columns of fit, in fit's order
        return validate_data(self, X, reset=False, dtype=float, ensure_all_finite="allow-nan")

    def _ramp_columns(self) -> np.ndarray:
        """The column of every ramp, in basis order."""
        return np.repeat(np.arange(len(self.knots_)), [len(k) - 1 for k in self.knots_])

    def _blank_ramps(self) -> np.ndarray:
        """Every ramp's value where its column is blank.

        A column seen missing in fit: no ramp (0), its indicator carries it. A column never missing in
        fit: nothing was learned about its blanks, so a blank counts as the average training row (0
        would make it the lowest value seen, the worst case or the best).
        """
        cols = self._ramp_columns()
        missing = getattr(self, "missing_columns_", np.empty(0, dtype=np.intp))
        mean = getattr(self, "basis_mean_", None)
        return np.zeros(len(cols)) if mean is None else np.where(np.isin(cols, missing), 0.0, mean[:len(cols)])

    def _basis_blocks(self, M: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """The ramp basis of a float matrix (columns as in ``fit``), a few columns at a time.

        Yields (first basis column, block): a block is the transpose of one column's ramps (float64, blanks
        filled), then of the missing indicators. Each basis column is one contiguous row of its block, and
        the whole basis is never held in float64 (nor gathered as ``M[:, cols]``).
        """
        blank = self._blank_ramps()
        start = 0
        for j, knots in enumerate(self.knots_):
            stop = start + len(knots) - 1
            block = np.clip((M[:, j] - knots[:-1, None]) / np.diff(knots)[:, None], 0.0, 1.0)
            nan = np.isnan(M[:, j])
            if nan.any():
                block[:, nan] = blank[start:stop, None]
            yield start, block
            start = stop
        missing = getattr(self, "missing_columns_", np.empty(0, dtype=np.intp))
        if len(missing):  # one indicator per column seen missing in fit: missingness gets its own coefficient
            yield start, np.isnan(M[:, missing].T).astype(float)

    def _n_basis(self) -> int:
        return sum(len(k) - 1 for k in self.knots_) + len(getattr(self, "missing_columns_", ()))

    def _basis(self, M: np.ndarray) -> np.ndarray:
        """Ramp basis of a float matrix (columns as in ``fit``), in float64 and not centred."""
        B = np.empty((len(M), self._n_basis()), order="F")
        for start, block in self._basis_blocks(M):
            B.T[start:start + len(block)] = block
        return B

    def _centred_basis(self, M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The fit's basis: :meth:`_basis` centred and scaled to unit variance, in float32; its means and scales.

        Built block by block into one float32 array in column order, each column's mean and scale taken
        along the column (float64), at a fraction of the memory traffic of the whole float64 basis. A
        constant column keeps a scale of 1.
        """
        B = np.empty((len(M), self._n_basis()), dtype=np.float32, order="F")
        mean, scale = np.empty(B.shape[1]), np.empty(B.shape[1])
        for start, block in self._basis_blocks(M):
            stop = start + len(block)
            mean[start:stop] = block.mean(axis=1)
            block -= mean[start:stop, None]  # in place: each block is a fresh array
            sd = np.sqrt(np.einsum("ij,ij->i", block, block) / max(block.shape[1], 1))
            scale[start:stop] = np.where(sd > 0, sd, 1.0)
            block /= scale[start:stop, None]
            B.T[start:stop] = block
        return B, mean, scale

    def fit(self, X: Any, y: Any) -> MonotoneLogistic:
        """Fit on numeric ``X`` (a DataFrame: directions apply by column name) and two-class labels ``y``.

        Raises
        ------
        ValueError
            Not two classes in ``y``, infinite or non-numeric ``X``, shapes that disagree.
        """
        from scipy.optimize import minimize
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        M, y = validate_data(self, X, y, dtype=float, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_, y_code = np.unique(y, return_inverse=True)
        if len(self.classes_) != 2:
            got = "one class" if len(self.classes_) == 1 else f"{len(self.classes_)} classes"
            raise ValueError(f"y: expected two classes, got {got} ({', '.join(map(str, self.classes_[:5]))}): "
                             "Only binary classification is supported by MonotoneLogistic")
        y = y_code.astype(float)
        directions = self.directions or {}
        names = getattr(self, "feature_names_in_", [f"x{j}" for j in range(M.shape[1])])
        self.knots_, signs = [], []
        nan = np.isnan(M)
        self.missing_columns_ = np.flatnonzero(nan.any(axis=0))
        for j, name in enumerate(names):
            x = M[~nan[:, j], j]
            knots = np.unique(np.quantile(x, np.linspace(0, 1, int(self.n_knots) + 1))) if len(x) else np.zeros(1)
            if len(knots) < 2:  # a constant (or all-missing) column: one inert ramp
                knots = np.array([knots[0], knots[0] + 1.0])
            self.knots_.append(knots)
            signs += [directions.get(name, 0)] * (len(knots) - 1)
        signs += [0] * len(self.missing_columns_)
        self.basis_mean_ = None  # not a previous fit's: _basis_blocks fills blanks of fit's own missing columns with 0
        # Centred and scaled to unit variance: the same problem (the penalty stays on the coefficients of
        # the ramps themselves, theta / scale), far better conditioned: L-BFGS-B reaches the optimum in
        # fewer iterations than it took to stop short of it on the centred basis. The two products with the basis
        # dominate the fit and are memory-bound: in float32 they take half the time; the loss, the
        # residuals and the sums stay in float64.
        B32, self.basis_mean_, scale = self._centred_basis(M)
        n, penalty = len(y), 1.0 / (float(self.C) * len(y))
        shrink = penalty / scale**2

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = (B32 @ theta[1:].astype(np.float32)).astype(float) + theta[0]
            r = (1.0 / (1.0 + np.exp(-z)) - y) / n
            # log(1 + e^z) - y z as log1p(e^-|z|) + max(z, 0) - y z: numpy's vectorised exp and log1p, ~8x
            # faster than logaddexp's element-by-element path (a quarter of each call), within an ulp of it.
            f = np.mean(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0) - y * z) + 0.5 * theta[1:] @ (shrink * theta[1:])
            grad = (B32.T @ (r * n).astype(np.float32)).astype(float) / n
            return f, np.concatenate([[r.sum()], grad + shrink * theta[1:]])

        bounds = [(None, None)] + [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
        rate = np.clip(y.mean(), 1e-6, 1 - 1e-6)
        theta0 = np.zeros(B32.shape[1] + 1)
        theta0[0] = np.log(rate / (1 - rate))
        res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": int(self.max_iter), "ftol": float(self.tol)})
        self.intercept_, self.coef_, self.n_iter_ = float(res.x[0]), res.x[1:] / scale, int(res.nit)
        self.curves_ = self._curves()
        return self

    def _curves(self) -> dict[str, Any]:
        """Each column's summed ramps as a curve through its knots, and its value at a blank.

        Set as ``curves_`` at the end of ``fit``: a one-row prediction then costs one interpolation per
        column of several knots and one product for all columns of a single ramp (flags, indicators).
        """
        blank_ramps = self._blank_ramps()
        single, multi, blank = [], [], np.empty(len(self.knots_))
        start = 0
        for j, knots in enumerate(self.knots_):
            coef = self.coef_[start:start + len(knots) - 1]
            blank[j] = float(blank_ramps[start:start + len(knots) - 1] @ coef)
            if len(knots) == 2:
                single.append((j, knots[0], knots[1] - knots[0], coef[0]))
            else:
                multi.append((j, knots, np.concatenate([[0.0], np.cumsum(coef)])))
            start += len(knots) - 1
        # Contiguous copies: a strided view would be contiguous once pickled, and a product with it can
        # round differently in the last bit (a reloaded model must predict exactly what the fitted one did).
        s = np.array(single, dtype=float).reshape(-1, 4).T.copy()
        return {"multi": multi, "single_cols": s[0].astype(np.intp), "single_lo": s[1],
                "single_width": s[2], "single_coef": s[3], "blank": blank,
                "const": float(self.intercept_ - np.asarray(self.basis_mean_) @ self.coef_),
                "missing_coef": self.coef_[start:].copy()}

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds of approval."""
        check_is_fitted(self, "coef_")
        M = self._matrix(X)
        # The ramps of a column sum to one piecewise-linear function through its knots: interpolating it
        # gives the same log-odds as the basis times the coefficients, without the (rows x ramps) basis.
        c = self.curves_
        nan = np.isnan(M)
        out = np.full(len(M), c["const"])
        cols = c["single_cols"]
        if len(cols):  # one ramp each (flags, indicators): one product for all of them
            ramps = np.clip((M[:, cols] - c["single_lo"]) / c["single_width"], 0.0, 1.0)
            out += np.where(nan[:, cols], c["blank"][cols], ramps) @ c["single_coef"]
        for j, knots, values in c["multi"]:
            out += np.interp(M[:, j], knots, values)
        if nan.any():  # a blank takes the blank ramps' value, as in the basis (interp gave NaN there)
            out = self._fill_blanks(M, nan, out, c)
        missing = getattr(self, "missing_columns_", np.empty(0, dtype=np.intp))
        if len(missing):  # the missing indicators' coefficients follow the ramps'
            out += nan[:, missing] @ c["missing_coef"]
        return out

    def _fill_blanks(self, M: np.ndarray, nan: np.ndarray, out: np.ndarray, c: dict[str, Any]) -> np.ndarray:
        """``out`` recomputed on rows with a blank in a column of several knots (NaN from ``np.interp``)."""
        rows = np.flatnonzero(nan[:, [j for j, _, _ in c["multi"]]].any(axis=1)) if c["multi"] else np.empty(0, int)
        if not len(rows):
            return out
        fixed = np.full(len(rows), c["const"])
        cols = c["single_cols"]
        if len(cols):
            ramps = np.clip((M[np.ix_(rows, cols)] - c["single_lo"]) / c["single_width"], 0.0, 1.0)
            fixed += np.where(nan[np.ix_(rows, cols)], c["blank"][cols], ramps) @ c["single_coef"]
        for j, knots, values in c["multi"]:
            x = M[rows, j]
            fixed += np.where(np.isnan(x), c["blank"][j], np.interp(x, knots, values))
        out[rows] = fixed
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The second class where the log-odds are positive, else the first."""
        positive = self.decision_function(X) > 0  # first: it checks that the model is fitted
        return self.classes_[positive.astype(np.int64)]
