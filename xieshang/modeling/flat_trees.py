"""Boosted trees flattened into node arrays: every tree walked at once, in NumPy, for a few rows.

scikit-learn walks the trees of ``HistGradientBoostingClassifier`` one at a time, a Python call
each (a few microseconds, whatever the rows): for the few dozen rows of one applicant's search, that
fixed cost is most of a prediction. :func:`flatten_trees` joins the fitted trees' nodes into arrays;
:func:`walk_flat_trees` moves every (row, tree) pair one level down per step, all at once, and sums
the leaves in the trees' order from the baseline, as scikit-learn adds them: the same values, bit
for bit. :class:`~xieshang.modeling.tabulated.TabulatedHGB` uses it below :data:`FLAT_MAX_CELLS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

__all__ = ["FLAT_MAX_CELLS", "flatten_trees", "walk_flat_trees"]

FLAT_MAX_CELLS = 100_000
"""Above this many (row, tree) pairs scikit-learn's compiled walk, one tree at a time, is faster
(measured near 150,000 for two hundred 7-leaf trees; below, its fixed cost per tree dominates)."""

_BIG = np.finfo(np.float64).max


def _depth(roots: np.ndarray, leaf: np.ndarray, child: np.ndarray) -> int:
    """Steps from the roots until every tree is at a leaf (every tree walked level by level at once)."""
    level, depth = roots[~leaf[roots]], 0
    while len(level):
        level = child.reshape(-1, 2)[level].ravel()
        level = level[~leaf[level]]
        depth += 1
    return depth


def flatten_trees(hgb: HistGradientBoostingClassifier) -> dict[str, Any] | None:
    """The trees of a fitted binary boosting model as flat node arrays (``None``: categorical splits, other internals).

    Returns a dict: ``roots`` (each tree's first node), per node ``feature`` (the column of the
    doubled matrix :func:`walk_flat_trees` builds: a missing value reads as ``-inf`` where the node
    sends it left, ``+inf`` where right), ``threshold`` (``x <= threshold`` goes left; an infinite
    one is the largest float, which every finite value passes), ``child`` (left then right; a leaf
    is its own child) and ``value``; ``depth`` (steps to reach every leaf) and ``baseline``.
    """
    try:
        baseline = np.asarray(hgb._baseline_prediction, dtype=np.float64).reshape(-1)
        trees = [it[0].nodes for it in hgb._predictors]
    except (AttributeError, IndexError, TypeError):  # another scikit-learn's internals
        return None
    if hgb.n_trees_per_iteration_ != 1 or len(baseline) != 1 or not trees:
        return None
    if any(t["is_categorical"][~t["is_leaf"].astype(bool)].any() for t in trees):
        return None
    n_features = int(hgb.n_features_in_)
    sizes = np.array([len(t) for t in trees])
    roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    nodes = np.concatenate(trees)
    own = np.arange(len(nodes), dtype=np.intp)
    start = np.repeat(roots, sizes)
    leaf = nodes["is_leaf"].astype(bool)
    left = np.where(leaf, own, start + nodes["left"].astype(np.intp))
    right = np.where(leaf, own, start + nodes["right"].astype(np.intp))
    child = np.column_stack([left, right]).ravel()
    feature = nodes["feature_idx"].astype(np.intp) + n_features * (~nodes["missing_go_to_left"].astype(bool))
    return {"roots": roots, "feature": np.where(leaf, 0, feature),
            "threshold": np.minimum(nodes["num_threshold"].astype(np.float64), _BIG),
            "child": child, "value": nodes["value"].astype(np.float64),
            "depth": _depth(roots, leaf, child), "baseline": float(baseline[0])}


def walk_flat_trees(flat: dict[str, Any], M: np.ndarray) -> np.ndarray:
    """Log-odds of every row of the float matrix ``M`` (finite or missing values), shape (n,).

    Each step moves every (row, tree) pair one level down; the leaves are then summed from the
    baseline in the trees' order (a running sum: scikit-learn's additions, in its order).
    """
    n, n_features = M.shape
    # Doubled: a missing value is -inf in the first half (nodes sending it left), +inf in the second.
    E = np.concatenate([np.where(np.isnan(M), -np.inf, M), np.where(np.isnan(M), np.inf, M)], axis=1)
    base = (np.arange(n, dtype=np.intp) * (2 * n_features))[:, None]
    E = E.ravel()
    feature, threshold, child = flat["feature"], flat["threshold"], flat["child"]
    idx = np.broadcast_to(flat["roots"], (n, len(flat["roots"])))
    for _ in range(flat["depth"]):
        right = E.take(feature.take(idx) + base) > threshold.take(idx)
        idx = child.take(2 * idx + right)
    leaves = np.empty((n, idx.shape[1] + 1))
    leaves[:, 0] = flat["baseline"]
    leaves[:, 1:] = flat["value"].take(idx)
    return np.add.accumulate(leaves, axis=1)[:, -1]
