"""A seeded fuzzer of the files people keep (issue 23): every answer right or one clear error, nothing changed.

:func:`make_case` writes one file from a seed: CSV in an encoding (UTF-8 with
or without BOM, GB18030, GBK, UTF-16, Big5 and Latin-1 named by
``--encoding``), a separator (``,`` ``;`` tab ``|``, sniffed or named),
quoting, line endings, blank lines and quoted newlines, headers spelled as
names, Chinese or English labels, in odd case and width or with invisible
characters, extra columns (empty and repeated names, ids with leading zeros,
``NA``, separators, quotes and newlines inside cells); or Parquet with typed
extras (nullable 19-digit ids, decimals, strings, booleans, time-zone
datetimes) and any index; or ``.xlsx``. A share of the files carry one fault
(a ragged row, a bad value, a missing or twice-named column, bytes of another
encoding, no rows), each with the answer it must get.

:func:`run_case` puts one file through the reading, ``check`` and
``predict`` (in-process) and compares every answer with the truth the case
knows; :func:`run` does it for many seeds and counts. Used by
``scripts/fuzz_files.py`` (``make fuzz``) and ``tests/test_fuzz_files.py``.
"""

from __future__ import annotations

import csv
import decimal
import hashlib
import io
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xieshang.contract import FEATURES
from xieshang.generator import generate, true_probability

__all__ = ["Case", "make_case", "run_case", "run", "OracleModel", "RAW_SIGNATURES"]

INVISIBLE = ["\u200b", "\ufeff", "\u00ad", "\u200e", "\u2060"]
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5", "latin-1"]
NAMED = {"big5", "latin-1"}  # not told from the bytes: given with --encoding
SEPS = [",", ";", "\t", "|"]
FAULTS = ["ragged", "bad_value", "twice", "missing", "bad_bytes", "no_rows"]
RAW_SIGNATURES = ("Error tokenizing", "codec can't", "magic bytes", "No columns to parse", "Traceback",
                  "Exceeds the limit")
NUMERIC = [f for f in FEATURES if f.kind in ("int", "float") and f.required and not f.missing_ok]


class OracleModel:
    """A 'model' whose probability is the generator's truth: any difference is the files' doing."""

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = true_probability(X)
        return np.column_stack([1.0 - p, p])


_POOL: dict[str, pd.DataFrame] = {}


def _pool() -> pd.DataFrame:
    if "rows" not in _POOL:
        rows = generate(400, seed=2026).drop(columns=["approved", "true_probability"])
        _POOL["rows"] = rows.astype({f.name: float for f in FEATURES if f.missing_ok and f.kind in ("int", "bool")})
    return _POOL["rows"]


@dataclass
class Case:
    """One generated file and what every answer about it must be."""

    seed: int
    path: Path
    fmt: str
    truth: pd.DataFrame  # the contract rows, typed (the oracle's input)
    headers: list[str] = field(default_factory=list)
    extras: dict[int, list[Any]] = field(default_factory=dict)  # column position -> cells as written
    cells: list[list[str]] | None = None  # every cell as written (CSV)
    lines: list[int] = field(default_factory=list)
    encoding: str | None = None  # what to pass as --encoding
    sep: str | None = None  # what to pass as --sep
    file_encoding: str = "utf-8"
    fault: str | None = None
    bad_line: int | None = None
    frame: pd.DataFrame | None = None  # a Parquet case's frame, as written
    describe: str = ""


def _spell(rng: np.random.Generator, f: Any, encoding: str) -> str:
    ascii_only = encoding in ("latin-1", "big5")  # the labels are simplified Chinese
    forms = [f.name, f.name.upper(), f.name.replace("_", " ").title(), f.label_en, f" {f.name} "]
    if not ascii_only:
        forms += [f.label_zh, f.label_zh, "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in f.name)]
    text = forms[int(rng.integers(len(forms)))]
    if rng.random() < 0.15 and encoding not in ("gbk", "big5", "latin-1"):
        pos = int(rng.integers(1, len(text) + 1))  # not first: a file starting with U+FEFF *is* a BOM
        text = text[:pos] + INVISIBLE[int(rng.integers(len(INVISIBLE)))] + text[pos:]
    return text


def _extra_cell(rng: np.random.Generator, i: int, encoding: str, sep: str) -> str:
    kinds = [f"{i:05d}", str(1234567890123456789 + i), "NA", "None", "", f"a{sep}b", 'say "hi"', "two\nlines",
             " padded ", "-", "1e5", "0.1000", "bell\x07"]
    if encoding not in ("latin-1", "big5"):
        kinds += ["张三", "备注:逾期"]
    if encoding == "big5":
        kinds += ["陳大文"]
    if encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        kinds += ["😀"]
    if encoding == "latin-1":
        kinds += ["café"]
    return kinds[int(rng.integers(len(kinds)))]


def _contract_cells(rng: np.random.Generator, rows: pd.DataFrame, sep: str, encoding: str) -> list[list[str]]:
    decimal_comma = sep == ";" and rng.random() < 0.5
    cols = []
    for f in FEATURES:
        if f.name not in rows.columns:
            continue
        v = rows[f.name].tolist()
        if f.kind == "bool":
            spell = [("true", "false"), ("1", "0"), ("yes", "no")] + ([("是", "否")] if encoding != "latin-1" else [])
            t, fl = spell[int(rng.integers(len(spell)))]
            text = [("" if pd.isna(x) else t if x else fl) for x in v]
        elif f.kind == "category":
            text = ["" if pd.isna(x) else str(x) for x in v]
        else:
            text = ["" if pd.isna(x) else repr(float(x)) if f.kind == "float" else str(int(x)) for x in v]
            if decimal_comma:
                text = [t.replace(".", ",") for t in text]
        if f.missing_ok and rng.random() < 0.1:
            unknown = rng.random(len(text)) < 0.3
            text = [["", "NA", "None", "未知" if encoding != "latin-1" else "n/a"][int(rng.integers(4))] if u else t
                    for t, u in zip(text, unknown)]
            rows[f.name] = rows[f.name].mask(unknown)  # the truth: unknown there (the oracle's answer follows)
        cols.append(text)
    return [list(r) for r in zip(*cols)] if cols else []


def _truth_rows(rng: np.random.Generator, n: int) -> pd.DataFrame:
    pool = _pool()
    return pool.iloc[rng.integers(len(pool), size=n)].reset_index(drop=True)


def _insert_extras(rng: np.random.Generator, headers: list[str], cells: list[list[str]], n: int, encoding: str,
                   sep: str) -> dict[int, list[Any]]:
    """Insert 0 to 3 extra columns at random places; their position -> cells."""
    extras: dict[int, list[Any]] = {}
    for _ in range(int(rng.integers(0, 4))):
        name = ["id", "", "备注" if encoding not in ("latin-1", "big5") else "note", "id", f"x{sep}y", "Unnamed: 0"][
            int(rng.integers(6))]
        pos = int(rng.integers(len(headers) + 1))
        values = [_extra_cell(rng, i, encoding, sep) for i in range(n)]
        headers.insert(pos, name)
        for r, v in zip(cells, values):
            r.insert(pos, v)
        extras = {(k + 1 if k >= pos else k): v for k, v in extras.items()}
        extras[pos] = values
    return extras


def _csv_case(rng: np.random.Generator, seed: int, folder: Path) -> Case:
    encoding = ENCODINGS[int(rng.integers(len(ENCODINGS)))]
    sep = SEPS[int(rng.integers(len(SEPS)))]
    n = int(rng.integers(0, 7)) if rng.random() < 0.05 else int(rng.integers(1, 7))
    truth = _truth_rows(rng, n)
    fault = FAULTS[int(rng.integers(len(FAULTS)))] if rng.random() < 0.3 else None
    if fault == "no_rows":
        n, truth = 0, truth.iloc[:0]
    feats = [f for f in FEATURES if f.name in truth.columns]
    headers = [_spell(rng, f, encoding) for f in feats]
    cells = _contract_cells(rng, truth, sep, encoding) if n else []
    if fault == "missing":
        drop = next(i for i, f in enumerate(feats) if f.required)
        headers.pop(drop)
        cells = [r[:drop] + r[drop + 1:] for r in cells]
    extras = _insert_extras(rng, headers, cells, n, encoding, sep)
    if fault == "twice":
        f = feats[int(rng.integers(len(feats)))]
        headers.append(f.name.upper())
        for r in cells:
            r.append("1")
    bad_row = int(rng.integers(n)) if n and fault in ("ragged", "bad_value", "bad_bytes") else None
    if bad_row is None and fault in ("ragged", "bad_value", "bad_bytes"):
        fault = None  # no row to break
    if fault == "bad_value" and bad_row is not None:
        f = NUMERIC[int(rng.integers(len(NUMERIC)))]
        pos = next(i for i, h in enumerate(headers) if _same(h, f))
        cells[bad_row][pos] = ["-5", "abc", "1e99", "12元"][int(rng.integers(4))] if f.low >= 0 else "abc"
    if fault == "ragged" and bad_row is not None:
        if rng.random() < 0.5:
            cells[bad_row].append("")
        else:
            cells[bad_row].pop()
    quoting = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_MINIMAL][int(rng.integers(3))]
    newline = "\r\n" if rng.random() < 0.3 else "\n"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, quoting=quoting, lineterminator=newline)
    line = 1
    writer.writerow(headers)
    line += out.getvalue().count("\n")
    lines = []
    for r in cells:
        if rng.random() < 0.1:
            out.write(newline)
            line += 1
        lines.append(line)
        start = out.tell()
        writer.writerow(r)
        line += out.getvalue()[start:].count("\n")
    text = out.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # a harness slip (a character the encoding lacks): write UTF-8 instead
        encoding, data = "utf-8", text.encode("utf-8")
    bad_line = lines[bad_row] if bad_row is not None else None
    if fault == "bad_bytes":
        if encoding in NAMED or encoding.startswith("utf-16") or bad_line is None:
            fault, bad_line = None, None
        else:
            data = data + b"\xff\xfe broken \xff" + newline.encode()
    path = folder / f"case{seed}.csv"
    path.write_bytes(data)
    given_enc = encoding if encoding in NAMED or rng.random() < 0.1 else None
    given_sep = sep if rng.random() < 0.15 else None
    return Case(seed, path, "csv", truth, headers, extras, cells, lines, given_enc, given_sep, encoding, fault, bad_line,
                describe=f"csv {encoding} sep={sep!r} quoting={quoting} rows={n} fault={fault}")


def _same(header: str, f: Any) -> bool:
    from xieshang.headers import canonical_name

    return canonical_name(header) == f.name


def _parquet_case(rng: np.random.Generator, seed: int, folder: Path) -> Case:
    n = int(rng.integers(1, 9))
    truth = _truth_rows(rng, n)
    df = truth.copy()
    ids = [None if rng.random() < 0.3 else 1234567890123456789 + int(rng.integers(10**6)) for _ in range(n)]
    choices = {
        "cid": lambda: pd.array(ids, dtype="Int64"),
        "amount": lambda: [decimal.Decimal(f"{int(rng.integers(10**6))}.{int(rng.integers(10**4)):04d}") for _ in range(n)],
        "name": lambda: pd.array([None if rng.random() < 0.2 else f"客户{i}" for i in range(n)], dtype="string"),
        "flag": lambda: pd.array([None if rng.random() < 0.2 else bool(rng.random() < 0.5) for _ in range(n)], dtype="boolean"),
        "when": lambda: pd.date_range("2026-01-01", periods=n, freq="D", tz="Asia/Shanghai"),
        "ratio": lambda: pd.array([None if rng.random() < 0.2 else float(rng.random()) for _ in range(n)], dtype="Float64"),
    }
    for name in rng.permutation(list(choices))[: int(rng.integers(1, 5))]:
        df.insert(int(rng.integers(df.shape[1] + 1)), str(name), choices[str(name)]())
    kind = int(rng.integers(5))
    if kind == 1:
        df.index = pd.RangeIndex(1000, 1000 + n)
    elif kind == 2:
        df.index = pd.RangeIndex(0, 2 * n, 2, name="rowid")
    elif kind == 3:
        df.index = pd.Index([f"k{i}" for i in range(n)], name="key")
    elif kind == 4:
        df.index = pd.MultiIndex.from_arrays([np.arange(n) % 3, np.arange(n)], names=["branch", "seq"])
    path = folder / f"case{seed}.parquet"
    df.to_parquet(path)
    return Case(seed, path, "parquet", truth, frame=df, describe=f"parquet index-kind={kind} cols={list(df.columns[:3])}")


def _xlsx_case(rng: np.random.Generator, seed: int, folder: Path) -> Case:
    n = int(rng.integers(1, 6))
    truth = _truth_rows(rng, n)
    df = truth.copy()
    df.insert(0, "编号", [f"{i:05d}" for i in range(n)])
    path = folder / f"case{seed}.xlsx"
    df.to_excel(path, index=False)
    return Case(seed, path, "xlsx", truth, headers=[str(c) for c in df.columns], extras={0: list(df["编号"])},
                lines=list(range(2, n + 2)), describe="xlsx")


def make_case(seed: int, folder: Path) -> Case:
    """The file of one seed, written into ``folder``, with what must come of it."""
    rng = np.random.default_rng(seed)
    r = rng.random()
    if r < 0.10:
        return _parquet_case(rng, seed, folder)
    if r < 0.105:  # a workbook takes openpyxl ~0.3 s to write: a few suffice
        return _xlsx_case(rng, seed, folder)
    return _csv_case(rng, seed, folder)


class Failure(AssertionError):
    """A wrong answer or an unclear error (the case's description says which file)."""


def _clear(exc: BaseException, what: str) -> None:
    if not isinstance(exc, ValueError):
        raise Failure(f"{what}: {type(exc).__name__} instead of one clear ValueError: {exc}\n{traceback.format_exc()}")
    msg = str(exc)
    if not msg.strip() or any(msg.lstrip().startswith(s) for s in RAW_SIGNATURES):
        raise Failure(f"{what}: unclear message {msg!r}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_stage(case: Case, counts: Counter) -> Any:
    from xieshang.files import read_records

    try:
        rec = read_records(case.path, encoding=case.encoding, sep=case.sep)
    except Exception as exc:
        _clear(exc, "read")
        if case.fault not in ("ragged", "bad_bytes"):
            raise Failure(f"read: refused a readable file: {exc}") from None
        if case.fault == "ragged" and f"line {case.bad_line} " not in str(exc):
            raise Failure(f"read: the ragged line {case.bad_line} is not named: {exc}") from None
        counts["read: clear error"] += 1
        return None
    if case.fault in ("ragged", "bad_bytes"):
        raise Failure(f"read: accepted a {case.fault} file")
    if case.fmt == "parquet":
        assert case.frame is not None
        pd.testing.assert_frame_equal(rec.frame, case.frame)
    else:
        got = [str(c) for c in rec.frame.columns]
        if got != case.headers:
            raise Failure(f"read: headers {got!r}, written {case.headers!r}")
        if list(rec.lines) != case.lines or len(rec.frame) != len(case.lines):
            raise Failure(f"read: {len(rec.frame)} rows at lines {list(rec.lines)}, expected {case.lines}")
        if case.cells is not None and rec.frame.to_numpy(object).tolist() != case.cells:
            raise Failure("read: the cells differ from those written")
        for pos, values in case.extras.items():
            if rec.frame.iloc[:, pos].tolist() != values:
                raise Failure(f"read: column {pos} {rec.frame.iloc[:, pos].tolist()!r}, written {values!r}")
    counts["read: right"] += 1
    return rec


def _expect_error(case: Case) -> bool:
    return case.fault in ("ragged", "bad_bytes", "bad_value", "twice", "missing", "no_rows") or len(case.truth) == 0


def _check_stage(case: Case, rec: Any, counts: Counter) -> None:
    from xieshang.check import check_frame
    from xieshang.tables import decimal_commas

    frame = decimal_commas(rec.frame, rec.sep)
    try:
        report = check_frame(frame, first_line=rec.lines if rec.unit == "line" else None, source=str(case.path))
    except Exception as exc:
        _clear(exc, "check")
        raise Failure(f"check raised instead of reporting: {exc}") from None
    if report.ok == _expect_error(case):
        raise Failure(f"check: ok={report.ok} for fault {case.fault}: {[i.en for i in report.problems]}")
    if case.fault == "bad_value":
        text = " ".join(i.en for i in report.problems)
        if f"line {case.bad_line}" not in text and f"lines {case.bad_line}" not in text:
            raise Failure(f"check: the bad line {case.bad_line} is not named: {text}")
    counts["check: right" if report.ok else "check: problems reported"] += 1


def _out_path(case: Case, rng: np.random.Generator) -> Path:
    r = rng.random()
    ext = "xlsx" if r < 0.05 else "parquet" if r < 0.35 else "csv"
    return case.path.with_name(f"out{case.seed}.{ext}")


def _predict_stage(case: Case, rng: np.random.Generator, counts: Counter) -> None:
    from xieshang.files import read_records
    from xieshang.scoring import PROBABILITY, score_file

    out = _out_path(case, rng)
    try:
        score_file(OracleModel(), case.path, out, chunk_rows=int(rng.integers(1, 5)), progress=None,
                   encoding=case.encoding, sep=case.sep)
    except Exception as exc:
        _clear(exc, "predict")
        if (("appear more than once, which a Parquet file cannot hold" in str(exc) and out.suffix == ".parquet")
                or ("a worksheet cannot store" in str(exc) and out.suffix == ".xlsx")):
            counts["predict: clear error"] += 1
            return
        if not _expect_error(case):
            raise Failure(f"predict: refused a good file: {exc}") from None
        if case.fault in ("bad_value", "ragged") and not any(
                f"{w}{case.bad_line}" in str(exc) for w in ("line ", "lines ", "rows ", "row ", "at ")):
            raise Failure(f"predict: the bad line {case.bad_line} is not named: {exc}") from None
        if out.exists():
            raise Failure("predict: an output was left after an error") from None
        counts["predict: clear error"] += 1
        return
    if _expect_error(case):
        raise Failure(f"predict: accepted a file with fault {case.fault}")
    expected = OracleModel().predict_proba(case.truth)[:, 1]
    if out.suffix == ".parquet":
        back = pd.read_parquet(out)
        if case.frame is not None:
            pd.testing.assert_frame_equal(back[list(case.frame.columns)], case.frame)
    else:
        back = read_records(out, encoding=case.encoding).frame
    got = pd.to_numeric(back[PROBABILITY]).to_numpy(float)
    if not np.allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=True):
        raise Failure(f"predict: probabilities {got} differ from the truth {expected}")
    if case.fmt == "csv":
        names = [str(c) for c in back.columns[:-1]]
        if names != case.headers:
            raise Failure(f"predict: output headers {names!r}, input {case.headers!r}")
        for pos, values in case.extras.items():
            if back.iloc[:, pos].fillna("").astype(str).tolist() != values:
                raise Failure(f"predict: column {pos} came back {back.iloc[:, pos].tolist()!r}, written {values!r}")
        if out.suffix == ".csv":
            _same_encoding(case, out)
    counts["predict: right"] += 1


def _same_encoding(case: Case, out: Path) -> None:
    src, dst = case.path.read_bytes(), out.read_bytes()
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if src.startswith(bom) != dst.startswith(bom):
            raise Failure("predict: the output's BOM differs from the input's")
    try:
        dst.decode(case.file_encoding)
    except UnicodeDecodeError:
        raise Failure(f"predict: the output is not in the input's encoding {case.file_encoding}") from None


def run_case(seed: int, folder: Path, *, check: bool = True, predict: bool = True) -> Counter:
    """Generate the file of ``seed`` and put it through read, ``check`` and ``predict``; counts of the answers.

    Raises
    ------
    Failure
        On a wrong answer, an unclear error or a changed input, naming the seed and the file.
    """
    counts: Counter = Counter()
    rng = np.random.default_rng([seed, 1])
    case = make_case(seed, folder)
    before = _digest(case.path)
    try:
        rec = _read_stage(case, counts)
        if rec is not None and check:
            _check_stage(case, rec, counts)
        if predict:
            _predict_stage(case, rng, counts)
    except Failure as exc:
        raise Failure(f"seed {seed} ({case.describe}), file {case.path}: {exc}") from None
    except Exception as exc:  # an assert_frame_equal difference or a bug of the harness itself
        raise Failure(f"seed {seed} ({case.describe}), file {case.path}: {type(exc).__name__}: {exc}") from None
    if _digest(case.path) != before:
        raise Failure(f"seed {seed}: the input file was changed")
    counts["cases"] += 1
    counts[f"format {case.fmt}"] += 1
    if case.fmt == "csv":
        counts[f"encoding {case.file_encoding}"] += 1
        counts[f"fault {case.fault}"] += 1
    for p in folder.glob(f"out{seed}.*"):
        p.unlink()
    case.path.unlink()
    return counts


def run(seeds: range, folder: Path, *, check_every: int = 1, predict_every: int = 1) -> tuple[Counter, list[str]]:
    """Run every seed; (counts, failure messages)."""
    total: Counter = Counter()
    failures: list[str] = []
    for seed in seeds:
        try:
            total += run_case(seed, folder, check=seed % check_every == 0, predict=seed % predict_every == 0)
        except Failure as exc:
            failures.append(str(exc))
            total["failures"] += 1
    return total, failures


def make_training_file(seed: int, folder: Path, rows: int = 300) -> Path:
    """A labelled file for ``xieshang train``: a random encoding, separator and header spelling of each column."""
    rng = np.random.default_rng([seed, 2])
    encoding = ["utf-8-sig", "gb18030", "gbk", "utf-16", "utf-8"][int(rng.integers(5))]
    sep = SEPS[int(rng.integers(len(SEPS)))]
    df = generate(rows, seed=seed).drop(columns=["true_probability"])
    df = df.rename(columns={f.name: _spell(rng, f, encoding) for f in FEATURES})
    df.insert(0, "编号", [f"{i:06d}" for i in range(rows)])
    path = folder / f"train{seed}.csv"
    df.to_csv(path, index=False, sep=sep, encoding=encoding)
    return path
