"""Checking and converting one contract column: numbers, booleans, categories, each problem worded.

:func:`xieshang.validation.validate_frame` reads a frame's columns with :func:`column_arrays`, keeps
those :func:`already_clean` or cheaply :func:`converted_column`, and calls :func:`check_column` for every
other column; the cells are read by :mod:`xieshang.cells`.
Each problem is one line naming the column, what was expected, what was got
and at which rows.
"""

from __future__ import annotations

from typing import Any

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

__all__ = ["CONTRACT_COLUMNS", "already_clean", "by_identity", "check_column", "check_scalars", "category_dtype", "column_arrays", "column_names", "contract_frame",
           "converted_column", "row_numbers", "value_examples"]

_MAX_SHOWN = 3  # bad row indices quoted per problem
_CATEGORY_DTYPES = {f.name: pd.CategoricalDtype(pd.Index(f.categories), ordered=False)
                    for f in FEATURES if f.kind == "category"}
_NAMES = tuple(f.name for f in FEATURES)  # iterating the Index below would cost tens of microseconds
CONTRACT_COLUMNS = pd.Index(_NAMES)
"""The contract's column names as one shared Index: frames built with it are read without iterating their names."""
_EXACT_DTYPES = {"float": np.dtype(np.float64), "int": np.dtype(np.int64), "bool": np.dtype(np.bool_)}
_BY_IDENTITY: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}


def by_identity(what: str, objects: tuple[Any, ...], compute: Any) -> Any:
    """``compute()``, the ``what`` of these immutable objects (an Index, a dtype), remembered by their identity.

    Iterating an Index of strings backed by Arrow (pandas 3) or comparing categories costs tens of
    microseconds, more than the rest of a one-row check; the frames of one source share these objects.
    The entries keep the objects alive, so an id is never reused while remembered.
    """
    key = (what, *(id(o) for o in objects))
    seen = _BY_IDENTITY.get(key)
    if seen is not None and all(a is b for a, b in zip(seen[0], objects)):
        return seen[1]
    value = compute()
    if len(_BY_IDENTITY) > 512:  # bounded in a long process
        _BY_IDENTITY.clear()
    _BY_IDENTITY[key] = (objects, value)
    return value


def column_names(columns: pd.Index) -> tuple[Any, ...]:
    """The column names of a frame, as a tuple."""
    return by_identity("names", (columns,), lambda: tuple(columns.tolist()))


def _contract_dtype(dtype: Any, contract: pd.CategoricalDtype) -> bool:
    """Whether a categorical ``dtype`` has the contract's categories, in order."""
    return dtype is contract or by_identity("contract dtype", (dtype, contract), lambda: bool(
        dtype == contract and dtype.categories.equals(contract.categories)))


def column_arrays(X: pd.DataFrame) -> dict[Any, Any]:
    """Column name -> its values (a NumPy array, or a ``Categorical``), without a Series per column.

    On a small frame building a Series per column costs more than the work
    done on it; pandas' own per-column accessor is used where the installed
    pandas has it (about 20x cheaper), ``DataFrame.items`` otherwise.
    """
    get = getattr(X, "_get_column_array", None)
    if get is not None:
        try:
            return {name: get(i) for i, name in enumerate(column_names(X.columns))}
        except Exception:  # another pandas: fall back to the public API
            pass
    return {name: (col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy())
            for name, col in X.items()}


def already_clean(f: Feature, values: Any) -> bool:
    """Whether a column is already what its check returns: the contract's dtype and only valid values.

    Vectorised, no per-value Python. A column that is not goes through the
    full check of :func:`check_column`, which words its problems; a clean column
    raises none there either, so both paths give the same result.
    """
    if f.kind == "category":
        dtype = category_dtype(f.name)
        # The contract's own dtype object (category_dtype) skips comparing the categories.
        return (isinstance(values, pd.Categorical) and _contract_dtype(values.dtype, dtype)
                and bool((values.codes >= (-1 if f.missing_ok else 0)).all()))
    if not isinstance(values, np.ndarray):
        return False
    if f.missing_ok and f.kind in ("int", "bool") and values.dtype == np.float64:
        # What the full check returns for such a column holding unknowns: float64 with NaN.
        nan = np.isnan(values)
        if not nan.any():
            return False  # the full check gives int64 / bool here
        known = values[~nan]
        if f.kind == "bool":
            return bool(((known == 0.0) | (known == 1.0)).all())
        return bool(known.size == 0 or (known.min() >= f.low and known.max() <= f.high
                                        and (known == np.round(known)).all()))
    if values.dtype != _EXACT_DTYPES[f.kind]:
        return False
    if f.kind == "bool":
        return True
    if f.missing_ok and f.kind == "float":  # unknown (NaN) is a valid value here
        known = values[~np.isnan(values)]
        return bool(known.size == 0 or (known.min() >= f.low and known.max() <= f.high))
    return bool(values.min() >= f.low and values.max() <= f.high)  # NaN fails both comparisons


def converted_column(f: Feature, values: Any) -> np.ndarray | None:
    """What the full check returns for a float64 column of a ``missing_ok`` int or bool feature holding no
    unknown (int64, bool), from a vectorised look; ``None`` when that is not the case (the full check words it).

    Such a column is what a frame's other rows leave behind: one row of a file with an unknown
    ``household_size`` elsewhere.
    """
    if not (f.missing_ok and f.kind in ("int", "bool") and isinstance(values, np.ndarray)
            and values.dtype == np.float64 and len(values)) or np.isnan(values).any():
        return None
    if f.kind == "bool":
        return values.astype(bool) if bool(((values == 0.0) | (values == 1.0)).all()) else None
    ok = values.min() >= f.low and values.max() <= f.high and bool((values == np.round(values)).all())
    return values.astype(np.int64) if ok else None


def contract_frame(data: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """The frame of the contract's columns from ``data`` (one array each, already in the contract's dtypes,
    as long as ``index``), on the shared :data:`CONTRACT_COLUMNS`; the arrays are used as they are.

    pandas' own constructor from arrays it need not check costs a fifth of building from a dict (which
    checks and sanitises every column again); the public one answers where pandas lacks it.
    """
    try:
        return pd.DataFrame._from_arrays([data[name] for name in _NAMES], columns=CONTRACT_COLUMNS,
                                         index=index, verify_integrity=False)
    except (AttributeError, TypeError):  # another pandas
        return pd.DataFrame(data, index=index, columns=CONTRACT_COLUMNS, copy=False)


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
