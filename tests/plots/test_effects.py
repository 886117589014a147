"""Tests for xieshang.plots.effects: factor effects beside the truth."""

from __future__ import annotations

import numpy as np
import pytest

from xieshang import plots
from xieshang.contract import feature
from xieshang.generator import true_probability
from xieshang.inspection import partial_dependence

from .figures import missing_glyphs, render, toy_model


def test_factor_effect_draws_model_and_truth(X):
    small = X.iloc[:200]
    fig = plots.factor_effect(toy_model, true_probability, small, "credit_score")
    ax = fig.axes[0]
    grid, model_mean = partial_dependence(toy_model, small, "credit_score")
    _, truth_mean = partial_dependence(true_probability, small, "credit_score", grid)
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("model", plots.TEXT["en"]["truth"])]
    assert np.allclose(lines[0].get_ydata(), model_mean) and np.allclose(lines[1].get_ydata(), truth_mean)
    assert truth_mean[-1] > truth_mean[0]  # credit score raises approval


def test_factor_effects_grid(X):
    names = ["plan_months", "communication", "income_proof"]
    fig = plots.factor_effects(toy_model, true_probability, X.iloc[:100], names, lang="zh", ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == [feature(n).label_zh for n in names]
    assert visible[0].get_legend() is not None and visible[1].get_legend() is None
    assert missing_glyphs(render(fig)) == []
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        plots.factor_effects(toy_model, None, X.iloc[:10], ["colour"])
