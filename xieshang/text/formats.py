"""Languages and how numbers read, shared by every catalogue of :mod:`xieshang.text`.

The one list of languages (:data:`LANGS`), the check of a ``lang`` argument, and the
formats of a probability, a change of probability, money and a list, plus the display
width of a text in a terminal or on a figure.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["LANGS", "check_lang", "percent", "points", "chance", "list_sep", "money", "display_width"]

LANGS: tuple[str, ...] = ("zh", "en")


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is a supported language.

    Raises
    ------
    ValueError
        Unless ``lang`` is ``"zh"`` or ``"en"``.
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise ValueError(f"lang: expected one of 'zh', 'en', got {lang!r}")
    return lang


def percent(p: float) -> str:
    """``0.384`` -> ``"38%"`` (the same in both languages)."""
    return f"{100 * p:.0f}%"


def points(delta: float, lang: str, signed: bool = True) -> str:
    """A change of probability in plain words: ``"约12个百分点"`` / ``"about 12 percentage points"``.

    Under half a point reads ``"不到1个百分点"`` / ``"under 1 percentage point"``; ``signed`` prefixes a
    fall with ``"-"``/``"minus "`` (a rise is said by the sentence around it).
    """
    value = 100 * abs(delta)
    minus = signed and delta < 0
    if round(value) < 1:
        out = "不到1个百分点" if lang == "zh" else "under 1 percentage point"
    else:
        n = f"{value:.0f}"
        out = f"约{n}个百分点" if lang == "zh" else f"about {n} percentage point{'s' if n != '1' else ''}"
    return ("-" if lang == "zh" else "minus ") + out if minus else out


def chance(p: float, lang: str) -> str:
    """A probability a borrower reads: ``"38%"``; ``"不到1%"`` / ``"under 1%"`` instead of 0 % and
    ``"超过99%"`` / ``"over 99%"`` instead of 100 % (an estimate is never certain)."""
    if p < 0.005:
        return "不到1%" if lang == "zh" else "under 1%"
    if p >= 0.995:
        return "超过99%" if lang == "zh" else "over 99%"
    return percent(p)


def list_sep(lang: str) -> str:
    """The separator of items within one sentence: ``"、"`` in Chinese, ``", "`` in English."""
    return "、" if check_lang(lang) == "zh" else ", "


def money(x: float) -> str:
    """``12345.6`` -> ``"12,346"`` (RMB, no unit)."""
    return f"{x:,.0f}"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a figure label: a wide (East Asian) character counts two.

    Uses :func:`unicodedata.east_asian_width` ("W" and "F" are wide), so
    full-width punctuation counts two and Latin accents one.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
