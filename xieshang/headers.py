"""Column headers and category values in either language, read from the contract.

A file may name a contract column by its name (``monthly_income``), its
Chinese label (``月收入``) or its English label (``monthly income``), and spell
a category or boolean value by its value (``unemployment``), its Chinese label
(``失业``) or its English label (``unemployment``). One mapping, built here
from :mod:`xieshang.contract` (``Feature.label_zh`` / ``label_en``,
``VALUE_LABELS``, ``COLUMN_LABELS``): there is no second table of names.

Matching ignores case, Unicode width (NFKC: full-width letters and brackets
are the plain ones), spaces and underscores, and characters no one sees
(zero-width space, BOM, soft hyphen, left-to-right mark... every Unicode
format or control character, which spreadsheets and web pages leave in headers), so ``" Monthly_Income "``,
``"monthlyincome"`` and ``"ＭＯＮＴＨＬＹ ＩＮＣＯＭＥ"`` all mean
``monthly_income``. A label with a part in brackets also matches without it
(``借款账龄（月）`` or ``借款账龄``), as long as that stays unambiguous.

A column that matches nothing passes through untouched (ids, notes...). Two
columns that mean the same contract column are an error naming both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from functools import lru_cache

import pandas as pd

from .contract import COLUMN_LABELS, FEATURES, FORMER_LABELS, LABEL, TRUTH, VALUE_LABELS

__all__ = ["AmbiguousColumns", "header_key", "canonical_name", "column_mapping", "rename_columns", "value_aliases",
           "HEADER_ALIASES"]


class AmbiguousColumns(ValueError):
    """Two or more headers mean one contract column (:func:`column_mapping`).

    ``duplicates`` maps each such column to its (position from 1, header) pairs, so that a caller can
    word the finding in its own language (the data check does).
    """

    def __init__(self, message: str, duplicates: dict[str, list[tuple[int, Hashable]]]) -> None:
        super().__init__(message)
        self.duplicates = duplicates

_SPACES = re.compile(r"[\s_]+")
# Unicode "format" (Cf: U+200B zero-width space, U+FEFF BOM, U+00AD soft hyphen, U+200E LRM...) and
# "control" (Cc) characters: invisible in a spreadsheet, so a header holding one must still match.
# Searched in the planes that hold them (the whole range takes half a second at import).
_PLANES = (range(0x10000), range(0x110BD, 0x110CE), range(0x13430, 0x13456), range(0x1BCA0, 0x1BCA4),
           range(0x1D173, 0x1D17B), range(0xE0000, 0xE0080))
_INVISIBLE = dict.fromkeys(c for r in _PLANES for c in r if unicodedata.category(chr(c)) in ("Cf", "Cc"))
_BRACKETS = re.compile(r"\([^()]*\)")


def header_key(text: str) -> str:
    """The form headers (and values) are compared in: NFKC, case-folded, without spaces or underscores.

    Parameters
    ----------
    text : str
        A header or a cell as written in a file.

    Returns
    -------
    str
        ``"月收入"`` for ``" 月收入 "``, ``"monthlyincome"`` for ``"Monthly_Income"`` or
        ``"monthly\u200b_income"`` (a zero-width space).
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).casefold())


def _spellings(*texts: str) -> list[str]:
    """Every accepted key of a name or label: itself, and without a bracketed part or a leading article."""
    keys = []
    for text in texts:
        base = unicodedata.normalize("NFKC", text)
        for variant in (base, _BRACKETS.sub("", base)):
            key = header_key(variant)
            keys.append(key)
            for article in ("a", "an", "the"):
                if variant.strip().lower().startswith(article + " "):
                    keys.append(header_key(variant.strip()[len(article) + 1:]))
    return [k for k in dict.fromkeys(keys) if k]


def _build_headers() -> dict[str, str]:
    """Header key -> contract column, for every feature, the label and the truth column."""
    owners: dict[str, set[str]] = {}
    names: list[tuple[str, ...]] = [(f.name, f.label_zh, f.label_en) for f in FEATURES]
    names += [(name, *COLUMN_LABELS[name]) for name in (LABEL, TRUTH)]
    names += [(name, *former) for name, former in FORMER_LABELS.items()]
    exact = {header_key(n[0]) for n in names}
    for name, *labels in names:
        for key in _spellings(name, *labels):
            owners.setdefault(key, set()).add(name)
    # A short form claimed by two columns is dropped (its full forms still work); a full name never is.
    table = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    clash = [k for k in exact if len(owners[k]) > 1]
    if clash:  # pragma: no cover - a contract edit would have to introduce it
        raise RuntimeError(f"contract column names clash once normalised: {clash}")
    return table


HEADER_ALIASES: dict[str, str] = _build_headers()
"""Normalised header (see :func:`header_key`) -> contract column (features, ``approved``, ``true_probability``)."""


@lru_cache(maxsize=4096)
def _canonical(text: str) -> str | None:
    return HEADER_ALIASES.get(header_key(text))


def canonical_name(header: Hashable) -> str | None:
    """The contract column a header means, or ``None`` for a column outside the contract.

    Parameters
    ----------
    header : hashable
        A column name as found in a file or frame; only strings can match.
    """
    return _canonical(header) if isinstance(header, str) else None


def column_mapping(columns: Iterable[Hashable]) -> dict[Hashable, str]:
    """Header -> contract column for the headers that need renaming (exact names are left out).

    Parameters
    ----------
    columns : iterable of hashable
        The headers of one frame or file.

    Returns
    -------
    dict
        Only the headers spelled otherwise than the contract's name; empty
        for a frame already in the contract's names.

    Raises
    ------
    ValueError
        If two headers mean the same contract column (``credit_score`` and
        ``信用分``, or ``月收入`` and ``Monthly Income``): every such pair is
        named, with how to fix it.
    """
    seen: dict[str, list[tuple[int, Hashable]]] = {}
    for pos, col in enumerate(columns, 1):
        name = canonical_name(col)
        if name is not None:
            seen.setdefault(name, []).append((pos, col))
    dup = {name: cols for name, cols in seen.items() if len(cols) > 1}
    if dup:
        what = "; ".join(f"{' and '.join(repr(str(c)) for _, c in cols)} both mean {name!r} "
                         f"(columns {' and '.join(str(p) for p, _ in cols)})" for name, cols in dup.items())
        zh = "；".join(f"第 {'、'.join(str(p) for p, _ in cols)} 列都是 {name}" for name, cols in dup.items())
        raise AmbiguousColumns(f"ambiguous columns: {what} (同一列出现两次：{zh}); keep one of each and rename or drop the "
                               "other", dup)
    return {cols[0][1]: name for name, cols in seen.items() if cols[0][1] != name}


def rename_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every header that means a contract column renamed to the contract's name.

    Other columns keep their names and values. Returns ``df`` itself when
    nothing needs renaming.

    Raises
    ------
    ValueError
        See :func:`column_mapping`.
    """
    mapping = column_mapping(df.columns)
    return df.rename(columns=mapping) if mapping else df


def value_aliases(name: str, values: Iterable[str]) -> dict[str, str]:
    """Normalised spelling -> value, for a categorical column ``name`` with allowed ``values``.

    Each value is accepted as itself or as its Chinese or English label from
    ``contract.VALUE_LABELS`` (``"失业"``, ``"a drop in income"``, ``"drop in income"``).
    """
    out: dict[str, str] = {}
    labels = VALUE_LABELS.get(name, {})
    for v in values:
        for key in _spellings(v, *labels.get(v, ())):
            out.setdefault(key, v)
    return out
