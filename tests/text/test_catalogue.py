"""Every catalogue of xieshang.text: both languages, no wrong advice, every name read from the package."""

import re

import pytest

from xieshang import text as T

CJK = re.compile(r"[\u4e00-\u9fff]")


def _all_texts():
    for name, variants in T.REASON_TEMPLATES.items():
        for key, texts in variants.items():
            yield f"reason {name}/{key}", texts
    for name, variants in T.ACTION_TEMPLATES.items():
        for key, texts in variants.items():
            yield f"action {name}/{key}", texts
    for key, texts in T.HEADINGS.items():
        yield f"heading {key}", texts
    for table in ("NEXT_STEPS", "GAP_TEMPLATES", "DOWN_PAYMENT_NOTES", "HARDSHIP_DOCUMENTS"):
        for key, texts in getattr(T, table).items():
            yield f"{table} {key}", texts


@pytest.mark.parametrize("where, texts", list(_all_texts()))
def test_every_sentence_exists_in_both_languages(where, texts):
    assert set(texts) == set(T.LANGS), where
    words = re.sub(r"\{[^}]*\}", "", texts["en"])
    if re.search(r"[A-Za-z]", words):  # not a pure layout template such as "{text}: {gain}"
        assert CJK.search(texts["zh"]), f"{where}: the zh sentence has no Chinese"
    # English may quote a Chinese term in parentheses (以贷养贷, 我的账单) so the reader recognises it
    assert not CJK.search(re.sub(r"\([^)]*\)", "", texts["en"])), f"{where}: the en sentence has Chinese"


_WRONG_WAY = re.compile(r"仅逾期|逾期初期|逾期时间较短|only \{v\} days|rarely negotiate|first weeks|wait", re.I)


def test_no_sentence_suggests_that_staying_overdue_helps():
    # every reason template, every heading and every next step: none may say more delinquency helps
    texts = [t for v in T.REASON_TEMPLATES.values() for variant in v.values() for t in variant.values()]
    texts += [t for v in T.HEADINGS.values() for t in v.values()]
    for t in texts:
        assert not _WRONG_WAY.search(t), t
    for variant in T.REASON_TEMPLATES["days_overdue"].values():
        assert "罚息" in variant["zh"] and "联系平台" in variant["zh"]
        assert "penalty interest" in variant["en"] and "contact the lender now" in variant["en"]
    for lang in T.LANGS:  # whatever side of the reference, the sentence says to act now
        assert T.reason_text("days_overdue", 5, 43, lang) == T.reason_text("days_overdue", 5, 1, lang)
    assert "now" in T.next_steps([("overdue", {"days": 3})], "en")[0]
    assert "waiting does not help" in T.next_steps([("overdue", {"days": 3})], "en")[0]
    assert "尽快联系" in T.next_steps([("overdue", {"days": 3})], "zh")[0]


def test_no_sentence_mentions_costs_or_effort_units():
    texts = [t for table in (T.HEADINGS, T.NEXT_STEPS, T.GAP_TEMPLATES, T.NOTES) for v in table.values() for t in v.values()]
    texts += [t for v in T.ACTION_TEMPLATES.values() for variant in v.values() for t in variant.values()]
    for t in (re.sub(r"\{[^}]*\}", "", t) for t in texts):  # words, not field names
        assert not re.search(r"成本|努力单位|\bcosts?\b|effort unit|\bpts\b|借呗\s*app|银行保险消费者投诉热线|本身", t, re.I), t


def test_every_public_name_of_the_catalogues_is_read_from_the_package():
    """``from xieshang.text import X`` works for every name of every module of the package, as the same object."""
    import importlib
    import pkgutil

    seen = set()
    for info in pkgutil.iter_modules(T.__path__):
        module = importlib.import_module(f"xieshang.text.{info.name}")
        for name in module.__all__:
            assert name in T.__all__, f"xieshang.text.{info.name}.{name} is not re-exported"
            assert getattr(T, name) is getattr(module, name), name
        assert not seen & set(module.__all__), f"{info.name} defines a name another module also defines"
        seen |= set(module.__all__)
    assert seen == set(T.__all__)
