"""Candidate rows of many applicants, stacked into one model call per round of their searches.

A search (:func:`xieshang.explain._search.run_search`) is a coroutine that yields :class:`Rows` to
score and receives their probabilities and log-odds; :func:`drive` runs many searches side by side,
stacking every pending request into a single call of the model adapter (:mod:`xieshang.outputs`).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..columns import contract_frame
from ..contract import FEATURES, Feature, feature
from ..outputs import proba_and_log_odds
from ..validation import category_dtype, column_arrays
from ._facts import is_unknown, to_py

if TYPE_CHECKING:
    from ._types import Explanation

__all__ = ["Rows", "Encoding", "encode", "column_dtype", "stack", "row_of", "rows_of", "Search", "Scores", "drive"]

_CATEGORY_NAMES = tuple(f.name for f in FEATURES if f.kind == "category")


class Rows:
    """Many variants of one applicant, turned into contract rows by :func:`_stack`.

    A variant differs from the applicant in whole columns (``cols``, one value per row, set by
    :func:`xieshang.explain._space.fill_choices`) or in single cells (``cells``); every other value is the applicant's,
    repeated only when the rows are stacked. An unknown value stays unknown: NaN in a float column
    (an int or bool column with an unknown value is held as float, as validation returns it), code
    -1 for a category.
    """

    def __init__(self, base: dict[str, Any], n: int, enc: Encoding | None = None):
        self.n = n
        self.base = base
        self.enc = enc if enc is not None else encode(base)
        self.cols: dict[str, np.ndarray] = {}
        self.cells: list[tuple[int, str, Any]] = []  # (row, column, stored value); applied after cols

    def cell(self, i: int, name: str, value: Any) -> None:
        """Row ``i`` takes ``value`` in column ``name`` (stored as the applicant's column would hold it)."""
        f = feature(name)
        code = f.categories.index(value) if f.kind == "category" else np.asarray(value, dtype=self.enc.dtypes[name])
        self.cells.append((i, name, code))

    def frame(self) -> pd.DataFrame:
        return stack([self])


def column_dtype(f: Feature, v: Any) -> Any:
    """The dtype of a candidate column of ``f`` for an applicant whose value is ``v``."""
    if f.kind == "category":
        return np.int8  # codes, -1 unknown
    if is_unknown(v) or f.kind == "float":
        return np.float64
    return bool if f.kind == "bool" else np.int64


@dataclass(frozen=True)
class Encoding:
    """An applicant's values as candidate columns store them (see :func:`_encode`)."""

    dtypes: dict[str, Any]  # per feature, the dtype of the applicant's candidate column
    codes: np.ndarray       # per feature (contract order), the stored value as a float (category: its code)
    held_float: np.ndarray  # per feature, whether an int or bool column is held as float (its value is unknown)


def encode(row: Mapping[str, Any]) -> Encoding:
    """The applicant's value of every feature as stored in a candidate column, and that column's dtype."""
    dtypes: dict[str, Any] = {}
    codes = np.empty(len(FEATURES))
    held_float = np.zeros(len(FEATURES), dtype=bool)
    for j, f in enumerate(FEATURES):
        v = row[f.name]
        unknown = v != v  # NaN (a validated row holds no other unknown)
        if f.kind == "category":
            codes[j] = -1 if unknown else f.categories.index(v)
            dtypes[f.name] = np.int8
        else:
            codes[j] = v  # an int below 2**53 or a bool is exact as a float
            dtypes[f.name] = np.float64 if unknown or f.kind == "float" else bool if f.kind == "bool" else np.int64
            held_float[j] = unknown and f.kind != "float"
    return Encoding(dtypes, codes, held_float)


# Per feature, the dtype of a stacked candidate column when no applicant's value is unknown.
_STACK_DTYPES = tuple({"category": np.int8, "float": np.float64, "int": np.int64, "bool": bool}[f.kind] for f in FEATURES)


def stack(batches: list[Rows]) -> pd.DataFrame:
    """One contract frame of every batch's rows, in order (a bool/int column next to a float one becomes float)."""
    counts = np.fromiter((b.n for b in batches), np.int64, len(batches))
    ends = np.cumsum(counts)
    codes = np.array([b.enc.codes for b in batches]).reshape(len(batches), len(FEATURES))
    held_float = np.logical_or.reduce([b.enc.held_float for b in batches]).reshape(len(FEATURES)).tolist()
    data = {}
    for j, f in enumerate(FEATURES):
        dtype = np.float64 if held_float[j] else _STACK_DTYPES[j]
        data[f.name] = np.repeat(codes[:, j].astype(dtype), counts)  # the applicants' own values
    for k, b in enumerate(batches):
        start = ends[k] - b.n
        for name, c in b.cols.items():  # whole columns that differ from the applicant
            data[name][start:ends[k]] = c
        for i, name, code in b.cells:  # then single cells
            data[name][start + i] = code
    for name in _CATEGORY_NAMES:  # the contract's shared dtype: the model's validation skips comparing categories
        data[name] = pd.Categorical.from_codes(data[name], dtype=category_dtype(name))
    return contract_frame(data, pd.RangeIndex(int(ends[-1]) if len(ends) else 0))  # fresh arrays


def row_of(frame: pd.DataFrame) -> dict[str, Any]:
    """The plain-Python ``{feature: value}`` of a validated one-row frame (unknown: NaN)."""
    return rows_of(frame)[0]


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The plain-Python ``{feature: value}`` of every row of a validated frame (unknown: NaN)."""
    arrays = column_arrays(frame)  # no Series per column: on one row that would cost most of the time
    cols = {}
    for f in FEATURES:
        col = arrays[f.name]
        if f.kind == "category":  # a Categorical in the contract's categories (code -1: unknown)
            labels = [*col.categories.tolist(), float("nan")]
            values = [labels[c] for c in col.codes.tolist()]
        else:
            values = [to_py(v) for v in col.tolist()]  # NumPy's tolist: Python scalars
        cols[f.name] = values
    names = list(cols)
    return [dict(zip(names, values)) for values in zip(*cols.values())]


Scores = tuple[np.ndarray, np.ndarray]  # (probability, log-odds) of the rows a search asked for
Search = Generator["Rows", Scores, "Explanation"]


def drive(model: Any, searches: list[Search]) -> list[Explanation]:
    """Run searches side by side: each round stacks every pending request into one model call."""
    results: list[Explanation | None] = [None] * len(searches)
    pending: dict[int, Rows] = {}
    for i, s in enumerate(searches):
        try:
            pending[i] = next(s)
        except StopIteration as stop:
            results[i] = stop.value
    while pending:
        ids = list(pending)
        p, z = proba_and_log_odds(model, stack([pending[i] for i in ids]))
        at = 0
        nxt: dict[int, Rows] = {}
        for i in ids:
            n = pending[i].n
            try:
                nxt[i] = searches[i].send((p[at:at + n], z[at:at + n]))
            except StopIteration as stop:
                results[i] = stop.value
            at += n
        pending = nxt
    return results  # type: ignore[return-value]
