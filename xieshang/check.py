"""A data check before any fit: what a file holds, what is wrong with it, whether it can train.

:func:`check_frame` sorts every cell of the contract's columns into a class (valid,
unknown, out of range, wrong type, unknown category), and looks at the label (rate, sizes), leaks
(a column that predicts the label too well to be true), duplicate rows and
extra columns, and returns a :class:`CheckReport` that renders in Chinese or
English (``xieshang check FILE``). ``xieshang train`` runs it first and
refuses a file with problems, printing the report, instead of failing deep
inside the fit.

Problems stop training (the same ones :func:`xieshang.validation.validate_frame`
refuses, plus too few rows of a label and a leak in a contract column);
warnings do not (a small sample, duplicates, a suspicious extra column).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .cells import (
    BAD_CATEGORY,
    COLLECTIONS,
    OUT_OF_RANGE,
    UNKNOWN,
    WRONG_TYPE,
    cell_codes,
    classify,
    decode_bool,
    is_text,
    normalize,
    show_value,
)
from .check_report import EXAMPLES, KINDS, CheckReport, ColumnCheck, Issue
from .contract import FEATURES, LABEL, TRUTH, VALUE_LABELS, Feature, feature
from .headers import AmbiguousColumns, column_mapping
from .text import LANGS, check_text, list_sep
from .validation import validate_frame

__all__ = ["CheckReport", "ColumnCheck", "Issue", "check_frame", "min_rows_per_label",
           "WARN_ROWS", "WARN_PER_LABEL", "LEAK_AUC"]

WARN_ROWS = 500
"""Fewer rows than this: a warning that estimates will be rough."""
WARN_PER_LABEL = 50
"""Fewer approved (or refused) rows than this: the same warning."""
LEAK_AUC = 0.97
"""A single column separating the labels better than this (AUC) is too good to be true."""
_LEAK_MIN = 30  # rows of each label (with a known value) before a column is judged a leak


def _training_folds() -> int:
    """The folds :class:`xieshang.model.ApprovalModel` cross-validates with by default (what train uses)."""
    from .model import ApprovalModel
    return int(ApprovalModel().n_splits)


def min_rows_per_label(n_splits: int | None = None, test_size: float = 0.2) -> int:
    """Fewest approved rows (and refused rows) a file needs to train at all.

    The held-out test takes ``test_size`` of each label (rounded up); the cross-validation needs ``n_splits``
    (default: train's folds) of each label in what is left, and the boosted trees' early stopping inside each
    fold two more (8 of each label, 5 folds, failed there with scikit-learn's own words).
    """
    n_splits = _training_folds() if n_splits is None else n_splits
    return math.ceil((n_splits + 2) / (1.0 - test_size)) + 1


def _issue(code: str, about: str | None = None, **values: Any) -> Issue:
    """A finding worded in both languages by :func:`xieshang.text.check_text`.

    A value given as ``{"zh": ..., "en": ...}`` differs by language.
    """
    def pick(lang: str) -> dict[str, Any]:
        return {k: v[lang] if isinstance(v, dict) else v for k, v in values.items()}

    return Issue(code, check_text(code, "zh", **pick("zh")), check_text(code, "en", **pick("en")), about)


def _both(key: str, **values: Any) -> dict[str, str]:
    """A piece of a finding in both languages (for :func:`_issue`)."""
    return {lang: check_text(key, lang, **values) for lang in LANGS}


def _expected(f: Feature) -> dict[str, str]:
    """What a column should hold, in both languages (the English is the contract's own words)."""
    return {lang: _expected_in(f, lang) for lang in LANGS}


def _expected_in(f: Feature, lang: str) -> str:
    labels = VALUE_LABELS.get(f.name, {})
    if f.kind == "bool":
        text = check_text("expect_bool", lang, contract=f.expected())
    elif f.kind == "category":
        values = list_sep(lang).join(
            check_text("category_value", lang, value=c, label=labels[c][0]) if c in labels else c
            for c in f.categories)
        text = check_text("expect_category", lang, values=values, contract=f.expected())
    else:
        what = check_text("integer" if f.kind == "int" else "number", lang)
        text = check_text("expect_range", lang, low=f.low, high=f.high, what=what, contract=f.expected())
    if f.kind == "category" and labels:
        text += check_text("chinese_labels", lang, labels=list_sep(lang).join(labels[c][0] for c in f.categories if c in labels))
    return text


@dataclass
class _Where:
    """Where findings are: example numbers as file lines or 1-based rows."""

    unit: str
    lines: np.ndarray  # the line (or row) number of every row

    def rows(self, mask: np.ndarray) -> list[int]:
        """The first few line (or row) numbers where ``mask`` is true."""
        return [int(self.lines[i]) for i in np.flatnonzero(mask)[:EXAMPLES]]

    def at(self, mask: np.ndarray) -> dict[str, str]:
        """"lines 3, 5 and 2 more" (第 3、5 行等 4 处) for ``mask``, in both languages."""
        rows, total = self.rows(mask), int(mask.sum())
        more = total - len(rows)
        out = {}
        for lang in LANGS:
            text = check_text("at_line" if self.unit == "line" else "at_row", lang,
                              shown=list_sep(lang).join(map(str, rows)), s="s" if total > 1 else "")
            out[lang] = text + (check_text("at_more", lang, total=total, more=more) if more else "")
        return out

    def numbers(self, mask: np.ndarray) -> dict[str, str]:
        """The first few line (or row) numbers of ``mask`` as each language lists them ("3, 5" / 第 3、5 行)."""
        key = "first_line" if self.unit == "line" else "first_row"
        return {lang: check_text(key, lang, shown=list_sep(lang).join(map(str, self.rows(mask)))) for lang in LANGS}


@dataclass
class _Findings:
    """What the checks found so far: problems (stop training) and warnings."""

    where: _Where
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)



def _auc(x: np.ndarray, y: np.ndarray) -> float:
    """Rank AUC of scores ``x`` for labels ``y`` (ties halved); 0.5 if one label is absent."""
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return 0.5
    ranks = pd.Series(x).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _leak_scores(col: pd.Series, y: np.ndarray, known_label: np.ndarray) -> np.ndarray | None:
    """Scores of a column for the leak test (numbers, or a category's approval rate), ``None`` if not scorable."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    obj = col.astype(object).where(col.notna(), None)
    num = pd.to_numeric(obj, errors="coerce")
    if num.notna().mean() >= 0.95:
        return num.to_numpy(dtype=float, na_value=np.nan)
    try:
        uniques = obj.nunique(dropna=True)
    except TypeError:
        return None
    if uniques > 20:  # ids and free text: a per-value rate would "predict" perfectly by overfitting
        return None
    keys = obj.astype(str)
    rate = pd.Series(y[known_label]).groupby(keys[known_label].to_numpy()).mean()
    return keys.map(rate).to_numpy(dtype=float, na_value=np.nan)


def check_frame(df: pd.DataFrame, *, require_label: bool = False, n_splits: int | None = None, test_size: float = 0.2,
                first_line: int | Sequence[int] | None = None, source: str | None = None) -> CheckReport:
    """Check rows against the contract and for training, without fitting anything.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows as read (a CSV as text is fine): contract columns under their
        names or Chinese / English labels, optionally ``approved``, any extra columns.
    require_label : bool, default False
        A missing ``approved`` column is a problem (``xieshang train``)
        rather than a warning.
    n_splits, test_size
        The training's folds (default: the model's, as train uses) and
        held-out share: they set the fewest rows of each label that can train
        (:func:`min_rows_per_label`).
    first_line : int or sequence of int, optional
        File line of the first row (2 for a CSV with a header line), or of
        every row (:attr:`xieshang.files.Records.lines`: right through quoted
        newlines and blank lines): examples are then quoted as line numbers,
        otherwise as 1-based row numbers.
    source : str, optional
        Name of the file, for the report's title.

    Returns
    -------
    CheckReport

    Raises
    ------
    ValueError
        If ``df`` is not a DataFrame.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}; read the file with xieshang.files.read_table")
    unit = "line" if first_line is not None else "row"
    if isinstance(first_line, Sequence | np.ndarray):  # every row's line (xieshang.files.Records.lines)
        lines = np.asarray(first_line)
    else:
        lines = np.arange(len(df)) + (1 if first_line is None else first_line)
    found = _Findings(_Where(unit, lines))
    named = _name_columns(df, found)
    if named is None:
        return CheckReport(len(df), None, None, [], found.problems, found.warnings, [], 0, unit, source)
    frame, headers = named
    n = len(frame)
    if n == 0:
        found.problems.append(_issue("empty"))
    extras = [str(c) for c in frame.columns if c not in _CONTRACT and c not in (LABEL, TRUTH)]
    _check_required(frame, found)
    columns, parsed = _check_cells(frame, headers, found)
    approved = refused = None
    dups = 0
    if n:
        folds = _training_folds() if n_splits is None else n_splits
        approved, refused, y, known = _check_label(frame, found, require_label, folds, test_size)
        if y is not None and known is not None:
            _check_leaks(frame, parsed, headers, y, known, found)
        dups = _check_duplicates(frame, found)
        if not found.problems:  # the safety net: whatever validation refuses is a problem here too
            try:
                validate_frame(frame, require_label=require_label)
            except ValueError as exc:
                found.problems.append(_issue("invalid", error=str(exc)))
    return CheckReport(n, approved, refused, columns, found.problems, found.warnings, extras, dups, unit, source)


_CONTRACT = frozenset(f.name for f in FEATURES)


def _ambiguous_pairs(exc: AmbiguousColumns, lang: str) -> str:
    """Which headers mean one column, and where, in ``lang``."""
    sep = list_sep(lang)
    return check_text("pair_sep", lang).join(
        check_text("ambiguous_pair", lang, name=name, positions=sep.join(str(p) for p, _ in cols),
                   headers=sep.join(repr(str(h)) if lang == "en" else str(h) for _, h in cols))
        for name, cols in exc.duplicates.items())


def _name_columns(df: pd.DataFrame, found: _Findings) -> tuple[pd.DataFrame, dict[Any, Any]] | None:
    """(frame under contract names, contract name -> header as written); ``None`` if the headers are unusable."""
    try:
        mapping = column_mapping(df.columns)
    except AmbiguousColumns as exc:
        found.problems.append(_issue("ambiguous_columns", pairs={lang: _ambiguous_pairs(exc, lang) for lang in LANGS}))
        return None
    if df.columns.has_duplicates:  # contract columns twice are ambiguous (above); extras are passed through as written
        dup_cols = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        found.warnings.append(_issue("duplicate_columns", names=_listed(dup_cols)))
        df = df.loc[:, ~df.columns.duplicated()]
    frame = df.rename(columns=mapping) if mapping else df
    return frame, {v: k for k, v in mapping.items()}


def _check_required(frame: pd.DataFrame, found: _Findings) -> None:
    """A problem naming every required contract column that is absent."""
    absent = [f.name for f in FEATURES if f.required and f.name not in frame.columns]
    if absent:
        names = {lang: list_sep(lang).join(
            check_text("named", lang, name=a, label=_label(feature(a), lang)) for a in absent) for lang in LANGS}
        found.problems.append(_issue("missing_columns", names=names))


def _listed(items: Sequence[str]) -> dict[str, str]:
    """``items`` as each language lists them (:func:`xieshang.text.list_sep`), for :func:`_issue`."""
    return {lang: list_sep(lang).join(items) for lang in LANGS}


def _label(f: Feature, lang: str) -> str:
    return f.label_zh if lang == "zh" else f.label_en


def _check_cells(frame: pd.DataFrame, headers: dict[Any, Any],
                 found: _Findings) -> tuple[list[ColumnCheck], dict[str, np.ndarray]]:
    """Per contract column: shares of each kind of cell, and a problem for bad or forbidden blank cells."""
    columns: list[ColumnCheck] = []
    parsed: dict[str, np.ndarray] = {}
    if not len(frame):
        return columns, parsed
    for f in FEATURES:
        if f.name in frame.columns:
            cls, parsed[f.name] = classify(f, frame[f.name])
            columns.append(_column_check(f, frame[f.name], headers.get(f.name), cls, found))
    return columns, parsed


def _column_check(f: Feature, col: pd.Series, header: Any, cls: np.ndarray, found: _Findings) -> ColumnCheck:
    """The :class:`ColumnCheck` of one column from its cells' classes; its problems into ``found``."""
    where = found.where
    cc = ColumnCheck(f.name, None if header is None else str(header))
    for kind, code in zip(KINDS, (UNKNOWN, OUT_OF_RANGE, WRONG_TYPE, BAD_CATEGORY)):
        mask = cls == code
        if mask.any():
            setattr(cc, kind, float(mask.mean()))
            cc.examples[kind] = where.rows(mask)
    column = {"zh": check_text("column_headed" if header is not None else "column", "zh", name=f.name,
                               label=f.label_zh),
              "en": check_text("column_headed" if header is not None else "column", "en", name=f.name,
                               header=str(header))}
    bad = cls >= OUT_OF_RANGE
    if bad.any():
        cc.bad_values = list(dict.fromkeys(show_value(normalize(v)) for v in col.astype(object)[bad][:200]))[:3]
        found.problems.append(_issue("bad_values", f.name, column=column, count=int(bad.sum()),
                                     values=_listed(cc.bad_values), at=where.at(bad), expected=_expected(f)))
    miss = cls == UNKNOWN
    if miss.any() and not f.missing_ok:
        found.problems.append(_issue("blank_not_allowed", f.name, column=column, count=int(miss.sum()),
                                     at=where.at(miss)))
    return cc


def _check_label(frame: pd.DataFrame, found: _Findings, require_label: bool, n_splits: int,
                 test_size: float) -> tuple[int | None, int | None, np.ndarray | None, np.ndarray | None]:
    """(approved, refused, 0/1 labels, which labels are valid); bad labels and sizes into ``found``."""
    n = len(frame)
    if LABEL not in frame.columns:
        issue = _issue("no_label", label=LABEL)
        (found.problems if require_label else found.warnings).append(issue)
        return None, None, None, None
    labels = frame[LABEL]
    if labels.dtype == object and not is_text(labels):  # lists or dicts among the labels: not 0/1
        labels = labels.map(lambda v: None if isinstance(v, COLLECTIONS) else v)
    cls = cell_codes(labels, decode_bool)
    bad = cls < 0
    if bad.any():
        found.problems.append(_issue("bad_labels", LABEL, label=LABEL, count=int(bad.sum()), at=found.where.at(bad)))
    approved, refused = int((cls == 1).sum()), int((cls == 0).sum())
    need = min_rows_per_label(n_splits, test_size)
    if min(approved, refused) < need:
        found.problems.append(_issue("too_few_rows", approved=approved, refused=refused, need=need,
                                     n_splits=n_splits, test_size=test_size))
    elif n < WARN_ROWS or min(approved, refused) < WARN_PER_LABEL:
        found.warnings.append(_issue("small_sample", n=n, approved=approved, refused=refused, warn_rows=WARN_ROWS,
                                     warn_per_label=WARN_PER_LABEL))
    return approved, refused, cls.clip(0), ~bad


def _check_leaks(frame: pd.DataFrame, parsed: dict[str, np.ndarray], headers: dict[Any, Any], y: np.ndarray,
                 known: np.ndarray, found: _Findings) -> None:
    """A column that alone separates the labels too well: a problem in the contract, a warning outside."""
    # On a handful of rows a chance AUC near 1 is common: judge leaks only with 30 of each label.
    if min(int(y[known].sum()), int((1 - y[known]).sum())) < _LEAK_MIN:
        return
    for c in frame.columns:
        if c in (LABEL, TRUTH):
            continue
        auc = _column_auc(frame[c], parsed.get(c) if c in parsed and feature(c).kind != "category" else None,
                          y, known)
        if auc is not None and auc > LEAK_AUC:
            issue = _issue("leak", str(c), name=str(headers.get(c, c)), auc=auc)
            (found.problems if c in _CONTRACT else found.warnings).append(issue)


def _column_auc(col: pd.Series, x: np.ndarray | None, y: np.ndarray, known: np.ndarray) -> float | None:
    """How well one column separates the labels (AUC folded to >= 0.5), ``None`` if it cannot be judged."""
    if x is None:  # extra columns, and categories (scored by their approval rate)
        try:
            x = _leak_scores(col, y, known)
        except (TypeError, ValueError):  # unhashable or unparseable cells: not a column to score
            return None
    if x is None:
        return None
    ok = known & ~np.isnan(x)
    if min(int(y[ok].sum()), int((1 - y[ok]).sum())) < _LEAK_MIN:
        return None
    auc = _auc(x[ok], y[ok])
    return max(auc, 1.0 - auc)


def _check_duplicates(frame: pd.DataFrame, found: _Findings) -> int:
    """Rows repeating an earlier row exactly: a warning; their count."""
    try:
        dup = frame.duplicated(keep="first").to_numpy()
    except TypeError:  # unhashable cells
        return 0
    if dup.any():
        first = frame.duplicated(keep=False).to_numpy() & ~dup
        found.warnings.append(_issue("duplicates", count=int(dup.sum()), at=found.where.at(dup),
                                     first=found.where.numbers(first)))
    return int(dup.sum())
