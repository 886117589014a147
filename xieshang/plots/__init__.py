"""Figures: calibration, ROC, factor effects, explanations and what-if curves.

Every function draws into ``ax`` when given one (and returns its figure) or
into a new :class:`matplotlib.figure.Figure` otherwise; none uses ``pyplot``,
so figures are not kept alive by a global registry and are shown once in a
notebook. Feature names come from :mod:`xieshang.contract` (``label_zh`` /
``label_en``); every other word from :data:`xieshang.text.FIGURE_TEXT`
(:data:`TEXT` here), in Chinese and English.

Chinese figures carry a CJK font (:mod:`xieshang.plots.fonts`), applied with
:func:`matplotlib.rc_context` while a figure is drawn: the user's ``rcParams``
never change. The numbers behind the figures (calibration tables, partial
dependence, what-if grids, approval rates) come from :mod:`xieshang.inspection`,
which draws nothing.

Modules: :mod:`~xieshang.plots.fonts` (the CJK font), :mod:`~xieshang.plots.canvas`
(the font context, axes, colours), :mod:`~xieshang.plots.labels` (words on the
figures), :mod:`~xieshang.plots.calibration`, :mod:`~xieshang.plots.effects`,
:mod:`~xieshang.plots.whatif` and :mod:`~xieshang.plots.explanation_chart` (the figures).
"""

from __future__ import annotations

from ..text import FIGURE_TEXT as TEXT
from ..text import LANGS
from .calibration import reliability_diagram, roc_plot
from .effects import approval_rates_plot, factor_effect, factor_effects
from .explanation_chart import explanation_chart
from .fonts import BUNDLED_FONT, cjk_font, resolve_lang
from .labels import feature_label, value_label
from .whatif import whatif_curve

__all__ = [
    "TEXT",
    "LANGS",
    "BUNDLED_FONT",
    "cjk_font",
    "resolve_lang",
    "feature_label",
    "value_label",
    "reliability_diagram",
    "roc_plot",
    "factor_effect",
    "factor_effects",
    "approval_rates_plot",
    "whatif_curve",
    "explanation_chart",
]
