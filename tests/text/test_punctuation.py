"""Chinese sentences use Chinese punctuation: ASCII , : ; ( ) ? in them reads as machine-made."""

import dataclasses
import re

from xieshang import facts
from xieshang import text as T

CJK = re.compile(r"[\u4e00-\u9fff]")
FIELDS = re.compile(r"\{[^{}]*\}")
URL = re.compile(r"https?://\S+")
ASCII_MARKS = re.compile(r"[,:;()?]")


def _strings(value, where):
    """Every string inside a catalogue (nested dicts, lists and tuples), with where it sits."""
    if isinstance(value, str):
        yield where, value
    elif dataclasses.is_dataclass(value):
        yield from _strings(dataclasses.asdict(value), where)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _strings(v, f"{where}[{i}]")


def _chinese_sentences():
    """The catalogues' Chinese sentences: a Chinese character and no Latin letter outside fields and URLs."""
    catalogues = {name: getattr(T, name) for name in T.__all__ if name.isupper()}
    catalogues.update({"facts.FACTS": facts.FACTS, "facts.ASSUMPTIONS": facts.ASSUMPTIONS})
    for name, value in catalogues.items():
        for where, s in _strings(value, name):
            bare = URL.sub("", FIELDS.sub("", s))
            if CJK.search(bare) and not re.search(r"[A-Za-z]", bare):
                yield where, bare


def test_chinese_sentences_use_chinese_punctuation():
    sentences = list(_chinese_sentences())
    assert len(sentences) > 100  # the catalogues were found
    wrong = []
    for where, bare in sentences:
        marks = [m for m in ASCII_MARKS.finditer(bare)
                 if not (bare[max(m.start() - 1, 0)].isdigit() and bare[m.start() + 1: m.start() + 2].isdigit())]
        if marks:
            wrong.append(f"{where}: {bare[:40]!r}")
    assert not wrong, f"{len(wrong)} Chinese sentences with ASCII punctuation (use \uff0c\uff1a\uff1b\uff08\uff09\uff1f): {wrong[:10]}"


JSON_LITERALS = re.compile(r"\{\{.*?\}\}")  # {{"applicant": ...}}: JSON as it is typed, not prose


def _chinese_side_with_latin():
    """The Chinese side (a ``zh`` key) of every catalogue entry that quotes a Latin word (``predict``, ``AUC``)."""
    catalogues = {name: getattr(T, name) for name in T.__all__ if name.isupper()}
    catalogues.update({"facts.FACTS": facts.FACTS, "facts.ASSUMPTIONS": facts.ASSUMPTIONS})
    for name, value in catalogues.items():
        for where, s in _strings(value, name):
            if "['zh']" not in where:
                continue
            bare = URL.sub("", FIELDS.sub("", JSON_LITERALS.sub("", s)))
            if CJK.search(bare) and re.search(r"[A-Za-z]", bare):
                yield where, bare


def test_chinese_sentences_quoting_latin_words_use_chinese_punctuation_too():
    # the test above skips these; CHECK_TEXT['zh'] had "(predict 原样保留):" and "(AUC ...),"
    sentences = list(_chinese_side_with_latin())
    assert any(where.startswith("CHECK_TEXT") for where, _ in sentences)  # the data check's were found
    wrong = [f"{where}: {bare!r}" for where, bare in sentences
             if any(not (bare[max(m.start() - 1, 0)].isdigit() and bare[m.start() + 1: m.start() + 2].isdigit())
                    for m in ASCII_MARKS.finditer(bare))]
    assert not wrong, f"{len(wrong)} Chinese sentences with ASCII punctuation (use \uff0c\uff1a\uff1b\uff08\uff09\uff1f): {wrong}"
