"""A font for the Chinese figures, applied per figure without touching the user's ``rcParams``.

Chinese needs a font with CJK glyphs. :func:`cjk_font` picks one that covers
every character drawn: first the subset of Noto Sans CJK SC shipped in
``xieshang/fonts/`` (SIL Open Font License), then any installed CJK font. If
there is none, ``lang="zh"`` falls back to English labels with one warning.

Nothing here changes matplotlib's ``rcParams``: :func:`xieshang.plots.canvas.drawing`
applies the font to the figures it draws.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

from matplotlib import font_manager

from ..contract import FEATURES, VALUE_LABELS
from ..text import FIGURE_TEXT, LANGS

__all__ = ["BUNDLED_FONT", "KNOWN_CJK", "cjk_font", "resolve_lang", "resolve", "missing_chars", "font_covers",
           "figure_chars", "find_cjk_font"]

BUNDLED_FONT = Path(__file__).resolve().parents[1] / "fonts" / "XieshangCJK-Regular.otf"
"""Subset of Noto Sans CJK SC (GB 2312 + the package's characters), OFL 1.1."""

KNOWN_CJK = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "SimHei", "Heiti SC", "Sarasa Gothic SC", "AR PL UMing CN",
)
"""Installed fonts known to cover simplified Chinese, tried after the bundled one."""

# Fonts that claim every code point but draw a placeholder box for each.
_PLACEHOLDER_FONTS = ("Last Resort",)


def missing_chars(path: str, chars: str) -> str:
    """The characters of ``chars`` that the font file at ``path`` has no glyph for."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return chars
    return "".join(c for c in chars if font.get_char_index(ord(c)) == 0)


def font_covers(path: str, chars: str) -> bool:
    """Whether the font file at ``path`` has a glyph for every one of ``chars``."""
    return not missing_chars(path, chars)


def figure_chars() -> str:
    """Every non-ASCII character the figures may draw in Chinese."""
    values = [zh for labels in VALUE_LABELS.values() for zh, _ in labels.values()]
    parts = [f.label_zh for f in FEATURES] + list(FIGURE_TEXT["zh"].values()) + values
    return "".join(sorted({c for c in "".join(parts) if ord(c) > 127}))


@cache
def find_cjk_font(chars: str, bundled: str) -> str | None:
    """Path of the first font covering ``chars``: ``bundled``, known CJK fonts, any font."""
    candidates: list[str] = []
    if bundled and Path(bundled).is_file():
        candidates.append(bundled)
    entries = [e for e in font_manager.fontManager.ttflist
               if not any(e.name.startswith(bad) for bad in _PLACEHOLDER_FONTS)]
    known = [e.fname for name in KNOWN_CJK for e in entries if e.name == name]
    candidates += known + [e.fname for e in entries if e.fname not in known]
    for path in candidates:
        if font_covers(path, chars):
            return path
    return None


def cjk_font(text: str | None = None) -> str | None:
    """Name of a font with a glyph for every Chinese character drawn, or ``None``.

    Only the characters the current default font lacks need covering (matplotlib
    falls back glyph by glyph). The shipped subset of Noto Sans CJK SC comes
    first, then installed fonts known to cover Chinese, then any installed font
    (except placeholder fonts such as matplotlib's "Last Resort"). The chosen
    font is registered with matplotlib's font manager.

    Parameters
    ----------
    text : str, optional
        More characters that must be covered, besides every Chinese label,
        value and axis string the figures use.
    """
    chars = "".join(sorted(set(figure_chars()) | {c for c in text or "" if ord(c) > 127}))
    default = font_manager.findfont(font_manager.FontProperties())
    need = missing_chars(default, chars)
    path = default if not need else find_cjk_font(need, str(BUNDLED_FONT))
    if path is None:
        return None
    if path not in {e.fname for e in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@cache
def _warn_no_cjk() -> None:
    """Say once per session that Chinese figures are drawn in English (cached: warns on the first call only)."""
    warnings.warn("no installed font has the Chinese glyphs needed; drawing English labels instead",
                  UserWarning, stacklevel=6)


def resolve(lang: str, text: str | None) -> tuple[str, str | None]:
    """(language the figure can be drawn in, CJK font family to add or ``None``); see :func:`resolve_lang`."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}; got {lang!r}")
    if lang == "en":
        return lang, None
    family = cjk_font(text)
    if family is None:
        _warn_no_cjk()
        return "en", None
    return lang, family


def resolve_lang(lang: str, text: str | None = None) -> str:
    """Check ``lang`` and return the language the figure can be drawn in.

    ``"zh"`` needs a CJK font (see :func:`cjk_font`); without one it falls back
    to ``"en"`` and warns once per session. Nothing global changes: the font is
    applied by :func:`drawing`.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`~xieshang.text.LANGS`.
    """
    return resolve(lang, text)[0]
