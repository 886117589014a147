import json
import re

import pytest

from explain.helpers import (
    CJK,
    rejected,
    stuck,
)
from xieshang.explain import (
    explain,
)


def test_report_and_json_in_both_languages(pool, oracle):
    app = rejected(pool, 1, seed=4)
    zh, en = explain(oracle, app, lang="zh"), explain(oracle, app, lang="en")
    # English quotes Chinese terms only in parentheses (我的账单, 以贷养贷) so the reader recognises them
    assert CJK.search(str(zh)) and not CJK.search(re.sub(r"\([^)]*\)", "", str(en)))
    assert "target" in str(en) and "目标" in str(zh)
    d = json.loads(json.dumps(en.to_dict()))
    assert d["probability"] == pytest.approx(en.probability)
    assert d["reasons"][0]["feature"] == en.reasons[0].feature
    assert d["report"] == str(en)
    assert len(d["actions"]) == len(en.actions)


def test_plot_delegates_to_plots(monkeypatch, pool, oracle):
    import xieshang.plots as plots

    seen = {}
    monkeypatch.setattr(plots, "explanation_chart", lambda exp, ax=None: seen.setdefault("exp", (exp, ax)))
    exp = explain(oracle, rejected(pool, 1, seed=5))
    exp.plot(ax="AX")
    assert seen["exp"] == (exp, "AX")


def test_disclaimer_comes_first(pool, oracle):
    app = rejected(pool, 1, seed=60)
    for lang, words in (("zh", "不构成金融或法律建议"), ("en", "not financial or legal advice")):
        first = str(explain(oracle, app, lang=lang)).splitlines()[0]
        assert words in first


def test_explanation_chart_of_an_applicant_without_an_affordable_plan_shows_no_option(pool, oracle):
    import matplotlib

    matplotlib.use("Agg")
    from xieshang import plots

    row = stuck(pool)
    for lang in ("en", "zh"):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and not exp.actions  # issue 22: nothing toward that plan
        fig = plots.explanation_chart(exp)
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert not any(plots.TEXT[lang]["plan_unaffordable"] in lab for lab in labels)
        fig.clear()
