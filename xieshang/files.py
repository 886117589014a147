"""Reading and atomically writing the project's files (CSV, Parquet, Excel, JSON, text).

Every write goes to a temporary file in the destination folder and is then
renamed over the target, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["atomic_path", "exclusive_lock", "write_table", "read_table", "read_records", "write_json", "write_text",
           "table_format", "parquet_index_columns", "refuse_same_file", "check_writable_folder", "check_output",
           "read_json_object", "Records"]

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


def table_format(path: str | os.PathLike) -> str:
    """``"csv"``, ``"parquet"`` or ``"xlsx"`` from the file's extension (``.tsv`` is delimited text too).

    Raises
    ------
    ValueError
        For any other extension.
    """
    ext = Path(path).suffix.lower()
    try:
        return _FORMATS[ext]
    except KeyError:
        raise ValueError(
            f"{os.fspath(path)}: unsupported file extension {ext or '(none)'!r}; expected .csv, .parquet or .xlsx "
            f"(.tsv is read as delimited text) (不支持的文件类型 {ext or '（无）'!r}：请用 .csv、.parquet 或 .xlsx)"
        ) from None


def _refuse_read_only(target: Path) -> None:
    """Raise if ``target`` exists and is read-only: whoever made it so meant it to stay (root included)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise ValueError(
            f"{target}: the file exists and is read-only, so it is not replaced; expected a new or writable output "
            "path: choose another file name, or make it writable first (文件只读，不会被覆盖：请换一个输出文件名)"
        )


def check_output(path: str | os.PathLike, *, no_clobber: bool = False) -> None:
    """Raise before any work if ``path`` cannot take the output.

    Raises
    ------
    ValueError
        If ``path`` is a directory, an existing read-only file, or (with
        ``no_clobber``) any existing file.
    """
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{target}: is a directory; expected a file path (这是一个文件夹，请给出文件路径)")
    if no_clobber and (target.exists() or target.is_symlink()):
        raise ValueError(f"{target}: already exists and --no-clobber was given; expected a new file name: choose "
                         "another, or leave out --no-clobber to replace it (文件已存在，--no-clobber 不允许覆盖)")
    _refuse_read_only(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched.

    Raises
    ------
    ValueError
        If the destination folder cannot be created or written to.
    """
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{target}: is a directory; expected a file path (这是一个文件夹，请给出文件路径)")
    _refuse_read_only(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ValueError(f"{target}: cannot write here ({exc.strerror or exc}); choose a writable path") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


_HELD: set[tuple[int, int]] = set()  # folders this process holds locked (the lock is re-entrant)


@contextlib.contextmanager
def exclusive_lock(folder: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing) while the block runs.

    Another process entering the same lock waits, so two runs writing the same
    files (two ``xieshang train`` into one folder) take turns instead of
    interleaving their renames. It is an advisory ``flock`` on the folder
    itself (no lock file is left behind), released when the process ends even
    if it is killed, and re-entrant within one process. Without ``fcntl``
    (Windows) it does nothing.

    Raises
    ------
    ValueError
        If the folder cannot be created or opened.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDONLY)
    except OSError as exc:
        raise ValueError(f"{target}: cannot create or open this folder ({exc.strerror or exc}); "
                         "choose a writable path") from None
    try:
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        if key in _HELD:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)  # releases the lock


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` atomically as CSV or Parquet, chosen by extension."""
    fmt = table_format(path)
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        elif fmt == "xlsx":
            from .excel import XlsxWriter

            writer = XlsxWriter(tmp)
            writer.write(df)
            writer.close()
        else:
            df.to_csv(tmp, index=False)
    return Path(path)


@dataclasses.dataclass
class Records:
    """A table as read: the rows, the file line (or row) of each, and how the file was read.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, a RangeIndex from 0; a text file's cells as their text, headers as written.
    lines : numpy.ndarray
        File line of each row for a CSV (the header is line 1, through quoted
        newlines and blank lines), sheet row for a workbook, row from 1 for Parquet.
    unit : {"line", "row"}
        What ``lines`` counts.
    read_as : dict
        How the file was read, in ``"zh"`` and ``"en"`` (format, encoding, separator).
    sep : str or None
        A text file's separator.
    """

    frame: pd.DataFrame
    lines: Any
    unit: str
    read_as: dict[str, str]
    sep: str | None = None


def read_records(path: str | os.PathLike, *, encoding: str | None = None, sep: str | None = None) -> Records:
    """Read a whole CSV (any encoding, any separator), Parquet or ``.xlsx`` file, with the line of every row.

    A delimited text file is read in its encoding (UTF-8 with or without BOM,
    UTF-16, GB18030/GBK detected, any other named by ``encoding``) with its
    separator (``,`` ``;`` tab ``|`` sniffed, or ``sep``), every cell as its
    text (ids such as ``00017`` and the string ``NA`` stay as written),
    every header as written. A Parquet file keeps its types and its index.

    Raises
    ------
    ValueError
        If the file is missing, a directory, of another format or cannot be
        read, or a row has more or fewer fields than the header; the message
        names the file, the line and what to do.
    """
    from .tables import open_source

    source = open_source(path, encoding=encoding, sep=sep)
    read_as = {lang: source.describe(lang) for lang in ("zh", "en")}
    if source.format == "parquet":
        try:
            frame = pd.read_parquet(source.path)
        except Exception as exc:  # pyarrow raises its own error types for damaged files
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{source.path}: cannot read as parquet ({text}); expected an undamaged Parquet file: "
                             "write it again (无法按 Parquet 读取)") from None
        return Records(frame, np.arange(1, len(frame) + 1), "row", read_as)
    parts = [chunk.frame for chunk in source.chunks(1 << 62)]
    frame = parts[0]
    lines = frame.index.to_numpy()
    return Records(frame.reset_index(drop=True), lines, "line", read_as, source.layout.sep if source.layout else None)


def read_table(path: str | os.PathLike, *, encoding: str | None = None, sep: str | None = None) -> pd.DataFrame:
    """Read a CSV, Parquet or ``.xlsx`` file, every value as it is in the file (see :func:`read_records`).

    Raises
    ------
    ValueError
        See :func:`read_records`.
    """
    return read_records(path, encoding=encoding, sep=sep).frame


def read_json_object(path: str | os.PathLike) -> dict[str, Any]:
    """Read a JSON object (one applicant) from a file in UTF-8 (with or without BOM), UTF-16 or GB18030.

    Raises
    ------
    ValueError
        If the file is missing, not JSON, not an object, holds a key twice or
        an integer too long to be a value (our words, not the parser's).
    """
    from .encodings import detect_encoding

    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no such file; expected a JSON file holding one applicant (文件不存在)")
    data = p.read_bytes()
    enc = detect_encoding(data[:1 << 16])
    try:
        text = data[len(enc.bom):].decode(enc.name)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not readable as {enc.label} text ({exc.reason} at byte {exc.start}); "
                         "expected a JSON file saved as UTF-8 (JSON 文件编码无法识别：请另存为 UTF-8)") from None

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"{p}: the key(s) {', '.join(map(repr, twice))} appear more than once; expected each "
                             f"field once: keep one (JSON 里字段重复出现：{'、'.join(twice)}；每个字段只写一次)")
        return dict(items)

    def integer(text: str) -> int:
        if len(text.lstrip("-")) > 30:
            raise ValueError(f"{p}: an integer of {len(text.lstrip('-'))} digits; expected a value the contract "
                             "allows (a few digits): check the file (JSON 里有位数过长的整数)")
        return int(text)

    try:
        obj = json.loads(text, object_pairs_hook=pairs, parse_int=integer)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); expected one "
                         'object such as {"monthly_income": 8000, ...} (不是有效的 JSON)') from None
    except RecursionError:
        raise ValueError(f"{p}: not valid JSON (nested too deeply); expected a flat object {{feature: value}} "
                         "(JSON 嵌套过深)") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{p}: expected a JSON object {{feature: value}}, got {type(obj).__name__} "
                         "(应为一个 JSON 对象)")
    return obj


def parquet_index_columns(schema: Any) -> list[str]:
    """The columns of a Parquet file that pandas stored as its index (e.g. ``customer_id``), from its metadata.

    Parameters
    ----------
    schema : pyarrow.Schema
        The file's Arrow schema (``pyarrow.parquet.ParquetFile(path).schema_arrow``).
    """
    if schema is None:
        return []
    meta = schema.pandas_metadata or {}
    return [c for c in meta.get("index_columns", []) if isinstance(c, str) and c in schema.names]


def refuse_same_file(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """Raise if ``dst`` is the file ``src`` (same path, a symlink or hard link to it, another spelling).

    Called before anything is read or written, so an input is never
    overwritten by its own output.

    Raises
    ------
    ValueError
        Naming both paths, and what to do instead.
    """
    s, d = Path(src), Path(dst)
    same = s.resolve() == d.resolve()
    if not same and s.exists() and d.exists():
        try:
            same = os.path.samefile(s, d)
        except OSError:
            same = False
    if same:
        raise ValueError(
            f"{os.fspath(dst)}: is the input file {os.fspath(src)} itself; expected another output path "
            "(the input is never overwritten): choose a new file name for -o"
        )


def check_writable_folder(folder: str | os.PathLike) -> None:
    """Raise unless files can be created in ``folder`` (made later if missing); leaves nothing behind.

    Lets a long run (``xieshang train``) fail at once, not after the fit.

    Raises
    ------
    ValueError
        If the path is a file, lies under a file, or the folder (or its
        nearest existing parent) cannot be written.
    """
    target = Path(folder)
    probe = target
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        where = "is a file" if probe == target else f"lies under the file {probe}"
        raise ValueError(f"{target}: {where}; expected a folder to write into: choose another path")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xieshang-probe.", suffix=".tmp", dir=probe)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise ValueError(f"{target}: cannot write here ({exc.strerror or exc}); choose a writable folder") from None


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as indented UTF-8 JSON, atomically."""
    return write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", path)
