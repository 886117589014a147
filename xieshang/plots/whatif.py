"""What if: one applicant's approval probability as one feature changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import contract
from ..inspection import proba_fn, whatif, with_values
from ..rules import affordable, plan_terms
from ..text import chance, figure_text
from ..validation import applicant_frame
from .canvas import COLORS, drawing, new_axes
from .effects import draw_levels
from .labels import feature_label, value_label

__all__ = ["whatif_curve"]


def whatif_curve(
    model_proba: Any,
    applicant: Any,
    feature: str,
    grid: Sequence[Any] | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    truth_proba: Any = None,
    target: float | None = None,
) -> Figure:
    """Approval probability of one applicant against one feature.

    Marks the applicant's current value, shades the values at which the
    plan's monthly instalment would exceed the disposable income, and draws
    the target as a line when given.

    Parameters
    ----------
    model_proba : callable or estimator
    applicant : dict or one-row DataFrame
    feature : str
        E.g. ``"plan_months"`` or ``"down_payment_ratio"``.
    grid : sequence, optional
    ax : matplotlib.axes.Axes, optional
    lang : {"en", "zh"}
    truth_proba : callable, optional
        Also draw the true probability.
    target : float, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    name = feature
    row = applicant_frame(applicant)
    g, p = whatif(model_proba, row, name, grid)
    series = [("model", p, {"color": COLORS["model"], "lw": 1.8})]
    if truth_proba is not None:
        series.append(("truth", whatif(truth_proba, row, name, g)[1],
                       {"color": COLORS["truth"], "ls": "--", "lw": 1.2}))
    with drawing(lang) as pen:
        lang = pen.lang
        series = [(figure_text(k, lang), y, s) for k, y, s in series]
        ax = new_axes(ax, (6.0, 3.8))
        draw_levels(ax, name, g, series, lang)
        f = contract.feature(name)
        current = row[name].iloc[0]
        now_p = float(proba_fn(model_proba)(row)[0])
        x_now = float(current) if f.is_numeric else int(np.flatnonzero(g == current)[0]) if current in g else None
        if x_now is not None:
            ax.plot([x_now], [now_p], marker="*", ms=13, color=COLORS["now"], ls="none",
                    label=figure_text("label_value", lang, label=figure_text("now", lang),
                                      value=f"{value_label(name, current, lang)} → {chance(now_p, lang)}"))
        if f.is_numeric:
            rows = with_values(row, name, g)
            inst, disp = plan_terms(rows)
            bad = ~affordable(inst, disp, rows["household_size"].to_numpy(dtype=float))  # the report's rule
            if bad.any():
                ax.fill_between(g, 0, 1, where=bad, step="mid", transform=ax.get_xaxis_transform(),
                                color=COLORS["shade"], alpha=0.18, lw=0, label=figure_text("unaffordable", lang))
        if target is not None:
            ax.axhline(target, color=COLORS["reach"], ls="--", lw=1, label=figure_text("target", lang, target=target))
        label = feature_label(name, lang)
        ax.set_xlabel(label + (f" ({f.unit})" if f.unit and lang == "en" else ""))
        ax.set_ylabel(figure_text("approval_probability", lang))
        ax.set_title(figure_text("whatif_title", lang, label=label), fontsize="medium")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.25)
        ax.legend(fontsize="small", loc="best")
        return pen.done(ax)
