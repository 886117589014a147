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
from collections.abc import Mapping
from typing import Any, overload

import numpy as np
import pandas as pd

from .cells import (
    BAD_CODE,
    COLLECTIONS,
    cell_codes,
    decode_label,
    is_text,
    to_bool,
)
from .columns import (
    CONTRACT_COLUMNS,
    already_clean,
    by_identity,
    category_dtype,
    check_column,
    check_scalars,
    column_arrays,
    column_names,
    contract_frame,
    converted_column,
    row_numbers,
    value_examples,
)
from .contract import FEATURE_NAMES, FEATURES, LABEL, MISSING_OK_NAMES, TRUTH, feature
from .headers import HEADER_ALIASES, canonical_name, column_mapping, header_key

__all__ = ["validate_frame", "applicant_frame", "applicant_fields", "closest_field", "validate_labels",
           "column_arrays", "category_dtype"]

_NAMES = frozenset(f.name for f in FEATURES)


# Without copy-on-write (pandas < 3 by default) a shallow copy would share data with the input.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True

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
    _check_shape(X)
    # Exactly the contract's names (our own frames, and every model call on them): nothing to rename.
    exact = column_names(X.columns) == FEATURE_NAMES
    # Chinese / English labels, odd spacing or case; worked out once per columns Index (immutable).
    columns = X.columns
    mapping = {} if exact else by_identity("mapping", (columns,), lambda: column_mapping(columns))
    if mapping:
        X = X.rename(columns=mapping)
    arrays = column_arrays(X)
    fine = {f.name for f in FEATURES if f.name in arrays and already_clean(f, arrays[f.name])}
    absent = [f.name for f in FEATURES if not f.required and f.name not in arrays]
    converted = {} if require_label else {f.name: c for f in FEATURES if f.name in arrays and f.name not in fine
                                          and (c := converted_column(f, arrays[f.name])) is not None}
    if len(fine) + len(converted) + len(absent) == len(FEATURES) and not require_label:
        return _clean_as_is(X, arrays, exact, converted)
    problems: list[str] = []
    missing = [f.name for f in FEATURES if f.required and f.name not in X.columns]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    out = _checked_columns(X, fine, problems)
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


def _check_shape(X: Any) -> None:
    """Raise unless ``X`` is a non-empty DataFrame with one level of unique column names."""
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


def _clean_as_is(X: pd.DataFrame, arrays: dict[Any, Any], exact: bool, converted: dict[str, np.ndarray]) -> pd.DataFrame:
    """The fast path: every contract column clean, converted by :func:`~xieshang.columns.converted_column` or absent (then unknown).

    Copy-on-write makes the exact frame's copy independent of ``X``; the other frames are built from
    (copies of) the columns' arrays, cheaper than selecting columns and setting the absent ones. Every
    clean frame shares one columns Index, whose names the next steps then read without iterating it.
    """
    if exact and not converted:  # the same frame; a copy is cheaper than selecting its columns
        out = X.copy(deep=not _COPY_ON_WRITE)
        if X.columns.name is None:
            out.columns = CONTRACT_COLUMNS
        return out
    # Selected, reordered, converted, an absent optional column unknown in every row; never the input's arrays.
    data = {n: converted[n] if n in converted else arrays[n].copy() if n in arrays else np.full(len(X), np.nan)
            for n in FEATURE_NAMES}
    return contract_frame(data, X.index)


def _checked_columns(X: pd.DataFrame, fine: set[str], problems: list[str]) -> dict[str, pd.Series]:
    """Every contract column checked and converted (clean ones as they are); problems recorded."""
    out: dict[str, pd.Series] = {}
    for f in FEATURES:
        if f.name in fine:
            out[f.name] = X[f.name]
        elif not f.required and f.name not in X.columns:  # an optional column: unknown in every row
            out[f.name] = pd.Series(np.nan, index=X.index, name=f.name, dtype=np.float64)
        elif f.name in X.columns and check_scalars(f, X[f.name], problems):
            clean = check_column(f, X[f.name], problems)
            if clean is not None:
                out[f.name] = clean
    return out


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
    if s.dtype == object and not is_text(s):  # lists or dicts among the labels: not hashable, so cell by cell
        conv = s.map(lambda v: None if isinstance(v, COLLECTIONS) else to_bool(v))
        codes = np.where(conv.isna().to_numpy(), BAD_CODE, conv.fillna(False).astype(bool).to_numpy(np.int64))
    else:  # one decoding per distinct spelling
        codes = cell_codes(s, decode_label)
    bad = codes < 0
    if bad.any():
        problems.append(
            f"{LABEL}: expected 0/1, got {value_examples(s.astype(object), bad)} at {row_numbers(s.index, bad)}"
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
    bad = [k for k, v in known.items() if isinstance(v, COLLECTIONS)]
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
