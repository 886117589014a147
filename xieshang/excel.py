"""Excel workbooks (``.xlsx``) read and written through openpyxl, the optional ``excel`` extra.

The first worksheet is read, streamed row by row (read-only mode, bounded
memory): its first non-empty row is the header, each row is numbered by its
row in the sheet (as Excel shows it), and every cell keeps the value Excel
stored (text stays text, so an id typed as ``00017`` stays ``00017``).
Output workbooks are written in openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .delimited import ragged_message

__all__ = ["require_openpyxl", "XlsxReader", "XlsxWriter", "excel_value"]

_EXTRA = ("reading or writing .xlsx needs the optional 'excel' extra (openpyxl), which is not installed; "
          "install it with: pip install 'xieshang[excel]', or save the sheet as CSV "
          "(读写 .xlsx 需要安装可选组件 excel：pip install 'xieshang[excel]'；或把表格另存为 CSV)")


def require_openpyxl() -> Any:
    """The ``openpyxl`` module.

    Raises
    ------
    ValueError
        If it is not installed, naming the extra that installs it.
    """
    try:
        import openpyxl
    except ImportError:
        raise ValueError(_EXTRA) from None
    return openpyxl


class XlsxReader:
    """Read the first worksheet of an ``.xlsx`` workbook in chunks of rows.

    Raises
    ------
    ValueError
        If openpyxl is missing or the file is not a readable workbook.
    """

    def __init__(self, path: str | os.PathLike):
        openpyxl = require_openpyxl()
        self.path = Path(path)
        self._handle = open(self.path, "rb")  # noqa: SIM115 - closed with the workbook
        try:  # a file object: openpyxl would refuse a workbook renamed .csv by its extension alone
            self._book = openpyxl.load_workbook(self._handle, read_only=True, data_only=True)
            self._sheet = self._book.worksheets[0]
        except Exception as exc:  # zipfile, XML and openpyxl's own errors
            self._handle.close()
            raise ValueError(
                f"{self.path}: cannot read as an Excel workbook ({type(exc).__name__}: {str(exc)[:200]}); "
                "expected an .xlsx file saved by Excel, WPS or LibreOffice: open and save it again, or save it as CSV "
                "(无法按 Excel 工作簿读取：请重新保存为 .xlsx 或 CSV)"
            ) from None
        self.sheet_name = str(self._sheet.title)

    def close(self) -> None:
        """Close the workbook (:meth:`chunks` does it when it ends)."""
        self._book.close()
        self._handle.close()

    def chunks(self, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
        """Yield (rows indexed by their sheet row, rows read so far)."""
        header: list[str] | None = None
        rows: list[tuple[Any, ...]] = []
        lines: list[int] = []
        yielded = False
        try:
            for number, values in enumerate(self._sheet.iter_rows(values_only=True), 1):
                if all(v is None or v == "" for v in values):
                    continue
                if header is None:
                    cells = list(values)
                    while cells and cells[-1] is None:
                        cells.pop()
                    header = ["" if v is None else str(v) for v in cells]
                    continue
                rows.append(values)
                lines.append(number)
                if len(rows) >= chunk_rows:
                    yield self._frame(header, rows, lines), float(lines[-1])
                    rows, lines, yielded = [], [], True
        finally:
            self.close()
        if header is None:
            raise ValueError(f"{self.path}: the first worksheet is empty; expected a header row naming the columns "
                             "(第一个工作表是空的：第一行应为列名)")
        if rows or not yielded:
            yield self._frame(header, rows, lines), float(lines[-1] if lines else 0)

    def _frame(self, header: list[str], rows: list[tuple[Any, ...]], lines: list[int]) -> pd.DataFrame:
        width = len(header)
        bad = [(line, len(r) - sum(v is None for v in r[width:][::-1]))
               for line, r in zip(lines, rows) if any(v is not None for v in r[width:])]
        if bad:
            raise ValueError(f"{self.path}: {ragged_message(width, bad, len(bad))}")
        fitted = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows]
        columns = list(zip(*fitted)) if fitted else [()] * width
        data = {i: np.array(col, dtype=object) for i, col in enumerate(columns)}
        df = pd.DataFrame(data, index=pd.Index(np.asarray(lines, dtype=np.int64)), dtype=object)
        df.columns = pd.Index(header)
        return df


def excel_value(v: Any) -> Any:
    """A value openpyxl can store: missing as an empty cell, NumPy scalars as Python ones, time zones as text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (dt.datetime, dt.time)) and v.tzinfo is not None:
        return v.isoformat()  # Excel has no time zones: keep the instant exactly, as text
    if isinstance(v, (str, int, float, bool, decimal.Decimal, dt.date, dt.time, dt.timedelta)):
        return v
    return str(v)


class XlsxWriter:
    """Write frames into one worksheet of a new workbook; :meth:`close` saves it."""

    def __init__(self, path: str | os.PathLike):
        openpyxl = require_openpyxl()
        self.path = Path(path)
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet()
        self._header = True

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df``'s rows (its header first, on the first call)."""
        if self._header:
            self._sheet.append([str(c) for c in df.columns])
            self._header = False
        from openpyxl.utils.exceptions import IllegalCharacterError

        for number, row in enumerate(df.itertuples(index=False, name=None), 1):
            try:
                self._sheet.append([excel_value(v) for v in row])
            except (IllegalCharacterError, ValueError, TypeError) as exc:
                raise ValueError(
                    f"row {number} of the output holds a value a worksheet cannot store ({type(exc).__name__}: "
                    f"{str(exc)[:80]!r}), such as a control character; expected text Excel can hold: write a .csv "
                    "or .parquet output instead (工作表存不下这个值，例如控制字符：请输出 .csv 或 .parquet)"
                ) from None

    def close(self) -> None:
        """Save the workbook."""
        self._book.save(self.path)
