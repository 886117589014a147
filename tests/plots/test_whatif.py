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


def test_whatif_curve_shades_the_plans_the_household_cannot_carry():
    # 18,000 RMB over 12 months is 1,500 a month from 3,000 left over: affordable for one person, not for six
    # (rules.living_floor). The shade follows the report's rule: 12 months is shaded for the six only.
    import json
    from pathlib import Path

    base = json.loads((Path(__file__).resolve().parents[2] / "data" / "examples" / "applicant.json").read_text("utf-8"))
    app = {**base, "outstanding_balance": 18_000.0, "plan_months": 12, "down_payment_ratio": 0.0,
           "monthly_income": 6000.0, "monthly_expenses": 3000.0, "other_debt_payments": 0.0, "savings": 0.0}
    shaded = {}
    for size in (1, 6):
        ax = plots.whatif_curve(toy_model, {**app, "household_size": size}, "plan_months").axes[0]
        shade = next(c for c in ax.collections if c.get_label() == plots.TEXT["en"]["unaffordable"])
        shaded[size] = shade.get_paths()[0].vertices[:, 0].max()
    assert shaded[1] < 12 < shaded[6]
