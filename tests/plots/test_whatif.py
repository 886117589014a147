"""Tests for xieshang.plots.whatif: one applicant's curve."""

from __future__ import annotations

import numpy as np
import pytest

from xieshang import plots
from xieshang.generator import affordability

from .figures import toy_model


def test_whatif_curve_marks_now_and_unaffordable_plans(X):
    instalment, disposable, _ = affordability(X)
    # Affordable as proposed, but not with a one-month plan.
    one_month = X["outstanding_balance"] * (1 - X["down_payment_ratio"])
    idx = int(np.flatnonzero((instalment < disposable) & (one_month > disposable))[0])
    fig = plots.whatif_curve(toy_model, X.iloc[[idx]], "plan_months", target=0.6)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    now = [s for s in labels if s.startswith(plots.TEXT["en"]["now"])]
    assert now == [f"now: {X['plan_months'].iloc[idx]} → {toy_model(X.iloc[[idx]])[0]:.0%}"]
    assert plots.TEXT["en"]["target"].format(target=0.6) in labels
    assert plots.TEXT["en"]["unaffordable"] in labels
    shade = next(c for c in ax.collections if c.get_label() == plots.TEXT["en"]["unaffordable"])
    xs = shade.get_paths()[0].vertices[:, 0]
    assert xs.min() < 2 and xs.max() < X["plan_months"].iloc[idx]  # short plans only
    with pytest.raises(ValueError, match="plan_months"):
        plots.whatif_curve(toy_model, {**X.iloc[0].to_dict(), "plan_months": 0}, "plan_months")
