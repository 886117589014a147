"""Delimited text files (CSV, TSV...) read as people save them and written back the same way.

:class:`DelimitedReader` reads a file in the encoding and with the separator
:mod:`xieshang.encodings` finds (or the user names), every cell as its text,
every header as written (duplicates and empty names kept), and numbers each
row by the file line it starts on (the header is line 1), through quoted
cells that span lines and blank lines. A row with more or fewer fields than
the header is an error naming its line, never a shifted frame.

:class:`DelimitedWriter` writes rows with the same encoding, BOM, separator
and line ending, unless told otherwise.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .encodings import SAMPLE_BYTES, TextEncoding, detect_encoding, separator_name, sniff_separator

__all__ = ["DelimitedLayout", "DelimitedReader", "DelimitedWriter", "ragged_message"]

csv.field_size_limit(1 << 27)  # a long note or JSON in one cell is data, not an attack (128 MiB per cell)
_SHOWN = 5  # lines quoted per error


@dataclass(frozen=True)
class DelimitedLayout:
    """How a delimited file is written: encoding (with its BOM), separator and line ending."""

    encoding: TextEncoding
    sep: str
    newline: str = "\n"

    def describe(self, lang: str = "en") -> str:
        """``"GB18030, separator ';'"`` (or in Chinese), as the check's report says it."""
        sep = separator_name(self.sep)
        if lang == "zh":
            return f"编码 {self.encoding.label_zh}，分隔符 {'制表符' if self.sep == chr(9) else sep}"
        return f"encoding {self.encoding.label}, separator {sep}"


def ragged_message(header_fields: int, bad: list[tuple[int, int]], total: int) -> str:
    """The error for rows whose field count differs from the header's, naming their lines."""
    shown = ", ".join(f"line {line} has {n}" for line, n in bad[:_SHOWN])
    shown_zh = "、".join(f"第 {line} 行有 {n} 个" for line, n in bad[:_SHOWN])
    more = f" and {total - _SHOWN} more" if total > _SHOWN else ""
    return (
        f"{total} row(s) do not have the header's {header_fields} fields ({shown}{more}); expected every line to "
        "have as many fields as the header: a separator at the end of a line, or one inside an unquoted value "
        "(a decimal comma, a comma in a name), shifts every value after it; quote such values or remove the extra "
        f"separator, then try again (有 {total} 行的字段数与表头的 {header_fields} 个不同：{shown_zh}；"
        "请检查行尾多余的分隔符或未加引号的逗号)"
    )


class DelimitedReader:
    """Read a delimited text file in chunks of rows, every value as its text.

    Parameters
    ----------
    path : path
        The file.
    encoding : str, optional
        Its encoding; detected when not given (:func:`xieshang.encodings.detect_encoding`).
    sep : str, optional
        Its separator; sniffed when not given (:func:`xieshang.encodings.sniff_separator`).

    Raises
    ------
    ValueError
        If the encoding cannot be told or the file has no header line.
    """

    def __init__(self, path: str | os.PathLike, *, encoding: str | None = None, sep: str | None = None):
        self.path = Path(path)
        with open(self.path, "rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
        try:
            enc = detect_encoding(sample, encoding)
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from None
        text = sample[len(enc.bom):].decode(enc.name, errors="ignore")
        if sep is not None and len(sep) != 1:
            raise ValueError(f"--sep {sep!r}: expected one character such as ',' ';' '|' or a tab "
                             "(分隔符只能是一个字符)")
        newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
        self.layout = DelimitedLayout(enc, sep or sniff_separator(text), newline)

    def chunks(self, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
        """Yield (rows as text indexed by their file line, bytes read so far).

        A file without a quote character has one record per line: its lines
        are counted and split by pandas' C parser (about four times faster);
        any other file goes through Python's :mod:`csv`, which follows quoted
        cells across lines. Both give the same cells and line numbers.
        """
        if self._has_quotes():
            yield from self._quoted_chunks(chunk_rows)
        else:
            yield from self._plain_chunks(chunk_rows)

    def _has_quotes(self) -> bool:
        with open(self.path, "rb") as fh:
            while block := fh.read(1 << 24):
                if b'"' in block:
                    return True
        return False

    def _plain_chunks(self, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
        enc, sep = self.layout.encoding, self.layout.sep
        with open(self.path, "rb") as raw:
            raw.seek(len(enc.bom))
            text = io.TextIOWrapper(raw, encoding=enc.name, errors="strict", newline="")
            header: list[str] | None = None
            line = 0  # lines read so far
            yielded = False
            while True:
                try:
                    block = list(itertools.islice(text, chunk_rows))
                except UnicodeDecodeError as exc:
                    raise ValueError(self._decode_message(line + 1, exc)) from None
                if not block:
                    break
                cells = [text_line.rstrip("\r\n") for text_line in block]
                numbers = np.arange(line + 1, line + 1 + len(block))
                line += len(block)
                keep = np.fromiter((c != "" for c in cells), dtype=bool, count=len(cells))
                if header is None:
                    if not keep.any():
                        continue
                    first = int(np.argmax(keep))
                    header = cells[first].split(sep)
                    keep[: first + 1] = False
                counts = np.fromiter((c.count(sep) for c in cells), dtype=np.int64, count=len(cells)) + 1
                bad = keep & (counts != len(header))
                if bad.any():
                    shown = list(zip(numbers[bad].tolist(), counts[bad].tolist()))
                    raise ValueError(f"{self.path}: {ragged_message(len(header), shown, int(bad.sum()))}")
                if keep.any():
                    kept = [c for c, k in zip(cells, keep) if k]
                    yield self._parse(header, kept, numbers[keep]), float(raw.tell())
                    yielded = True
            if header is None:
                raise ValueError(f"{self.path}: cannot read as csv: the file is empty (no header line); expected a "
                                 "first line naming the columns (文件没有表头：第一行应为列名)")
            if not yielded:
                yield self._frame(header, [], []), float(raw.tell())

    def _parse(self, header: list[str], lines: list[str], numbers: np.ndarray) -> pd.DataFrame:
        """Lines without quotes, each with the header's field count, split by pandas' C parser."""
        body = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass"))
        df = pd.read_csv(body, sep=self.layout.sep, header=None, names=list(range(len(header))), dtype=str,
                         keep_default_na=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_NONE,
                         encoding="utf-8", encoding_errors="surrogatepass")
        df.index = pd.Index(numbers.astype(np.int64))
        df.columns = pd.Index(header)
        return df

    def _decode_message(self, line: int, exc: UnicodeDecodeError) -> str:
        enc = self.layout.encoding
        return (f"{self.path}: near line {line}: bytes that are not {enc.label} ({exc.reason}); expected one "
                "encoding for the whole file: save it again as UTF-8, or name its encoding with --encoding "
                f"(第 {line} 行附近有不是 {enc.label_zh} 的字节：请把文件另存为 UTF-8，或用 --encoding 指明编码)")

    def _quoted_chunks(self, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
        enc = self.layout.encoding
        with open(self.path, "rb") as raw:
            raw.seek(len(enc.bom))
            text = io.TextIOWrapper(raw, encoding=enc.name, errors="strict", newline="")
            reader = csv.reader(text, delimiter=self.layout.sep)
            rows: list[list[str]] = []
            lines: list[int] = []
            header: list[str] | None = None
            last = 0  # the line the previous record ended on
            yielded = False
            for record in self._records(reader):
                start, last = last + 1, reader.line_num
                if not record:
                    continue  # a blank line
                if header is None:
                    header = record
                    continue
                rows.append(record)
                lines.append(start)
                if len(rows) >= chunk_rows:
                    yield self._frame(header, rows, lines), float(raw.tell())
                    rows, lines, yielded = [], [], True
            if header is None:
                raise ValueError(f"{self.path}: cannot read as csv: the file is empty (no header line); expected a first line naming the columns "
                                 "(文件没有表头：第一行应为列名)")
            if rows or not yielded:
                yield self._frame(header, rows, lines), float(raw.tell())

    def _records(self, reader: Any) -> Iterator[list[str]]:
        """The reader's records, its errors worded with the line they happened on."""
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise ValueError(self._decode_message(reader.line_num + 1, exc)) from None
            except csv.Error as exc:
                raise ValueError(
                    f"{self.path}: line {reader.line_num}: cannot be read as delimited text ({exc}); expected "
                    f"text separated by {separator_name(self.layout.sep)}: fix that line "
                    f"(第 {reader.line_num} 行无法按分隔文本读取)"
                ) from None

    def _frame(self, header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
        width = len(header)
        bad = [(line, len(r)) for line, r in zip(lines, rows) if len(r) != width]
        if bad:
            raise ValueError(f"{self.path}: {ragged_message(width, bad, len(bad))}")
        cells = np.array(rows, dtype=object) if rows else np.empty((0, width), dtype=object)
        df = pd.DataFrame(cells.reshape(len(rows), width), index=pd.Index(np.asarray(lines, dtype=np.int64)), dtype=str)
        df.columns = pd.Index(header)
        return df


class DelimitedWriter:
    """Write frames to a delimited text file with a given layout (encoding, BOM, separator, line ending).

    Call :meth:`write` once per chunk (the first writes the header) and
    :meth:`close` at the end.
    """

    def __init__(self, path: str | os.PathLike, layout: DelimitedLayout):
        self.layout = layout
        self._raw = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._raw.write(layout.encoding.bom)
        self._text = io.TextIOWrapper(self._raw, encoding=layout.encoding.name, errors="strict", newline="")
        self._header = True

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df`` (its index is not written).

        Raises
        ------
        ValueError
            If a value cannot be written in the output's encoding.
        """
        try:
            df.to_csv(self._text, sep=self.layout.sep, lineterminator=self.layout.newline, header=self._header,
                      index=False)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else "?"
            enc = self.layout.encoding
            raise ValueError(
                f"the output cannot hold {bad!r} in {enc.label} (the input's encoding); expected text that "
                f"encoding can write: give --out-encoding utf-8 (输出编码 {enc.label_zh} 写不了 {bad!r}："
                "请加 --out-encoding utf-8)"
            ) from None
        self._header = False

    def close(self) -> None:
        """Flush and close the file."""
        try:
            self._text.close()
        finally:
            self._raw.close()
