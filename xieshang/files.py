"""Reading and atomically writing the project's files (CSV, Parquet, JSON, text).

Every write goes to a temporary file in the destination folder and is then
renamed over the target, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["atomic_path", "exclusive_lock", "write_table", "read_table", "write_json", "write_text", "table_format",
           "parquet_index_columns", "refuse_same_file", "check_writable_folder"]

_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def table_format(path: str | os.PathLike) -> str:
    """``"csv"`` or ``"parquet"`` from the file's extension.

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
            f"{os.fspath(path)}: unsupported file extension {ext or '(none)'!r}; expected .csv or .parquet"
        ) from None


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
        raise ValueError(f"{target}: is a directory; expected a file path")
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
        else:
            df.to_csv(tmp, index=False)
    return Path(path)


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV or Parquet file, every value as it is in the file.

    A CSV is read as text (``dtype=str``, no "NA" guessing): ids such as
    ``00017``, the string ``NA`` or a 19-digit card number stay exactly as
    written, and :func:`xieshang.validation.validate_frame` parses the
    contract's columns. A Parquet file keeps its types and its index.

    Raises
    ------
    ValueError
        If the file is missing, a directory, has another extension or cannot
        be parsed; the message names the file and the cause.
    """
    p = Path(path)
    fmt = table_format(p)
    if p.is_dir():
        raise ValueError(f"{p}: is a directory; expected a .csv or .parquet file")
    if not p.exists():
        raise ValueError(f"{p}: no such file")
    try:
        if fmt == "parquet":
            return pd.read_parquet(p)
        return pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"{p}: cannot read as {fmt}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise ValueError(f"{p}: cannot read as {fmt}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None


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
