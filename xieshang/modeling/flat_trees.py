"""Boosted trees flattened into node arrays: every tree walked at once, in NumPy, for a few rows.

scikit-learn walks the trees of ``HistGradientBoostingClassifier`` one at a time, a Python call
each (a few microseconds, whatever the rows): for the few dozen rows of one applicant's search, that
fixed cost is most of a prediction. :func:`flatten_trees` joins the fitted trees' nodes into arrays;
:func:`walk_flat_trees` answers every split of every small tree at once and reads each leaf from the
pattern of answers (larger trees: every (row, tree) pair one level down per step), then sums the
leaves in the trees' order from the baseline, as scikit-learn adds them: the same values, bit for bit.
:class:`~xieshang.modeling.tabulated.TabulatedHGB` uses it up to :data:`FLAT_MAX_CELLS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

__all__ = ["FLAT_MAX_CELLS", "MAX_SPLITS", "flatten_trees", "walk_flat_trees"]

FLAT_MAX_CELLS = 100_000
"""Above this many (row, tree) pairs scikit-learn's compiled walk, one tree at a time, answers (and needs
no (rows, trees) arrays). Below, its fixed cost per tree dominates: for two hundred 7-leaf trees the
level-by-level walk was measured faster up to about 150,000 pairs, the pattern path 2x faster still at 100,000."""

MAX_SPLITS = 8
"""Trees of at most this many splits (7-leaf trees have 6) answer every split at once and read their leaf
from the pattern of answers (a table of ``2**splits`` leaves per tree); larger ones walk level by level."""

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
    flat = {"roots": roots, "feature": np.where(leaf, 0, feature),
            "threshold": np.minimum(nodes["num_threshold"].astype(np.float64), _BIG),
            "child": child, "value": nodes["value"].astype(np.float64),
            "depth": _depth(roots, leaf, child), "baseline": float(baseline[0])}
    flat.update(_splits_and_leaves(flat, leaf, start))
    return flat


def _splits_and_leaves(flat: dict[str, Any], leaf: np.ndarray, start: np.ndarray) -> dict[str, Any]:
    """Each tree's splits side by side and the leaf every pattern of their answers reaches (small trees only).

    ``split_feature``/``split_threshold``: (trees, K) arrays of each tree's internal nodes in order
    (padded); ``leaf_table``: (trees, 2**K) values, the leaf reached when split ``j`` sends the row right
    exactly where bit ``j`` of the pattern is set. Empty for trees of more than :data:`MAX_SPLITS` splits.
    """
    internal = np.flatnonzero(~leaf)
    tree_of = np.searchsorted(flat["roots"], internal, side="right") - 1
    slot = np.arange(len(internal)) - np.searchsorted(tree_of, tree_of, side="left")  # among its tree's splits
    k = int(slot.max()) + 1 if len(internal) else 0
    if k > MAX_SPLITS:
        return {}
    n_trees = len(flat["roots"])
    split_feature = np.zeros((n_trees, max(k, 1)), dtype=np.intp)
    split_threshold = np.full((n_trees, max(k, 1)), _BIG)
    split_feature[tree_of, slot] = flat["feature"][internal]
    split_threshold[tree_of, slot] = flat["threshold"][internal]
    node_slot = np.zeros(len(leaf), dtype=np.intp)
    node_slot[internal] = slot
    codes = np.arange(2 ** max(k, 1), dtype=np.intp)[None, :]
    idx = np.repeat(flat["roots"][:, None], codes.shape[1], axis=1)
    for _ in range(flat["depth"]):  # a leaf is its own child: it stays
        idx = flat["child"].take(2 * idx + ((codes >> node_slot.take(idx)) & 1))
    return {"split_feature": split_feature, "split_threshold": split_threshold,
            "leaf_table": flat["value"].take(idx)}


def walk_flat_trees(flat: dict[str, Any], M: np.ndarray) -> np.ndarray:
    """Log-odds of every row of the float matrix ``M`` (finite or missing values), shape (n,).

    Small trees answer every split at once and read their leaf from the pattern of answers; larger
    ones move every (row, tree) pair one level down per step. The leaves are then summed from the
    baseline in the trees' order (a running sum: scikit-learn's additions, in its order).
    """
    n = len(M)
    # Doubled: a missing value is -inf in the first half (nodes sending it left), +inf in the second.
    E = np.concatenate([np.where(np.isnan(M), -np.inf, M), np.where(np.isnan(M), np.inf, M)], axis=1)
    leaves = np.empty((n, len(flat["roots"]) + 1))
    leaves[:, 0] = flat["baseline"]
    leaves[:, 1:] = _by_pattern(flat, E) if "leaf_table" in flat else _by_steps(flat, E)
    return np.add.accumulate(leaves, axis=1)[:, -1]


def _by_pattern(flat: dict[str, Any], E: np.ndarray) -> np.ndarray:
    """(rows, trees) leaf values: every split answered at once, the answers' bit pattern read in ``leaf_table``."""
    n_trees, k = flat["split_feature"].shape
    right = E.take(flat["split_feature"].ravel(), axis=1) > flat["split_threshold"].ravel()
    # One byte per (row, tree): bit j set where split j sends the row right (MAX_SPLITS keeps k <= 8).
    pattern = right.reshape(len(E), n_trees, k).view(np.uint8) @ (1 << np.arange(k)).astype(np.uint8)
    table = flat["leaf_table"]
    return table.ravel().take(pattern + np.arange(n_trees) * table.shape[1])


def _by_steps(flat: dict[str, Any], E: np.ndarray) -> np.ndarray:
    """(rows, trees) leaf values: every (row, tree) pair one level down per step."""
    feature, threshold, child = flat["feature"], flat["threshold"], flat["child"]
    base = (np.arange(len(E), dtype=np.intp) * E.shape[1])[:, None]
    flat_E = E.ravel()
    idx = np.broadcast_to(flat["roots"], (len(E), len(flat["roots"])))
    for _ in range(flat["depth"]):
        right = flat_E.take(feature.take(idx) + base) > threshold.take(idx)
        idx = child.take(2 * idx + right)
    return flat["value"].take(idx)
