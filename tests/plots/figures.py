"""Helpers of the figure tests: a stand-in model and explanation, every figure, rendering with warnings."""

from __future__ import annotations

import io
import types
import warnings

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from xieshang import plots
from xieshang.contract import LABEL, TRUTH
from xieshang.generator import true_probability


def toy_model(X: pd.DataFrame) -> np.ndarray:
    """A deliberately miscalibrated stand-in for a fitted model."""
    return np.clip(0.8 * true_probability(X) + 0.1, 0, 1)


def render(fig: Figure) -> list[str]:
    """Draw ``fig`` into a PNG canvas; return the messages of every warning raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    return [str(w.message) for w in caught]


def missing_glyphs(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from font" in m]


def tick_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]


def stand_in_explanation(lang: str = "en"):
    """The duck type explanation_chart needs, until xieshang.explain is used."""
    ns = types.SimpleNamespace
    return ns(
        probability=0.2, target=0.6, lang=lang, reached=True,
        reasons=[ns(feature="past_overdue_count", value=5, impact=0.12, text="..."),
                 ns(feature="communication", value="evasive", impact=0.07, text="...")],
        actions=[ns(changes={"hardship_proof": True, "communication": "proactive"},
                    probability=0.63, cost=2.0, text="...")],
        single_actions=[ns(changes={"hardship_proof": True}, probability=0.35, cost=1.0, text="..."),
                        ns(changes={"communication": "proactive"}, probability=0.3, cost=1.0, text="...")],
    )


def all_figures(sample, X, lang: str) -> list[Figure]:
    y, p = sample[LABEL], toy_model(X)
    applicant = X.iloc[[0]]
    return [
        plots.reliability_diagram(y, p, lang=lang, label="toy", truth=sample[TRUTH]),
        plots.roc_plot(y, {"toy": p, "truth": sample[TRUTH]}, lang=lang),
        plots.factor_effect(toy_model, true_probability, X.iloc[:300], "hardship_reason", lang=lang),
        plots.factor_effect(toy_model, None, X.iloc[:300], "plan_months", lang=lang),
        plots.approval_rates_plot(sample, ["credit_score", "hardship_reason", "income_proof"], lang=lang,
                                  ncols=3),
        plots.whatif_curve(toy_model, applicant, "plan_months", lang=lang, truth_proba=true_probability,
                           target=0.6),
        plots.whatif_curve(toy_model, applicant, "communication", lang=lang),
        plots.explanation_chart(stand_in_explanation(lang)),
    ]


def _arrows(ax) -> list[FancyArrowPatch]:
    return [a.arrow_patch for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
