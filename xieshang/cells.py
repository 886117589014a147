"""Reading one cell: unknown markers, booleans, labels, category spellings, numbers.

The one parser of cells that :mod:`xieshang.validation` (which refuses bad
input) and :mod:`xieshang.check` (which describes a file) both use, so a cell
means the same thing to both. Decoding is vectorised where files make it
possible: :func:`cell_codes` calls a decoder once per distinct spelling, not
once per row.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any, TypeGuard, overload

import numpy as np
import pandas as pd

from .contract import FEATURES, Feature
from .headers import header_key, value_aliases

__all__ = [
    "MISSING_STRINGS",
    "TRUE_STRINGS",
    "FALSE_STRINGS",
    "COLLECTIONS",
    "MISSING_CODE",
    "BAD_CODE",
    "is_missing",
    "normalize",
    "is_text",
    "is_huge_int",
    "sci_notation",
    "show_value",
    "missing_mask",
    "to_bool",
    "cell_codes",
    "decode_bool",
    "decode_label",
    "category_decoder",
    "OK",
    "UNKNOWN",
    "OUT_OF_RANGE",
    "WRONG_TYPE",
    "BAD_CATEGORY",
    "classify",
]

TRUE_STRINGS = frozenset({"true", "1", "yes", "y", "t", "是", "有", "真"})
"""Spellings of a true boolean (after NFKC, stripped, lower-cased)."""
FALSE_STRINGS = frozenset({"false", "0", "no", "n", "f", "否", "无", "假"})
"""Spellings of a false boolean."""
# "none" too (Python's None as text, as documented): a category that has "none" as a value (hardship_reason)
# matches its values before unknowns.
MISSING_STRINGS = frozenset({"", "na", "n/a", "nan", "null", "nil", "none", "-", "--", "?", "unknown",
                             "未知", "缺失", "不详", "空"})
"""Cells that say "unknown" in real files (after NFKC, stripped, lower-cased)."""
COLLECTIONS = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame)
"""Types a cell may hold that are never a scalar value."""
MISSING_CODE, BAD_CODE = -1, -2
"""Codes of "unknown" and "not a valid value" given by the decoders (valid values are >= 0)."""


def is_missing(v: object) -> bool:
    """Whether a cell means "unknown": NaN, None, ``pd.NA``, ``NaT`` or a blank / "NA"-like string."""
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).strip().lower() in MISSING_STRINGS
    if isinstance(v, COLLECTIONS):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@overload
def normalize(x: str) -> str: ...


@overload
def normalize(x: object) -> object: ...


def normalize(x: object) -> object:
    """A string NFKC-normalised and stripped (full-width ``"１２ "`` is ``"12"``); anything else as is."""
    if isinstance(x, str):
        return unicodedata.normalize("NFKC", x).strip()
    return x


def is_text(col: pd.Series) -> bool:
    """Whether every known cell of a column is a string (a CSV read as text): the vectorised route."""
    if isinstance(col.dtype, pd.StringDtype):
        return True
    return col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")


def is_huge_int(v: object) -> TypeGuard[int]:
    """Whether ``v`` is an integer too large for a float."""
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**1000


def sci_notation(v: int) -> str:
    """A huge integer in scientific notation (``float(v)`` overflows, ``str(v)`` may refuse)."""
    exp = int(math.log10(abs(v)))
    lead = abs(v) // 10 ** (exp - 3)
    return f"{'-' if v < 0 else ''}{lead // 1000}.{lead % 1000:03d}e+{exp}"


def show_value(v: object, limit: int = 40) -> str:
    """A short repr of one offending value (huge integers and long texts abridged)."""
    v = v.item() if isinstance(v, np.generic) else v
    if is_huge_int(v):
        return sci_notation(v)
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def missing_mask(col: pd.Series) -> np.ndarray:
    """Boolean mask of the unknown cells of a column (vectorised for non-object dtypes)."""
    if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
        return col.map(is_missing).to_numpy(bool)
    return col.isna().to_numpy(bool)


def to_bool(v: object) -> bool | None:
    """The boolean a cell spells (``True``, ``1``, ``"是"``, ``"1.0"``...), ``None`` if it spells none."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and v in (0, 1):
        return bool(v)
    if isinstance(v, (float, np.floating)) and v in (0.0, 1.0):
        return bool(v)
    if isinstance(v, str):
        s = normalize(v).lower()
        if s in TRUE_STRINGS:
            return True
        if s in FALSE_STRINGS:
            return False
        try:  # "1.0" / "0.0": a 0/1 column with blanks, written by pandas as floats
            x = float(s)
        except ValueError:
            return None
        if x in (0.0, 1.0):
            return bool(x)
    return None


def cell_codes(col: pd.Series, decode: Callable[[Any], int]) -> np.ndarray:
    """Code of every cell, calling ``decode`` once per distinct value (not per row).

    ``decode(value) -> int`` gives the code of a valid value (>= 0),
    :data:`MISSING_CODE` or :data:`BAD_CODE`; NaN / ``None`` / ``pd.NA`` cells
    are :data:`MISSING_CODE`. Equal values of different types (``True``, ``1``,
    ``1.0``) share one call.
    """
    codes, uniques = pd.factorize(col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col,
                                  use_na_sentinel=True)
    lut = np.fromiter((decode(u) for u in uniques), dtype=np.int64, count=len(uniques))
    lut = np.append(lut, MISSING_CODE)  # code -1 (NaN-like) indexes the last entry
    return lut[codes]


def decode_bool(v: object) -> int:
    """Code of a boolean cell: 0/1, :data:`MISSING_CODE` or :data:`BAD_CODE`."""
    b = to_bool(v)
    if b is not None:
        return int(b)
    return MISSING_CODE if is_missing(v) else BAD_CODE


def decode_label(v: object) -> int:
    """Code of a label value: 0/1, or :data:`BAD_CODE` (an unknown label is not valid either)."""
    b = to_bool(v)
    return BAD_CODE if b is None else int(b)


_ALIASES = {f.name: value_aliases(f.name, f.categories) for f in FEATURES if f.kind == "category"}


def category_decoder(f: Feature) -> Callable[[Any], int]:
    """Decoder of a category column's cells: the position of the category a cell spells.

    A cell may spell the value, or its Chinese or English label (see
    :mod:`xieshang.headers`); otherwise its code is :data:`MISSING_CODE` or
    :data:`BAD_CODE`.
    """
    aliases = _ALIASES[f.name]
    position = {c: i for i, c in enumerate(f.categories)}

    def decode(v: object) -> int:
        if isinstance(v, str):
            value = aliases.get(header_key(v))
            if value is not None:
                return position[value]
        return MISSING_CODE if is_missing(v) else BAD_CODE

    return decode


# -- the class of every cell of a contract column (what `xieshang check` counts) --------------------

OK, UNKNOWN, OUT_OF_RANGE, WRONG_TYPE, BAD_CATEGORY = 0, 1, 2, 3, 4
"""Cell classes of :func:`classify`: valid, unknown, out of range, wrong type, not a category."""


def _numeric_classes(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cls = np.zeros(len(col), dtype=np.int8)
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_complex_dtype(col):
        cls[:] = WRONG_TYPE
        return cls, np.full(len(col), np.nan)
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        values = _parse_numbers(col, cls)
    nan = np.isnan(values)
    cls[nan & (cls == OK)] = UNKNOWN
    with np.errstate(invalid="ignore"):
        out = ~nan & ((values < f.low) | (values > f.high))  # ±inf too
    cls[out & (cls == OK)] = OUT_OF_RANGE
    if f.kind == "int":
        with np.errstate(invalid="ignore"):
            frac = ~nan & ~out & (values != np.round(values))
        cls[frac & (cls == OK)] = WRONG_TYPE
    return cls, values


def _parse_numbers(col: pd.Series, cls: np.ndarray) -> np.ndarray:
    """Numbers of a non-numeric column (NaN where unknown or not a number); marks wrong types in ``cls``."""
    obj = col.astype(object)
    text = is_text(col)
    values = np.array(pd.to_numeric(obj, errors="coerce").to_numpy(dtype=float, na_value=np.nan)) \
        if text else np.full(len(col), np.nan)
    todo = np.isnan(values)
    if text and todo.any():  # blanks and "NA" spellings, vectorised
        sub = obj[todo]
        blank = (sub.isna() | sub.str.strip().str.lower().isin(MISSING_STRINGS)).to_numpy(bool)
        idx = np.flatnonzero(todo)
        todo[idx[blank]] = False
    for i in np.flatnonzero(todo):  # full-width digits, junk...: cell by cell, only these
        v = obj.iat[i]
        if is_missing(v):
            continue
        v = normalize(v)
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (str, int, float, np.integer, np.floating)):
            cls[i] = WRONG_TYPE
            continue
        try:
            values[i] = float(v)
        except (TypeError, ValueError, OverflowError):
            cls[i] = WRONG_TYPE
    return values


def _coded_classes(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if f.kind == "bool":
        codes = cell_codes(col, decode_bool)
        bad = WRONG_TYPE
    else:
        codes = cell_codes(col, category_decoder(f))
        bad = BAD_CATEGORY
    cls = np.zeros(len(col), dtype=np.int8)
    cls[codes == MISSING_CODE] = UNKNOWN
    cls[codes == BAD_CODE] = bad
    return cls, codes.astype(float)


def classify(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(class of every cell, its value as a number) for a contract column.

    Classes: :data:`OK`, :data:`UNKNOWN`, :data:`OUT_OF_RANGE`,
    :data:`WRONG_TYPE` or :data:`BAD_CATEGORY`; values are the number, the 0/1
    of a boolean or the category's position, NaN where the class is not OK.
    """
    if col.dtype == object and not is_text(col):
        unhashable = col.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))).to_numpy(bool)
    else:
        unhashable = np.zeros(len(col), bool)
    if unhashable.any():
        col = col.where(~unhashable, None)
    cls, values = _numeric_classes(f, col) if f.is_numeric else _coded_classes(f, col)
    cls[unhashable] = WRONG_TYPE
    values = np.where(cls == OK, values, np.nan)
    return cls, values
