"""Calibration and discrimination: the reliability diagram and ROC curves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..inspection import calibration_table, check_binary
from ..text import figure_text
from .canvas import drawing, new_axes

__all__ = ["reliability_diagram", "roc_plot"]

_HIST_GID = "xieshang-histogram"


def _histogram_twin(ax: Axes) -> Axes | None:
    """The twin axes holding the prediction histograms of an earlier call on ``ax``, if any."""
    for other in ax.get_shared_x_axes().get_siblings(ax):
        if other is not ax and other.get_gid() == _HIST_GID:
            return other
    return None


def reliability_diagram(
    y_true: Any,
    p: Any,
    ax: Axes | None = None,
    lang: str = "en",
    label: str | None = None,
    n_bins: int = 10,
    truth: Any = None,
) -> Figure:
    """Reliability diagram with a histogram of the predictions.

    Observed approval rate (with a 95 % interval) against the mean predicted
    probability per bin, the diagonal of perfect calibration, and a histogram
    of ``p`` along the bottom (on a twin axis). With ``truth``, the mean true
    probability per bin is drawn too: how close the model comes to the truth,
    without the sampling noise of the labels. Call it again with the same
    ``ax`` and another ``label`` to compare models.

    Parameters
    ----------
    y_true : array-like of {0, 1}
    p : array-like of float
        Predicted approval probabilities.
    ax : matplotlib.axes.Axes, optional
    lang : {"en", "zh"}
    label : str, optional
        Name of the model in the legend.
    n_bins : int
    truth : array-like of float, optional
        True probabilities of the same rows.

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = calibration_table(y_true, p, n_bins=n_bins, truth=truth)
    with drawing(lang, label) as pen:
        lang = pen.lang
        ax = new_axes(ax, (6.0, 5.5))
        name = label if label is not None else figure_text("model", lang)
        hist_ax = _histogram_twin(ax)
        if hist_ax is None:  # first model on these axes
            hist_ax = ax.twinx()
            hist_ax.set_gid(_HIST_GID)
            ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1, label=figure_text("perfect", lang))
        color = f"C{len(ax.containers) % 10}"  # one colour per model already drawn (each is one errorbar)
        x = table["mean_predicted"].to_numpy()
        # Clipped at 0: at an observed rate of exactly 0 or 1 rounding can make a bound cross it.
        yerr = np.clip(np.vstack([table["observed_rate"] - table["ci_low"], table["ci_high"] - table["observed_rate"]]),
                       0.0, None)
        ax.errorbar(x, table["observed_rate"], yerr=yerr, marker="o", ms=4, lw=1.5, capsize=2,
                    color=color, label=figure_text("observed_series", lang, label=name))
        if truth is not None:
            ax.plot(x, table["mean_truth"], ls="--", marker="s", ms=3.5, lw=1.2, color=color, alpha=0.8,
                    label=figure_text("truth_series", lang, label=name))
        pp = np.asarray(p, dtype=float).ravel()
        hist_ax.hist(pp, bins=40, range=(0.0, 1.0), histtype="stepfilled", alpha=0.18,
                     color=color, label=figure_text("histogram", lang, label=name))
        # The tallest bar of every model's histogram on these axes: they fill the bottom quarter.
        top = max(float(np.asarray(patch.get_path().vertices)[:, 1].max()) for patch in hist_ax.patches)
        hist_ax.set_ylim(0, max(top, 1.0) * 4.0)
        hist_ax.set_yticks([])
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(figure_text("predicted", lang))
        if truth is not None or ax.get_ylabel() == figure_text("observed_truth", lang):
            ax.set_ylabel(figure_text("observed_truth", lang))
        else:
            ax.set_ylabel(figure_text("observed", lang))
        ax.set_title(figure_text("reliability_title", lang))
        ax.grid(alpha=0.25)
        handles, labels = ax.get_legend_handles_labels()
        h2, l2 = hist_ax.get_legend_handles_labels()
        ax.legend(handles + h2, labels + l2, loc="upper left", fontsize="small", framealpha=0.9)
        return pen.done(ax)


def roc_plot(y_true: Any, scores: Mapping[str, Any], ax: Axes | None = None, lang: str = "en") -> Figure:
    """ROC curves, one per named score, with the AUC in the legend.

    Parameters
    ----------
    y_true : array-like of {0, 1}
    scores : dict of str to array-like
        Name (e.g. ``"model"``, ``"truth"``) to probabilities of the same rows.
    ax : matplotlib.axes.Axes, optional
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    if not isinstance(scores, Mapping) or not scores:
        raise ValueError(f"scores: expected a non-empty dict of name -> probabilities, got {scores!r:.60}")
    y, arrays = check_binary(y_true, *[(f"scores[{k!r}]", v) for k, v in scores.items()])
    if len(np.unique(y)) < 2:
        raise ValueError("y_true: expected both classes (0 and 1) for a ROC curve, got one")
    with drawing(lang, "".join(scores)) as pen:
        lang = pen.lang
        ax = new_axes(ax, (5.5, 5.0))
        ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1, label=figure_text("chance", lang))
        for name, s in zip(scores, arrays):
            fpr, tpr, _ = roc_curve(y, s)
            ax.plot(fpr, tpr, lw=1.6, label=figure_text("auc", lang, name=name, auc=roc_auc_score(y, s)))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_xlabel(figure_text("fpr", lang))
        ax.set_ylabel(figure_text("tpr", lang))
        ax.set_title(figure_text("roc_title", lang))
        ax.grid(alpha=0.25)
        ax.legend(loc="lower right", fontsize="small")
        return pen.done(ax)
