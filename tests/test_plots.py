"""Tests for xieshang.plots: numbers behind the figures, fonts, fallback and input checks."""

from __future__ import annotations

import io
import types
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from xieshang import plots
from xieshang.contract import (
    BOOL_NAMES,
    CATEGORY_NAMES,
    FEATURE_NAMES,
    HARDSHIP_REASONS,
    LABEL,
    TRUTH,
    feature,
)
from xieshang.generator import affordability, generate, true_probability

PACKAGE = Path(plots.__file__).parent


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return generate(2000, seed=3)


@pytest.fixture(scope="module")
def X(sample) -> pd.DataFrame:
    return sample[list(FEATURE_NAMES)]


def toy_model(X: pd.DataFrame) -> np.ndarray:
    """A deliberately miscalibrated stand-in for a fitted model."""
    return np.clip(0.8 * true_probability(X) + 0.1, 0, 1)


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield


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


# ----------------------------------------------------------------------------- fonts
def test_bundled_font_exists_and_is_chosen():
    assert plots.BUNDLED_FONT.is_file()
    assert plots.cjk_font() == "Xieshang CJK"


def test_bundled_font_covers_every_character_of_the_package():
    """Labels and explanation templates live in the source: all must have glyphs.

    Fails when someone adds a character outside the shipped subset; the fix is
    ``python scripts/subset_cjk_font.py`` (see its docstring).
    """
    dejavu = mpl.font_manager.findfont("DejaVu Sans")
    chars = {c for path in PACKAGE.rglob("*.py") for c in path.read_text(encoding="utf-8") if ord(c) > 127}
    need = plots._missing_chars(dejavu, "".join(sorted(chars)))
    assert "逾" in need, "expected Chinese characters in the package source"
    assert plots._missing_chars(str(plots.BUNDLED_FONT), need) == ""


def test_font_coverage_check_detects_a_missing_glyph():
    dejavu = mpl.font_manager.findfont("DejaVu Sans")
    assert plots._font_covers(dejavu, "abc")
    assert not plots._font_covers(dejavu, "逾期")
    assert plots._font_covers(str(plots.BUNDLED_FONT), "逾期天数")


def test_capture_detects_missing_glyphs():
    """The check below is real: without the CJK font, drawing Chinese warns."""
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure()
        fig.add_subplot().set_title("逾期天数")
        assert missing_glyphs(render(fig))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_glyph_is_missing(sample, X, lang):
    assert plots.cjk_font() is not None
    for fig in all_figures(sample, X, lang):
        assert missing_glyphs(render(fig)) == []


def test_chinese_figures_carry_contract_labels(X):
    fig = plots.factor_effect(toy_model, true_probability, X.iloc[:200], "communication", lang="zh")
    ax = fig.axes[0]
    assert ax.get_xlabel() == feature("communication").label_zh
    assert "积极主动" in tick_texts(ax)


def test_falls_back_to_english_without_cjk_font(monkeypatch, X):
    monkeypatch.setattr(plots, "cjk_font", lambda text=None: None)
    monkeypatch.setattr(plots, "_warned_no_cjk", False)
    with pytest.warns(UserWarning, match="English labels"):
        fig = plots.factor_effect(toy_model, None, X.iloc[:100], "credit_score", lang="zh")
    assert fig.axes[0].get_xlabel() == feature("credit_score").label_en
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once only
        fig = plots.whatif_curve(toy_model, X.iloc[[0]], "plan_months", lang="zh")
    assert fig.axes[0].get_ylabel() == plots.TEXT["en"]["approval_probability"]
    assert missing_glyphs(render(fig)) == []


def test_unknown_language_is_refused(sample, X):
    with pytest.raises(ValueError, match="lang must be one of 'zh', 'en'; got 'fr'"):
        plots.roc_plot(sample[LABEL], {"toy": toy_model(X)}, lang="fr")


def test_every_plot_string_exists_in_both_languages():
    assert set(plots.TEXT["zh"]) == set(plots.TEXT["en"])
    for key, en in plots.TEXT["en"].items():
        assert plots.TEXT["zh"][key] != en or "{" in en


def test_category_names_agree_with_the_explanations():
    text = pytest.importorskip("xieshang.text")
    for reason in HARDSHIP_REASONS:
        assert plots.value_label("hardship_reason", reason, "zh") == text.category_name(
            "hardship_reason", reason, "zh")


# ----------------------------------------------------------------------------- calibration
def test_calibration_table_bins_and_truth():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20_000)
    y = rng.uniform(size=p.size) < p
    t = plots.calibration_table(y, p, n_bins=10, truth=p)
    assert t["n"].sum() == p.size and len(t) == 10
    assert np.allclose(t["mean_truth"], t["mean_predicted"])
    inside = (t["ci_low"] <= t["mean_predicted"]) & (t["mean_predicted"] <= t["ci_high"])
    assert inside.mean() >= 0.8  # a calibrated score sits inside its 95 % intervals
    assert ((t["mean_predicted"] >= t["bin_low"]) & (t["mean_predicted"] <= t["bin_high"])).all()
    shifted = plots.calibration_table(y, np.clip(p + 0.2, 0, 1), n_bins=10)
    assert (shifted["observed_rate"] < shifted["mean_predicted"]).mean() > 0.7


def test_calibration_input_errors_name_every_problem():
    with pytest.raises(ValueError, match=r"y_true: expected 0/1 labels.*p: expected probabilities in \[0, 1\]"):
        plots.calibration_table([0, 2, 1], [0.1, 1.5, 0.3])
    with pytest.raises(ValueError, match="p: expected 3 values"):
        plots.calibration_table([0, 1, 1], [0.1, 0.5])
    with pytest.raises(ValueError, match="NaN/inf"):
        plots.reliability_diagram([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="n_bins: expected a positive integer"):
        plots.calibration_table([0, 1], [0.1, 0.5], n_bins=0)


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


# ----------------------------------------------------------------------------- factor effects
def test_default_grid_follows_the_contract(X):
    assert list(plots.default_grid(X, BOOL_NAMES[0])) == [False, True]
    for name in CATEGORY_NAMES:
        assert tuple(plots.default_grid(X, name)) == feature(name).categories
    g = plots.default_grid(X, "past_overdue_count")
    assert (np.diff(g) > 0).all() and np.allclose(g, np.round(g))
    g = plots.default_grid(None, "down_payment_ratio", n=6)
    assert g[0] == feature("down_payment_ratio").low and g[-1] == feature("down_payment_ratio").high


def test_partial_dependence_matches_a_row_by_row_loop(X):
    small = X.iloc[:150]
    grid, mean = plots.partial_dependence(true_probability, small, "plan_months", grid=[6, 24, 60])
    for v, m in zip(grid, mean):
        assert m == pytest.approx(true_probability(small.assign(plan_months=int(v))).mean())
    batched = plots.partial_dependence(true_probability, small, "plan_months", grid=[6, 24, 60], max_rows=150)
    assert np.allclose(batched[1], mean)


def test_partial_dependence_keeps_dtypes_and_accepts_estimators(X):
    seen = {}

    class Estimator:
        def predict_proba(self, frame):
            seen.update(frame.dtypes.to_dict())
            p = (frame["communication"].cat.codes.to_numpy() + 1) / 4
            return np.column_stack([1 - p, p])

    grid, mean = plots.partial_dependence(Estimator(), X.iloc[:50], "communication")
    assert list(grid) == list(feature("communication").categories)
    assert np.allclose(mean, [0.25, 0.5, 0.75])
    assert seen["communication"] == X["communication"].dtype
    assert seen["plan_months"] == X["plan_months"].dtype


def test_partial_dependence_rejects_bad_input(X):
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        plots.partial_dependence(toy_model, X, "colour")
    with pytest.raises(ValueError, match="non-empty DataFrame"):
        plots.partial_dependence(toy_model, X.iloc[:0], "plan_months")
    with pytest.raises(ValueError, match="returned shape"):
        plots.partial_dependence(lambda f: np.zeros(3), X.iloc[:10], "plan_months", grid=[12])


def test_factor_effect_draws_model_and_truth(X):
    small = X.iloc[:200]
    fig = plots.factor_effect(toy_model, true_probability, small, "credit_score")
    ax = fig.axes[0]
    grid, model_mean = plots.partial_dependence(toy_model, small, "credit_score")
    _, truth_mean = plots.partial_dependence(true_probability, small, "credit_score", grid)
    lines = [ln for ln in ax.get_lines() if ln.get_label() in ("model", plots.TEXT["en"]["truth"])]
    assert np.allclose(lines[0].get_ydata(), model_mean) and np.allclose(lines[1].get_ydata(), truth_mean)
    assert truth_mean[-1] > truth_mean[0]  # credit score raises approval


def test_approval_rates(sample):
    t = plots.approval_rates(sample, "income_proof")
    expected = sample.groupby("income_proof")[LABEL].mean()
    assert np.allclose(t.set_index("level")["rate"].sort_index(), expected.sort_index())
    t = plots.approval_rates(sample, "communication")
    assert list(t["level"]) == list(feature("communication").categories)
    t = plots.approval_rates(sample, "credit_score", bins=5)
    assert len(t) == 5 and t["n"].sum() == len(sample) and (np.diff(t["level"]) > 0).all()
    with pytest.raises(ValueError, match="approved"):
        plots.approval_rates(sample.drop(columns=[LABEL]), "credit_score")


# ----------------------------------------------------------------------------- what-if
def test_whatif_is_one_row_partial_dependence(X):
    applicant = X.iloc[4].to_dict()
    grid, p = plots.whatif(true_probability, applicant, "plan_months")
    assert list(grid) == list(range(1, 61))
    current = int(applicant["plan_months"])
    row = X.iloc[[4]]
    assert p[current - 1] == pytest.approx(true_probability(row)[0])


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


# ----------------------------------------------------------------------------- explanations
def _arrows(ax) -> list[FancyArrowPatch]:
    return [a.arrow_patch for a in ax.texts if getattr(a, "arrow_patch", None) is not None]


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


def test_explanation_chart_of_a_real_explanation(oracle, X):
    explain = pytest.importorskip("xieshang.explain").explain
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


def test_font_search_without_the_bundled_font():
    """Without the shipped file, any installed font must cover the characters, or none is chosen."""
    chars = "".join(sorted(set(plots._all_zh_text())))
    path = plots._find_cjk_font(chars, str(plots.BUNDLED_FONT.with_name("absent.otf")))
    if path is not None:
        assert plots._missing_chars(path, chars) == ""
        assert "LastResort" not in Path(path).name  # claims every character, draws boxes


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


def test_factor_effects_grid(X):
    names = ["plan_months", "communication", "income_proof"]
    fig = plots.factor_effects(toy_model, true_probability, X.iloc[:100], names, lang="zh", ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == [feature(n).label_zh for n in names]
    assert visible[0].get_legend() is not None and visible[1].get_legend() is None
    assert missing_glyphs(render(fig)) == []
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        plots.factor_effects(toy_model, None, X.iloc[:10], ["colour"])


@pytest.mark.parametrize(("name", "value", "lang", "shown"), [
    ("down_payment_ratio", 0.2, "en", "20%"),
    ("income_proof", True, "zh", "是"),
    ("income_proof", False, "en", "no"),
    ("communication", "proactive", "zh", "积极主动"),
    ("monthly_income", 12345.6, "zh", "12,346元"),
    ("plan_months", 36.0, "en", "36"),
])
def test_value_label(name, value, lang, shown):
    assert plots.value_label(name, value, lang) == shown
