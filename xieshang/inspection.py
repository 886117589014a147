"""What the figures show, computed without drawing: calibration tables, effects, what-ifs.

Usable without matplotlib (as ``sklearn.inspection`` is from its displays):
:mod:`xieshang.plots` draws these numbers, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import outputs
from .checks import check_int
from .contract import LABEL, feature
from .metrics import probability_bins

__all__ = [
    "approval_rates",
    "calibration_table",
    "check_binary",
    "default_grid",
    "partial_dependence",
    "proba_fn",
    "whatif",
    "whatif_grid",
    "with_values",
]


def _as_1d(name: str, a: Any, problems: list[str], probability: bool) -> np.ndarray:
    arr = np.asarray(a, dtype=float).ravel() if np.ndim(a) <= 1 else np.asarray(a, dtype=float)
    if arr.ndim != 1:
        problems.append(f"{name}: expected a 1-D array, got shape {arr.shape}")
        return arr.ravel()
    if arr.size == 0:
        problems.append(f"{name}: expected at least one value, got none")
    elif not np.isfinite(arr).all():
        problems.append(f"{name}: expected finite numbers, got {int((~np.isfinite(arr)).sum())} NaN/inf")
    elif probability and ((arr < 0) | (arr > 1)).any():
        problems.append(f"{name}: expected probabilities in [0, 1], got values in "
                        f"[{arr.min():g}, {arr.max():g}]")
    return arr


def check_binary(y: Any, *probs: tuple[str, Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Validate labels and probability arrays together; one ValueError for all."""
    problems: list[str] = []
    yy = _as_1d("y_true", y, problems, probability=False)
    if yy.size and np.isfinite(yy).all() and not np.isin(yy, (0, 1)).all():
        problems.append(f"y_true: expected 0/1 labels, got {sorted(set(np.unique(yy)) - {0, 1})[:5]}")
    out = []
    for name, a in probs:
        arr = _as_1d(name, a, problems, probability=True)
        if arr.size != yy.size:
            problems.append(f"{name}: expected {yy.size} values (as y_true), got {arr.size}")
        out.append(arr)
    if problems:
        raise ValueError("; ".join(problems))
    return yy.astype(int), out


def proba_fn(model: Any) -> Callable[[pd.DataFrame], np.ndarray]:
    """A callable DataFrame -> 1-D approval probabilities.

    Accepts such a callable, one returning ``(n, 2)`` arrays, or an object
    with ``predict_proba``.
    """
    if hasattr(model, "predict_proba"):  # a model: read through the one adapter (xieshang.outputs)
        return lambda X: outputs.proba(model, X)
    fn = model
    if not callable(fn):
        raise ValueError(f"expected a callable or an object with predict_proba, got {type(model).__name__}")

    def proba(X: pd.DataFrame) -> np.ndarray:
        p = np.asarray(fn(X), dtype=float)
        if p.ndim == 2 and p.shape[1] == 2:
            p = p[:, 1]
        if p.shape != (len(X),):
            raise ValueError(f"probability function returned shape {p.shape}, expected ({len(X)},)")
        return p

    return proba


def calibration_table(y_true: Any, p: Any, n_bins: int = 10, truth: Any = None) -> pd.DataFrame:
    """Observed approval rate against the mean prediction in equal-width bins.

    Parameters
    ----------
    y_true : array-like of {0, 1}
    p : array-like of float
        Predicted probabilities.
    n_bins : int
        Number of equal-width bins on [0, 1]; empty bins are dropped.
    truth : array-like of float, optional
        True probabilities; adds ``mean_truth``.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``bin_low``, ``bin_high``, ``n``,
        ``mean_predicted``, ``observed_rate``, ``ci_low``, ``ci_high``
        (Wilson 95 % interval) and, with ``truth``, ``mean_truth``.
    """
    n_bins = check_int(n_bins, "n_bins", low=1)
    arrays = [("p", p)] + ([("truth", truth)] if truth is not None else [])
    y, probs = check_binary(y_true, *arrays)
    pp = probs[0]
    idx = probability_bins(pp, n_bins)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    n = np.bincount(idx, minlength=n_bins)
    keep = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(idx, pp, n_bins) / n
        rate = np.bincount(idx, y, n_bins) / n
    z = 1.959964
    denom = 1 + z**2 / np.maximum(n, 1)
    centre = (rate + z**2 / (2 * np.maximum(n, 1))) / denom
    half = z * np.sqrt(rate * (1 - rate) / np.maximum(n, 1) + z**2 / (4 * np.maximum(n, 1) ** 2)) / denom
    table = pd.DataFrame({
        "bin_low": edges[:-1], "bin_high": edges[1:], "n": n, "mean_predicted": mean_p,
        "observed_rate": rate, "ci_low": centre - half, "ci_high": centre + half,
    })
    if truth is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            table["mean_truth"] = np.bincount(idx, probs[1], n_bins) / n
    return table[keep].reset_index(drop=True)


def default_grid(df: pd.DataFrame | None, name: str, n: int = 15) -> np.ndarray:
    """Values of feature ``name`` to evaluate an effect at.

    Booleans: ``False, True``; categories: the contract's categories in order;
    numbers: up to ``n`` distinct quantiles (2 % to 98 %) of ``df[name]``, or
    an even spread over the contract's range without ``df``.
    """
    f = feature(name)
    if f.kind == "bool":
        return np.array([False, True])
    if f.kind == "category":
        return np.array(f.categories, dtype=object)
    known = df[name].to_numpy(float) if df is not None and name in df else np.empty(0)
    known = known[~np.isnan(known)]  # unknown values (NaN) have no place on a grid
    if len(known):
        grid = np.quantile(known, np.linspace(0.02, 0.98, n))
    else:
        grid = np.linspace(float(f.low), float(f.high), n)  # type: ignore[arg-type]
    if f.kind == "int":
        grid = np.round(grid)
    return np.unique(grid)


def with_values(df: pd.DataFrame, name: str, values: np.ndarray) -> pd.DataFrame:
    """``len(values)`` copies of ``df`` stacked, the k-th with ``name`` set to ``values[k]``."""
    n = len(df)
    big = pd.concat([df] * len(values), ignore_index=True)
    col = np.repeat(np.asarray(values, dtype=object), n)
    dtype = df[name].dtype
    if isinstance(dtype, pd.CategoricalDtype):
        big[name] = pd.Categorical(col, categories=dtype.categories, ordered=dtype.ordered)
    else:
        big[name] = pd.Series(col).astype(dtype).to_numpy()
    return big


def partial_dependence(
    proba: Any, df: pd.DataFrame, feature_name: str, grid: Sequence[Any] | np.ndarray | None = None,
    max_rows: int = 200_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean probability when ``feature_name`` is set to each grid value for every row.

    Parameters
    ----------
    proba : callable or estimator
        DataFrame -> 1-D approval probabilities (or ``(n, 2)``, or an object
        with ``predict_proba``).
    df : pandas.DataFrame
        Rows in the contract (e.g. a sample from :func:`xieshang.generate`).
    feature_name : str
        A contract column.
    grid : sequence, optional
        Values to set; :func:`default_grid` by default.
    max_rows : int
        Largest frame scored in one call (grid values are batched).

    Returns
    -------
    grid, mean : numpy.ndarray
    """
    feature(feature_name)
    if not isinstance(df, pd.DataFrame) or df.empty or feature_name not in df:
        raise ValueError(f"df: expected a non-empty DataFrame with column {feature_name!r}")
    fn = proba_fn(proba)
    g = default_grid(df, feature_name) if grid is None else np.asarray(list(grid), dtype=object)
    if len(g) == 0:
        raise ValueError("grid: expected at least one value, got none")
    per_call = max(1, max_rows // len(df))
    means = []
    for start in range(0, len(g), per_call):
        chunk = g[start:start + per_call]
        p = fn(with_values(df, feature_name, chunk))
        means.append(p.reshape(len(chunk), len(df)).mean(axis=1))
    if feature(feature_name).is_numeric:
        g = g.astype(float)
    return g, np.concatenate(means)


def approval_rates(df: pd.DataFrame, feature_name: str, bins: int = 8) -> pd.DataFrame:
    """Observed approval rate for each level (or quantile bin) of a feature.

    Parameters
    ----------
    df : pandas.DataFrame
        Contract columns and the ``approved`` label.
    feature_name : str
    bins : int
        Quantile bins for numeric features with more than ``bins`` values.

    Returns
    -------
    pandas.DataFrame
        ``level`` (value, or bin midpoint), ``n``, ``rate``; in level order.
    """
    f = feature(feature_name)
    missing = [c for c in (feature_name, LABEL) if c not in df]
    if missing:
        raise ValueError(f"df: expected columns {', '.join(missing)}, missing")
    col = df[feature_name]
    y = df[LABEL].astype(float)
    if f.is_numeric and col.nunique() > bins:
        edges = np.unique(np.nanquantile(col.to_numpy(float), np.linspace(0, 1, bins + 1)))
        key = pd.cut(col, edges, include_lowest=True)
        out = y.groupby(key, observed=True).agg(["size", "mean"])
        level = [float(col[key == iv].median()) for iv in out.index]
    else:
        out = y.groupby(col.astype(object) if f.kind != "category" else col, observed=True).agg(["size", "mean"])
        level = list(out.index)
        if f.kind == "category":
            order = {c: i for i, c in enumerate(f.categories)}
            sort = np.argsort([order[str(v)] for v in level])
            out, level = out.iloc[sort], [level[i] for i in sort]
    return pd.DataFrame({"level": level, "n": out["size"].to_numpy(), "rate": out["mean"].to_numpy()})


def whatif_grid(row: pd.DataFrame, name: str) -> np.ndarray:
    f = feature(name)
    if not f.is_numeric:
        return default_grid(None, name)
    low, high = float(f.low), float(f.high)  # type: ignore[arg-type]
    value = float(row[name].iloc[0])
    if f.unit.startswith("RMB") and value > 0:
        low, high = max(low, 0.25 * value), min(high, 2.0 * value)
    if f.kind == "int" and high - low <= 120:
        return np.arange(low, high + 1)
    grid = np.linspace(low, high, 51)
    return np.unique(np.round(grid)) if f.kind == "int" else grid


def whatif(proba: Any, applicant: Any, feature_name: str,
           grid: Sequence[Any] | np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Approval probability of one applicant as one feature moves over ``grid``.

    Parameters
    ----------
    proba : callable or estimator
    applicant : dict or one-row DataFrame
        Validated with :func:`xieshang.validation.applicant_frame`.
    feature_name : str
    grid : sequence, optional
        By default a dense spread over the contract's range (a money amount:
        a quarter to twice the applicant's value).

    Returns
    -------
    grid, probability : numpy.ndarray
    """
    from .validation import applicant_frame

    feature(feature_name)
    row = applicant_frame(applicant)
    g = whatif_grid(row, feature_name) if grid is None else grid
    return partial_dependence(proba, row, feature_name, g)
