"""Check a frame or one applicant against the feature contract.

Every entry point (training, ``predict_proba``, ``explain``, the command line)
calls :func:`validate_frame`, which either returns a clean frame in contract
order and dtypes or raises one ``ValueError`` that lists every problem.

Policy, documented in the README:

* extra columns are ignored (dropped), so a frame may carry ids, labels or
  ``true_probability`` alongside the features; column order does not matter,
  the result is always in contract order;
* a column may be headed by its contract name or its Chinese or English label
  (``月收入``, ``Monthly Income``), and a category or boolean value may be
  spelled by its value or its Chinese or English label (``失业``, ``是``):
  :mod:`xieshang.headers` maps them from the contract; two headers meaning
  the same column are an error naming both;
* strings are accepted where they spell a valid value after Unicode NFKC
  normalisation and stripping (so ``" 12 "`` and full-width ``"１２"`` are 12);
* nothing is clipped or guessed: a value out of range is an error;
* a column the contract marks ``missing_ok`` may hold unknown values (NaN,
  ``None``, ``pd.NA``, a blank or ``"NA"`` string): they stay unknown (NaN;
  such an int or bool column then comes back as float64 with NaN, a category
  with NaN), never imputed; an optional column (``required=False``) may be
  absent and is then unknown in every row.

A frame whose columns already have the contract's dtypes (float64, int64,
bool, categorical with the contract's categories) takes a fast path: its
ranges are checked with vectorised NumPy and it is returned without
conversion (a ``missing_ok`` int or bool column holding NaN is clean as
float64). Any other column goes through the full checks, which word every
problem; they are vectorised for the columns files give (numbers, all-text
columns from a CSV read as text): Python runs per distinct category or
boolean spelling and per text cell that is not a plain number, not per row.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Mapping
from typing import Any, TypeGuard, overload

import numpy as np
import pandas as pd

from .contract import FEATURE_NAMES, FEATURES, LABEL, MISSING_OK_NAMES, TRUTH, Feature, feature
from .headers import HEADER_ALIASES, canonical_name, column_mapping, header_key, value_aliases

__all__ = ["validate_frame", "applicant_frame", "applicant_fields", "closest_field", "validate_labels",
           "column_arrays", "category_dtype"]

_NAMES = frozenset(f.name for f in FEATURES)
_TRUE = {"true", "1", "yes", "y", "t", "是", "有", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "无", "假"}
_MAX_SHOWN = 3  # bad row indices quoted per problem
# Cells that say "unknown" in real files (after NFKC, stripped, lower-cased). Not "none": a category value.
_MISSING_STRINGS = frozenset({"", "na", "n/a", "nan", "null", "nil", "-", "--", "?", "unknown",
                              "未知", "缺失", "不详", "空"})


def _is_missing(v: object) -> bool:
    """Whether a cell means "unknown": NaN, None, ``pd.NA``, ``NaT`` or a blank / "NA"-like string."""
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).strip().lower() in _MISSING_STRINGS
    if isinstance(v, _COLLECTIONS):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@overload
def _norm_str(x: str) -> str: ...


@overload
def _norm_str(x: object) -> object: ...


def _norm_str(x: object) -> object:
    if isinstance(x, str):
        return unicodedata.normalize("NFKC", x).strip()
    return x


def _rows(index: pd.Index, mask: np.ndarray) -> str:
    bad = index[mask]
    shown = ", ".join(str(i) for i in bad[:_MAX_SHOWN])
    more = f" and {len(bad) - _MAX_SHOWN} more" if len(bad) > _MAX_SHOWN else ""
    return f"row {shown}{more}" if len(bad) == 1 else f"rows {shown}{more}"


def _show(v: object, limit: int = 40) -> str:
    """A short repr of one offending value (huge integers and long texts abridged)."""
    v = v.item() if isinstance(v, np.generic) else v
    if _is_huge_int(v):
        return _sci(v)
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _examples(values: pd.Series, mask: np.ndarray) -> str:
    # Deduplicate by repr: cells may hold unhashable objects (lists, dicts).
    shown: dict[str, None] = {}
    for v in values[mask]:
        shown.setdefault(_show(v), None)
        if len(shown) == _MAX_SHOWN:
            break
    return ", ".join(shown)


_COLLECTIONS = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame)


def _missing_mask(col: pd.Series) -> np.ndarray:
    """Boolean mask of the unknown cells of a column (vectorised for non-object dtypes)."""
    if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
        return col.map(_is_missing).to_numpy(bool)
    return col.isna().to_numpy(bool)


def _unknown_not_allowed(f: Feature, col: pd.Series, missing: np.ndarray, problems: list[str]) -> bool:
    """Record blanks in a column that may not be blank; whether there were any."""
    if missing.any() and not f.missing_ok:
        problems.append(f"{f.name}: expected {f.expected()}, got missing/NaN at {_rows(col.index, missing)} "
                        "(this column may not be blank: fill it in or drop those rows)")
        return True
    return False


def _check_scalars(f: Feature, col: pd.Series, problems: list[str]) -> bool:
    """Whether every cell is a scalar; if not, record the problem."""
    if col.dtype != object or _is_text(col):  # all strings (a CSV read as text): nothing to look at per cell
        return True
    bad = col.map(lambda v: isinstance(v, _COLLECTIONS)).to_numpy(bool)
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got non-scalar value(s) "
            f"{_examples(col, bad)} at {_rows(col.index, bad)}"
        )
        return False
    return True


def _is_huge_int(v: object) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**1000


def _sci(v: int) -> str:
    """A huge integer in scientific notation (``float(v)`` overflows, ``str(v)`` may refuse)."""
    exp = int(math.log10(abs(v)))
    lead = abs(v) // 10 ** (exp - 3)
    return f"{'-' if v < 0 else ''}{lead // 1000}.{lead % 1000:03d}e+{exp}"


def _is_text(col: pd.Series) -> bool:
    """Whether every known cell of a column is a string (a CSV read as text): the vectorised route."""
    if isinstance(col.dtype, pd.StringDtype):
        return True
    return col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")


def _parse_objects(f: Feature, col: pd.Series, problems: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """(float values, unknown mask) of an object column, cell by cell; ``None`` after recording a problem."""
    missing = _missing_mask(col)
    col = col.astype(object).where(~missing, None)
    normed = col.map(_norm_str)
    # Integers too large for a float (pandas raises OverflowError on them) are out of range.
    huge = normed.map(_is_huge_int).to_numpy(bool)
    if huge.any():
        shown = ", ".join(dict.fromkeys(_sci(v) for v in normed[huge]))
        problems.append(f"{f.name}: expected {f.expected()}, got out-of-range value(s) {shown} at {_rows(col.index, huge)}")
        return None
    # Booleans and complex numbers hidden in an object column are not numbers.
    is_bool = normed.map(lambda v: isinstance(v, (bool, np.bool_, complex, np.complexfloating))).to_numpy(bool)
    num = pd.to_numeric(normed.where(~is_bool, None), errors="coerce")
    unparsed = (num.isna() & normed.notna()).to_numpy() | is_bool
    if unparsed.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got non-numeric value(s) "
            f"{_examples(col, unparsed)} at {_rows(col.index, unparsed)}"
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
    if _is_text(col):
        # Plain numbers are parsed in C; only the other cells (blanks, "NA", full-width digits, junk) go cell by cell.
        num = pd.to_numeric(col.astype(object), errors="coerce")
        values = np.array(num.to_numpy(dtype=float, na_value=np.nan))  # a writable copy
        missing = np.array(col.isna().to_numpy(bool))
        todo = np.isnan(values) & ~missing
        if todo.any():
            sub = col[todo].astype(object)
            blank = sub.str.strip().str.lower().isin(_MISSING_STRINGS).to_numpy(bool)
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
            _unknown_not_allowed(f, col, _missing_mask(col), problems)
        return None
    values, missing = parsed
    ok = not _unknown_not_allowed(f, col, missing, problems)
    nan = np.isnan(values)
    inf = np.isinf(values)
    if inf.any():
        problems.append(f"{f.name}: expected {f.expected()}, got infinite value at {_rows(col.index, inf)}")
        ok = False
    finite = ~(nan | inf)
    with np.errstate(invalid="ignore"):
        out = finite & ((values < f.low) | (values > f.high))
    if out.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got out-of-range value(s) "
            f"{_examples(pd.Series(values, index=col.index), out)} at {_rows(col.index, out)}"
        )
        ok = False
    if f.kind == "int":
        frac = finite & ~out & (values != np.round(values))
        if frac.any():
            problems.append(
                f"{f.name}: expected {f.expected()}, got non-integer value(s) "
                f"{_examples(pd.Series(values, index=col.index), frac)} at {_rows(col.index, frac)}"
            )
            ok = False
    if not ok:
        return None
    if f.kind == "int" and not nan.any():
        return pd.Series(values.astype(np.int64), index=col.index, name=f.name)
    return pd.Series(values, index=col.index, name=f.name)


def _to_bool(v: object) -> bool | None:
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and v in (0, 1):
        return bool(v)
    if isinstance(v, (float, np.floating)) and v in (0.0, 1.0):
        return bool(v)
    if isinstance(v, str):
        s = _norm_str(v).lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        try:  # "1.0" / "0.0": a 0/1 column with blanks, written by pandas as floats
            x = float(s)
        except ValueError:
            return None
        if x in (0.0, 1.0):
            return bool(x)
    return None


_MISSING, _BAD = -1, -2  # codes of "unknown" and "not a valid value" per distinct spelling


def _codes(col: pd.Series, decode: Any) -> np.ndarray:
    """Code of every cell, calling ``decode`` once per distinct value (not per row).

    ``decode(value) -> int`` gives the code of a valid value, ``_MISSING`` or
    ``_BAD``; NaN / ``None`` / ``pd.NA`` cells are ``_MISSING``. Equal values
    of different types (``True``, ``1``, ``1.0``) share one call.
    """
    codes, uniques = pd.factorize(col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col,
                                  use_na_sentinel=True)
    lut = np.fromiter((decode(u) for u in uniques), dtype=np.int64, count=len(uniques))
    lut = np.append(lut, _MISSING)  # code -1 (NaN-like) indexes the last entry
    return lut[codes]


def _decode_bool(v: object) -> int:
    b = _to_bool(v)
    if b is not None:
        return int(b)
    return _MISSING if _is_missing(v) else _BAD


def _decode_label(v: object) -> int:
    """Code of a label value: 0/1, or ``_BAD`` (an unknown label is not valid either)."""
    b = _to_bool(v)
    return _BAD if b is None else int(b)


def _check_bool(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(col) and not col.isna().any():
        return col.astype(bool)
    codes = _codes(col, _decode_bool)
    missing = codes == _MISSING
    bad = codes == _BAD
    blank_error = _unknown_not_allowed(f, col, missing, problems)
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got {_examples(col.astype(object), bad)} at {_rows(col.index, bad)}"
        )
        return None
    if blank_error:
        return None
    if missing.any():  # unknown stays unknown: 0.0 / 1.0 / NaN
        return pd.Series(np.where(missing, np.nan, codes.astype(float)), index=col.index, name=f.name)
    return pd.Series(codes.astype(bool), index=col.index, name=f.name)


_VALUE_ALIASES = {f.name: value_aliases(f.name, f.categories) for f in FEATURES if f.kind == "category"}


def _check_category(f: Feature, col: pd.Series, problems: list[str]) -> pd.Series | None:
    # Fast path (the common case: our own frames): only the codes need checking.
    if (isinstance(col.dtype, pd.CategoricalDtype) and set(col.cat.categories) <= set(f.categories)
            and not col.isna().any()):
        return pd.Series(col.cat.set_categories(f.categories).cat.as_unordered(), index=col.index, name=f.name)
    aliases = _VALUE_ALIASES[f.name]
    position = {c: i for i, c in enumerate(f.categories)}

    def decode(v: object) -> int:
        if isinstance(v, str):
            value = aliases.get(header_key(v))
            if value is not None:
                return position[value]
        return _MISSING if _is_missing(v) else _BAD

    codes = _codes(col, decode)
    missing = codes == _MISSING
    bad = codes == _BAD
    blank_error = _unknown_not_allowed(f, col, missing, problems)
    if blank_error and not bad.any():
        return None
    if bad.any():
        problems.append(
            f"{f.name}: expected {f.expected()}, got {_examples(col.astype(object), bad)} "
            f"at {_rows(col.index, bad)}"
        )
        return None
    return pd.Series(pd.Categorical.from_codes(np.where(missing, -1, codes), dtype=_CATEGORY_DTYPES[f.name]),
                     index=col.index, name=f.name)


_CHECKS = {
    "float": _check_numeric,
    "int": _check_numeric,
    "bool": _check_bool,
    "category": _check_category,
}

# Without copy-on-write (pandas < 3 by default) a shallow copy would share data with the input.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True

_EXACT_DTYPES = {"float": np.dtype(np.float64), "int": np.dtype(np.int64), "bool": np.dtype(np.bool_)}
_CATEGORY_DTYPES = {f.name: pd.CategoricalDtype(pd.Index(f.categories), ordered=False)
                    for f in FEATURES if f.kind == "category"}


def category_dtype(name: str) -> pd.CategoricalDtype:
    """The contract's categorical dtype of column ``name`` (one shared object per column).

    A ``Categorical`` built with it is recognised as clean by :func:`validate_frame`
    without comparing its categories.

    Raises
    ------
    KeyError
        If ``name`` is not a categorical column of the contract.
    """
    return _CATEGORY_DTYPES[name]


def column_arrays(X: pd.DataFrame) -> dict[Any, Any]:
    """Column name -> its values (a NumPy array, or a ``Categorical``), without a Series per column.

    On a small frame building a Series per column costs more than the work
    done on it; pandas' own per-column accessor is used where the installed
    pandas has it (about 20x cheaper), ``DataFrame.items`` otherwise.
    """
    get = getattr(X, "_get_column_array", None)
    if get is not None:
        try:
            return {name: get(i) for i, name in enumerate(X.columns)}
        except Exception:  # another pandas: fall back to the public API
            pass
    return {name: (col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.to_numpy())
            for name, col in X.items()}


def _already_clean(f: Feature, values: Any) -> bool:
    """Whether a column is already what its check returns: the contract's dtype and only valid values.

    Vectorised, no per-value Python. A column that is not goes through the
    full check of :data:`_CHECKS`, which words its problems; a clean column
    raises none there either, so both paths give the same result.
    """
    if f.kind == "category":
        dtype = _CATEGORY_DTYPES[f.name]
        # The contract's own dtype object (category_dtype) skips comparing the categories.
        return (isinstance(values, pd.Categorical)
                and (values.dtype is dtype or (values.dtype == dtype and values.categories.equals(dtype.categories)))
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


def validate_frame(X: Any, *, require_label: bool = False) -> pd.DataFrame:
    """Validate ``X`` against the contract and return a clean copy.

    Parameters
    ----------
    X : pandas.DataFrame
        One row per negotiation request, with every contract column. Extra
        columns are ignored; order does not matter.
    require_label : bool, default False
        Also require a valid 0/1 ``approved`` column, kept in the result.

    Returns
    -------
    pandas.DataFrame
        The contract columns in contract order with contract dtypes (int64,
        float64, bool, categorical), same index as ``X`` (plus ``approved``
        if ``require_label``).

    Raises
    ------
    ValueError
        One error listing every problem: not a DataFrame, empty, missing
        columns, wrong types, NaN or infinite numbers, out-of-range values,
        unknown categories, a bad label.
    """
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"expected a pandas DataFrame with the contract's columns, got {type(X).__name__}; "
            "build one with pandas.DataFrame(...) or pass a dict to explain()"
        )
    if X.columns.has_duplicates:
        dup = sorted({str(c) for c in X.columns[X.columns.duplicated()]})
        raise ValueError(f"invalid input: duplicated column(s) {', '.join(dup)}; expected each column once")
    if X.columns.nlevels != 1:
        raise ValueError(
            f"invalid input: expected one level of column names, got {X.columns.nlevels} "
            "(a MultiIndex); flatten the columns first"
        )
    if len(X) == 0:
        raise ValueError("invalid input: the frame is empty; expected at least one row")
    names = tuple(X.columns.tolist())
    # Exactly the contract's names (our own frames, and every model call on them): nothing to rename.
    exact = names == FEATURE_NAMES
    mapping = {} if exact else column_mapping(X.columns)  # Chinese / English labels, odd spacing or case
    if mapping:
        X = X.rename(columns=mapping)
        names = tuple(X.columns.tolist())
    arrays = column_arrays(X)
    fine = {f.name for f in FEATURES if f.name in arrays and _already_clean(f, arrays[f.name])}
    absent = [f.name for f in FEATURES if not f.required and f.name not in arrays]
    if len(fine) + len(absent) == len(FEATURES) and not require_label:
        # Fast path: nothing to convert. Copy-on-write makes the result independent of X.
        k = len(FEATURE_NAMES)
        if exact:  # the same frame; a copy is cheaper than selecting its columns
            return X.copy(deep=not _COPY_ON_WRITE)
        if not absent and names[:k] == FEATURE_NAMES:  # contract columns first, extras after
            return X.iloc[:, :k].copy(deep=not _COPY_ON_WRITE)
        if not absent:
            return X[list(FEATURE_NAMES)]
        present = [n for n in FEATURE_NAMES if n in fine]
        partial = X[present].copy(deep=not _COPY_ON_WRITE)
        for name in absent:  # an optional column: unknown in every row
            partial[name] = np.nan
        return partial[list(FEATURE_NAMES)]
    problems: list[str] = []
    missing = [f.name for f in FEATURES if f.required and f.name not in X.columns]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    out: dict[str, pd.Series] = {}
    for f in FEATURES:
        if f.name in fine:
            out[f.name] = X[f.name]
        elif not f.required and f.name not in X.columns:  # an optional column: unknown in every row
            out[f.name] = pd.Series(np.nan, index=X.index, name=f.name, dtype=np.float64)
        elif f.name in X.columns and _check_scalars(f, X[f.name], problems):
            clean = _CHECKS[f.kind](f, X[f.name], problems)
            if clean is not None:
                out[f.name] = clean
    if require_label:
        if LABEL not in X.columns:
            problems.append(f"missing label column {LABEL!r} (0/1)")
        else:
            y = validate_labels(X[LABEL], problems)
            if y is not None:
                out[LABEL] = y
    if problems:
        raise ValueError(_worded(problems, {v: k for k, v in mapping.items()}, missing))
    return pd.DataFrame(out, index=X.index)


def _worded(problems: list[str], headers: dict[str, Any], missing: list[str]) -> str:
    """The one error message: every problem on its line, a column named as the file heads it too."""
    lines = []
    for p in problems:
        name, sep, rest = p.partition(":")
        if sep and name in headers:
            p = f"{name} (column {str(headers[name])!r}):{rest}"
        lines.append(p)
    text = f"invalid input ({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n  - " + "\n  - ".join(lines)
    if missing:
        text += ("\n(a column may also be headed by its Chinese or English label: "
                 + "; ".join(f"{n} = {feature(n).label_zh} / {feature(n).label_en}" for n in missing) + ")")
    return text


@overload
def validate_labels(y: Any, problems: None = None) -> pd.Series: ...


@overload
def validate_labels(y: Any, problems: list[str]) -> pd.Series | None: ...


def validate_labels(y: Any, problems: list[str] | None = None) -> pd.Series | None:
    """Check that ``y`` holds only 0/1 (or booleans); return it as int64.

    With ``problems`` given, append to it instead of raising.
    """
    raise_now = problems is None
    problems = [] if problems is None else problems
    s = pd.Series(y) if not isinstance(y, pd.Series) else y
    if s.dtype == object and not _is_text(s):  # lists or dicts among the labels: not hashable, so cell by cell
        conv = s.map(lambda v: None if isinstance(v, _COLLECTIONS) else _to_bool(v))
        codes = np.where(conv.isna().to_numpy(), _BAD, conv.fillna(False).astype(bool).to_numpy(np.int64))
    else:  # one decoding per distinct spelling
        codes = _codes(s, _decode_label)
    bad = codes < 0
    if bad.any():
        problems.append(
            f"{LABEL}: expected 0/1, got {_examples(s.astype(object), bad)} at {_rows(s.index, bad)}"
        )
        if raise_now:
            raise ValueError("invalid labels: " + problems[-1])
        return None
    return pd.Series(codes.astype(np.int64), index=s.index, name=LABEL)


def applicant_frame(applicant: Any) -> pd.DataFrame:
    """Turn one applicant (a mapping or a one-row DataFrame) into a valid one-row frame.

    A mapping goes through :func:`applicant_fields` first: it may leave out
    any field the contract allows to be unknown, and may not hold a key the
    contract does not know.

    Raises
    ------
    ValueError
        If it is neither, has more than one row, or fails :func:`applicant_fields`
        or :func:`validate_frame`.
    """
    if isinstance(applicant, Mapping):
        return _mapping_frame(applicant)
    elif isinstance(applicant, pd.Series):
        frame = applicant.to_frame().T.reset_index(drop=True)
    elif isinstance(applicant, pd.DataFrame):
        if len(applicant) != 1:
            raise ValueError(f"invalid applicant: expected exactly one row, got {len(applicant)}")
        frame = applicant
    else:
        raise ValueError(
            f"invalid applicant: expected a dict or a one-row DataFrame, got {type(applicant).__name__}"
        )
    return validate_frame(frame)



# --------------------------------------------------------------------------------------------------
# The keys of one applicant (a dict: the API, ``xieshang explain FILE.json``, ``explain(dict)``)


def closest_field(key: object) -> str | None:
    """The contract field a mistyped key most likely means (``"credit_scor"`` -> ``"credit_score"``), or ``None``.

    Compared in :func:`xieshang.headers.header_key` form against every
    spelling the headers accept (names, Chinese and English labels).
    """
    if not isinstance(key, str):
        return None
    close = difflib.get_close_matches(header_key(key), list(HEADER_ALIASES), n=1, cutoff=0.6)
    name = HEADER_ALIASES[close[0]] if close else None
    return name if name in _NAMES else None


def _mapping_frame(applicant: Mapping[Any, Any]) -> pd.DataFrame:
    """:func:`applicant_frame` of a mapping: unknown keys and bad values named in one error."""
    try:
        known, key_error = applicant_fields(applicant), ""
    except ValueError as exc:
        key_error = str(exc)
        known = applicant_fields({k: v for k, v in applicant.items() if canonical_name(k) is not None})
    bad = [k for k, v in known.items() if isinstance(v, _COLLECTIONS)]
    if bad:
        key_error += ("\n" if key_error else "") + (
            "invalid applicant: expected one scalar value per field, got a collection for " + ", ".join(map(str, bad)))
        known = {k: v for k, v in known.items() if k not in bad}
    frame = pd.DataFrame([known])
    if not key_error:
        return validate_frame(frame)
    try:
        validate_frame(frame)
    except ValueError as exc:
        if not bad:  # a field held a collection: "missing" would be noise
            key_error += "\n" + str(exc)
    raise ValueError(key_error)


def applicant_fields(applicant: Mapping[Any, Any]) -> dict[Any, Any]:
    """The fields of one applicant given as a mapping, with those left out that may be unknown set to ``None``.

    Keys may be the contract's names or its Chinese / English labels (see
    :mod:`xieshang.headers`); ``approved`` and ``true_probability`` are
    ignored. A field the contract allows to be unknown may be left out. A
    key the contract does not know is an error naming the closest field, so
    a typo never silently becomes "unknown".

    Raises
    ------
    ValueError
        One message naming every unknown key (``"credit_scor: not a field of
        the contract; did you mean credit_score?"``).
    """
    problems = []
    for key in applicant:
        name = canonical_name(key)
        if name is None:
            guess = closest_field(key)
            hint = f"did you mean {guess}?" if guess else f"expected one of {', '.join(FEATURE_NAMES)}"
            problems.append(f"{key}: not a field of the contract; {hint}")
    if problems:
        raise ValueError(f"invalid applicant ({len(problems)} unknown field{'s' if len(problems) > 1 else ''}):\n  - "
                         + "\n  - ".join(problems))
    given = {canonical_name(k) for k in applicant}
    known = {k: v for k, v in applicant.items() if canonical_name(k) not in (LABEL, TRUTH)}
    return {**known, **{name: None for name in MISSING_OK_NAMES if name not in given}}
