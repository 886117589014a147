"""Which text encoding and which separator a delimited file uses.

People keep records in the files their tools write: Excel on a Chinese system
saves CSV as GBK/GB18030, "Unicode text" as UTF-16 with a BOM, a European
locale separates with ``;``, an export may use tabs or ``|``. This module
tells them apart from the file's first bytes:

* encoding: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); without one, UTF-16
  without a BOM shows as NUL bytes in every other position; otherwise UTF-8
  if the sample decodes, else GB18030 (a superset of GBK and GB2312). Any
  other encoding (Big5, Latin-1...) is given by name (``--encoding``);
* separator: the one of ``,`` ``;`` tab ``|`` that splits the header into the
  most contract columns, then the one giving every sampled line the header's
  field count, then the most fields.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from .headers import canonical_name

__all__ = ["TextEncoding", "detect_encoding", "check_encoding", "sniff_separator", "SEPARATORS", "separator_name",
           "SAMPLE_BYTES"]

SEPARATORS = (",", ";", "\t", "|")
"""The separators :func:`sniff_separator` chooses among."""
SAMPLE_BYTES = 1 << 16
"""Bytes read from the start of a file to tell its encoding and separator."""

_BOMS = (  # longest first: a UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)


@dataclass(frozen=True)
class TextEncoding:
    """How a text file is encoded.

    Attributes
    ----------
    name : str
        The codec of the content, without the BOM (``"utf-8"``, ``"gb18030"``, ``"utf-16-le"``...).
    bom : bytes
        The byte-order mark the file starts with (``b""`` for none): skipped on reading, written back on output.
    detected : bool
        Whether it was told from the bytes (``False``: given by the user).
    """

    name: str
    bom: bytes = b""
    detected: bool = True

    @property
    def label(self) -> str:
        """How the encoding is named to a user: ``"UTF-8 with BOM"``, ``"GB18030"``."""
        base = {"utf-8": "UTF-8", "gb18030": "GB18030", "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE",
                "utf-32-le": "UTF-32 LE", "utf-32-be": "UTF-32 BE"}.get(self.name, self.name)
        return base + (" with BOM" if self.bom else "")

    @property
    def label_zh(self) -> str:
        """The same in Chinese: ``"UTF-8（带 BOM）"``."""
        base = self.label.removesuffix(" with BOM")
        return base + ("（带 BOM）" if self.bom else "")


def check_encoding(name: str) -> str:
    """The canonical codec name of ``name`` (``"GBK"`` -> ``"gbk"``).

    Raises
    ------
    ValueError
        For a name Python does not know, saying which names work.
    """
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError):
        raise ValueError(
            f"unknown encoding {name!r}; expected a name such as utf-8, gb18030, gbk, big5, utf-16, latin-1 "
            f"(未知的编码 {name!r}：请写 utf-8、gb18030、gbk、big5、utf-16 或 latin-1 等)"
        ) from None


def _utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when NULs fill every other byte of a mostly-ASCII sample."""
    even, odd = sample[0:4096:2], sample[1:4096:2]
    if len(odd) < 4:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decodes(sample: bytes, name: str) -> bool:
    """Whether ``sample`` decodes as ``name``, allowing a character cut off at its end."""
    try:
        codecs.getincrementaldecoder(name)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes, encoding: str | None = None) -> TextEncoding:
    """The encoding of a file starting with ``sample`` (or the one given).

    Parameters
    ----------
    sample : bytes
        The file's first bytes (:data:`SAMPLE_BYTES` is plenty).
    encoding : str, optional
        The encoding the user named; its BOM, if the file has one, is still skipped.

    Raises
    ------
    ValueError
        If the sample is neither UTF-8 nor GB18030 and no encoding was given,
        or does not decode as the one given.
    """
    given = None if encoding is None else check_encoding(encoding)
    for bom, name, family in _BOMS:
        if sample.startswith(bom) and (given is None or given.startswith(family.removesuffix("-sig"))):
            return TextEncoding(name, bom, given is None)
    if given is not None:
        name = {"utf-8-sig": "utf-8", "utf-16": _utf16_without_bom(sample) or "utf-16-le"}.get(given, given)
        if not _decodes(sample, name):
            raise ValueError(
                f"the file does not read as {encoding}: its first bytes are not valid in that encoding; "
                "expected the encoding the file was saved in: leave out --encoding to let it be detected "
                f"(文件不是 {encoding} 编码：去掉 --encoding 让程序自动识别，或写上文件真正的编码)"
            )
        return TextEncoding(name, b"", False)
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None and _decodes(sample[: len(sample) // 2 * 2], utf16):
        return TextEncoding(utf16)
    if _decodes(sample, "utf-8"):
        return TextEncoding("utf-8")
    if _decodes(sample, "gb18030"):
        return TextEncoding("gb18030")
    raise ValueError(
        "cannot tell the file's text encoding: it is not UTF-8, UTF-16 or GB18030/GBK; "
        "expected one of those, or name it with --encoding (e.g. --encoding big5, --encoding latin-1) "
        "(无法识别文件编码：不是 UTF-8、UTF-16 或 GB18030/GBK；请用 --encoding 指明，如 --encoding big5)"
    )


def separator_name(sep: str) -> str:
    """How a separator is shown: ``','``, ``tab``."""
    return "tab" if sep == "\t" else repr(sep)


def _field_counts(text: str, sep: str) -> list[int]:
    rows = csv.reader(io.StringIO(text), delimiter=sep)
    counts = []
    try:
        for row in rows:
            if row:
                counts.append(len(row))
    except csv.Error:
        pass
    return counts


def sniff_separator(text: str) -> str:
    """The separator of a delimited text starting with ``text`` (its first lines, decoded).

    The header matching the most contract columns wins (a ``;`` file whose
    numbers have decimal commas splits into more fields at ``,``, but not
    into column names); then consistency (every line as many fields as the
    header); then the number of fields. ``","`` when nothing splits the header.
    """
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    sample = "".join(lines[:200])

    def score(sep: str) -> tuple[int, int, int]:
        counts = _field_counts(sample, sep)
        if not counts:
            return (0, 0, 0)
        header = next(csv.reader(io.StringIO(sample), delimiter=sep), [])
        known = sum(canonical_name(h) is not None for h in header)
        same = sum(c == counts[0] for c in counts)
        return (known, same if counts[0] > 1 else 0, counts[0])

    best = max(SEPARATORS, key=score)
    return best if score(best)[2] > 1 else ","
