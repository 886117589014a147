"""Tables read in chunks and written back with every column as it came: CSV, Parquet, Excel.

:func:`open_source` opens a file (its format told by its first bytes, else
its extension) as a :class:`Source` whose :meth:`Source.chunks` yield
:class:`Chunk` objects: ``frame`` (pandas, indexed by the file line for a
CSV, the sheet row for a workbook, the row from 1 for Parquet) for the
model, and for Parquet the Arrow ``batch`` itself. :func:`open_sink` writes
chunks plus new columns:

* Parquet to Parquet passes the Arrow data through untouched (every type:
  nullable integers, 19-digit ids with nulls, decimals, strings, booleans,
  time-zone datetimes; the pandas index, any kind; column names as written)
  and adds the new columns to the file's pandas metadata;
* a CSV's cells stay their text in any output format (a Parquet ``string``);
* a text output keeps the input's encoding, BOM, separator and line ending,
  unless an output encoding is given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .delimited import DelimitedLayout, DelimitedReader, DelimitedWriter
from .encodings import TextEncoding, check_encoding
from .files import table_format

__all__ = ["Chunk", "Source", "open_source", "open_sink", "content_format", "nullable_frame", "model_view", "decimal_commas"]

_MAGIC = {b"PAR1": "parquet", b"PK\x03\x04": "xlsx"}


def content_format(path: str | os.PathLike) -> str:
    """The format of a file from its first bytes (Parquet, a zip = xlsx), else from its extension."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
    except OSError:
        head = b""
    return _MAGIC.get(head) or table_format(p)


@dataclass
class Chunk:
    """Rows of a source: ``frame`` for the model and text outputs, ``batch`` (Arrow) for a Parquet input."""

    frame: pd.DataFrame
    done: float
    batch: Any = None


def nullable_frame(batch: Any) -> pd.DataFrame:
    """An Arrow batch as pandas, integer and boolean columns with nulls as pandas' nullable types.

    Never a rounded float: a 19-digit id in an ``int64`` column with nulls
    (as Spark, polars or pandas' ``Int64`` write it) comes back exactly.
    """
    import pyarrow as pa

    nullable = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}
    df = batch.to_pandas(ignore_metadata=True)
    for i, (field, arr) in enumerate(zip(batch.schema, batch.columns)):
        if field.type in nullable and arr.null_count:
            df.isetitem(i, arr.to_pandas(types_mapper=nullable.get).array)
    return df


_DECIMAL_COMMA = r"^\s*[-+]?\d+,\d+\s*$"


def decimal_commas(frame: pd.DataFrame, sep: str | None) -> pd.DataFrame:
    """``frame`` with ``1234,5`` read as ``1234.5`` in its contract columns when the file is ``;``-separated.

    A ``;``-separated file is what a spreadsheet writes where the comma is
    the decimal mark. Only the model's reading changes: outputs keep every
    cell as written. Other separators: ``frame`` itself.
    """
    from .headers import canonical_name

    if sep != ";":
        return frame
    out = frame
    for i, name in enumerate(frame.columns):
        col = frame.iloc[:, i]
        if canonical_name(name) is None or not (col.dtype == object or isinstance(col.dtype, pd.StringDtype)):
            continue
        text = col.astype(str)
        comma = text.str.match(_DECIMAL_COMMA).fillna(False).to_numpy(bool)
        if comma.any():
            out = out.copy() if out is frame else out
            out.isetitem(i, col.where(~comma, text.str.replace(",", ".", regex=False)))
    return out


def model_view(frame: pd.DataFrame, sep: str | None = None) -> pd.DataFrame:
    """The columns the model reads (contract headers in any spelling), for validation; the rest stay out.

    Decimal commas of a ``;``-separated file are read as decimals (:func:`decimal_commas`).

    Raises
    ------
    ValueError
        If two headers mean one contract column, naming both and their positions.
    """
    from .headers import canonical_name, column_mapping

    column_mapping(frame.columns)
    return decimal_commas(frame.loc[:, [canonical_name(c) is not None for c in frame.columns]], sep)


class Source:
    """A table file opened for reading in chunks (see :func:`open_source`)."""

    def __init__(self, path: Path, fmt: str, *, encoding: str | None = None, sep: str | None = None):
        self.path, self.format = path, fmt
        self.layout: DelimitedLayout | None = None
        self.schema: Any = None
        if fmt == "csv":
            self._reader: Any = DelimitedReader(path, encoding=encoding, sep=sep)
            self.layout = self._reader.layout
        elif fmt == "xlsx":
            from .excel import XlsxReader

            self._reader = XlsxReader(path)
        else:
            import pyarrow.parquet as pq

            try:
                self._reader = pq.ParquetFile(path)
                self.schema = self._reader.schema_arrow
            except Exception as exc:  # pyarrow's own error types
                raise ValueError(f"{path}: cannot read as parquet ({_first_line(exc)}); expected a Parquet file "
                                 "written by pandas, Spark, polars or DuckDB (无法按 Parquet 读取)") from None

    @property
    def unit(self) -> str:
        """What a chunk's index counts: ``"line"`` (CSV, sheet rows) or ``"row"`` (Parquet, from 1)."""
        return "row" if self.format == "parquet" else "line"

    @property
    def total(self) -> float | None:
        """The progress figure at the end: bytes (CSV), rows (Parquet), ``None`` when unknown."""
        if self.format == "csv":
            return float(os.path.getsize(self.path))
        if self.format == "parquet":
            return float(self._reader.metadata.num_rows)
        return None

    def describe(self, lang: str = "en") -> str:
        """How the file was read, for a report: format, and a text file's encoding and separator."""
        if self.layout is not None:
            return ("CSV，" if lang == "zh" else "CSV, ") + self.layout.describe(lang)
        if self.format == "xlsx":
            return f"Excel 工作表 {self._reader.sheet_name!r}" if lang == "zh" else f"Excel, sheet {self._reader.sheet_name!r}"
        return "Parquet"

    def close(self) -> None:
        """Let go of the file (a workbook stays open until read through otherwise)."""
        if self.format == "xlsx":
            self._reader.close()

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        """The file's rows, ``chunk_rows`` at a time."""
        if self.format != "parquet":
            for frame, done in self._reader.chunks(chunk_rows):
                yield Chunk(frame, done)
            return
        offset = 1
        try:
            for batch in self._reader.iter_batches(batch_size=chunk_rows):
                frame = nullable_frame(batch)
                frame.index = pd.RangeIndex(offset, offset + len(frame))
                offset += len(frame)
                yield Chunk(frame, float(offset - 1), batch)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path}: cannot read as parquet near row {offset} ({_first_line(exc)}); "
                             "expected an undamaged file: write it again (Parquet 文件已损坏)") from None
        if offset == 1:  # no row groups: one empty chunk, so the columns are still known
            yield Chunk(nullable_frame(self.schema.empty_table()), 0.0, self.schema.empty_table())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_source(path: str | os.PathLike, *, encoding: str | None = None, sep: str | None = None) -> Source:
    """Open a CSV (any encoding and separator), Parquet or ``.xlsx`` file for reading.

    Raises
    ------
    ValueError
        If the file is missing, a directory, of another format, or cannot be read.
    """
    p = Path(path)
    if p.is_dir():
        raise ValueError(
            f"{p}: is a directory, not a file; expected one .csv, .parquet or .xlsx file: for a folder of "
            "Parquet parts (as Spark writes), give one part file, or combine them first "
            "(这是一个文件夹，不是文件：请给出其中的一个文件)")
    if not p.exists():
        raise ValueError(f"{p}: no such file; expected the path of a .csv, .parquet or .xlsx file (文件不存在)")
    if encoding is not None:
        check_encoding(encoding)
    return Source(p, content_format(p), encoding=encoding, sep=sep)


# -- writing ----------------------------------------------------------------------------------


def _text_frame(source: Source, chunk: Chunk) -> pd.DataFrame:
    """A chunk as the columns a text or Excel output shows: a Parquet index under its name, as pandas writes it."""
    frame = chunk.frame
    if source.format != "parquet":
        return frame
    meta = (source.schema.pandas_metadata or {}) if source.schema is not None else {}
    names = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])}
    index = meta.get("index_columns", [])
    headers = [("" if names.get(c) is None else str(names[c])) if c in index else c for c in frame.columns]
    frame = frame.set_axis(pd.Index(headers, dtype=object), axis=1)
    ranges = [r for r in index if isinstance(r, dict) and r.get("kind") == "range"]
    for r in ranges:
        if r.get("start", 0) != 0 or r.get("step", 1) != 1 or r.get("name") is not None:
            first = int(chunk.frame.index[0]) - 1 if len(frame) else 0
            values = r["start"] + r["step"] * np.arange(first, first + len(frame))
            frame = frame.copy()
            frame.insert(0, "" if r.get("name") is None else str(r["name"]), values, allow_duplicates=True)
    return frame


class _Sink:
    def __init__(self, path: Path, fmt: str, source: Source, out_encoding: str | None):
        self.path, self.format, self.source = path, fmt, source
        self._writer: Any = None
        self._schema: Any = None
        self._meta: bytes | None = None
        if fmt == "csv":
            layout = source.layout or DelimitedLayout(TextEncoding("utf-8"), ",", "\n")
            if out_encoding is not None:
                name = check_encoding(out_encoding)
                bom = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": b"\xff\xfe"}.get(name, b"")
                name = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}.get(name, name)
                layout = DelimitedLayout(TextEncoding(name, bom, False), layout.sep, layout.newline)
            self._writer = DelimitedWriter(path, layout)
        elif fmt == "xlsx":
            from .excel import XlsxWriter

            self._writer = XlsxWriter(path)

    def write(self, chunk: Chunk, new: dict[str, Any]) -> None:
        if self.format == "parquet":
            self._write_parquet(chunk, new)
            return
        frame = _text_frame(self.source, chunk)
        keep = [c not in new for c in frame.columns]
        out = frame.loc[:, keep] if not all(keep) else frame.copy()
        for name, values in new.items():
            out.insert(out.shape[1], name, values, allow_duplicates=True)
        self._writer.write(out)

    def _write_parquet(self, chunk: Chunk, new: dict[str, Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if isinstance(chunk.batch, pa.Table):
            base = chunk.batch
        elif chunk.batch is not None:
            base = pa.Table.from_batches([chunk.batch], schema=chunk.batch.schema)
        else:  # text or sheet cells: strings, one type per column whatever a chunk holds
            arrays = [pa.array([None if v is None else v if isinstance(v, str) else str(v) for v in col],
                               type=pa.string()) for col in (chunk.frame.iloc[:, i] for i in range(chunk.frame.shape[1]))]
            base = pa.Table.from_arrays(arrays, names=[str(c) for c in chunk.frame.columns])
        names = [n for n in base.column_names if n not in new]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:  # pyarrow and pandas cannot read such a file back: refuse rather than write a trap
            raise ValueError(
                f"{self.source.path}: the column name(s) {', '.join(map(repr, twice))} appear more than once, which a "
                "Parquet file cannot hold readably; expected unique names in a Parquet output: write a .csv or .xlsx "
                "output (names kept as written), or rename the columns (Parquet 不能有同名的列：请输出 .csv 或 .xlsx)"
            )
        keep = [i for i, name in enumerate(base.column_names) if name not in new]
        base = base.select(keep)
        added = pa.Table.from_pandas(pd.DataFrame(new), preserve_index=False)
        table = pa.Table.from_arrays(base.columns + added.columns, names=base.column_names + added.column_names)
        if self._writer is None:
            self._meta = _merged_pandas_metadata(base.schema, added.schema)
            table = table.replace_schema_metadata({b"pandas": self._meta} if self._meta else None)
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.path, self._schema)
        else:
            table = table.replace_schema_metadata(self._schema.metadata)
            if table.schema != self._schema:
                table = table.cast(self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        elif self.format == "parquet":  # not a single chunk: nothing to write
            pass


def _merged_pandas_metadata(base: Any, added: Any) -> bytes | None:
    """The input's pandas metadata with the new columns listed, so pandas reads every type and the index back."""
    meta = base.pandas_metadata
    if not meta:
        return None
    new_cols = [c for c in (added.pandas_metadata or {}).get("columns", []) if c.get("field_name") in added.names]
    index = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    data = [c for c in meta.get("columns", []) if c.get("field_name") in base.names and c.get("field_name") not in index]
    idx = [c for c in meta.get("columns", []) if c.get("field_name") in index]
    meta = dict(meta, columns=data + new_cols + idx)
    return json.dumps(meta).encode()


def open_sink(path: str | os.PathLike, fmt: str, source: Source, *, out_encoding: str | None = None) -> _Sink:
    """A writer of ``source``'s chunks plus new columns to ``path`` in ``fmt`` ("csv", "parquet" or "xlsx").

    A CSV output takes the input CSV's encoding, BOM, separator and line ending (UTF-8, ``,``
    for another input), or ``out_encoding`` (``utf-8-sig`` and ``utf-16`` write a BOM).
    """
    return _Sink(Path(path), fmt, source, out_encoding)
