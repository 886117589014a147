"""Score a CSV or Parquet file chunk by chunk: bounded memory, a progress bar, an atomic write.

:func:`score_file` backs ``xieshang predict``. It reads ``chunk_rows`` rows at a
time (pyarrow batches for Parquet, pandas ``chunksize`` for CSV), adds the
model's probability to each row (and, with ``explain=True``, the top reason
and the best option from :func:`xieshang.explain.explain_frame`), and streams the
result into a temporary file that replaces the output only when every chunk
succeeded. Memory is bounded by the chunk size, not by the file size.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .checks import check_int
from .files import atomic_path, refuse_same_file, table_format
from .validation import validate_frame

__all__ = ["score_file", "PROBABILITY", "TOP_REASON", "BEST_ACTION", "BEST_ACTION_PROBABILITY", "PLAN_AFFORDABLE"]

PROBABILITY = "probability"
TOP_REASON = "top_reason"
BEST_ACTION = "best_action"
BEST_ACTION_PROBABILITY = "best_action_probability"
PLAN_AFFORDABLE = "plan_affordable"


class _Progress:
    """A one-line progress bar on a stream (stderr), redrawn at most a few times a second."""

    def __init__(self, total: float | None, unit: str, stream: TextIO | None, every: float = 0.25):
        self.total, self.unit, self.stream, self.every = total, unit, stream, every
        self.start = self.last = time.perf_counter()
        self.rows = 0
        self.drawn = False

    def update(self, rows: int, done: float | None = None, force: bool = False) -> None:
        self.rows += rows
        now = time.perf_counter()
        if self.stream is None or (not force and now - self.last < self.every):
            return
        self.last = now
        rate = self.rows / max(now - self.start, 1e-9)
        if self.total:
            frac = min(1.0, (done if done is not None else self.rows) / self.total)
            bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
            head = f"[{bar}] {frac:4.0%} "
        else:
            head = ""
        self.stream.write(f"\r{head}{self.rows:,} rows  {rate:,.0f} rows/s ")
        self.stream.flush()
        self.drawn = True

    def abort(self) -> None:
        """End a bar already drawn with a newline, so an error message gets a line of its own."""
        if self.stream is not None and self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.update(0, self.total, force=True)
            self.stream.write("\n")
            self.stream.flush()


_CSV_FIRST_LINE = 2
"""File line of a CSV's first data row (after the header line)."""


def _chunks(path: Path, fmt: str, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
    """Yield (chunk, progress so far in the unit of :func:`_total`), every value as it is in the file.

    A CSV is read as text (``dtype=str``, no "NA" guessing), so columns
    outside the contract are written back verbatim and keep one type in
    every chunk; validation parses the contract's columns. A Parquet chunk
    has the file's types, with the file's index columns as plain columns
    (they are made the index again on output). Each chunk's index is what
    error messages quote, numbered as ``xieshang check`` numbers them: the
    file line for a CSV (the header is line 1), the 1-based row for Parquet.
    """
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow's own error types
            raise ValueError(f"{path}: cannot read as parquet: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        offset = 1
        for batch in pf.iter_batches(batch_size=chunk_rows):
            df = batch.to_pandas(ignore_metadata=True)
            df.index = pd.RangeIndex(offset, offset + len(df))
            offset += len(df)
            yield df, offset - 1
    else:
        with open(path, "rb") as fh:
            try:
                reader = pd.read_csv(fh, chunksize=chunk_rows, dtype=str, keep_default_na=False)
                for df in reader:
                    df.index += _CSV_FIRST_LINE  # pandas numbers a chunk's rows from 0, the file's data from line 2
                    yield df, fh.tell()
            except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
                raise ValueError(f"{path}: cannot read as csv: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _index_columns(path: Path, fmt: str) -> list[str]:
    """The columns a Parquet input stored as its pandas index (none for a CSV)."""
    if fmt != "parquet":
        return []
    import pyarrow.parquet as pq

    from .files import parquet_index_columns

    try:
        return parquet_index_columns(pq.ParquetFile(path).schema_arrow)
    except Exception:  # unreadable: _chunks words the error
        return []


def _release_arrow_memory() -> None:
    """Give Arrow's cached allocations back to the system so memory stays flat across chunks."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - older pyarrow
        pass


def _total(path: Path, fmt: str) -> float | None:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return float(pq.ParquetFile(path).metadata.num_rows)
        except Exception:
            return None
    return float(os.path.getsize(path))


def _explain_columns(model: Any, clean: pd.DataFrame, target: float, lang: str) -> dict[str, list[Any]]:
    from .explain import explain_frame

    out: dict[str, list[Any]] = {TOP_REASON: [], BEST_ACTION: [], BEST_ACTION_PROBABILITY: [], PLAN_AFFORDABLE: []}
    for exp in explain_frame(model, clean, target=target, lang=lang):
        out[TOP_REASON].append(exp.reasons[0].text if exp.reasons else "")
        best = exp.best
        # An option always leaves an affordable plan; none where no plan is (plan_affordable says so).
        out[BEST_ACTION].append("" if best is None else best.text)
        out[BEST_ACTION_PROBABILITY].append(best.probability if best else exp.probability)
        out[PLAN_AFFORDABLE].append(bool(best.affordable) if best else exp.gap is None)
    return out


def score_file(
    model: Any,
    src: str | os.PathLike,
    dst: str | os.PathLike,
    *,
    chunk_rows: int = 100_000,
    explain: bool = False,
    target: float = 0.6,
    lang: str = "zh",
    progress: TextIO | None = sys.stderr,
) -> int:
    """Add the approval probability to every row of ``src`` and write ``dst``.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    src, dst : path
        ``.csv`` or ``.parquet`` (each independently), never the same file
        (refused before anything is read or written). Columns outside the
        contract (ids...) come back exactly as read: a CSV's as its text
        (``00017`` stays ``00017``, ``NA`` stays ``NA``), a Parquet file's
        with their types and the file's index (``customer_id``...); an
        existing ``probability`` column is replaced.
    chunk_rows : int, default 100000
        Rows per chunk: peak memory grows with this, not with the file.
    explain : bool, default False
        Also add ``top_reason``, ``best_action``, ``best_action_probability``
        and ``plan_affordable`` (whether the plan after the best option, or as
        it is without one, satisfies :func:`xieshang.rules.affordable`; an
        option always leaves an affordable plan) (:func:`xieshang.explain.explain_frame`
        on each chunk: the applicants' candidate rows share the model calls,
        a few milliseconds per row).
    target, lang
        Passed to the explanation.
    progress : text stream or None, default sys.stderr
        Where the progress bar goes; ``None`` for silence.

    Returns
    -------
    int
        Number of rows written.

    Raises
    ------
    ValueError
        Missing or unreadable input, bad extension, or rows that break the
        contract (the error names the rows as ``xieshang check`` numbers them:
        file lines for a CSV, rows from 1 for Parquet; the output is left untouched).
    """
    src, dst = Path(src), Path(dst)
    fmt_in, fmt_out = table_format(src), table_format(dst)
    refuse_same_file(src, dst)
    if not src.exists() or src.is_dir():
        raise ValueError(f"{src}: no such file")
    chunk_rows = check_int(chunk_rows, "chunk_rows", low=1)
    if explain:
        from .explain import check_target
        from .text import check_lang

        target, lang = check_target(target), check_lang(lang)
    bar = _Progress(_total(src, fmt_in), "rows", progress)
    try:
        n = _score_chunks(model, src, dst, fmt_in, fmt_out, chunk_rows, explain, target, lang, bar)
    except BaseException:
        bar.abort()
        raise
    bar.close()
    return n


def _score_chunks(model: Any, src: Path, dst: Path, fmt_in: str, fmt_out: str, chunk_rows: int, explain: bool,
                  target: float, lang: str, bar: _Progress) -> int:
    n = 0
    index_cols = _index_columns(src, fmt_in)
    with atomic_path(dst) as tmp:
        writer = None
        schema = None
        try:
            for chunk, done in _chunks(src, fmt_in, chunk_rows):
                try:
                    clean = validate_frame(chunk)
                except ValueError as exc:
                    unit = "lines of the file, the header being line 1" if fmt_in == "csv" else "rows from 1"
                    raise ValueError(f"{src}: {exc} (numbered as {unit}, as `xieshang check` shows them)") from None
                p = np.asarray(model.predict_proba(clean), dtype=float)[:, 1]
                out = chunk.copy()
                out[PROBABILITY] = p
                if explain:
                    for k, v in _explain_columns(model, clean, target, lang).items():
                        out[k] = v
                if fmt_out == "csv":  # the input's index columns are ordinary columns of a CSV
                    out.to_csv(tmp, mode="w" if n == 0 else "a", header=n == 0, index=False)
                else:
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    if index_cols:  # the input's index (customer_id...) stays the index
                        out = out.set_index(index_cols)
                    table = pa.Table.from_pandas(out, preserve_index=bool(index_cols))
                    if writer is None:
                        schema = table.schema
                        writer = pq.ParquetWriter(tmp, schema)
                    elif table.schema != schema:
                        try:
                            table = table.cast(schema)
                        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
                            raise ValueError(
                                f"{src}: column types change between chunks ({str(exc).splitlines()[0]}); "
                                "write a .csv output or fix the input's types"
                            ) from None
                    writer.write_table(table)
                n += len(chunk)
                bar.update(len(chunk), done)
                del out, clean, chunk
                _release_arrow_memory()
        finally:
            if writer is not None:
                writer.close()
        if n == 0:
            raise ValueError(f"{src}: no rows; expected at least one")
    return n
