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


# The refusals of a file (xieshang check, train, predict) say it in English, then in Chinese in parentheses:
# the Chinese part, from its first Chinese character, uses Chinese punctuation too.
FILE_READERS = ("delimited", "encodings", "excel", "files", "headers", "tables")
_DOCSTRING = re.compile(r"^[rbfuRBFU]*(\"\"\"|''')")


def _chinese_parts_of_literals(module: str):
    """(line, Chinese part) of every string literal of ``xieshang/<module>.py`` holding Chinese, docstrings aside.

    The part runs from the first Chinese character to the ``)`` closing it; fields and quoted values are left out.
    """
    import io
    import tokenize
    from pathlib import Path

    import xieshang

    source = (Path(xieshang.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and not _DOCSTRING.match(tok.string) and CJK.search(tok.string):
            bare = re.sub(r"'[^']*'", "", FIELDS.sub("", JSON_LITERALS.sub("", tok.string[:-1])))
            if (first := CJK.search(bare)) is not None:
                yield tok.start[0], bare[first.start():].split(")")[0]  # to the end of the Chinese parenthesis


def test_the_chinese_of_a_refused_file_uses_chinese_punctuation():
    wrong = []
    for module in FILE_READERS:
        for line, part in _chinese_parts_of_literals(module):
            marks = [m.group() for m in re.finditer(r"[,:;?]", part)
                     if not (part[m.start() - 1: m.start()].isdigit() and part[m.end(): m.end() + 1].isdigit())]
            if marks:
                wrong.append(f"xieshang/{module}.py:{line}: {marks} in {part!r}")
    assert not wrong, "\n".join(wrong)
