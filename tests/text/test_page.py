"""xieshang.text.page: the API's refusals (API_ERRORS) in both languages, Chinese written as Chinese."""

import re
import string

import pytest

from xieshang import text as T

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(T.API_ERRORS))
def test_every_api_refusal_exists_in_both_languages_with_the_same_fields(key):
    texts = T.API_ERRORS[key]
    assert set(texts) == set(T.LANGS), key
    assert _fields(texts["zh"]) == _fields(texts["en"]), key
    assert CJK.search(texts["zh"]) and not CJK.search(texts["en"]), key


@pytest.mark.parametrize("key", sorted(T.API_ERRORS))
def test_chinese_refusals_use_chinese_punctuation_around_the_names_they_quote(key):
    # tests/text/test_punctuation.py skips a sentence with Latin letters; these quote JSON names (applicant, lang)
    words = re.sub(r"\{\{.*?\}\}|\{[^{}]*\}", "", T.API_ERRORS[key]["zh"])
    marks = [m.group() for m in re.finditer(r"[,:;()?]", words)
             if not (words[m.start() - 1: m.start()].isdigit() and words[m.end(): m.end() + 1].isdigit())]
    assert not marks, f"{key}: ASCII {marks} in {words!r} (use ，：；（）？)"
