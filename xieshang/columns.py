"""Checking and converting one contract column: numbers, booleans, categories, each problem worded.

:func:`xieshang.validation.validate_frame` calls :func:`check_column` for every
column that is not already clean; the cells are read by :mod:`xieshang.cells`.
Each problem is one line naming the column, what was expected, what was got
and at which rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import (
    BAD_CODE,
    COLLECTIONS,
    MISSING_CODE,
    MISSING_STRINGS,
    category_decoder,
    cell_codes,
    decode_bool,
    is_huge_int,
    is_text,
    missing_mask,
    normalize,
    sci_notation,
    show_value,
)
from .contract import FEATURES, Feature

__all__ = ["check_column", "check_scalars", "category_dtype", "row_numbers", "value_examples"]

_MAX_SHOWN = 3  # bad row indices quoted per problem
_CATEGORY_DTYPES = {f.name: pd.CategoricalDtype(pd.Index(f.categories), ordered=False)
                    for f in FEATURES if f.kind == "category"}




def category_dtype(name: str) -> pd.CategoricalDtype:
    """The contract's categorical dtype of column ``name`` (one shared object per column).

    A ``Categorical`` built with it is recognised as clean by :func:`xieshang.validation.validate_frame`
    without comparing its categories.

    Raises
    ------
    KeyError
        If ``name`` is not a categorical column of the contract.
    """
    return _CATEGORY_DTYPES[name]


def row_numbers(index: pd.Index, mask: np.ndarray) -> str:
    bad = index[mask]
    shown = ", ".join(str(i) for i in bad[:_MAX_SHOWN])
    more = f" and {len(bad) - _MAX_SHOWN} more" if len(bad) > _MAX_SHOWN else ""
    return f"row {shown}{more}" if len(bad) == 1 else f"rows {shown}{more}"


def value_examples(values: pd.Series, mask: np.ndarray) -> str:
    # Deduplicate by repr: cells may hold unhashable objects (lists, dicts).
    shown: dict[str, None] = {}
    for v in values[mask]:
        shown.setdefault(show_value(v), None)
        if len(shown) == _MAX_SHOWN:
            break
    return ", ".join(shown)


def _unknown_not_allowed(f: Feature, col: pd.Series, missing: np.ndarray, problems: list[str]) -> bool:
    """Record blanks in a column that may not be blank; whether there were any."""
    if missing.any() and not f.missing_ok:
        problems.append(f"{f.name}: expected {f.expected()}, got missing/NaN at {row_numbers(col.index, missing)} "
                        "(this column may not be blank: fill it in or drop those rows)")
        return True
    return False


def check_scalars(f: Feature, col: pd.Series, problems: list[str]) -> bool:
    """Whether every cell is a scalar; if not, record the problem."""
    if col.dtype != object or is_text(col):  # all strings (a CSV read as text): nothing to look at per cell
        return True
    bad = col.map(lambda v: isinstance(v, COLLECTIONS)).to_numpy(bool)
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got non-scalar value(s) "
            f"{value_examples(col, bad)} at {row_numbers(col.index, bad)}"
        )
        return False
    return True


def _parse_objects(f: Feature, col: pd.Series, problems: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """(float values, unknown mask) of an object column, cell by cell; ``None`` after recording a problem."""
    missing = missing_mask(col)
    col = col.astype(object).where(~missing, None)
    normed = col.map(normalize)
    # Integers too large for a float (pandas raises OverflowError on them) are out of range.
    huge = normed.map(is_huge_int).to_numpy(bool)
    if huge.any():
        shown = ", ".join(dict.fromkeys(sci_notation(v) for v in normed[huge]))
        problems.append(f"{f.name}: expected {f.expected()}, got out-of-range value(s) {shown} at {row_numbers(col.index, huge)}")
        return None
    # Booleans and complex numbers hidden in an object column are not numbers.
    is_bool = normed.map(lambda v: isinstance(v, (bool, np.bool_, complex, np.complexfloating))).to_numpy(bool)
    num = pd.to_numeric(normed.where(~is_bool, None), errors="coerce")
    unparsed = (num.isna() & normed.notna()).to_numpy() | is_bool
    if unparsed.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got non-numeric value(s) "
            f"{value_examples(col, unparsed)} at {row_numbers(col.index, unparsed)}"
        )
        return None
    return num.to_numpy(dtype=float, na_value=np.nan), missing


def _numeric_values(f: Feature, col: pd.Series, problems: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """(float values, unknown mask) of a column meant to hold numbers; ``None`` after recording a problem."""
    if pd.api.types.is_bool_dtype(col):
        problems.append(f"{f.name}: expected {f.expected()}, got booleans")
        return None
    if pd.api.types.is_complex_dtype(col):
        problems.append(f"{f.name}: expected {f.expected()}, got complex numbers")
        return None
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan)
        return values, np.isnan(values)
    if is_text(col):
        # Plain numbers are parsed in C; only the other cells (blanks, "NA", full-width digits, junk) go cell by cell.
        num = pd.to_numeric(col.astype(object), errors="coerce")
        values = np.array(num.to_numpy(dtype=float, na_value=np.nan))  # a writable copy
        missing = np.array(col.isna().to_numpy(bool))
        todo = np.isnan(values) & ~missing
        if todo.any():
            sub = col[todo].astype(object)
            blank = sub.str.strip().str.lower().isin(MISSING_STRINGS).to_numpy(bool)
            idx = np.flatnonzero(todo)
            missing[idx[blank]] = True
            rest = idx[~blank]
            if rest.size:
                parsed = _parse_objects(f, col.iloc[rest], problems)
                if parsed is None:
                    return None
                values[rest], missing[rest] = parsed
        return values, missing
    if col.dtype == object:
        return _parse_objects(f, col, problems)
    problems.append(f"{f.name}: expected {f.expected()}, got dtype {col.dtype}")
    return None


def _check_numeric(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    parsed = _numeric_values(f, col, problems)
    if parsed is None:
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):  # blanks are a problem of their own
            _unknown_not_allowed(f, col, missing_mask(col), problems)
        return None
    values, missing = parsed
    ok = not _unknown_not_allowed(f, col, missing, problems)
    nan = np.isnan(values)
    inf = np.isinf(values)
    if inf.any():
        problems.append(f"{f.name}: expected {f.expected()}, got infinite value at {row_numbers(col.index, inf)}")
        ok = False
    finite = ~(nan | inf)
    with np.errstate(invalid="ignore"):
        out = finite & ((values < f.low) | (values > f.high))
    if out.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got out-of-range value(s) "
            f"{value_examples(pd.Series(values, index=col.index), out)} at {row_numbers(col.index, out)}"
        )
        ok = False
    if f.kind == "int":
        frac = finite & ~out & (values != np.round(values))
        if frac.any():
            problems.append(
                f"{f.name}: expected {f.expected()}, got non-integer value(s) "
                f"{value_examples(pd.Series(values, index=col.index), frac)} at {row_numbers(col.index, frac)}"
            )
            ok = False
    if not ok:
        return None
    if f.kind == "int" and not nan.any():
        return pd.Series(values.astype(np.int64), index=col.index, name=f.name)
    return pd.Series(values, index=col.index, name=f.name)


def _check_bool(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(col) and not col.isna().any():
        return col.astype(bool)
    codes = cell_codes(col, decode_bool)
    missing = codes == MISSING_CODE
    bad = codes == BAD_CODE
    blank_error = _unknown_not_allowed(f, col, missing, problems)
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got {value_examples(col.astype(object), bad)} at {row_numbers(col.index, bad)}"
        )
        return None
    if blank_error:
        return None
    if missing.any():  # unknown stays unknown: 0.0 / 1.0 / NaN
        return pd.Series(np.where(missing, np.nan, codes.astype(float)), index=col.index, name=f.name)
    return pd.Series(codes.astype(bool), index=col.index, name=f.name)


def _check_category(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    # Fast path (the common case: our own frames): only the codes need checking.
    if (isinstance(col.dtype, pd.CategoricalDtype) and set(col.cat.categories) <= set(f.categories)
            and not col.isna().any()):
        return pd.Series(col.cat.set_categories(f.categories).cat.as_unordered(), index=col.index, name=f.name)
    codes = cell_codes(col, category_decoder(f))
    missing = codes == MISSING_CODE
    bad = codes == BAD_CODE
    blank_error = _unknown_not_allowed(f, col, missing, problems)
    if blank_error and not bad.any():
        return None
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got {value_examples(col.astype(object), bad)} "
            f"at {row_numbers(col.index, bad)}"
        )
        return None
    return pd.Series(pd.Categorical.from_codes(np.where(missing, -1, codes), dtype=category_dtype(f.name)),
                     index=col.index, name=f.name)


_CHECKS = {
    "float": _check_numeric,
    "int": _check_numeric,
    "bool": _check_bool,
    "category": _check_category,
}


def check_column(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    """Column ``col`` of contract feature ``f`` in the contract's dtype, or ``None`` after recording its problems.

    Unknown cells stay unknown where the contract allows them (NaN; an int or
    bool column then comes back as float64), never imputed.
    """
    return _CHECKS[f.kind](f, col, problems)
