"""Train from data larger than memory: a stratified sample drawn in one streaming pass over a folder.

:func:`sample_dataset` reads every Parquet and CSV file of a folder chunk by
chunk, checks each chunk against the contract (bad rows named by file and
line, or row, as ``xieshang check`` numbers them), and keeps, for each label,
the rows with the smallest keys of a seeded hash of (file, row): a bottom-k
(priority) sample. At the end each label keeps its share of ``max_rows``
(largest remainders), so the sample is stratified by the label. The key of a
row depends only on the seed, the file's path in the folder and the row's
place in the file, so the same seed gives the same sample whatever the chunk
size or the order the files are listed in. Memory is bounded by
``max_rows`` and the chunk size, not by the folder.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .contract import LABEL, TRUTH
from .headers import rename_columns
from .validation import validate_frame

__all__ = ["DEFAULT_MAX_ROWS", "Sample", "sample_dataset", "checked_sample", "sample_keys", "data_files"]

DEFAULT_MAX_ROWS = 500_000
"""Rows ``xieshang train --data DIR`` keeps by default (``docs/distributed.md`` gives the learning curve behind it)."""

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 (wrapping arithmetic): well-spread 64-bit keys."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def sample_keys(seed: int, name: str, rows: np.ndarray) -> np.ndarray:
    """Keys (uint64) of rows ``rows`` (0-based places in the file) of the file ``name``: a seeded hash.

    Parameters
    ----------
    seed : int
    name : str
        The file's path inside the folder (``a/part-0.parquet``).
    rows : array of int
    """
    base = _mix(np.array([(int(seed) * _GOLDEN + (zlib.crc32(name.encode("utf-8")) << 1)) & _MASK],
                         dtype=np.uint64))[0]
    with np.errstate(over="ignore"):
        return _mix(base + (np.asarray(rows, dtype=np.uint64) + np.uint64(1)) * np.uint64(_GOLDEN))


def data_files(folder: str | os.PathLike) -> list[Path]:
    """The ``.parquet`` / ``.pq`` / ``.csv`` files under ``folder`` (any depth), sorted; hidden and ``_`` files skipped.

    Raises
    ------
    ValueError
        If ``folder`` is not a folder or holds no such file.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ValueError(f"{root}: no such folder")
    files = sorted(f for f in root.rglob("*") if f.is_file() and f.suffix.lower() in (".parquet", ".pq", ".csv")
                   and not any(p.startswith((".", "_")) for p in f.relative_to(root).parts))
    if not files:
        raise ValueError(f"{root}: no .parquet or .csv file in this folder; expected the training data's files")
    return files


def _chunks(path: Path, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
    """(chunk as read, 0-based place of its first row in the file); a CSV as text, as ``xieshang check`` reads it."""
    try:
        if path.suffix.lower() == ".csv":
            start = 0
            for df in pd.read_csv(path, chunksize=chunk_rows, dtype=str, keep_default_na=False):
                yield df, start
                start += len(df)
        else:
            import pyarrow.parquet as pq

            start = 0
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
                df = batch.to_pandas(ignore_metadata=True)
                yield df, start
                start += len(df)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"{path}: cannot read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except ValueError:
        raise
    except Exception as exc:  # pyarrow's own error types for a damaged file
        raise ValueError(f"{path}: cannot read: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None


def _clean(df: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    """The chunk's contract columns and label parsed (and the truth, if every value is a probability)."""
    csv = path.suffix.lower() == ".csv"
    first = start + (2 if csv else 1)  # a CSV's header is line 1; Parquet rows count from 1
    df.index = pd.RangeIndex(first, first + len(df))
    df = rename_columns(df)
    try:
        clean = validate_frame(df, require_label=True)
    except ValueError as exc:
        unit = "lines of the file, the header being line 1" if csv else "rows from 1"
        raise ValueError(f"{path}: {exc} (numbered as {unit}, as `xieshang check` shows them)") from None
    if TRUTH in df.columns:
        truth = pd.to_numeric(df[TRUTH], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(truth).all() and ((truth >= 0) & (truth <= 1)).all():
            clean[TRUTH] = truth
    return clean


@dataclass
class Sample:
    """What :func:`sample_dataset` kept and read.

    Attributes
    ----------
    frame : pandas.DataFrame
        The kept rows, parsed (contract columns, ``approved``, the truth if
        every file had it), in file order; the index is ``(file, row)`` with
        rows numbered as ``xieshang check`` numbers them.
    read, kept, files : int
        Rows read, rows kept, files read.
    read_per_label : dict
        Rows read of each label (0, 1).
    peak_rows_held : int
        Most rows held in memory at once (the kept candidates plus one chunk):
        bounded by ``max_rows`` and the chunk size, not by the folder.
    """

    frame: pd.DataFrame
    read: int
    kept: int
    files: int
    read_per_label: dict[int, int]
    peak_rows_held: int

    def summary(self) -> str:
        """One line: how many rows were read and kept."""
        share = {k: v / max(self.read, 1) for k, v in self.read_per_label.items()}
        kept_share = float(self.frame[LABEL].mean()) if self.kept else 0.0
        return (f"read {self.read:,} rows from {self.files} file(s), kept a stratified sample of {self.kept:,} "
                f"(approved {share.get(1, 0.0):.1%} of rows read, {kept_share:.1%} of rows kept)")


class _Reservoir:
    """For one label: the rows with the smallest keys seen so far, at least ``cap`` of them once seen."""

    def __init__(self, cap: int):
        self.cap = cap
        self.keys: list[np.ndarray] = []
        self.frames: list[pd.DataFrame] = []
        self.held = 0

    def add(self, keys: np.ndarray, frame: pd.DataFrame) -> None:
        self.keys.append(keys)
        self.frames.append(frame)
        self.held += len(frame)
        if self.held > 2 * self.cap:  # prune now and then: each row is copied a bounded number of times
            self.keep(self.cap)

    def keep(self, k: int) -> None:
        keys = np.concatenate(self.keys) if self.keys else np.empty(0, dtype=np.uint64)
        frame = pd.concat(self.frames) if self.frames else None
        order = np.argsort(keys, kind="stable")[:k]
        self.keys = [keys[order]]
        self.frames = [frame.iloc[order]] if frame is not None else []
        self.held = len(order)


def _allocate(counts: dict[int, int], max_rows: int) -> dict[int, int]:
    """Each label's share of ``max_rows`` in proportion to the rows read (largest remainders)."""
    total = sum(counts.values())
    if total <= max_rows:
        return dict(counts)
    exact = {c: max_rows * n / total for c, n in counts.items()}
    out = {c: int(v) for c, v in exact.items()}
    for c in sorted(exact, key=lambda c: (out[c] - exact[c], c))[: max_rows - sum(out.values())]:
        out[c] += 1
    return out


def sample_dataset(folder: str | os.PathLike, max_rows: int = DEFAULT_MAX_ROWS, seed: int = 0, *,
                   chunk_rows: int = 100_000) -> Sample:
    """Draw a stratified sample of at most ``max_rows`` rows from every data file of ``folder``, in one pass.

    Parameters
    ----------
    folder : path
        A folder of Parquet and CSV files (any depth, any total size), or one such file, with the contract's
        columns and ``approved`` (headers may be the Chinese or English labels).
    max_rows : int, default :data:`DEFAULT_MAX_ROWS`
        Rows kept at most; every row is kept if the folder has fewer.
    seed : int, default 0
        Same seed, same folder: same sample (whatever ``chunk_rows``).
    chunk_rows : int, default 100000
        Rows read at a time.

    Returns
    -------
    Sample

    Raises
    ------
    ValueError
        A missing folder, an unreadable file, or rows that break the contract
        (named by file and by line or row, as ``xieshang check`` numbers them).
    """
    from .checks import check_int

    max_rows = check_int(max_rows, "max_rows", low=1)
    seed = check_int(seed, "seed", low=0)
    chunk_rows = check_int(chunk_rows, "chunk_rows", low=1)
    root = Path(folder)
    if root.is_file():  # one file: sampled the same way
        from .files import table_format

        table_format(root)
        root, files = root.parent, [root]
    else:
        files = data_files(root)
    pools = {0: _Reservoir(max_rows), 1: _Reservoir(max_rows)}
    counts = {0: 0, 1: 0}
    read = peak = 0
    truth_everywhere = True
    for i, path in enumerate(files):
        name = path.relative_to(root).as_posix()
        for df, start in _chunks(path, chunk_rows):
            if len(df) == 0:
                continue
            clean = _clean(df, path, start)
            truth_everywhere &= TRUTH in clean.columns
            clean.index = pd.MultiIndex.from_arrays([np.full(len(clean), i), clean.index], names=["file", "row"])
            keys = sample_keys(seed, name, np.arange(start, start + len(clean)))
            y = clean[LABEL].to_numpy()
            for label, pool in pools.items():
                mask = y == label
                counts[label] += int(mask.sum())
                if mask.any():
                    pool.add(keys[mask], clean[mask])
            read += len(clean)
            peak = max(peak, sum(p.held for p in pools.values()) + len(clean))
    if read == 0:
        raise ValueError(f"{root}: the files hold no rows; expected at least one")
    quota = _allocate(counts, max_rows)
    parts = []
    for label, pool in pools.items():
        pool.keep(quota[label])
        parts.extend(pool.frames)
    frame = pd.concat(parts).sort_index()
    if not truth_everywhere and TRUTH in frame.columns:
        frame = frame.drop(columns=TRUTH)  # a truth known for only some rows would mislead the reports
    names = np.array([f.relative_to(root).as_posix() for f in files], dtype=object)
    frame.index = pd.MultiIndex.from_arrays([names[frame.index.get_level_values("file").to_numpy()],
                                             frame.index.get_level_values("row")], names=["file", "row"])
    return Sample(frame, read, len(frame), len(files), counts, peak)


def checked_sample(data: str | os.PathLike, max_rows: int = DEFAULT_MAX_ROWS, seed: int = 0, *,
                   test_size: float = 0.2) -> tuple[Sample, Any]:
    """The sample ``xieshang train --data DATA --max-rows N --seed S`` trains on, and the data check of it.

    ``xieshang check`` of a folder (or of a file with ``--max-rows``) calls
    this too, so it reports exactly what training saw.

    Returns
    -------
    (Sample, xieshang.check.CheckReport)
        The report checks the sample as training does (``approved`` required).

    Raises
    ------
    ValueError
        As :func:`sample_dataset`: rows that break the contract are named by file and line.
    """
    from .check import check_frame

    sample = sample_dataset(data, max_rows, seed)
    df = sample.frame.reset_index(drop=True)
    return sample, check_frame(df, require_label=True, test_size=test_size, source=f"{data} (sample)")
