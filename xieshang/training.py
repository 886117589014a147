"""Candidates, shared cross-validation folds, calibration choice, and :func:`train`.

The recipe :class:`~xieshang.model.ApprovalModel` follows when it is fitted:

1. every candidate pipeline (:func:`make_candidates`) is fitted on the same
   stratified folds (:func:`cv_folds`) and scored by out-of-fold log loss;
2. a candidate whose fitted fold models break a direction of the contract
   (more past overdues raising the estimate, say; :func:`direction_violations`)
   is not eligible; the eligible one with the lowest log loss wins;
3. ``blend_monotone``: a convex combination of the *monotone* candidates'
   out-of-fold decision values (a logarithmic opinion pool, weights on a grid
   chosen by out-of-fold log loss on the same folds: :func:`blend_candidates`);
   a convex combination of monotone models is monotone, and it costs no new
   fit: it reuses the candidates' out-of-fold values and refit models
   (:class:`MonotoneBlend`);
4. each candidate's out-of-fold decision values choose its calibration method
   (sigmoid, isotonic or temperature, by held-out log loss across the same
   folds: :func:`choose_calibration`);
5. each candidate is refit *once* on all rows, and its calibrator (a
   ``CalibratedClassifierCV`` on the decision values) is fitted on the
   out-of-fold decision values already computed (:class:`RefitCalibrated`):
   exactly ``CalibratedClassifierCV(ensemble=False)``, without repeating the
   cross-validation. One pipeline runs per prediction, not one per fold (the
   blend: its members' refit pipelines, reused as they are, computing the
   domain features once).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils.validation import check_is_fitted
from sklearn.preprocessing import OneHotEncoder, QuantileTransformer, SplineTransformer, StandardScaler

from .contract import BOOL_NAMES, FEATURES, LABEL, feature
from .features import DomainFeatures
from .validation import validate_frame


__all__ = [
    "CANDIDATES",
    "CALIBRATION_METHODS",
    "CandidateResult",
    "BLEND",
    "BLEND_GRID_STEP",
    "MonotoneBlend",
    "MonotoneLogistic",
    "RefitCalibrated",
    "TabulatedHGB",
    "blend_candidates",
    "decision_scores",
    "make_candidates",
    "cv_folds",
    "cross_validate_candidate",
    "choose_calibration",
    "direction_violations",
    "holdout_split",
]

BLEND = "blend_monotone"
"""The candidate blending the others' out-of-fold decision values (:func:`blend_candidates`)."""

CANDIDATES: tuple[str, ...] = ("logistic_monotone", "logistic_spline", "hgb_monotone", BLEND)
"""Names of the candidates, in the order they are tried (the blend last: it is built from the others)."""

BLEND_GRID_STEP = 0.1
"""Step of the grid of blend weights (every convex combination with weights on this grid is tried)."""

CALIBRATION_METHODS: tuple[str, ...] = ("sigmoid", "isotonic", "temperature")
"""Calibration methods of ``CalibratedClassifierCV`` compared by held-out log loss."""

_BINARY_ENGINEERED = ("proven_hardship",)
_ORDINAL = "communication"


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
    """

    def __init__(self, directions: dict[str, int] | None = None, n_knots: int = 10, C: float = 1.0,
                 max_iter: int = 500) -> None:
        self.directions = directions
        self.n_knots = n_knots
        self.C = C
        self.max_iter = max_iter

    def _matrix(self, X: Any) -> np.ndarray:
        """``X`` as a float matrix with the columns seen in ``fit``, in that order (no copy when possible)."""
        if isinstance(X, pd.DataFrame):
            names = self.feature_names_in_
            if len(X.columns) != len(names) or not (X.columns == names).all():
                missing = [n for n in names if n not in X.columns]
                if missing:
                    raise ValueError(f"X: missing column(s) {', '.join(map(str, missing))}")
                X = X[list(names)]
            return X.to_numpy(dtype=float)
        M = np.asarray(X, dtype=float)
        if M.ndim != 2 or M.shape[1] != len(self.feature_names_in_):
            raise ValueError(f"X: expected {len(self.feature_names_in_)} columns, got shape {M.shape}")
        return M

    def _basis(self, M: np.ndarray) -> np.ndarray:
        """Ramp basis of a float matrix (columns as in ``fit``): one vectorised expression, every ramp at once."""
        cols = np.repeat(np.arange(len(self.knots_)), [len(k) - 1 for k in self.knots_])
        lo = np.concatenate([k[:-1] for k in self.knots_])
        width = np.concatenate([np.diff(k) for k in self.knots_])
        return np.clip((M[:, cols] - lo) / width, 0.0, 1.0)

    def fit(self, X: pd.DataFrame, y: Any) -> MonotoneLogistic:
        """Fit on a numeric DataFrame ``X`` and 0/1 labels ``y``."""
        from scipy.optimize import minimize

        if not isinstance(X, pd.DataFrame):
            raise ValueError(f"X: expected a DataFrame of numeric columns, got {type(X).__name__}")
        y = np.asarray(y, dtype=float)
        directions = self.directions or {}
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        self.knots_, signs = [], []
        M = self._matrix(X)
        for j, name in enumerate(self.feature_names_in_):
            x = M[:, j]
            knots = np.unique(np.quantile(x, np.linspace(0, 1, int(self.n_knots) + 1)))
            if len(knots) < 2:  # a constant column: one inert ramp
                knots = np.array([knots[0], knots[0] + 1.0])
            self.knots_.append(knots)
            signs += [directions.get(name, 0)] * (len(knots) - 1)
        B = self._basis(M)
        self.basis_mean_ = B.mean(axis=0)
        B -= self.basis_mean_  # centred: far better conditioned, same monotone fit
        n, penalty = len(y), 1.0 / (float(self.C) * len(y))

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = B @ theta[1:] + theta[0]
            r = (1.0 / (1.0 + np.exp(-z)) - y) / n
            f = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * penalty * theta[1:] @ theta[1:]
            return f, np.concatenate([[r.sum()], B.T @ r + penalty * theta[1:]])

        bounds = [(None, None)] + [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
        rate = np.clip(y.mean(), 1e-6, 1 - 1e-6)
        theta0 = np.zeros(B.shape[1] + 1)
        theta0[0] = np.log(rate / (1 - rate))
        res = minimize(loss, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": int(self.max_iter)})
        self.intercept_, self.coef_, self.n_iter_ = float(res.x[0]), res.x[1:], int(res.nit)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds of approval."""
        check_is_fitted(self, "coef_")
        M = self._matrix(X)
        offset = self.intercept_ - self.basis_mean_ @ self.coef_
        out = np.empty(len(M))
        step = 8192  # rows per block: the basis of a block stays small, however many rows
        for start in range(0, len(M), step):
            out[start:start + step] = self._basis(M[start:start + step]) @ self.coef_ + offset
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the log-odds are positive."""
        return (self.decision_function(X) > 0).astype(np.int64)


def _tree_values(nodes: np.ndarray, features: tuple[int, ...], grid: list[np.ndarray]) -> np.ndarray:
    """Leaf values of one fitted tree at the points of ``grid`` (one array per feature in ``features``)."""
    idx = np.zeros(grid[0].shape, dtype=np.int64)
    for _ in range(len(nodes)):
        leaf = nodes["is_leaf"][idx].astype(bool)
        if leaf.all():
            break
        f = nodes["feature_idx"][idx]
        x = grid[0] if len(features) == 1 else np.where(f == features[0], grid[0], grid[1])
        step = np.where(x <= nodes["num_threshold"][idx], nodes["left"][idx], nodes["right"][idx])
        idx = np.where(leaf, idx, step)
    return nodes["value"][idx]


def _tabulate(hgb: HistGradientBoostingClassifier) -> dict[str, Any] | None:
    """The trees of a fitted binary boosting model, summed into one table per set of (at most two) columns.

    Returns ``None`` if a tree splits on more than two columns or on a
    categorical one. Otherwise a dict of arrays: per column its ``cuts`` (every
    threshold any tree uses on it), and per table its columns ``f0``/``f1``,
    the maps ``map0``/``map1`` from a column's interval between cuts to the
    table's (coarser) interval, its row length ``n1``, its ``offset`` in
    ``flat`` (every table, flattened), and ``const`` (the baseline).
    """
    try:
        const = float(np.asarray(hgb._baseline_prediction).reshape(-1)[0])
        trees = [it[0].nodes for it in hgb._predictors]
    except (AttributeError, IndexError, TypeError):  # another scikit-learn's internals
        return None
    if hgb.n_trees_per_iteration_ != 1:
        return None
    groups: dict[tuple[int, ...], list[np.ndarray]] = {}
    for nodes in trees:
        split = nodes[~nodes["is_leaf"].astype(bool)]
        if split["is_categorical"].any():
            return None
        key = tuple(sorted({int(f) for f in split["feature_idx"]}))
        if len(key) > 2:
            return None
        if not key:
            const += float(nodes["value"][0])
            continue
        groups.setdefault(key, []).append(nodes)
    n_features = int(hgb.n_features_in_)
    tables, group_cuts = [], []
    for key, members in groups.items():
        cuts = []
        for f in key:
            thr = [m["num_threshold"][(~m["is_leaf"].astype(bool)) & (m["feature_idx"] == f)] for m in members]
            cuts.append(np.unique(np.concatenate(thr)))
        # One point per interval between cuts: the cut closing it (x <= cut), then +inf past the last.
        grid = np.meshgrid(*[np.append(c, np.inf) for c in cuts], indexing="ij")
        tables.append(np.asarray(sum(_tree_values(m, key, grid) for m in members), dtype=float))
        group_cuts.append(cuts)
    all_cuts = [np.empty(0)] * n_features
    for key, cuts in zip(groups, group_cuts):
        for f, c in zip(key, cuts):
            all_cuts[f] = np.union1d(all_cuts[f], c)
    width = max([len(c) for c in all_cuts] + [0]) + 1
    G = len(tables)
    f0, f1 = np.zeros(G, dtype=np.int64), np.zeros(G, dtype=np.int64)
    map0, map1 = np.zeros((G, width), dtype=np.int64), np.zeros((G, width), dtype=np.int64)
    n1, offset = np.ones(G, dtype=np.int64), np.zeros(G, dtype=np.int64)
    start = 0
    for g, (key, cuts, table) in enumerate(zip(groups, group_cuts, tables)):
        f0[g] = f1[g] = key[0]
        reps = np.append(all_cuts[key[0]], np.inf)
        map0[g, :len(reps)] = np.searchsorted(cuts[0], reps, side="left")
        if len(key) == 2:
            f1[g], n1[g] = key[1], table.shape[1]
            reps = np.append(all_cuts[key[1]], np.inf)
            map1[g, :len(reps)] = np.searchsorted(cuts[1], reps, side="left")
        offset[g] = start
        start += table.size
    flat = np.concatenate([t.ravel() for t in tables]) if tables else np.zeros(1)
    return {"const": const, "cuts": all_cuts, "f0": f0, "f1": f1, "map0": map0, "map1": map1, "n1": n1,
            "offset": offset, "flat": flat,
            # Derived once for prediction: the columns used, where each table's map starts, the flat
            # position of (table, interval of its first column), the maps of the second column.
            "used": sorted({int(f) for f in f0} | {int(f) for f in f1}),
            "rowstart": np.arange(G, dtype=np.intp) * width,
            "first": (offset[:, None] + map0 * n1[:, None]).ravel().astype(np.intp),
            "second": map1.ravel().astype(np.intp)}


class TabulatedHGB(HistGradientBoostingClassifier):
    """``HistGradientBoostingClassifier`` that predicts from its trees summed into lookup tables.

    When every fitted tree splits on at most two columns (small trees, or an
    interaction constraint), the trees touching the same columns add up to
    one table over the thresholds they use: the same decision values (up to
    the order of floating-point sums), without scikit-learn's Python call per
    tree, which dominates a one-row prediction of hundreds of small trees.
    Otherwise, or for missing values, scikit-learn's own prediction is used.
    The parameters are those of ``HistGradientBoostingClassifier``.

    Attributes
    ----------
    tables_ : dict or None
        The tables (see ``_tabulate``), or ``None`` when the trees cannot be
        tabulated (or the tables did not reproduce scikit-learn's decision
        values on the training rows).
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None, **fit_params: Any) -> TabulatedHGB:
        """Fit as ``HistGradientBoostingClassifier``, then tabulate the trees (checked on training rows)."""
        self.tables_ = None
        super().fit(X, y, sample_weight=sample_weight, **fit_params)
        tables = _tabulate(self)
        if tables is not None:
            self.tables_ = tables
            probe = X.iloc[:512] if isinstance(X, pd.DataFrame) else np.asarray(X)[:512]
            fast = self._tabulated(probe)
            if fast is None or not np.allclose(fast, super().decision_function(probe), rtol=1e-9, atol=1e-9):
                self.tables_ = None
        return self

    def _tabulated(self, X: Any) -> np.ndarray | None:
        """Decision values from the tables, or ``None`` where scikit-learn's path must answer."""
        if getattr(self, "tables_", None) is None:
            return None
        names = getattr(self, "feature_names_in_", None)
        if isinstance(X, pd.DataFrame):
            if names is None or len(X.columns) != len(names) or not (X.columns == names).all():
                return None
            M = X.to_numpy(dtype=float)
        else:
            M = np.asarray(X, dtype=float)
        if M.ndim != 2 or M.shape[1] != self.n_features_in_ or np.isnan(M).any():
            return None
        t = self.tables_
        out = np.full(len(M), t["const"])
        if not len(t["f0"]):
            return out
        used, rowstart, first, second = t["used"], t["rowstart"], t["first"], t["second"]
        b = np.zeros((min(len(M), 4096), M.shape[1]), dtype=np.intp)
        step = 4096  # rows per block: the (rows x tables) index arrays stay small
        for lo in range(0, len(M), step):
            block = M[lo:lo + step]
            bb = b[:len(block)]
            for f in used:
                bb[:, f] = np.searchsorted(t["cuts"][f], block[:, f], side="left")
            idx = first.take(bb[:, t["f0"]] + rowstart) + second.take(bb[:, t["f1"]] + rowstart)
            out[lo:lo + step] += t["flat"].take(idx).sum(axis=1)
        return out

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the positive class, shape (n,)."""
        out = self._tabulated(X)
        return super().decision_function(X) if out is None else out

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        from scipy.special import expit

        out = self._tabulated(X)
        if out is None:
            return super().predict_proba(X)
        p = expit(out)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The class whose log-odds win (as scikit-learn: the first class on a tie)."""
        out = self._tabulated(X)
        return super().predict(X) if out is None else self.classes_[(out > 0).astype(np.int64)]


def _logistic_monotone(seed: int) -> Pipeline:
    """Domain features, then :class:`MonotoneLogistic` with the directions of the contract."""
    features = DomainFeatures()
    return Pipeline([("features", features), ("logistic", MonotoneLogistic(directions=features.directions()))])


def _logistic_spline(seed: int) -> Pipeline:
    """Regularised logistic regression on splines: an additive model of the log-odds.

    Each continuous feature enters linearly (for extrapolation) and through a
    cubic spline on its quantile rank (any monotone or hump-shaped effect,
    robust to skew and ties); communication levels are one-hot coded; binary
    columns pass through.
    """
    names = DomainFeatures().get_feature_names_out()
    binary = [n for n in names if n in BOOL_NAMES or n in _BINARY_ENGINEERED or "=" in n]
    continuous = [n for n in names if n not in binary and n != _ORDINAL]
    spline = make_pipeline(
        QuantileTransformer(n_quantiles=200, subsample=10_000, random_state=seed),
        SplineTransformer(n_knots=6, degree=3),
    )
    columns = ColumnTransformer(
        [
            ("spline", spline, continuous),
            ("linear", StandardScaler(), continuous),
            ("level", OneHotEncoder(categories=[list(range(len(feature(_ORDINAL).categories)))]), [_ORDINAL]),
            ("binary", "passthrough", binary),
        ]
    )
    return Pipeline(
        [
            ("features", DomainFeatures()),
            ("columns", columns),
            ("logistic", LogisticRegression(C=1.0, max_iter=2000)),
        ]
    )


def _hgb(seed: int, additive: bool) -> Pipeline:
    """Gradient boosting with monotonic constraints from the contract's directions.

    ``additive=False`` (``hgb_monotone``): trees of three leaves, so each tree
    splits on at most two columns: main effects plus pairwise interactions,
    learned slowly (rate 0.1, at least 100 rows per leaf, early stopping on
    an internal 10 % validation split). Shallower trees had a lower
    cross-validated log loss than 15-leaf ones on both benchmark generators
    (``bench/bench_training.py``): with tens of thousands of rows, low-order
    interactions are what the data can pin down.
    ``additive=True`` forbids interactions: a boosted additive model.
    """
    directions = DomainFeatures().directions()
    hgb = TabulatedHGB(
        learning_rate=0.1,
        max_iter=1000,
        max_leaf_nodes=8 if additive else 3,
        min_samples_leaf=40 if additive else 100,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        monotonic_cst=directions,
        interaction_cst="no_interactions" if additive else None,
        random_state=seed,
    )
    return Pipeline([("features", DomainFeatures()), ("hgb", hgb)])


def make_candidates(seed: int = 0, names: Sequence[str] | None = None) -> dict[str, Pipeline]:
    """Unfitted candidate pipelines, by name.

    Parameters
    ----------
    seed : int, default 0
        Seed of every random step inside the pipelines.
    names : sequence of str, optional
        Which candidates; by default every one of :data:`CANDIDATES` but the
        blend, which is no pipeline of its own (:func:`blend_candidates`).

    Raises
    ------
    ValueError
        For an unknown or repeated name, or the blend.
    """
    builders: dict[str, Callable[[int], Pipeline]] = {
        "logistic_monotone": _logistic_monotone,
        "logistic_spline": _logistic_spline,
        "hgb_monotone": lambda s: _hgb(s, additive=False),
        "hgb_additive": lambda s: _hgb(s, additive=True),
    }
    names = [n for n in CANDIDATES if n != BLEND] if names is None else list(names)
    if BLEND in names:
        raise ValueError(f"candidates: {BLEND!r} is built from the other candidates' out-of-fold decision values "
                         "(blend_candidates), not fitted as a pipeline of its own")
    bad = [n for n in names if n not in builders]
    if bad or not names or len(set(names)) != len(names):
        raise ValueError(
            f"candidates: expected distinct names among {', '.join(builders)}, got {names!r}"
        )
    return {n: builders[n](int(seed)) for n in names}


def cv_folds(y: np.ndarray, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The stratified folds every candidate is scored on: a list of (train, test) indices.

    Raises
    ------
    ValueError
        If a class has fewer rows than ``n_splits``.
    """
    y = np.asarray(y)
    counts = np.bincount(y.astype(int), minlength=2)
    if n_splits < 2 or counts.min() < n_splits:
        raise ValueError(
            f"need at least {max(n_splits, 2)} approved and {max(n_splits, 2)} refused rows for "
            f"{n_splits}-fold cross-validation, got {counts[1]} approved and {counts[0]} refused"
        )
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=int(seed))
    return list(skf.split(np.zeros(len(y)), y))


@dataclass
class CandidateResult:
    """One candidate's cross-validation: fold models, out-of-fold predictions, scores."""

    name: str
    fold_models: list[Any]
    oof: np.ndarray
    fold_log_loss: list[float]
    seconds: float
    violations: dict[str, float] = field(default_factory=dict)
    oof_score: np.ndarray | None = None
    """Out-of-fold decision values (:func:`decision_scores`): what the calibrator is fitted on."""

    @property
    def log_loss(self) -> float:
        """Out-of-fold log loss over all rows."""
        return float(np.mean(self.fold_log_loss))

    @property
    def monotone(self) -> bool:
        """Whether every fold model respects the contract's directions."""
        return not self.violations


def direction_violations(
    predict_proba: Callable[[pd.DataFrame], np.ndarray],
    X: pd.DataFrame,
    *,
    n_rows: int = 200,
    n_grid: int = 8,
    seed: int = 0,
    tol: float = 1e-9,
) -> dict[str, float]:
    """Where predictions move against a contract direction; empty if nowhere.

    For every feature with a direction, ``n_rows`` rows of ``X`` are moved
    along a grid of values (observed quantiles for numbers, both values for
    booleans, every level for ordered categories) and the predicted approval
    probability must never move against the direction.

    Parameters
    ----------
    predict_proba : callable
        DataFrame in the contract -> (n, 2) probabilities.
    X : pandas.DataFrame
        Rows in the contract to probe from.

    Returns
    -------
    dict
        Feature name -> largest move against its direction (only those > ``tol``).
    """
    clean = validate_frame(X)
    rng = np.random.default_rng(seed)
    rows = clean.iloc[rng.choice(len(clean), size=min(n_rows, len(clean)), replace=False)]
    probes: list[tuple[Any, int, pd.DataFrame]] = []
    for f in FEATURES:
        if f.direction == 0:
            continue
        if f.kind == "bool":
            grid: list[Any] = [False, True]
        elif f.kind == "category":
            grid = list(f.categories)
        else:
            grid = list(np.unique(np.quantile(clean[f.name].to_numpy(float), np.linspace(0, 1, n_grid))))
            if f.kind == "int":
                grid = sorted({int(round(v)) for v in grid})
        if len(grid) >= 2:
            moved = [rows.assign(**{f.name: v}) for v in grid]
            if f.kind == "category":
                for m in moved:
                    m[f.name] = pd.Categorical(m[f.name], categories=f.categories)
            probes.append((f, len(grid), pd.concat(moved, ignore_index=True)))
    # One call for every probe: cheap even for slow pipelines.
    p_all = predict_proba(pd.concat([m for _, _, m in probes], ignore_index=True))[:, 1]
    out: dict[str, float] = {}
    start = 0
    for f, n, moved in probes:
        p = p_all[start:start + len(moved)].reshape(n, len(rows))
        start += len(moved)
        worst = float(np.max(-f.direction * np.diff(p, axis=0)))
        if worst > tol:
            out[f.name] = worst
    return out


def cross_validate_candidate(
    name: str,
    estimator: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> CandidateResult:
    """Fit ``estimator`` on every fold, keep the fold models and out-of-fold predictions."""
    oof, oof_score = np.empty(len(y)), np.empty(len(y))
    models, losses, violations = [], [], {}
    start = time.perf_counter()
    for k, (tr, te) in enumerate(folds):
        t0 = time.perf_counter()
        m = clone(estimator).fit(X.iloc[tr], y[tr])
        oof[te] = m.predict_proba(X.iloc[te])[:, 1]
        oof_score[te] = decision_scores(m, X.iloc[te])
        losses.append(float(log_loss(y[te], oof[te], labels=[0, 1])))
        for feat, v in direction_violations(m.predict_proba, X.iloc[te], seed=seed + k).items():
            violations[feat] = max(v, violations.get(feat, 0.0))
        models.append(m)
        if progress:
            progress(f"  {name}: fold {k + 1}/{len(folds)} log loss {losses[-1]:.4f} ({time.perf_counter() - t0:.1f} s)")
    return CandidateResult(name, models, oof, losses, time.perf_counter() - start, violations, oof_score)


def decision_scores(model: Any, X: Any) -> np.ndarray:
    """The score a calibrator works on: ``decision_function`` if there is one, else the log-odds of ``predict_proba``."""
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float).reshape(-1)
    p = np.clip(np.asarray(model.predict_proba(X), dtype=float)[:, 1], 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


class MonotoneBlend(ClassifierMixin, BaseEstimator):
    """A convex combination of classifiers' decision values (log-odds): a logarithmic opinion pool.

    With non-negative weights summing to one, a blend of models that are all
    monotone in a column in the same direction is monotone in it too.

    Parameters
    ----------
    estimators : list of (str, estimator)
        Named classifiers (a ``decision_function``, or ``predict_proba``).
    weights : sequence of float
        One per estimator, non-negative, summing to one.

    Attributes
    ----------
    estimators_ : list
        The fitted estimators, in order.
    weights_ : numpy.ndarray
        The checked weights.
    shared_features_ : bool
        Whether the members share their first step, :class:`DomainFeatures`,
        so that it runs once per prediction.
    classes_ : numpy.ndarray
        ``array([0, 1])``.
    """

    def __init__(self, estimators: Sequence[tuple[str, Any]], weights: Sequence[float]) -> None:
        self.estimators = estimators
        self.weights = weights

    def _checked_weights(self) -> np.ndarray:
        problems = []
        n = len(self.estimators) if isinstance(self.estimators, (list, tuple)) else 0
        if n == 0:
            problems.append(f"estimators: expected a non-empty list of (name, estimator), got {self.estimators!r}")
        try:
            w = np.asarray(self.weights, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            w = np.array([np.nan])
        if len(w) != n:
            problems.append(f"weights: expected {n} values (one per estimator), got {len(w)}")
        elif not (np.isfinite(w).all() and (w >= 0).all() and abs(w.sum() - 1.0) <= 1e-9):
            problems.append(f"weights: expected non-negative numbers summing to 1, got {list(self.weights)!r}")
        if problems:
            raise ValueError("MonotoneBlend: " + "; ".join(problems))
        return w

    def fit(self, X: pd.DataFrame, y: Any) -> MonotoneBlend:
        """Fit a clone of every estimator with a positive weight on ``X``, ``y``."""
        self.weights_ = self._checked_weights()
        self.estimators_ = [clone(e).fit(X, y) if w > 0 else clone(e)
                            for (_, e), w in zip(self.estimators, self.weights_)]
        self.shared_features_ = self._shared_features()
        self.classes_ = np.array([0, 1])
        return self

    @classmethod
    def from_fitted(cls, estimators: Sequence[tuple[str, Any]], weights: Sequence[float]) -> MonotoneBlend:
        """The blend of estimators already fitted on the same rows, without fitting them again.

        Raises
        ------
        ValueError
            Bad weights; ``NotFittedError`` if a weighted estimator is not fitted.
        """
        blend = cls(list(estimators), weights)
        blend.weights_ = blend._checked_weights()
        for (_, e), w in zip(blend.estimators, blend.weights_):
            if w > 0:
                check_is_fitted(e)
        blend.estimators_ = [e for _, e in blend.estimators]
        blend.shared_features_ = blend._shared_features()
        blend.classes_ = np.array([0, 1])
        return blend

    def _shared_features(self) -> bool:
        """Whether every weighted member is a pipeline starting with the same (stateless) :class:`DomainFeatures`."""
        firsts = [e.steps[0][1] if isinstance(e, Pipeline) and len(e.steps) > 1 else None
                  for e, w in zip(self.estimators_, self.weights_) if w > 0]
        return all(type(f) is DomainFeatures and f.get_params() == firsts[0].get_params() for f in firsts)

    def decision_function(self, X: Any) -> np.ndarray:
        """The weighted sum of the estimators' decision values (members of weight 0 are not run).

        When the members are pipelines starting with the same
        :class:`DomainFeatures` (which learns nothing), the features are
        computed once for all of them.
        """
        check_is_fitted(self, "estimators_")
        members = [(e, w) for e, w in zip(self.estimators_, self.weights_) if w > 0]
        if getattr(self, "shared_features_", False):
            Xt = members[0][0].steps[0][1].transform(X)
            return np.sum([w * decision_scores(e[1:], Xt) for e, w in members], axis=0)
        return np.sum([w * decision_scores(e, X) for e, w in members], axis=0)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2): the logistic of the blended log-odds."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """1 where the blended log-odds are positive."""
        return (self.decision_function(X) > 0).astype(np.int64)


def _simplex_grid(k: int, step: float) -> np.ndarray:
    """Every weight vector of ``k`` non-negative multiples of ``step`` summing to one (rows)."""
    m = int(round(1.0 / step))
    rows = [c for c in itertools.product(range(m + 1), repeat=k - 1) if sum(c) <= m]
    return np.array([[*c, m - sum(c)] for c in rows], dtype=float) / m


def blend_candidates(
    results: Sequence[CandidateResult],
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    step: float = BLEND_GRID_STEP,
    name: str = BLEND,
) -> tuple[CandidateResult, dict[str, float]]:
    """Blend candidates by their out-of-fold decision values: the convex weights of lowest log loss.

    Every weight vector on a grid of ``step`` is scored by the out-of-fold
    log loss of the blended log-odds (the candidates' out-of-fold values
    already exist: nothing is fitted). Pass only monotone candidates: the
    blend inherits every direction violation of its members.

    Parameters
    ----------
    results : sequence of CandidateResult
        At least two candidates cross-validated on ``folds``.
    y : numpy.ndarray
        The 0/1 labels.
    folds : list of (train, test) indices
        The shared folds the candidates were scored on.
    step : float, default :data:`BLEND_GRID_STEP`
        Grid step of the weights, in (0, 1].
    name : str, default :data:`BLEND`
        Name of the blended candidate.

    Returns
    -------
    result : CandidateResult
        The blend's fold models (:class:`MonotoneBlend` of the members' fold
        models), out-of-fold probabilities and decision values, fold log losses.
    weights : dict
        Member name -> weight.

    Raises
    ------
    ValueError
        Fewer than two candidates, one without out-of-fold decision values, or a bad ``step``.
    """
    if len(results) < 2:
        raise ValueError(f"{name}: expected at least two candidates to blend, got {len(results)}")
    missing = [r.name for r in results if r.oof_score is None]
    if missing:
        raise ValueError(f"{name}: no out-of-fold decision values for {', '.join(missing)}")
    if not (isinstance(step, (int, float)) and 0 < step <= 1 and abs(1 / step - round(1 / step)) < 1e-9):
        raise ValueError(f"step: expected 1/k for a positive integer k, got {step!r}")
    start = time.perf_counter()
    y = np.asarray(y, dtype=float)
    S = np.column_stack([r.oof_score for r in results])
    grid = _simplex_grid(len(results), step)
    losses = []
    for g in grid:  # one weight vector at a time: memory stays one column, however many rows
        z = S @ g
        losses.append(float(np.mean(np.logaddexp(0.0, z) - y * z)))
    w = grid[int(np.argmin(losses))]
    z = S @ w
    oof = 1.0 / (1.0 + np.exp(-z))
    fold_losses = [float(log_loss(y[te], oof[te], labels=[0, 1])) for _, te in folds]
    members = [(r.name, r) for r in results]
    models = [MonotoneBlend.from_fitted([(n, r.fold_models[k]) for n, r in members], w) for k in range(len(folds))]
    violations: dict[str, float] = {}
    for r in results:
        for feat, v in r.violations.items():
            violations[feat] = max(v, violations.get(feat, 0.0))
    seconds = time.perf_counter() - start
    result = CandidateResult(name, models, oof, fold_losses, seconds, violations, z)
    return result, {n: float(v) for (n, _), v in zip(members, w)}


class _Scores(ClassifierMixin, BaseEstimator):
    """A fitted stand-in classifier whose decision function is its single input column.

    Lets ``CalibratedClassifierCV`` calibrate scores computed once, so the
    calibration methods are compared without predicting again.
    """

    def fit(self, X: Any, y: Any = None) -> _Scores:
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=float)[:, 0]

    def predict(self, X: Any) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(np.int64)


def _calibrate(model: Any, X: Any, y: np.ndarray, method: str) -> CalibratedClassifierCV:
    return CalibratedClassifierCV(FrozenEstimator(model), method=method).fit(X, y)


def _apply_calibration(calibrated: CalibratedClassifierCV, scores: np.ndarray) -> np.ndarray:
    """``calibrated.predict_proba(scores)`` for a binary ``_Scores`` stand-in, without its per-call overhead.

    ``CalibratedClassifierCV.predict_proba`` re-derives the response method and
    the target type on every call (about 1 ms, more than the model itself on
    one row); this applies the fitted calibrator the same way it does.
    """
    inner = calibrated.calibrated_classifiers_[0]
    if inner.method == "temperature":
        proba = np.asarray(inner.calibrators[0].predict(scores), dtype=float)
    else:
        p = np.asarray(inner.calibrators[0].predict(scores[:, 0]), dtype=float)
        proba = np.column_stack([1.0 - p, p])
    proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba


def _direct_calibration_matches(calibrated: CalibratedClassifierCV, scores: np.ndarray) -> bool:
    """Whether :func:`_apply_calibration` gives exactly what scikit-learn gives (else the public path is used)."""
    try:
        return bool(np.array_equal(_apply_calibration(calibrated, scores), calibrated.predict_proba(scores)))
    except Exception:  # another scikit-learn's internals
        return False


def choose_calibration(
    result: CandidateResult,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    methods: Sequence[str] = CALIBRATION_METHODS,
) -> tuple[str, dict[str, float]]:
    """Pick the calibration method with the lowest held-out log loss on the out-of-fold scores.

    The out-of-fold decision values of ``result`` are what the final
    calibrator is fitted on (:class:`RefitCalibrated`). To score a method
    honestly it is cross-fitted on the same folds: fitted on the scores of
    every other fold, scored on this one.

    Returns
    -------
    method : str
        The chosen method.
    scores : dict
        Held-out log loss of each method, and of no calibration (``"none"``).
    """
    bad = [m for m in methods if m not in CALIBRATION_METHODS]
    if bad or not methods:
        raise ValueError(f"calibration: expected methods among {', '.join(CALIBRATION_METHODS)}, got {list(methods)!r}")
    if result.oof_score is None:
        raise ValueError(f"{result.name}: no out-of-fold decision values to calibrate on")
    y = np.asarray(y)
    s = result.oof_score[:, None]
    loss = {m: 0.0 for m in methods}
    scorer = _Scores().fit(None)
    for tr, te in folds:
        for m in methods:
            cal = _calibrate(scorer, s[tr], y[tr], m)
            loss[m] += log_loss(y[te], cal.predict_proba(s[te])[:, 1], labels=[0, 1]) * len(te)
    scores = {m: float(v / len(y)) for m, v in loss.items()}
    scores["none"] = float(log_loss(y, result.oof, labels=[0, 1]))
    best = min(methods, key=lambda m: scores[m])
    return best, scores


class RefitCalibrated(ClassifierMixin, BaseEstimator):
    """A pipeline refit once on all rows, calibrated on its out-of-fold decision values.

    The semantics of ``CalibratedClassifierCV(ensemble=False)``: the
    calibrator (sigmoid, isotonic or temperature) is fitted on decision
    values the estimator produced on rows it was not trained on, and the
    estimator itself is refit on every row, so predicting runs it once.

    Parameters
    ----------
    estimator : estimator
        Unfitted classifier (a candidate pipeline).
    method : {"sigmoid", "isotonic", "temperature"}, default "sigmoid"
        Calibration method.
    n_splits : int, default 5
        Folds used to compute out-of-fold scores when ``fit`` is not given them.
    seed : int, default 0
        Seed of those folds.

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` fitted on all rows.
    calibrator_ : CalibratedClassifierCV
        Maps a decision value (one column) to the calibrated probability.
    direct_calibration_ : bool
        Whether the fitted calibrator is applied directly (checked to give
        exactly what ``calibrator_.predict_proba`` gives, minus its overhead).
    classes_ : numpy.ndarray
        ``array([0, 1])``.
    """

    def __init__(self, estimator: Any, method: str = "sigmoid", n_splits: int = 5, seed: int = 0) -> None:
        self.estimator = estimator
        self.method = method
        self.n_splits = n_splits
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any, *, oof_scores: np.ndarray | None = None,
            fitted_estimator: Any | None = None) -> RefitCalibrated:
        """Fit the calibrator on out-of-fold scores and refit the estimator on all rows.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows in the contract.
        y : array-like of 0/1
        oof_scores : numpy.ndarray, optional
            Out-of-fold decision values of ``estimator`` on ``X`` (as from
            :func:`cross_validate_candidate`); computed on :func:`cv_folds` if omitted.
        fitted_estimator : estimator, optional
            ``estimator`` already fitted on ``X`` and ``y`` (the blend of the
            candidates' refit models, say): kept as ``estimator_`` instead of
            fitting a clone again.
        """
        if self.method not in CALIBRATION_METHODS:
            raise ValueError(f"method: expected one of {', '.join(CALIBRATION_METHODS)}, got {self.method!r}")
        y = np.asarray(y).astype(np.int64)
        if oof_scores is None:
            oof_scores = np.empty(len(y))
            for tr, te in cv_folds(y, int(self.n_splits), int(self.seed)):
                fold = clone(self.estimator).fit(X.iloc[tr], y[tr])
                oof_scores[te] = decision_scores(fold, X.iloc[te])
        oof_scores = np.asarray(oof_scores, dtype=float).reshape(-1)
        if len(oof_scores) != len(y):
            raise ValueError(f"oof_scores: expected {len(y)} values (one per row), got {len(oof_scores)}")
        self.calibrator_ = _calibrate(_Scores().fit(None), oof_scores[:, None], y, self.method)
        probe = oof_scores[:: max(1, len(oof_scores) // 500), None]
        self.direct_calibration_ = _direct_calibration_matches(self.calibrator_, probe)
        if fitted_estimator is not None:
            check_is_fitted(fitted_estimator)
            self.estimator_ = fitted_estimator
        else:
            self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Uncalibrated decision values of the refit estimator."""
        check_is_fitted(self, "estimator_")
        return decision_scores(self.estimator_, X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities of the two classes, shape (n, 2)."""
        s = self.decision_function(X)[:, None]
        if self.direct_calibration_:
            return _apply_calibration(self.calibrator_, s)
        return self.calibrator_.predict_proba(s)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the calibrated probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)


def holdout_split(df: pd.DataFrame, test_size: float = 0.2, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows into a training and a held-out test frame, stratified by the label.

    Raises
    ------
    ValueError
        If ``test_size`` is not in (0, 1), the label is missing, or a class is too rare to split.
    """
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise ValueError(f"test_size: expected a number in (0, 1), got {test_size!r}")
    if LABEL not in df.columns:
        raise ValueError(f"missing label column {LABEL!r} (0/1)")
    y = df[LABEL].to_numpy()
    counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
    if counts.min() < 2:
        raise ValueError(f"need at least 2 approved and 2 refused rows to hold out a test set, got {counts[1]} and {counts[0]}")
    tr, te = train_test_split(np.arange(len(df)), test_size=test_size, random_state=int(seed), stratify=y)
    return df.iloc[np.sort(tr)], df.iloc[np.sort(te)]

