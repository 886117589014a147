"""xieshang.text.formats: languages and how numbers read."""

import pytest

from xieshang import text as T


def test_check_lang_rejects_unknown_languages():
    assert T.check_lang("en") == "en"
    for bad in ("fr", "ZH", None, 1):
        with pytest.raises(ValueError, match=r"lang: expected one of 'zh', 'en'"):
            T.check_lang(bad)


def test_points_and_percent_in_plain_words():
    assert T.percent(0.384) == "38%"
    assert T.points(0.12, "zh") == "约12个百分点"
    assert T.points(0.01, "en") == "about 1 percentage point"
    assert T.points(0.004, "en") == "under 1 percentage point"
    assert T.points(-0.004, "zh") == "-不到1个百分点"
    assert T.change_words(-0.03, "en") == "lowers it by about 3 percentage points"
    assert T.chance(0.384, "zh") == "38%" and T.chance(0.003, "zh") == "不到1%" and T.chance(0.0, "en") == "under 1%"
