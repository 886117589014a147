"""xieshang.text.advice and report: the way forward and the disclaimer."""


from xieshang import text as T


def test_disclaimer_and_the_articles_way_forward():
    assert "不构成金融或法律建议" in T.heading("disclaimer", "zh") and "模拟数据" in T.heading("disclaimer", "zh")
    en = T.heading("disclaimer", "en")
    assert "not financial or legal advice" in en and "synthetic" in en and "assumptions" in en
    keys = [(k, {"days": 3, "items": "x", "other": "1,000"}) for k in T.NEXT_STEPS]
    for lang in T.LANGS:
        joined = " ".join(T.next_steps(keys, lang)) + T.heading("ask_instead", lang)
        for must in ("12378", "12348", "95188", "110", "代理协商", "停息挂账", "征信", "我的账单"):
            assert must in joined, (lang, must)
    zh = " ".join(T.next_steps(keys, "zh"))
    assert "或类似" in zh and "收费" in zh and "书面" in zh and "金融监管总局" in zh and "支付宝" in zh
