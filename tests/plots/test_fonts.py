"""Tests for xieshang.plots.fonts and the font context: the CJK font, its coverage, the English fallback."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from xieshang import plots
from xieshang.contract import LABEL, feature
from xieshang.generator import true_probability
from xieshang.plots import fonts

from .figures import all_figures, missing_glyphs, render, tick_texts, toy_model

PACKAGE = Path(plots.__file__).parents[1]


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
    need = fonts.missing_chars(dejavu, "".join(sorted(chars)))
    assert "逾" in need, "expected Chinese characters in the package source"
    assert fonts.missing_chars(str(plots.BUNDLED_FONT), need) == ""


def test_font_coverage_check_detects_a_missing_glyph():
    dejavu = mpl.font_manager.findfont("DejaVu Sans")
    assert fonts.font_covers(dejavu, "abc")
    assert not fonts.font_covers(dejavu, "逾期")
    assert fonts.font_covers(str(plots.BUNDLED_FONT), "逾期天数")


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
    monkeypatch.setattr(fonts, "cjk_font", lambda text=None: None)
    fonts._warn_no_cjk.cache_clear()  # as in a new session
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


def test_font_search_without_the_bundled_font():
    """Without the shipped file, any installed font must cover the characters, or none is chosen."""
    chars = "".join(sorted(set(fonts.figure_chars())))
    path = fonts.find_cjk_font(chars, str(plots.BUNDLED_FONT.with_name("absent.otf")))
    if path is not None:
        assert fonts.missing_chars(path, chars) == ""
        assert "LastResort" not in Path(path).name  # claims every character, draws boxes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_drawing_leaves_the_users_rcparams_unchanged(sample, X, lang):
    """Fonts go on the figures (rc_context), never into the user's matplotlib settings."""
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):  # the user's own setting
        before = dict(mpl.rcParams)
        figures = all_figures(sample, X, lang)
        assert dict(mpl.rcParams) == before
        for fig in figures:  # still drawn with every glyph after the context is gone
            assert missing_glyphs(render(fig)) == []
        assert dict(mpl.rcParams) == before


def test_chinese_on_axes_the_user_made_beforehand(X):
    """The user's own axes, made before any Chinese figure, still get the CJK font for the labels drawn on them."""
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.factor_effect(toy_model, None, X.iloc[:100], "communication", ax=ax, lang="zh") is fig
    assert "积极主动" in tick_texts(ax)
    assert missing_glyphs(render(fig)) == []
