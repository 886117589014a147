"""Tests for xieshang.plots.calibration: the reliability diagram and ROC curves."""

from __future__ import annotations

import numpy as np
import pytest

from xieshang import plots
from xieshang.contract import LABEL, TRUTH

from .figures import toy_model


def test_reliability_diagram_overlays_models_on_one_axis(sample, X):
    fig = plots.reliability_diagram(sample[LABEL], toy_model(X), label="toy", truth=sample[TRUTH])
    ax = fig.axes[0]
    plots.reliability_diagram(sample[LABEL], sample[TRUTH], ax=ax, label="oracle")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels.count(plots.TEXT["en"]["perfect"]) == 1
    assert sum("toy" in s for s in labels) == 3 and sum("oracle" in s for s in labels) == 2
    twins = [a for a in fig.axes if a is not ax and a.get_gid() == "xieshang-histogram"]
    assert len(twins) == 1  # the second call reuses the first call's histogram axes
    hist_ax = twins[0]
    assert len(hist_ax.patches) == 2  # one histogram per model
    top = max(p.get_path().vertices[:, 1].max() for p in hist_ax.patches)
    assert top <= hist_ax.get_ylim()[1] / 3  # stays in the lower part
    colours = {c.lines[0].get_color() for c in ax.containers}  # the data line of each errorbar
    assert len(colours) == 2  # each model its own colour


def test_roc_plot_reports_each_auc(sample, X):
    from sklearn.metrics import roc_auc_score

    y = sample[LABEL]
    scores = {"toy": toy_model(X), "noise": np.random.default_rng(1).uniform(size=len(y))}
    fig = plots.roc_plot(y, scores)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for name, s in scores.items():
        assert f"{name} (AUC {roc_auc_score(y, s):.3f})" in legend
    with pytest.raises(ValueError, match="both classes"):
        plots.roc_plot([1, 1, 1], {"a": [0.1, 0.2, 0.3]})
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.roc_plot(y, {})
