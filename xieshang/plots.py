"""Figures: calibration, ROC, factor effects, explanations and what-if curves.

Every function draws into ``ax`` when given one (and returns its figure) or
into a new :class:`matplotlib.figure.Figure` otherwise; none uses ``pyplot``,
so figures are not kept alive by a global registry and are shown once in a
notebook. Feature names come from :mod:`xieshang.contract` (``label_zh`` /
``label_en``); all other wording is in :data:`TEXT`, in Chinese and English.

Chinese needs a font with CJK glyphs. :func:`cjk_font` picks one that covers
every character drawn: first the subset of Noto Sans CJK SC shipped in
``xieshang/fonts/`` (SIL Open Font License), then any installed CJK font. If
there is none, ``lang="zh"`` falls back to English labels with one warning.
The pure computations (:func:`calibration_table`, :func:`partial_dependence`,
:func:`whatif`, :func:`approval_rates`) draw nothing and serve reports and tests.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .contract import FEATURE_NAMES, FEATURES, LABEL, VALUE_LABELS, feature
from .contract import feature as _feature  # for functions whose parameter is named ``feature``
from .contract import value_label as _contract_value_label
from .inspection import (
    approval_rates,
    calibration_table,
    check_binary,
    default_grid,
    partial_dependence,
    proba_fn,
    whatif,
    with_values,
)

__all__ = [
    "TEXT",
    "LANGS",
    "BUNDLED_FONT",
    "cjk_font",
    "resolve_lang",
    "feature_label",
    "value_label",
    "calibration_table",
    "reliability_diagram",
    "roc_plot",
    "default_grid",
    "partial_dependence",
    "factor_effect",
    "factor_effects",
    "approval_rates",
    "approval_rates_plot",
    "whatif",
    "whatif_curve",
    "explanation_chart",
]

LANGS: tuple[str, ...] = ("zh", "en")

BUNDLED_FONT = Path(__file__).parent / "fonts" / "XieshangCJK-Regular.otf"
"""Subset of Noto Sans CJK SC (GB 2312 + the package's characters), OFL 1.1."""

# Installed fonts known to cover simplified Chinese, tried after the bundled one.
_KNOWN_CJK = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB",
    "SimHei", "Heiti SC", "Sarasa Gothic SC", "AR PL UMing CN",
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "predicted": "predicted approval probability",
        "observed": "observed approval rate",
        "observed_truth": "observed approval rate / true probability",
        "model": "model",
        "observed_series": "{label}: observed rate (95% CI)",
        "truth_series": "{label}: true probability",
        "histogram": "{label}: predictions (histogram)",
        "perfect": "perfect calibration",
        "reliability_title": "Reliability diagram",
        "fpr": "false positive rate (rejected requests scored as approved)",
        "tpr": "true positive rate (approved requests found)",
        "chance": "chance",
        "roc_title": "ROC curve",
        "auc": "{name} (AUC {auc:.3f})",
        "mean_probability": "mean approval probability",
        "truth": "truth (generator)",
        "effect_title": "Effect of {label}",
        "rate": "approval rate",
        "rates_title": "Approval rate by factor",
        "count": "n = {n:,}",
        "whatif_title": "What if: {label}",
        "approval_probability": "approval probability",
        "now": "now",
        "target": "target {target:.0%}",
        "unaffordable": "unaffordable (instalment leaves no living buffer)",
        "reasons": "What holds it down",
        "actions": "What would raise it",
        "singles": "Each step alone",
        "reason_bar": "cost of this reason",
        "option": "option {i}",
        "plan_unaffordable": "(plan stays unaffordable)",
        "alone": "alone: {text}",
        "action_note": "{p:.0%} · cost {cost:.1f}",
        "reason_note": "−{impact:.0%}",
        "explain_title": "Approval probability now {p:.0%}, target {target:.0%}",
        "reached": "the best option reaches the target",
        "best_reachable": "no option reaches the target: the best reachable is shown",
        "already": "already at or above the target",
        "no_affordable_plan": "no affordable plan: steps that keep the plan",
        "no_improvement": "nothing realistic raises the probability",
        "can_change": "reason the borrower can act on",
        "cannot_change": "reason the borrower cannot change",
        "yes": "yes",
        "no": "no",
    },
    "zh": {
        "predicted": "预测通过概率",
        "observed": "实际通过率",
        "observed_truth": "实际通过率 / 真实概率",
        "model": "模型",
        "observed_series": "{label}:实际通过率(95%置信区间)",
        "truth_series": "{label}:真实概率",
        "histogram": "{label}:预测值分布(直方图)",
        "perfect": "完美校准",
        "reliability_title": "可靠性图(校准曲线)",
        "fpr": "假阳性率(被拒申请被判为通过的比例)",
        "tpr": "真阳性率(通过申请被识别的比例)",
        "chance": "随机猜测",
        "roc_title": "ROC曲线",
        "auc": "{name}(AUC {auc:.3f})",
        "mean_probability": "平均通过概率",
        "truth": "真实值(生成器)",
        "effect_title": "{label}的影响",
        "rate": "通过率",
        "rates_title": "各因素下的通过率",
        "count": "样本数 {n:,}",
        "whatif_title": "假如改变:{label}",
        "approval_probability": "通过概率",
        "now": "当前",
        "target": "目标 {target:.0%}",
        "unaffordable": "还不起(月供后留不出生活余地)",
        "reasons": "拉低概率的原因",
        "actions": "能提高概率的做法",
        "singles": "每一步单独的效果",
        "reason_bar": "该原因造成的损失",
        "option": "方案{i}",
        "plan_unaffordable": "(方案仍不可负担)",
        "alone": "单独:{text}",
        "action_note": "{p:.0%} · 成本 {cost:.1f}",
        "reason_note": "−{impact:.0%}",
        "explain_title": "当前通过概率 {p:.0%},目标 {target:.0%}",
        "reached": "最佳方案可以达到目标",
        "best_reachable": "没有方案能达到目标:显示可达到的最好方案",
        "already": "已达到或超过目标",
        "no_affordable_plan": "没有还得起的还款方案:不改变方案的步骤",
        "no_improvement": "没有切实可行的做法能提高概率",
        "can_change": "借款人可以改变的原因",
        "cannot_change": "借款人无法改变的原因",
        "yes": "是",
        "no": "否",
    },
}
"""Every word the figures draw, other than the contract's feature labels."""


_COLORS = {"model": "#1f77b4", "truth": "#444444", "reason": "#d62728", "reach": "#2ca02c",
           "short": "#ff7f0e", "now": "#222222", "shade": "#9e9e9e"}
_warned_no_cjk = False


# ----------------------------------------------------------------------------- fonts
def _missing_chars(path: str, chars: str) -> str:
    """The characters of ``chars`` that the font file at ``path`` has no glyph for."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError, ValueError):
        return chars
    return "".join(c for c in chars if font.get_char_index(ord(c)) == 0)


def _font_covers(path: str, chars: str) -> bool:
    """Whether the font file at ``path`` has a glyph for every one of ``chars``."""
    return not _missing_chars(path, chars)


def _all_zh_text() -> str:
    """Every non-ASCII character the figures may draw in Chinese."""
    values = [zh for labels in VALUE_LABELS.values() for zh, _ in labels.values()]
    parts = [f.label_zh for f in FEATURES] + list(TEXT["zh"].values()) + values
    return "".join(sorted({c for c in "".join(parts) if ord(c) > 127}))


# Fonts that claim every code point but draw a placeholder box for each.
_PLACEHOLDER_FONTS = ("Last Resort",)


@cache
def _find_cjk_font(chars: str, bundled: str) -> str | None:
    """Path of the first font covering ``chars``: ``bundled``, known CJK fonts, any font."""
    candidates: list[str] = []
    if bundled and Path(bundled).is_file():
        candidates.append(bundled)
    entries = [e for e in font_manager.fontManager.ttflist
               if not any(e.name.startswith(bad) for bad in _PLACEHOLDER_FONTS)]
    known = [e.fname for name in _KNOWN_CJK for e in entries if e.name == name]
    candidates += known + [e.fname for e in entries if e.fname not in known]
    for path in candidates:
        if _font_covers(path, chars):
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
    chars = "".join(sorted(set(_all_zh_text()) | {c for c in text or "" if ord(c) > 127}))
    default = font_manager.findfont(font_manager.FontProperties())
    need = _missing_chars(default, chars)
    path = default if not need else _find_cjk_font(need, str(BUNDLED_FONT))
    if path is None:
        return None
    if path not in {e.fname for e in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _use_font(family: str) -> None:
    """Add ``family`` as a fallback after the current font families.

    Latin text keeps the user's font; only the glyphs it lacks come from the
    CJK font (matplotlib's per-glyph fallback). Tick labels are laid out at
    draw time, so this has to be set in ``rcParams`` rather than per artist.
    """
    families = list(mpl.rcParams["font.family"])
    if family not in families:
        mpl.rcParams["font.family"] = [*families, family]


def resolve_lang(lang: str, text: str | None = None) -> str:
    """Check ``lang`` and return the language the figure can be drawn in.

    ``"zh"`` needs a CJK font (see :func:`cjk_font`); without one it falls back
    to ``"en"`` and warns once per session.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGS`.
    """
    global _warned_no_cjk
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}; got {lang!r}")
    if lang == "en":
        return lang
    family = cjk_font(text)
    if family is None:
        if not _warned_no_cjk:
            warnings.warn(
                "no installed font has the Chinese glyphs needed; drawing English labels instead",
                UserWarning,
                stacklevel=3,
            )
            _warned_no_cjk = True
        return "en"
    _use_font(family)
    return lang


def _t(key: str, lang: str, **kw: Any) -> str:
    return TEXT[lang][key].format(**kw)


def feature_label(name: str, lang: str = "en") -> str:
    """The contract's label of feature ``name`` in ``lang``."""
    f = feature(name)
    return f.label_zh if lang == "zh" else f.label_en


def value_label(name: str, value: Any, lang: str = "en") -> str:
    """A short human rendering of ``value`` for feature ``name``."""
    f = feature(name)
    if f.kind == "bool":
        return _t("yes" if bool(value) else "no", lang)
    if f.kind == "category":
        return _contract_value_label(name, str(value), lang)
    v = float(value)
    if f.kind == "float" and f.high is not None and f.high <= 1.0:
        return f"{v:.0%}"
    if f.kind == "int":
        return f"{round(v)}"
    if f.unit.startswith("RMB"):
        return f"{v:,.0f}元" if lang == "zh" else f"{v:,.0f} RMB"
    return f"{v:,.0f}"


# ----------------------------------------------------------------------------- helpers
def _figure(ax: Axes) -> Figure:
    """The top-level figure an axes is drawn in (what every drawing function returns)."""
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise ValueError(f"ax: expected axes placed in a matplotlib Figure, got {type(fig).__name__}")
    return fig


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot()


# ----------------------------------------------------------------------------- calibration


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
    lang = resolve_lang(lang, label)
    ax = _new_axes(ax, (6.0, 5.5))
    name = label if label is not None else _t("model", lang)
    hist_ax = _histogram_twin(ax)
    if hist_ax is None:  # first model on these axes
        hist_ax = ax.twinx()
        hist_ax.set_gid(_HIST_GID)
        ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1, label=_t("perfect", lang))
    color = f"C{len(ax.containers) % 10}"  # one colour per model already drawn (each is one errorbar)
    x = table["mean_predicted"].to_numpy()
    # Clipped at 0: at an observed rate of exactly 0 or 1 rounding can make a bound cross it.
    yerr = np.clip(np.vstack([table["observed_rate"] - table["ci_low"], table["ci_high"] - table["observed_rate"]]),
                   0.0, None)
    ax.errorbar(x, table["observed_rate"], yerr=yerr, marker="o", ms=4, lw=1.5, capsize=2,
                color=color, label=_t("observed_series", lang, label=name))
    if truth is not None:
        ax.plot(x, table["mean_truth"], ls="--", marker="s", ms=3.5, lw=1.2, color=color, alpha=0.8,
                label=_t("truth_series", lang, label=name))
    pp = np.asarray(p, dtype=float).ravel()
    hist_ax.hist(pp, bins=40, range=(0.0, 1.0), histtype="stepfilled", alpha=0.18,
                 color=color, label=_t("histogram", lang, label=name))
    # The tallest bar of every model's histogram on these axes: they fill the bottom quarter.
    top = max(float(np.asarray(patch.get_path().vertices)[:, 1].max()) for patch in hist_ax.patches)
    hist_ax.set_ylim(0, max(top, 1.0) * 4.0)
    hist_ax.set_yticks([])
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(_t("predicted", lang))
    if truth is not None or ax.get_ylabel() == _t("observed_truth", lang):
        ax.set_ylabel(_t("observed_truth", lang))
    else:
        ax.set_ylabel(_t("observed", lang))
    ax.set_title(_t("reliability_title", lang))
    ax.grid(alpha=0.25)
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = hist_ax.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, loc="upper left", fontsize="small", framealpha=0.9)
    return _figure(ax)


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
    lang = resolve_lang(lang, "".join(scores))
    ax = _new_axes(ax, (5.5, 5.0))
    ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1, label=_t("chance", lang))
    for name, s in zip(scores, arrays):
        fpr, tpr, _ = roc_curve(y, s)
        ax.plot(fpr, tpr, lw=1.6, label=_t("auc", lang, name=name, auc=roc_auc_score(y, s)))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel(_t("fpr", lang))
    ax.set_ylabel(_t("tpr", lang))
    ax.set_title(_t("roc_title", lang))
    ax.grid(alpha=0.25)
    ax.legend(loc="lower right", fontsize="small")
    return _figure(ax)


# ----------------------------------------------------------------------------- factor effects


def _draw_levels(ax: Axes, name: str, grid: np.ndarray, series: list[tuple[str, np.ndarray, dict]],
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
    lang = resolve_lang(lang)
    g, model_mean = partial_dependence(model_proba, df, name, grid)
    series = [(_t("model", lang), model_mean, {"color": _COLORS["model"], "marker": "o", "ms": 3})]
    if truth_proba is not None:
        _, truth_mean = partial_dependence(truth_proba, df, name, g)
        series.append((_t("truth", lang), truth_mean,
                       {"color": _COLORS["truth"], "ls": "--", "marker": "s", "ms": 3}))
    ax = _new_axes(ax, (5.0, 3.6))
    _draw_levels(ax, name, g, series, lang)
    label = feature_label(name, lang)
    ax.set_xlabel(label)
    ax.set_ylabel(_t("mean_probability", lang))
    ax.set_title(_t("effect_title", lang, label=label), fontsize="medium")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.25)
    ax.legend(fontsize="small")
    return _figure(ax)


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
    lang = resolve_lang(lang)  # first: it selects the CJK font the new axes will use
    names, fig, axes = _small_multiples(features, ncols, (4.2, 3.1))
    for ax, name in zip(axes, names):
        factor_effect(model_proba, truth_proba, df, name, ax=ax, lang=lang)
        ax.set_title(textwrap.shorten(_short_label(name, lang), 40, placeholder="…"), fontsize="small")
        ax.set_xlabel("")
        ax.tick_params(labelsize="x-small")
        if list(axes).index(ax) % ncols:
            ax.set_ylabel("")
        if ax is not axes[0]:
            ax.get_legend().remove()
    for ax in axes[len(names):]:
        ax.set_visible(False)
    return fig


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
    lang = resolve_lang(lang)  # first: it selects the CJK font the new axes will use
    names, fig, axes = _small_multiples(features, ncols, (3.1, 2.5))
    overall = float(df[LABEL].mean()) if LABEL in df else None
    for ax, name in zip(axes, names):
        t = approval_rates(df, name, bins=bins)
        f = feature(name)
        if f.is_numeric and len(t) > 2:
            ax.plot(t["level"], t["rate"], marker="o", ms=3, color=_COLORS["model"])
        else:
            x = np.arange(len(t))
            ax.bar(x, t["rate"], color=_COLORS["model"], alpha=0.85)
            labels = [value_label(name, v, lang) for v in t["level"]]
            ax.set_xticks(x, labels, rotation=30 if len(labels) > 3 else 0,
                          ha="right" if len(labels) > 3 else "center", fontsize="x-small")
        if overall is not None:
            ax.axhline(overall, color="grey", lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_title(textwrap.shorten(_short_label(name, lang), 34, placeholder="…"), fontsize="small")
        ax.tick_params(labelsize="x-small")
        ax.grid(alpha=0.2)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.suptitle(_t("rates_title", lang) + (f" ({_t('count', lang, n=len(df))})"))
    fig.supylabel(_t("rate", lang), fontsize="small")
    return fig


# ----------------------------------------------------------------------------- what-if


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
    from .rules import affordable, plan_terms
    from .validation import applicant_frame

    name = feature
    row = applicant_frame(applicant)
    g, p = whatif(model_proba, row, name, grid)
    series = [("model", p, {"color": _COLORS["model"], "lw": 1.8})]
    if truth_proba is not None:
        series.append(("truth", whatif(truth_proba, row, name, g)[1],
                       {"color": _COLORS["truth"], "ls": "--", "lw": 1.2}))
    lang = resolve_lang(lang)
    series = [(_t(k, lang), y, s) for k, y, s in series]
    ax = _new_axes(ax, (6.0, 3.8))
    _draw_levels(ax, name, g, series, lang)
    f = _feature(name)
    current = row[name].iloc[0]
    now_p = float(proba_fn(model_proba)(row)[0])
    x_now = float(current) if f.is_numeric else int(np.flatnonzero(g == current)[0]) if current in g else None
    if x_now is not None:
        ax.plot([x_now], [now_p], marker="*", ms=13, color=_COLORS["now"], ls="none",
                label=f"{_t('now', lang)}: {value_label(name, current, lang)} → {now_p:.0%}")
    if f.is_numeric:
        inst, disp = plan_terms(with_values(row, name, g))
        bad = ~affordable(inst, disp)
        if bad.any():
            ax.fill_between(g, 0, 1, where=bad, step="mid", transform=ax.get_xaxis_transform(),
                            color=_COLORS["shade"], alpha=0.18, lw=0, label=_t("unaffordable", lang))
    if target is not None:
        ax.axhline(target, color=_COLORS["reach"], ls="--", lw=1, label=_t("target", lang, target=target))
    label = feature_label(name, lang)
    ax.set_xlabel(label + (f" ({f.unit})" if f.unit and lang == "en" else ""))
    ax.set_ylabel(_t("approval_probability", lang))
    ax.set_title(_t("whatif_title", lang, label=label), fontsize="medium")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.25)
    ax.legend(fontsize="small", loc="best")
    return _figure(ax)


# ----------------------------------------------------------------------------- explanations
def _short_label(name: str, lang: str) -> str:
    """The contract label without a parenthesised list of examples: ``困难证明``.

    Parentheses that qualify the label (``(last 24 months)``, ``(月)``) stay.
    """
    label = feature_label(name, lang)
    for open_, close in (("(", ")"), (" (", ")")):
        if open_ in label:
            head, _, rest = label.partition(open_)
            examples = rest.split(close)[0]
            if any(m in examples for m in ("...", "等", "、", ",")):
                return head.strip()
    return label


def _width(text: str) -> int:
    """Display width: a CJK character counts as two Latin ones."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _wrap_items(items: list[str], lang: str, width: int = 46) -> str:
    """Join ``items`` with a separator, breaking lines between items where possible."""
    sep = ";" if lang == "zh" else "; "
    lines: list[str] = []
    line = ""
    for k, item in enumerate(items):
        piece = item + (sep if k < len(items) - 1 else "")
        if line and _width(line + piece) > width:
            lines.append(line.rstrip())
            line = ""
        while _width(piece) > width:  # an item longer than a line
            cut = len(piece)
            while _width(piece[:cut]) > width:
                cut -= 1
            if lang == "en" and " " in piece[:cut]:
                cut = piece[:cut].rindex(" ") + 1
            lines.append(piece[:cut].rstrip())
            piece = piece[cut:]
        line += piece
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def _change_text(changes: Mapping[str, Any], lang: str) -> str:
    return _wrap_items([f"{_short_label(k, lang)} → {value_label(k, v, lang)}" for k, v in changes.items()], lang)


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
    lang = resolve_lang(getattr(exp, "lang", "en"))
    p = float(exp.probability)
    target = float(exp.target)
    reasons = list(getattr(exp, "reasons", ()) or ())
    actions = list(getattr(exp, "actions", ()) or ())
    singles = list(getattr(exp, "single_actions", ()) or ())
    rows: list[tuple[str, str, Any]] = (
        [("reason", f"{_short_label(r.feature, lang)}: {value_label(r.feature, r.value, lang)}", r)
         for r in reasons]
        + [("action", _t("option", lang, i=i + 1)
            + ("" if getattr(a, "affordable", True) else " " + _t("plan_unaffordable", lang))
            + "\n" + _change_text(a.changes, lang), a)
           for i, a in enumerate(actions)]
        + [("single", _change_text(a.changes, lang), a) for a in singles]
    )
    # Each row is as tall as its label; y runs downwards from 0.
    heights = np.array([max(1.0, 0.42 * (1 + lab.count("\n")) + 0.45) for _, lab, _ in rows])
    bottoms = -np.cumsum(heights)
    ys = bottoms + heights / 2
    ax = _new_axes(ax, (9.5, max(3.0, 1.6 + 0.3 * heights.sum())))
    for y, (kind, _, obj) in zip(ys, rows):
        if kind == "reason":
            impact = abs(float(obj.impact))
            fixed = not getattr(obj, "actionable", True)
            ax.barh(y, impact, left=p, height=0.6, color=_COLORS["reason"], alpha=0.4 if fixed else 0.75,
                    hatch="//" if fixed else None, edgecolor=_COLORS["reason"],
                    label=_t("cannot_change" if fixed else "can_change", lang))
            ax.text(p + impact + 0.01, y, _t("reason_note", lang, impact=impact), va="center",
                    fontsize="small", color=_COLORS["reason"])
        else:
            q = float(obj.probability)
            color = _COLORS["reach"] if q >= target else _COLORS["short"]
            ax.annotate("", xy=(q, y), xytext=(p, y),
                        arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2 if kind == "action" else 1.4})
            ax.text(max(q, p) + 0.01, y, _t("action_note", lang, p=q, cost=float(obj.cost)),
                    va="center", fontsize="small", color=color)
    ax.set_yticks(ys, [lab for _, lab, _ in rows], fontsize="small")
    kinds = [k for k, _, _ in rows]
    # Section titles and separators between reasons, options and single actions.
    for kind, title in (("reason", _t("reasons", lang)), ("action", _t("actions", lang)),
                        ("single", _t("singles", lang))):
        if kind in kinds:
            k = kinds.index(kind)
            ax.text(1.11, bottoms[k] + heights[k] - 0.08, title, ha="right", va="top", fontsize="small",
                    color="#444444")
    for k in range(1, len(rows)):
        if kinds[k] != kinds[k - 1]:
            ax.axhline(bottoms[k - 1], color="#bbbbbb", lw=0.8)
    ax.axvline(p, color=_COLORS["now"], lw=1.5, label=f"{_t('now', lang)} {p:.0%}")
    ax.axvline(target, color=_COLORS["reach"], lw=1.2, ls="--", label=_t("target", lang, target=target))
    ax.set_xlim(0, 1.12)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    ax.set_ylim(bottoms[-1] if rows else -1.0, 0.0)
    ax.set_xlabel(_t("approval_probability", lang))
    status = getattr(exp, "status", None)
    if status not in TEXT[lang]:
        reached = getattr(exp, "reached", None)
        status = None if reached is None or not actions else "reached" if reached else "best_reachable"
    title = _t("explain_title", lang, p=p, target=target)
    if status is not None:
        title += "\n" + _t(status, lang)
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="x", alpha=0.25)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))  # one entry per kind of reason bar
    ax.legend(unique.values(), unique.keys(), loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=2, fontsize="small", frameon=False)
    return _figure(ax)
