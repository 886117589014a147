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
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .contract import FEATURES, LABEL, TRUTH, Feature, feature
from .headers import column_mapping
from .validation import (
    _BAD,
    _COLLECTIONS,
    _MISSING,
    _MISSING_STRINGS,
    _VALUE_ALIASES,
    _codes,
    _decode_bool,
    _is_missing,
    _is_text,
    _norm_str,
    _show,
    validate_frame,
)

__all__ = ["CheckReport", "ColumnCheck", "Issue", "check_frame", "min_rows_per_label",
           "WARN_ROWS", "WARN_PER_LABEL", "LEAK_AUC"]

WARN_ROWS = 500
"""Fewer rows than this: a warning that estimates will be rough."""
WARN_PER_LABEL = 50
"""Fewer approved (or refused) rows than this: the same warning."""
LEAK_AUC = 0.97
"""A single column separating the labels better than this (AUC) is too good to be true."""
_EXAMPLES = 5  # row numbers quoted per finding
_LEAK_MIN = 30  # rows of each label (with a known value) before a column is judged a leak


def min_rows_per_label(n_splits: int = 5, test_size: float = 0.2) -> int:
    """Fewest approved rows (and refused rows) a file needs to train at all.

    The held-out test takes ``test_size`` of each label (rounded up); the
    cross-validation needs ``n_splits`` of each label in what is left, and
    the boosted trees' early stopping inside each fold two more (8 of each
    label, 5 folds, failed there with scikit-learn's own words).
    """
    return math.ceil((n_splits + 2) / (1.0 - test_size)) + 1


@dataclass
class Issue:
    """One finding, in both languages; ``column`` is the contract column (or header) it is about, if any."""

    code: str
    zh: str
    en: str
    column: str | None = None

    def text(self, lang: str) -> str:
        """The finding in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass
class ColumnCheck:
    """What one contract column holds: shares of unknown, out-of-range, wrong-type and unknown-category cells."""

    name: str
    header: str | None
    missing: float = 0.0
    out_of_range: float = 0.0
    wrong_type: float = 0.0
    unknown_category: float = 0.0
    examples: dict[str, list[int]] = field(default_factory=dict)
    bad_values: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether every cell is a valid value (unknowns allowed where the contract allows them)."""
        return not (self.out_of_range or self.wrong_type or self.unknown_category
                    or (self.missing and not feature(self.name).missing_ok))


@dataclass
class CheckReport:
    """The result of :func:`check_frame`.

    Attributes
    ----------
    ok : bool
        No problems: the rows can train (with ``require_label``) or be scored.
    problems, warnings : list of Issue
        What must be fixed, and what deserves a look.
    rows, approved, refused : int
        Sizes (``approved`` / ``refused`` are ``None`` without a label column).
    columns : list of ColumnCheck
        One per contract column present.
    extra_columns : list of str
        Columns outside the contract (ignored by the model, passed through by ``predict``).
    duplicates : int
        Rows that repeat an earlier row exactly.
    unit : {"line", "row"}
        What the example numbers count: file lines (header = line 1) or 1-based rows.
    """

    rows: int
    approved: int | None
    refused: int | None
    columns: list[ColumnCheck]
    problems: list[Issue]
    warnings: list[Issue]
    extra_columns: list[str]
    duplicates: int
    unit: str = "row"
    source: str | None = None

    @property
    def ok(self) -> bool:
        """Whether there is nothing that must be fixed."""
        return not self.problems

    @property
    def label_rate(self) -> float | None:
        """Share of approved rows, ``None`` without a (valid) label."""
        if self.approved is None or not self.rows:
            return None
        return self.approved / max(self.approved + (self.refused or 0), 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data (texts in both languages)."""
        return {
            "source": self.source, "ok": self.ok, "rows": self.rows, "approved": self.approved,
            "refused": self.refused, "label_rate": self.label_rate, "unit": self.unit,
            "problems": [asdict(i) for i in self.problems], "warnings": [asdict(i) for i in self.warnings],
            "columns": [asdict(c) for c in self.columns], "extra_columns": list(self.extra_columns),
            "duplicates": self.duplicates,
        }

    def render(self, lang: str = "zh") -> str:
        """The report as text in ``lang`` ("zh" or "en")."""
        from .text import check_lang

        zh = check_lang(lang) == "zh"
        unit = ("行号" if self.unit == "line" else "第几条") if zh else ("lines" if self.unit == "line" else "rows")
        out = [("数据检查" if zh else "Data check") + (f": {self.source}" if self.source else "")]
        size = (f"  记录数 {self.rows:,}" if zh else f"  rows: {self.rows:,}")
        if self.approved is not None:
            rate = self.label_rate or 0.0
            size += (f",同意 {self.approved:,}({rate:.1%}),拒绝 {self.refused:,}" if zh
                     else f", approved: {self.approved:,} ({rate:.1%}), refused: {self.refused:,}")
        out.append(size)
        if self.extra_columns:
            names = ", ".join(self.extra_columns)
            out.append(f"  合同外的列(模型不用,predict 原样保留):{names}" if zh
                       else f"  extra columns (not used by the model, passed through by predict): {names}")
        noisy = [c for c in self.columns if c.missing or c.out_of_range or c.wrong_type or c.unknown_category]
        if self.columns and not noisy:
            out.append(f"  合同的 {len(self.columns)} 列都完整且有效" if zh
                       else f"  all {len(self.columns)} contract columns present are complete and valid")
        if noisy:
            out.append("")
            head = ("列", "缺失", "超出范围", "类型错误", "未知类别", f"示例({unit})") if zh else \
                   ("column", "missing", "out of range", "wrong type", "unknown category", f"examples ({unit})")
            table: list[tuple[str, ...]] = [head]
            for c in noisy:
                f = feature(c.name)
                label = f.label_zh if zh else f.label_en
                name = f"{c.name} ({label})" if len(label) <= 24 else c.name
                order = ("out_of_range", "wrong_type", "unknown_category", "missing")  # faults first
                shown = list(dict.fromkeys(r for k in order for r in c.examples.get(k, [])))[:_EXAMPLES]
                table.append((name, *(_pct(v) for v in (c.missing, c.out_of_range, c.wrong_type, c.unknown_category)),
                              ", ".join(map(str, shown))))
            widths = [max(_width(row[i]) for row in table) for i in range(len(head))]
            for row in table:
                out.append("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())
            out.append("  " + ("可以缺失的列留空即“未知”,模型照样估计;其余列不能留空。" if zh else
                               "Blank is 'unknown': allowed where the contract says so, an error elsewhere."))
        for title, items in (("问题(训练前必须修正)" if zh else "Problems (fix before training)", self.problems),
                             ("提醒" if zh else "Warnings", self.warnings)):
            if items:
                out.append("")
                out.append(title + ":")
                out.extend(f"  {i}. {item.text(lang)}" for i, item in enumerate(items, 1))
        out.append("")
        if self.ok:
            out.append("结论:可以训练。" if zh else "Result: ready to train.")
        else:
            n = len(self.problems)
            out.append(f"结论:有 {n} 个问题,修正后再训练。" if zh else
                       f"Result: not ready to train ({n} problem{'s' if n > 1 else ''}); fix the file and check again.")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.render("zh")


def _pct(v: float) -> str:
    return "-" if not v else (f"{v:.1%}" if v >= 0.001 else "<0.1%")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# -- per-cell classes ---------------------------------------------------------------------------

OK, UNKNOWN, OUT_OF_RANGE, WRONG_TYPE, BAD_CATEGORY = 0, 1, 2, 3, 4


def _numeric_classes(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cls = np.zeros(len(col), dtype=np.int8)
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_complex_dtype(col):
        cls[:] = WRONG_TYPE
        return cls, np.full(len(col), np.nan)
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        obj = col.astype(object)
        values = np.array(pd.to_numeric(obj, errors="coerce").to_numpy(dtype=float, na_value=np.nan)) \
            if _is_text(col) else np.full(len(col), np.nan)
        todo = np.isnan(values)
        if _is_text(col) and todo.any():  # blanks and "NA" spellings, vectorised
            sub = obj[todo]
            blank = (sub.isna() | sub.str.strip().str.lower().isin(_MISSING_STRINGS)).to_numpy(bool)
            idx = np.flatnonzero(todo)
            todo[idx[blank]] = False
        for i in np.flatnonzero(todo):  # full-width digits, junk...: cell by cell, only these
            v = obj.iat[i]
            if _is_missing(v):
                continue
            v = _norm_str(v)
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (str, int, float, np.integer, np.floating)):
                cls[i] = WRONG_TYPE
                continue
            try:
                values[i] = float(v)
            except (TypeError, ValueError, OverflowError):
                cls[i] = WRONG_TYPE
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


def _coded_classes(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if f.kind == "bool":
        codes = _codes(col, _decode_bool)
        bad = WRONG_TYPE
    else:
        from .headers import header_key

        aliases = _VALUE_ALIASES[f.name]

        def decode(v: object) -> int:
            if isinstance(v, str) and aliases.get(header_key(v)) is not None:
                return 0
            return _MISSING if _is_missing(v) else _BAD

        codes = _codes(col, decode)
        bad = BAD_CATEGORY
    cls = np.zeros(len(col), dtype=np.int8)
    cls[codes == _MISSING] = UNKNOWN
    cls[codes == _BAD] = bad
    return cls, codes.astype(float)


def _classes(f: Feature, col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(class of every cell, its value as a number) for a contract column.

    Classes: OK, UNKNOWN, OUT_OF_RANGE, WRONG_TYPE or BAD_CATEGORY; values
    are the number, the 0/1 of a boolean or the category's code, NaN where
    the class is not OK (the leak test reads them).
    """
    if col.dtype == object and not _is_text(col):
        unhashable = col.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))).to_numpy(bool)
    else:
        unhashable = np.zeros(len(col), bool)
    if unhashable.any():
        col = col.where(~unhashable, None)
    cls, values = _numeric_classes(f, col) if f.is_numeric else _coded_classes(f, col)
    cls[unhashable] = WRONG_TYPE
    values = np.where(cls == OK, values, np.nan)
    return cls, values


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


def check_frame(df: pd.DataFrame, *, require_label: bool = False, n_splits: int = 5, test_size: float = 0.2,
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
        The training's folds and held-out share: they set the fewest rows of
        each label that can train (:func:`min_rows_per_label`).
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
    problems: list[Issue] = []
    warnings: list[Issue] = []
    unit = "line" if first_line is not None else "row"
    lines = (np.arange(len(df)) + (1 if first_line is None else first_line) if not isinstance(first_line, Sequence | np.ndarray)
             else np.asarray(first_line))

    def where(mask: np.ndarray) -> list[int]:
        return [int(lines[i]) for i in np.flatnonzero(mask)[:_EXAMPLES]]

    def at(rows: list[int], total: int) -> tuple[str, str]:
        more = total - len(rows)
        shown = ", ".join(map(str, rows))
        zh = ("行 " if unit == "line" else "第 ") + shown + (" 条" if unit == "row" else "") + (f" 等 {total} 处" if more else "")
        en = f"{unit}{'s' if total > 1 else ''} {shown}" + (f" and {more} more" if more else "")
        return zh, en

    try:
        mapping = column_mapping(df.columns)
    except ValueError as exc:
        problems.append(Issue("ambiguous_columns", f"列名重复或含义相同:{exc}", str(exc)))
        return CheckReport(len(df), None, None, [], problems, warnings, [], 0, unit, source)
    if df.columns.has_duplicates:  # contract columns twice are ambiguous (above); extras are passed through as written
        dup_cols = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        warnings.append(Issue("duplicate_columns", f"合同外的列名重复:{', '.join(dup_cols)};predict 原样保留",
                              f"extra column name(s) {', '.join(dup_cols)} appear more than once; predict keeps them as written"))
        df = df.loc[:, ~df.columns.duplicated()]
    headers = {v: k for k, v in mapping.items()}
    frame = df.rename(columns=mapping) if mapping else df
    n = len(frame)
    if n == 0:
        problems.append(Issue("empty", "没有数据行", "no rows; expected at least one"))
    contract = {f.name for f in FEATURES}
    extras = [str(c) for c in frame.columns if c not in contract and c not in (LABEL, TRUTH)]

    absent = [f.name for f in FEATURES if f.required and f.name not in frame.columns]
    if absent:
        zh_names = "、".join(f"{a}({feature(a).label_zh})" for a in absent)
        en_names = ", ".join(f"{a} ({feature(a).label_en})" for a in absent)
        problems.append(Issue("missing_columns", f"缺少列:{zh_names};请补上(列名可用英文名或中文标签)",
                              f"missing column(s): {en_names}; add them (headed by the name or the Chinese or English label)"))

    columns: list[ColumnCheck] = []
    parsed: dict[str, np.ndarray] = {}
    for f in FEATURES:
        if f.name not in frame.columns or n == 0:
            continue
        cls, parsed[f.name] = _classes(f, frame[f.name])
        header = headers.get(f.name)
        cc = ColumnCheck(f.name, None if header is None else str(header))
        shown = f"{f.name}" + (f" (column {str(header)!r})" if header is not None else "")
        shown_zh = f"{f.name}({f.label_zh})"
        for kind, code in (("missing", UNKNOWN), ("out_of_range", OUT_OF_RANGE), ("wrong_type", WRONG_TYPE),
                           ("unknown_category", BAD_CATEGORY)):
            mask = cls == code
            if mask.any():
                setattr(cc, kind, float(mask.mean()))
                cc.examples[kind] = where(mask)
        bad = cls >= OUT_OF_RANGE
        if bad.any():
            values = frame[f.name].astype(object)[bad]
            cc.bad_values = list(dict.fromkeys(_show(_norm_str(v)) for v in values[:200]))[:3]
            zh_at, en_at = at(where(bad), int(bad.sum()))
            vals = ", ".join(cc.bad_values)
            problems.append(Issue(
                "bad_values", f"{shown_zh}:{int(bad.sum())} 个无效值 {vals}(在{zh_at});应为{_expected_zh(f)}",
                f"{shown}: {int(bad.sum())} invalid value(s) {vals} at {en_at}; expected {f.expected()}"
                + _labels_en(f), f.name))
        miss = cls == UNKNOWN
        if miss.any() and not f.missing_ok:
            zh_at, en_at = at(where(miss), int(miss.sum()))
            problems.append(Issue(
                "blank_not_allowed", f"{shown_zh}:{int(miss.sum())} 处为空(在{zh_at});这一列不能留空,请填写或删除这些行",
                f"{shown}: {int(miss.sum())} blank/unknown cell(s) at {en_at}; this column may not be blank: "
                "fill it in or drop those rows", f.name))
        columns.append(cc)

    approved = refused = None
    y = known = None
    if LABEL in frame.columns and n:
        labels = frame[LABEL]
        if labels.dtype == object and not _is_text(labels):  # lists or dicts among the labels: not 0/1
            labels = labels.map(lambda v: None if isinstance(v, _COLLECTIONS) else v)
        cls = _codes(labels, _decode_bool)
        bad = cls < 0
        if bad.any():
            zh_at, en_at = at(where(bad), int(bad.sum()))
            problems.append(Issue("bad_labels", f"{LABEL}(是否同意):{int(bad.sum())} 个不是 0/1 的标签(在{zh_at})",
                                  f"{LABEL}: {int(bad.sum())} label(s) not 0/1 at {en_at}; expected 0/1 (or yes/no, 是/否)",
                                  LABEL))
        known = ~bad
        y = cls.clip(0)
        approved, refused = int((cls == 1).sum()), int((cls == 0).sum())
        need = min_rows_per_label(n_splits, test_size)
        if min(approved, refused) < need:
            problems.append(Issue(
                "too_few_rows",
                f"同意 {approved} 条、拒绝 {refused} 条,太少,无法训练:每种结果至少需要 {need} 条"
                f"({n_splits} 折交叉验证,另留 {test_size:.0%} 作测试)",
                f"too few rows to train: {approved} approved and {refused} refused; need at least {need} of each "
                f"({n_splits}-fold cross-validation plus {test_size:.0%} held out for the test)"))
        elif n < WARN_ROWS or min(approved, refused) < WARN_PER_LABEL:
            warnings.append(Issue(
                "small_sample",
                f"样本偏少({n} 条,同意 {approved}、拒绝 {refused}):建议至少 {WARN_ROWS} 条、每种结果至少 "
                f"{WARN_PER_LABEL} 条,否则估计会很粗",
                f"a small sample ({n} rows, {approved} approved, {refused} refused): at least {WARN_ROWS} rows and "
                f"{WARN_PER_LABEL} of each label are advisable, or the estimates will be rough"))
    elif n:
        issue = Issue("no_label", f"没有标签列 {LABEL}(是否同意):可以打分,不能训练",
                      f"no label column {LABEL!r} (0/1): the rows can be scored, not trained on")
        (problems if require_label else warnings).append(issue)

    # On a handful of rows a chance AUC near 1 is common: judge leaks only with 30 of each label.
    if y is not None and known is not None and min(int(y[known].sum()), int((1 - y[known]).sum())) >= _LEAK_MIN:
        for c in frame.columns:
            if c in (LABEL, TRUTH):
                continue
            x: np.ndarray | None
            if c in parsed and feature(c).kind != "category":
                x = parsed[c]
            else:  # extra columns, and categories (scored by their approval rate)
                try:
                    x = _leak_scores(frame[c], y, known)
                except (TypeError, ValueError):  # unhashable or unparseable cells: not a column to score
                    x = None
            if x is None:
                continue
            ok = known & ~np.isnan(x)
            if min(int(y[ok].sum()), int((1 - y[ok]).sum())) < _LEAK_MIN:
                continue
            auc = _auc(x[ok], y[ok])
            auc = max(auc, 1.0 - auc)
            if auc > LEAK_AUC:
                name = str(headers.get(c, c))
                zh = f"列 {name} 单独就能把同意和拒绝分开(AUC {auc:.3f}):好得不真实,它是否记录了结果本身?"
                en = (f"column {name!r} alone separates approved from refused (AUC {auc:.3f}): too good to be true; "
                      "does it record the outcome itself?")
                (problems if c in contract else warnings).append(Issue("leak", zh, en, str(c)))

    if n:
        try:
            dup = frame.duplicated(keep="first").to_numpy()
        except TypeError:  # unhashable cells
            dup = np.zeros(n, bool)
        if dup.any():
            first = frame.duplicated(keep=False).to_numpy() & ~dup
            zh_at, en_at = at(where(dup), int(dup.sum()))
            warnings.append(Issue(
                "duplicates", f"{int(dup.sum())} 行与前面的某行完全相同(在{zh_at};首次出现在 "
                f"{', '.join(map(str, where(first)))}):若是重复录入,请删除",
                f"{int(dup.sum())} row(s) repeat an earlier row exactly (at {en_at}; first copies at "
                f"{', '.join(map(str, where(first)))}): drop them if they were entered twice"))
    dups = int(dup.sum()) if n else 0

    if not problems and n:  # the safety net: whatever validation refuses is a problem here too
        try:
            validate_frame(frame, require_label=require_label)
        except ValueError as exc:
            problems.append(Issue("invalid", f"校验未通过:{exc}", str(exc)))
    return CheckReport(n, approved, refused, columns, problems, warnings, extras, dups, unit, source)


def _labels_en(f: Feature) -> str:
    """For a category: the Chinese labels it also accepts."""
    from .contract import VALUE_LABELS

    labels = VALUE_LABELS.get(f.name)
    if f.kind != "category" or not labels:
        return ""
    return " (or the Chinese labels " + ", ".join(labels[c][0] for c in f.categories if c in labels) + ")"


def _expected_zh(f: Feature) -> str:
    if f.kind == "bool":
        return "是/否(或 1/0、true/false)"
    if f.kind == "category":
        from .contract import VALUE_LABELS

        labels = VALUE_LABELS.get(f.name, {})
        return "、".join(f"{c}({labels[c][0]})" if c in labels else c for c in f.categories) + " 之一"
    what = "整数" if f.kind == "int" else "数字"
    return f"{f.low:g} 到 {f.high:g} 之间的{what}"

