"""Factor effects: partial dependence beside the truth, and observed approval rates by level."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..contract import FEATURE_NAMES, LABEL, feature
from ..inspection import approval_rates, partial_dependence
from ..text import figure_text
from .canvas import COLORS, drawing, new_axes
from .labels import feature_label, short_label, value_label

__all__ = ["factor_effect", "factor_effects", "approval_rates_plot", "draw_levels"]


def draw_levels(ax: Axes, name: str, grid: np.ndarray, series: list[tuple[str, np.ndarray, dict]],
                 lang: str) -> None:
    """Draw numeric series as lines, booleans and categories as grouped bars."""
    f = feature(name)
    if f.is_numeric:
        for lab, y, style in series:
            ax.plot(grid, y, label=lab, **style)
        return
    x = np.arange(len(grid))
    width = 0.8 / len(series)
    for k, (lab, y, style) in enumerate(series):
        ax.bar(x + (k - (len(series) - 1) / 2) * width, y, width=width * 0.95, label=lab,
               color=style.get("color"), alpha=0.85)
    many = len(grid) > 4
    ax.set_xticks(x, [value_label(name, v, lang) for v in grid], rotation=30 if many else 0,
                  ha="right" if many else "center")


def factor_effect(
    model_proba: Any,
    truth_proba: Any,
    df: pd.DataFrame,
    feature: str,
    ax: Axes | None = None,
    lang: str = "en",
    grid: Sequence[Any] | None = None,
) -> Figure:
    """Partial dependence of the model beside the truth for one feature.

    For each grid value the feature is set for every row of ``df`` and the
    probabilities are averaged (:func:`partial_dependence`).

    Parameters
    ----------
    model_proba : callable or estimator
        DataFrame -> 1-D approval probabilities.
    truth_proba : callable, optional
        The same for the truth, e.g. :func:`xieshang.generator.true_probability`.
    df : pandas.DataFrame
    feature : str
        A contract column.
    ax : matplotlib.axes.Axes, optional
    lang : {"en", "zh"}
    grid : sequence, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    name = feature
    with drawing(lang) as pen:
        lang = pen.lang
        g, model_mean = partial_dependence(model_proba, df, name, grid)
        series = [(figure_text("model", lang), model_mean, {"color": COLORS["model"], "marker": "o", "ms": 3})]
        if truth_proba is not None:
            _, truth_mean = partial_dependence(truth_proba, df, name, g)
            series.append((figure_text("truth", lang), truth_mean,
                           {"color": COLORS["truth"], "ls": "--", "marker": "s", "ms": 3}))
        ax = new_axes(ax, (5.0, 3.6))
        draw_levels(ax, name, g, series, lang)
        label = feature_label(name, lang)
        ax.set_xlabel(label)
        ax.set_ylabel(figure_text("mean_probability", lang))
        ax.set_title(figure_text("effect_title", lang, label=label), fontsize="medium")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.25)
        ax.legend(fontsize="small")
        return pen.done(ax)


def _small_multiples(features: Any, ncols: int, panel: tuple[float, float]) -> tuple[list[str], Figure, np.ndarray]:
    """Checked feature names and a figure with one panel per feature (``ncols`` a row)."""
    names = list(FEATURE_NAMES if features is None else features)
    for n in names:
        feature(n)  # an unknown name is a ValueError naming it
    nrows = -(-len(names) // ncols)
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
    return names, fig, fig.subplots(nrows, ncols, squeeze=False).ravel()


def factor_effects(
    model_proba: Any,
    truth_proba: Any,
    df: pd.DataFrame,
    features: Sequence[str] | None = None,
    lang: str = "en",
    ncols: int = 4,
) -> Figure:
    """:func:`factor_effect` for several features, as small multiples in one figure.

    Parameters
    ----------
    model_proba, truth_proba, df
        As for :func:`factor_effect`.
    features : sequence of str, optional
        Contract columns; all of them by default.
    lang : {"en", "zh"}
    ncols : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    with drawing(lang) as pen:  # first: it selects the CJK font the new axes will use
        lang = pen.lang
        names, fig, axes = _small_multiples(features, ncols, (4.2, 3.1))
        for ax, name in zip(axes, names):
            factor_effect(model_proba, truth_proba, df, name, ax=ax, lang=lang)
            ax.set_title(textwrap.shorten(short_label(name, lang), 40, placeholder="…"), fontsize="small")
            ax.set_xlabel("")
            ax.tick_params(labelsize="x-small")
            if list(axes).index(ax) % ncols:
                ax.set_ylabel("")
            if ax is not axes[0]:
                ax.get_legend().remove()
        for ax in axes[len(names):]:
            ax.set_visible(False)
        return pen.done(fig)


def approval_rates_plot(
    df: pd.DataFrame, features: Sequence[str] | None = None, lang: str = "en", ncols: int = 4,
    bins: int = 8,
) -> Figure:
    """Small multiples: the observed approval rate across each factor's levels.

    Parameters
    ----------
    df : pandas.DataFrame
        Contract columns and ``approved``.
    features : sequence of str, optional
        Contract columns; all of them by default.
    lang : {"en", "zh"}
    ncols : int
    bins : int
        Quantile bins for numeric features.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with drawing(lang) as pen:  # first: it selects the CJK font the new axes will use
        lang = pen.lang
        names, fig, axes = _small_multiples(features, ncols, (3.1, 2.5))
        overall = float(df[LABEL].mean()) if LABEL in df else None
        for ax, name in zip(axes, names):
            t = approval_rates(df, name, bins=bins)
            f = feature(name)
            if f.is_numeric and len(t) > 2:
                ax.plot(t["level"], t["rate"], marker="o", ms=3, color=COLORS["model"])
            else:
                x = np.arange(len(t))
                ax.bar(x, t["rate"], color=COLORS["model"], alpha=0.85)
                labels = [value_label(name, v, lang) for v in t["level"]]
                ax.set_xticks(x, labels, rotation=30 if len(labels) > 3 else 0,
                              ha="right" if len(labels) > 3 else "center", fontsize="x-small")
            if overall is not None:
                ax.axhline(overall, color="grey", lw=0.8, ls=":")
            ax.set_ylim(0, 1)
            ax.set_title(textwrap.shorten(short_label(name, lang), 34, placeholder="…"), fontsize="small")
            ax.tick_params(labelsize="x-small")
            ax.grid(alpha=0.2)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.suptitle(figure_text("rates_title", lang) + (f" ({figure_text('count', lang, n=len(df))})"))
        fig.supylabel(figure_text("rate", lang), fontsize="small")
        return pen.done(fig)
