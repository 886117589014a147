"""The path to approval of one explanation: reasons, options and single steps on one probability axis."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..text import FIGURE_TEXT, chance, figure_text
from .canvas import COLORS, drawing, new_axes
from .labels import change_text, short_label, value_label

__all__ = ["explanation_chart"]


_TITLE_BAND = 0.5
"""Height (in rows' units) of the band above a section's first row that holds the section's title."""


def explanation_chart(exp: Any, ax: Axes | None = None) -> Figure:
    """The path to approval of one explanation, on one probability axis.

    Rows, top to bottom: the principal reasons, each a red bar of what it costs
    (how much higher the probability would be without it); the ranked options,
    each an arrow from the current probability to the probability after its
    changes; then each single action alone. A vertical line marks the current
    probability and a dashed one the target.

    Parameters
    ----------
    exp : Explanation
        Duck-typed: ``probability``, ``target``, ``lang``, ``reasons`` (each
        with ``feature``, ``value``, ``impact``), ``actions`` and
        ``single_actions`` (each with ``changes``, ``probability``, ``cost``),
        ``reached``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    with drawing(getattr(exp, "lang", "en")) as pen:
        lang = pen.lang
        p = float(exp.probability)
        target = float(exp.target)
        reasons = list(getattr(exp, "reasons", ()) or ())
        actions = list(getattr(exp, "actions", ()) or ())
        singles = list(getattr(exp, "single_actions", ()) or ())
        rows: list[tuple[str, str, Any]] = (
            [("reason", figure_text("label_value", lang, label=short_label(r.feature, lang),
                                    value=value_label(r.feature, r.value, lang)), r)
             for r in reasons]
            + [("action", figure_text("option", lang, i=i + 1)
                + ("" if getattr(a, "affordable", True) else " " + figure_text("plan_unaffordable", lang))
                + "\n" + change_text(a.changes, lang), a)
               for i, a in enumerate(actions)]
            + [("single", change_text(a.changes, lang), a) for a in singles]
        )
        # Each row is as tall as its label; y runs downwards from 0. The first row of each section has a band on
        # top for the section's title, so that a long bar's note never runs into it.
        first = np.array([k == 0 or rows[k][0] != rows[k - 1][0] for k in range(len(rows))], dtype=bool)
        band = np.where(first, _TITLE_BAND, 0.0)
        heights = np.array([max(1.0, 0.42 * (1 + lab.count("\n")) + 0.45) for _, lab, _ in rows]) + band
        bottoms = -np.cumsum(heights)
        ys = bottoms + (heights - band) / 2
        ax = new_axes(ax, (9.5, max(3.0, 1.6 + 0.3 * heights.sum())))
        for y, (kind, _, obj) in zip(ys, rows):
            if kind == "reason":
                impact = abs(float(obj.impact))
                fixed = not getattr(obj, "actionable", True)
                ax.barh(y, impact, left=p, height=0.6, color=COLORS["reason"], alpha=0.4 if fixed else 0.75,
                        hatch="//" if fixed else None, edgecolor=COLORS["reason"],
                        label=figure_text("cannot_change" if fixed else "can_change", lang))
                ax.text(p + impact + 0.01, y, figure_text("reason_note", lang, impact=impact), va="center",
                        fontsize="small", color=COLORS["reason"])
            else:
                q = float(obj.probability)
                color = COLORS["reach"] if q >= target else COLORS["short"]
                ax.annotate("", xy=(q, y), xytext=(p, y),
                            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2 if kind == "action" else 1.4})
                # The estimate only: the contract's effort units mean nothing to a borrower (Action.cost keeps them).
                ax.text(max(q, p) + 0.01, y, figure_text("action_note", lang, p=chance(q, lang)),
                        va="center", fontsize="small", color=color)
        ax.set_yticks(ys, [lab for _, lab, _ in rows], fontsize="small")
        kinds = [k for k, _, _ in rows]
        # Section titles and separators between reasons, options and single actions.
        for kind, title in (("reason", figure_text("reasons", lang)), ("action", figure_text("actions", lang)),
                            ("single", figure_text("singles", lang))):
            if kind in kinds:
                k = kinds.index(kind)
                ax.text(1.11, bottoms[k] + heights[k] - 0.06, title, ha="right", va="top", fontsize="small",
                        color="#444444")
        for k in range(1, len(rows)):
            if kinds[k] != kinds[k - 1]:
                ax.axhline(bottoms[k - 1], color="#bbbbbb", lw=0.8)
        ax.axvline(p, color=COLORS["now"], lw=1.5, label=f"{figure_text('now', lang)} {chance(p, lang)}")
        ax.axvline(target, color=COLORS["reach"], lw=1.2, ls="--", label=figure_text("target", lang, target=target))
        ax.set_xlim(0, 1.12)
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
        ax.set_ylim(bottoms[-1] if rows else -1.0, 0.0)
        ax.set_xlabel(figure_text("approval_probability", lang))
        status = getattr(exp, "status", None)
        if status not in FIGURE_TEXT[lang]:
            reached = getattr(exp, "reached", None)
            status = None if reached is None or not actions else "reached" if reached else "best_reachable"
        title = figure_text("explain_title", lang, p=chance(p, lang), target=target)
        if status is not None:
            title += "\n" + figure_text(status, lang)
        ax.set_title(title, fontsize="medium")
        ax.grid(axis="x", alpha=0.25)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))  # one entry per kind of reason bar
        # Below the axis label whatever the height of the axes: a fixed distance in points, not a share of it.
        below = mpl.transforms.offset_copy(ax.transAxes, fig=ax.get_figure(root=True), y=-36, units="points")
        ax.legend(unique.values(), unique.keys(), loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  bbox_transform=below, ncol=2, fontsize="small", frameon=False)
        return pen.done(ax)
