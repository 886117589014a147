"""xieshang.encodings: the encoding told from the bytes, the separator from the header."""

from __future__ import annotations

import codecs

import pytest

from xieshang.encodings import TextEncoding, check_encoding, detect_encoding, sniff_separator

TEXT = "monthly_income,credit_score,备注\n8000,700,张三\n"


@pytest.mark.parametrize("codec, name, bom", [
    ("utf-8", "utf-8", b""), ("utf-8-sig", "utf-8", codecs.BOM_UTF8), ("gb18030", "gb18030", b""),
    ("gbk", "gb18030", b""), ("utf-16", "utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", "utf-16-be", b""),
    ("utf-16-le", "utf-16-le", b""), ("utf-32", "utf-32-le", codecs.BOM_UTF32_LE),
])
def test_detected(codec, name, bom):
    enc = detect_encoding(TEXT.encode(codec))
    assert (enc.name, enc.bom, enc.detected) == (name, bom, True)
    assert TEXT.encode(codec)[len(bom):].decode(enc.name) == TEXT


def test_named_and_refused():
    assert detect_encoding(TEXT.replace("备注", "備註").replace("张三", "陳大文").encode("big5"), "BIG5") == \
        TextEncoding("big5", b"", False)
    with pytest.raises(ValueError, match="unknown encoding 'nope'; expected a name such as utf-8"):
        check_encoding("nope")
    with pytest.raises(ValueError, match="does not read as utf-8"):
        detect_encoding("张三".encode("gbk") + b"\xff", "utf-8")
    with pytest.raises(ValueError, match=r"cannot tell the file's text encoding.*--encoding"):
        detect_encoding(b"a,b\n\xff\xff\xff\n")


def test_bom_wins_over_a_named_encoding_of_its_family():
    assert detect_encoding(codecs.BOM_UTF8 + b"a,b\n", "utf-8") == TextEncoding("utf-8", codecs.BOM_UTF8, False)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator_sniffed(sep):
    text = sep.join(["monthly_income", "note", "credit_score"]) + "\n" + sep.join(["8000,5", "a,b;c|d", "700"]) + "\n"
    assert sniff_separator(text) == sep


def test_decimal_commas_do_not_fool_the_sniffer():
    text = "monthly_income;on_time_ratio;credit_score\n8000,5;0,93;700\n6100,0;0,5;650\n"
    assert sniff_separator(text) == ";"
    assert sniff_separator("just one column\nvalue\n") == ","
