from pathlib import Path

from xieshang.contract import FEATURES
from xieshang.docs import render_data_dictionary
from xieshang.generator import EFFECTS, QUOTES_EN

ROOT = Path(__file__).resolve().parents[1]


def test_data_dictionary_is_up_to_date():
    on_disk = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert on_disk == render_data_dictionary(), "data/README.md drifted from the code: run `make docs`"


def test_dictionary_names_every_column_and_effect():
    text = render_data_dictionary()
    for f in FEATURES:
        assert f"`{f.name}`" in text and f.label_zh in text and f.label_en in text
    for e in EFFECTS:
        assert f"`{e.name}` | {e.size:+g} |" in text


def test_every_effect_quotes_the_article_verbatim():
    article = (ROOT / "data" / "external" / "article.zh.txt").read_text(encoding="utf-8")
    for e in EFFECTS:
        assert e.quote in article, e.name
        assert QUOTES_EN[e.quote]
