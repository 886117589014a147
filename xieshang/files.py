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

__all__ = ["atomic_path", "exclusive_lock", "write_table", "read_table", "write_json", "write_text", "table_format"]

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
    """Read a CSV or Parquet file.

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
        return pd.read_csv(p)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"{p}: cannot read as {fmt}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise ValueError(f"{p}: cannot read as {fmt}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as indented UTF-8 JSON, atomically."""
    return write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", path)
