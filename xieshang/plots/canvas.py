"""Where figures are drawn: the font context, new axes, the figure an axes is in, the colours.

Every drawing function runs inside :func:`drawing`, which applies the CJK font
for Chinese with :func:`matplotlib.rc_context`: the user's ``rcParams`` are the
same after a figure is drawn as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from .fonts import resolve

__all__ = ["COLORS", "Drawing", "drawing", "figure_of", "new_axes"]

COLORS = {"model": "#1f77b4", "truth": "#444444", "reason": "#d62728", "reach": "#2ca02c",
          "short": "#ff7f0e", "now": "#222222", "shade": "#9e9e9e"}
"""The colour of each kind of line, bar or mark, the same in every figure."""


def figure_of(ax: Axes) -> Figure:
    """The top-level figure an axes is drawn in (what every drawing function returns)."""
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise ValueError(f"ax: expected axes placed in a matplotlib Figure, got {type(fig).__name__}")
    return fig


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``figsize`` inches (no ``pyplot``: nothing keeps it alive)."""
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


@dataclass
class Drawing:
    """The language a figure is drawn in, and the figures drawn (to receive the font)."""

    lang: str
    figures: list[Figure] = field(default_factory=list)

    def done(self, ax_or_fig: Axes | Figure) -> Figure:
        """The figure of ``ax_or_fig``, noted to receive the font; what a drawing function returns."""
        fig = ax_or_fig if isinstance(ax_or_fig, Figure) else figure_of(ax_or_fig)
        self.figures.append(fig)
        return fig


@contextmanager
def drawing(lang: str, text: str | None = None) -> Iterator[Drawing]:
    """Draw in ``lang``: yields a :class:`Drawing` whose ``lang`` may fall back to ``"en"``.

    In Chinese the CJK font (:func:`~xieshang.plots.fonts.cjk_font`) is added
    after the user's font families, inside :func:`matplotlib.rc_context`:
    Latin text keeps the user's font, only the glyphs it lacks come from the
    CJK font (matplotlib's per-glyph fallback), and ``rcParams`` are unchanged
    afterwards. Before the block ends every text of the figures passed to
    :meth:`Drawing.done` gets that family too, tick labels included: they are
    laid out at draw time, when the context is gone, and new ticks copy the first.

    Raises
    ------
    ValueError
        If ``lang`` is not a supported language.
    """
    lang, family = resolve(lang, text)
    pen = Drawing(lang)
    families = list(mpl.rcParams["font.family"])
    if family is None or family in families:
        yield pen
        return
    with mpl.rc_context({"font.family": [*families, family]}):
        yield pen
        for fig in pen.figures:
            for artist in fig.findobj(Text):  # findobj also makes each axis' first tick
                if family not in artist.get_fontfamily():
                    artist.set_fontfamily([*artist.get_fontfamily(), family])
