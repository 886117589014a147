"""Boosted trees summed into lookup tables: one table per set of (at most two) columns.

:func:`tabulate_trees` reads a fitted binary ``HistGradientBoostingClassifier``
and, when every tree splits on at most two columns, adds up the trees that
touch the same columns into one table over the thresholds they use.
:class:`~xieshang.modeling.tabulated.TabulatedHGB` predicts from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

__all__ = ["interval_index", "interval_indices", "tabulate_trees"]


def _tree_values(nodes: np.ndarray, features: tuple[int, ...], grid: Sequence[np.ndarray]) -> np.ndarray:
    """Leaf values of one fitted tree at the points of ``grid`` (one array per feature in ``features``)."""
    idx = np.zeros(grid[0].shape, dtype=np.int64)
    for _ in range(len(nodes)):
        leaf = nodes["is_leaf"][idx].astype(bool)
        if leaf.all():
            break
        f = nodes["feature_idx"][idx]
        x = grid[0] if len(features) == 1 else np.where(f == features[0], grid[0], grid[1])
        go_left = np.where(np.isnan(x), nodes["missing_go_to_left"][idx].astype(bool), x <= nodes["num_threshold"][idx])
        step = np.where(go_left, nodes["left"][idx], nodes["right"][idx])
        idx = np.where(leaf, idx, step)
    return nodes["value"][idx]


def _interval_map(fine: np.ndarray, coarse: np.ndarray) -> np.ndarray:
    """Interval of ``coarse`` cuts holding each interval of ``fine`` cuts (a superset), the missing value last."""
    return np.append(np.searchsorted(coarse, np.append(fine, np.inf), side="left"), len(coarse) + 1)


def interval_index(cuts: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Interval between ``cuts`` of each value (``x <= cut`` closes one), ``len(cuts) + 1`` for a missing value."""
    idx = np.searchsorted(cuts, x, side="left")
    return np.where(np.isnan(x), len(cuts) + 1, idx)


def interval_indices(cut_matrix: np.ndarray, counts: np.ndarray, X: np.ndarray) -> np.ndarray:
    """:func:`interval_index` of every column of ``X`` at once: row ``j`` of ``cut_matrix`` holds the cuts of
    column ``j`` (``counts[j]`` of them), padded with ``+inf``.

    The count of cuts below a value is its interval (what ``searchsorted`` finds), for a few rows in
    one comparison instead of a call per column.
    """
    idx = (cut_matrix[None, :, :] < X[:, :, None]).sum(axis=2)
    return np.where(np.isnan(X), counts + 1, idx)


def tabulate_trees(hgb: HistGradientBoostingClassifier) -> dict[str, Any] | None:
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
        # One point per interval between cuts: the cut closing it (x <= cut), +inf past the last,
        # then NaN: a missing value follows each node's learned missing_go_to_left.
        grid = np.meshgrid(*[np.append(c, [np.inf, np.nan]) for c in cuts], indexing="ij")
        tables.append(np.asarray(sum(_tree_values(m, key, grid) for m in members), dtype=float))
        group_cuts.append(cuts)
    all_cuts = [np.empty(0)] * n_features
    for key, cuts in zip(groups, group_cuts):
        for f, c in zip(key, cuts):
            all_cuts[f] = np.union1d(all_cuts[f], c)
    width = max([len(c) for c in all_cuts] + [0]) + 2  # the intervals, then the missing value
    G = len(tables)
    f0, f1 = np.zeros(G, dtype=np.int64), np.zeros(G, dtype=np.int64)
    map0, map1 = np.zeros((G, width), dtype=np.int64), np.zeros((G, width), dtype=np.int64)
    n1, offset = np.ones(G, dtype=np.int64), np.zeros(G, dtype=np.int64)
    start = 0
    for g, (key, cuts, table) in enumerate(zip(groups, group_cuts, tables)):
        f0[g] = f1[g] = key[0]
        map0[g, :len(all_cuts[key[0]]) + 2] = _interval_map(all_cuts[key[0]], cuts[0])
        if len(key) == 2:
            f1[g], n1[g] = key[1], table.shape[1]
            map1[g, :len(all_cuts[key[1]]) + 2] = _interval_map(all_cuts[key[1]], cuts[1])
        offset[g] = start
        start += table.size
    flat = np.concatenate([t.ravel() for t in tables]) if tables else np.zeros(1)
    used = sorted({int(f) for f in f0} | {int(f) for f in f1})
    counts = np.array([len(all_cuts[f]) for f in used], dtype=np.intp)
    cut_matrix = np.full((len(used), max(counts, default=0)), np.inf)
    for j, f in enumerate(used):
        cut_matrix[j, :counts[j]] = all_cuts[f]
    return {"const": const, "cuts": all_cuts, "f0": f0, "f1": f1, "map0": map0, "map1": map1, "n1": n1,
            "offset": offset, "flat": flat,
            # Derived once for prediction: the columns used, where each table's map starts, the flat
            # position of (table, interval of its first column), the maps of the second column.
            "used": used, "cut_matrix": cut_matrix, "cut_counts": counts,  # for interval_indices
            "rowstart": np.arange(G, dtype=np.intp) * width,
            "first": (offset[:, None] + map0 * n1[:, None]).ravel().astype(np.intp),
            "second": map1.ravel().astype(np.intp)}


