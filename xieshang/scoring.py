"""Score a CSV, Parquet or Excel file chunk by chunk: bounded memory, a progress bar, an atomic write.

:func:`score_file` backs ``xieshang predict``. It reads ``chunk_rows`` rows at a
time (:mod:`xieshang.tables`: pyarrow batches for Parquet, the file's own
encoding and separator for CSV, streamed rows for ``.xlsx``), adds the
model's probability to each row (and, with ``explain=True``, the top reason
and the best option from :func:`xieshang.explain.explain_frame`), and streams the
result into a temporary file that replaces the output only when every chunk
succeeded. Memory is bounded by the chunk size, not by the file size.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from .checks import check_int
from .files import atomic_path, check_output, refuse_same_file, table_format
from .partition import (
    BEST_ACTION,
    BEST_ACTION_PROBABILITY,
    PLAN_AFFORDABLE,
    PROBABILITY,
    TOP_REASON,
    added_columns,
)
from .tables import model_view, open_sink, open_source

__all__ = ["score_file", "PROBABILITY", "TOP_REASON", "BEST_ACTION", "BEST_ACTION_PROBABILITY", "PLAN_AFFORDABLE"]


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


def _release_arrow_memory() -> None:
    """Give Arrow's cached allocations back to the system so memory stays flat across chunks."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - older pyarrow
        pass


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
    encoding: str | None = None,
    sep: str | None = None,
    out_encoding: str | None = None,
    no_clobber: bool = False,
) -> int:
    """Add the approval probability to every row of ``src`` and write ``dst``.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    src, dst : path
        ``.csv`` (any encoding and separator), ``.parquet`` or ``.xlsx`` (each
        independently), never the same file (refused before anything is read
        or written). Columns outside the contract (ids...) come back exactly
        as read, under their names as written: a CSV's as its text (``00017``
        stays ``00017``, ``NA`` stays ``NA``), a Parquet file's with their
        Arrow types and the file's pandas index, any kind (into a Parquet
        output: untouched); an existing ``probability`` column is replaced.
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
    encoding, sep : str, optional
        The input text's encoding and separator (detected and sniffed when not given).
    out_encoding : str, optional
        A text output's encoding (default: the input CSV's, with its BOM; UTF-8 otherwise).
    no_clobber : bool, default False
        Refuse an existing ``dst`` (a read-only ``dst`` is always refused).

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
    table_format(src)
    fmt_out = table_format(dst)
    refuse_same_file(src, dst)
    check_output(dst, no_clobber=no_clobber)
    chunk_rows = check_int(chunk_rows, "chunk_rows", low=1)
    if explain:
        from .explain import check_target
        from .text import check_lang

        target, lang = check_target(target), check_lang(lang)
    source = open_source(src, encoding=encoding, sep=sep)
    bar = _Progress(source.total, "rows", progress)
    try:
        n = _score_chunks(model, source, dst, fmt_out, chunk_rows, explain, target, lang, bar, out_encoding)
    except BaseException:
        bar.abort()
        raise
    bar.close()
    return n


def _score_chunks(model: Any, source: Any, dst: Path, fmt_out: str, chunk_rows: int, explain: bool,
                  target: float, lang: str, bar: _Progress, out_encoding: str | None) -> int:
    n = 0
    with atomic_path(dst) as tmp:
        sink = open_sink(tmp, fmt_out, source, out_encoding=out_encoding)
        try:
            for chunk in source.chunks(chunk_rows):
                view = model_view(chunk.frame, source.layout.sep if source.layout else None)
                try:  # the same code as every engine's partitions (xieshang.partition)
                    new = added_columns(view, model, explain, target=target, lang=lang)
                except ValueError as exc:
                    unit = ("lines of the file, the header being line 1" if source.unit == "line"
                            else "rows from 1")
                    raise ValueError(f"{source.path}: {exc} (numbered as {unit}, as `xieshang check` shows them)") from None
                sink.write(chunk, new)
                n += len(chunk.frame)
                bar.update(len(chunk.frame), chunk.done)
                del view, chunk
                _release_arrow_memory()
        finally:
            sink.close()
        if n == 0:
            raise ValueError(f"{source.path}: no rows; expected at least one (文件没有数据行)")
    return n
