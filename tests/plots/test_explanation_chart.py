"""Tests for xieshang.plots.explanation_chart: reasons, options and single steps on one axis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

import xieshang
from xieshang import plots

from .figures import _arrows, missing_glyphs, render, stand_in_explanation, tick_texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explanation_chart_draws_reasons_and_actions(lang):
    exp = stand_in_explanation(lang)
    fig = plots.explanation_chart(exp)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted(round(b.get_width(), 6) for b in bars) == sorted(r.impact for r in exp.reasons)
    assert all(b.get_x() == pytest.approx(exp.probability) for b in bars)
    assert len(_arrows(ax)) == len(exp.actions) + len(exp.single_actions)
    ticks = " ".join(tick_texts(ax)).replace("\n", " ")
    assert plots.feature_label("past_overdue_count", lang) in ticks
    short = {"zh": "困难证明", "en": "hardship proof"}[lang]  # the label without its examples
    assert f"{short} → {plots.TEXT[lang]['yes']}" in ticks
    assert f"{exp.probability:.0%}" in ax.get_title()
    assert missing_glyphs(render(fig)) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_never_shows_a_chance_of_0_or_100_percent(lang):
    # The model clips to [0.001, 0.999]: formatted as a percentage that reads 0 % or 100 %, as certain.
    exp = stand_in_explanation(lang)
    exp.probability = 0.003
    ax = plots.explanation_chart(exp).axes[0]
    shown = " ".join([ax.get_title(), *(t.get_text() for t in ax.texts), *ax.get_legend_handles_labels()[1]])
    assert xieshang.text.chance(0.003, lang) in ax.get_title()
    assert " 0%" not in shown and "100%" not in shown


def test_the_chart_shows_no_effort_units_and_no_text_over_a_section_title(oracle, X):
    # The page shows this chart to the borrower: the estimate after each option, never the contract's costs
    # (as the report); a section's title sits in its own band, above the first row's bar and its note.
    p = oracle.predict_proba(X)[:, 1]
    low = X[(p > 0.1) & (p < 0.5)]
    applicant = next(low.iloc[[i]] for i in range(len(low)) if xieshang.explain(oracle, low.iloc[[i]]).actions)
    for lang in ("zh", "en"):
        exp = xieshang.explain(oracle, applicant, target=0.6, lang=lang)
        ax = plots.explanation_chart(exp).axes[0]
        notes = [t for t in ax.texts if t.get_position()[0] < 1.1]
        assert all(t.get_text() == xieshang.text.chance(a.probability, lang)
                   for t, a in zip([t for t in notes if "%" in t.get_text() and "−" not in t.get_text()],
                                   [*exp.actions, *exp.single_actions]))
        shown = " ".join(t.get_text() for t in ax.texts)
        assert "cost" not in shown and "难度" not in shown
        titles = [t for t in ax.texts if t.get_position()[0] >= 1.1]
        rows = sorted(ax.get_yticks())
        for t in titles:  # above every row's centre: the band on top of its section
            below = [y for y in rows if y < t.get_position()[1]]
            assert below and t.get_position()[1] - max(below) >= 0.5


def test_explanation_chart_of_a_real_explanation(oracle, X):
    explain = xieshang.explain
    p = oracle.predict_proba(X)[:, 1]
    applicant = X[(p > 0.1) & (p < 0.35)].iloc[[0]]
    for lang in ("zh", "en"):
        exp = explain(oracle, applicant, target=0.6, lang=lang)
        fig = exp.plot()
        ax = fig.axes[0]
        assert len(_arrows(ax)) == len(exp.actions) + len(exp.single_actions)
        bars = [b for b in ax.patches if isinstance(b, Rectangle)]
        assert len(bars) == len(exp.reasons)
        assert plots.TEXT[lang][exp.status] in ax.get_title()
        assert missing_glyphs(render(fig)) == []


@pytest.mark.parametrize("status", ["already", "no_affordable_plan"])
def test_explanation_chart_without_options(status):
    exp = stand_in_explanation("zh")
    exp.status, exp.actions, exp.single_actions = status, [], []
    if status == "already":
        exp.reasons, exp.probability = [], 0.7
    fig = plots.explanation_chart(exp)
    ax = fig.axes[0]
    assert _arrows(ax) == []
    assert plots.TEXT["zh"][status] in ax.get_title()
    assert missing_glyphs(render(fig)) == []


def test_the_chart_of_an_applicant_with_no_affordable_plan_promises_no_steps(oracle):
    # No plan is affordable: there is no option (xieshang.explain, issue 22), so the subtitle never says the
    # chart lists steps (it said "steps that keep the plan" over an empty chart); it says what the report leads with.
    base = json.loads((Path(__file__).resolve().parents[2] / "data" / "examples" / "applicant.json").read_text("utf-8"))
    app = {**base, "outstanding_balance": 60_000.0, "plan_months": 6,
           "monthly_income": 3000.0, "monthly_expenses": 2500.0, "other_debt_payments": 0.0, "savings": 0.0,
           "down_payment_ratio": 0.0}
    for lang in ("zh", "en"):
        exp = xieshang.explain(oracle, app, lang=lang)
        assert exp.status == "no_affordable_plan" and exp.actions == [] and exp.single_actions == []
        ax = exp.plot().axes[0]
        subtitle = ax.get_title().split("\n")[1]
        assert _arrows(ax) == [] and subtitle == plots.TEXT[lang]["no_affordable_plan"]
        assert not any(w in subtitle for w in ("steps", "做法"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("rows", ["none", "many"])
def test_the_legend_sits_below_the_axis_label_on_short_and_tall_charts(lang, rows):
    # 76a19bd: the legend overlapped the axis label (获批可能性) on short charts, the page's included; it now
    # sits a fixed distance below it, whatever the chart's height.
    exp = stand_in_explanation(lang)
    if rows == "none":
        exp.reasons, exp.actions, exp.single_actions, exp.status = [], [], [], "no_improvement"
    fig = plots.explanation_chart(exp)
    ax = fig.axes[0]
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    label = ax.xaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= label.y0 and all(legend.y1 <= t.y0 for t in ticks)  # display y grows upwards
