from xieshang import text as T
from xieshang.docs import render_data_dictionary
from xieshang.facts import ASSUMPTIONS, FACTS, facts_markdown
from xieshang.generator import EFFECTS


def test_every_fact_has_a_source_and_is_in_the_data_dictionary():
    doc = render_data_dictionary()
    assert facts_markdown() in doc
    for f in FACTS:
        assert f.source and f.en and f.zh
        assert f"`{f.key}`" in doc
    for name, en, zh in ASSUMPTIONS:
        assert name in doc and en and zh


def test_the_texts_state_the_facts_as_listed():
    steps = T.NEXT_STEPS
    for lang in T.LANGS:
        refused = steps["refused"][lang]
        assert "12378" in refused and ("金融监管总局" if lang == "zh" else "National Financial Regulatory") in refused
        assert ("合同上的放款机构" if lang == "zh" else "which lender your contract names") in refused
        assert "12348" in refused
        assert ("支付宝" if lang == "zh" else "Alipay") in steps["contact"][lang]
        assert ("或类似" if lang == "zh" else "or a similar page") in steps["contact"][lang]
        ask = T.HEADINGS["ask_instead"][lang]
        assert "停息挂账" in ask and ("中介" if lang == "zh" else "agents") in ask
        assert ("利息" if lang == "zh" else "interest") in T.NOTES["no_interest"][lang]
        assert "110" in steps["collection"][lang] and "征信" in steps["agreement"][lang]
    for table in (T.HEADINGS, T.NEXT_STEPS, T.GAP_TEMPLATES, T.NOTES):
        for v in table.values():
            for t in v.values():
                assert "借呗App" not in t and "银行保险消费者投诉热线" not in t and "Jiebei app" not in t


def test_provenance_is_not_overclaimed():
    # issue 22 item 7: what the article does not say is an inference or an assumption
    provenance = {e.name: e.provenance for e in EFFECTS}
    for name in ("bank_statements", "evasive", "broken_promises"):
        assert provenance[name] == "inference", name
    for name in ("down_payment_ratio", "days_overdue"):
        assert provenance[name] == "assumption", name
