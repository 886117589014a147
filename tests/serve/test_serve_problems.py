"""The API's refusals in the request's language: 422 (target, lang, bodies), 413, 500, 404 and 405, keys kept.

The language of an answer: the body's ``lang``, else the query's, else Chinese; where it is not known
(the body not read, or ``lang`` itself unsupported) the query's ``lang`` if supported, else each language,
Chinese first, one a line (docs/web.md, "The language of a refusal").
"""

from __future__ import annotations

import json
import re

import pytest

from xieshang import explain
from xieshang import text as T
from xieshang.contract import FEATURES
from xieshang.explain import check_target
from xieshang.serve.problems import Refused, api_text, applicant_message, error_body, in_langs, known_lang
from xieshang.validation import applicant_frame

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# query -> the languages of the answer when the body cannot say (unsupported ?lang=: as if not given)
WITHOUT_BODY = [("", T.LANGS), ("?lang=zh", ("zh",)), ("?lang=en", ("en",)), ("?lang=fr", T.LANGS)]


def _said(key: str, langs, **values) -> str:
    return "\n".join(T.API_ERRORS[key][lang].format(**values) for lang in langs)


@pytest.fixture(scope="module")
def small_app(model_path):
    """An app with a 2,000-byte body limit and no example applicant."""
    from xieshang.serve import create_app

    return create_app(model_path, max_body_bytes=2_000, example=None)


@pytest.fixture(scope="module")
def small(small_app):
    from fastapi.testclient import TestClient

    with TestClient(small_app, raise_server_exceptions=False) as c:
        yield c


# -- 413, 500, 404: answered without the body --------------------------------------------------------


@pytest.mark.parametrize("query, langs", WITHOUT_BODY)
def test_413_is_in_the_query_language_else_in_both(small, example, query, langs):
    big = {"rows": [example] * 10, "lang": "en"}  # the body's lang is never read: the body is not parsed
    expected = _said("too_large", langs, limit="2,000")
    r = small.post(f"/v1/predict{query}", json=big)
    assert r.status_code == 413 and r.headers["content-type"] == "application/json"
    assert r.json() == {"detail": {"message": expected}}  # the keys of before: detail.message
    assert "2,000 bytes" in r.json()["detail"]["message"] or langs == ("zh",)
    chunks = iter([json.dumps(big).encode()[i:i + 500] for i in range(0, 8000, 500)])  # no Content-Length
    r = small.post(f"/v1/explain{query}", content=chunks)
    assert r.status_code == 413 and r.json() == {"detail": {"message": expected}}


def test_413_in_chinese_reads_as_chinese(small, example):
    said = small.post("/v1/predict?lang=zh", json={"rows": [example] * 10}).json()["detail"]["message"]
    assert said == "请求内容超过 2,000 字节，没有处理。请分批发送，减少每次的行数。"


@pytest.mark.parametrize("query, langs", WITHOUT_BODY)
def test_an_internal_error_is_a_500_in_the_query_language_else_in_both(model_path, example, caplog, query, langs):
    from fastapi.testclient import TestClient

    from xieshang.serve import create_app

    class Broken:
        def predict_proba(self, X):
            raise RuntimeError(f"cannot score income {X['monthly_income'].iloc[0]}")

    app = create_app(model_path)
    app.app.state.model = Broken()
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(f"/v1/predict{query}", json={"rows": [{**example, "monthly_income": 4321.5}], "lang": "en"})
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert r.json() == {"detail": {"message": _said("internal_error", langs)}}
    assert "4321" not in r.text and "4321" not in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.parametrize("query, langs", WITHOUT_BODY)
def test_no_example_is_a_404_in_the_query_language_else_in_both(small, query, langs):
    r = small.get(f"/v1/example{query}")
    assert r.status_code == 404 and r.json() == {"detail": {"message": _said("no_example", langs)}}


@pytest.mark.parametrize("query, langs", WITHOUT_BODY)
def test_no_such_address_or_method_is_404_or_405_in_the_query_language_else_in_both(client, query, langs):
    r = client.get(f"/v1/no-such-thing{query}")
    assert r.status_code == 404 and r.json() == {"detail": {"message": _said("not_found", langs)}}
    r = client.put(f"/v1/explain{query}", json={})
    assert r.status_code == 405 and r.headers["allow"] == "POST"  # the header of before, kept
    assert r.json() == {"detail": {"message": _said("method_not_allowed", langs, method="PUT", allowed="POST")}}


# -- 422 of lang: the language asked for is not one we have -------------------------------------------


@pytest.mark.parametrize("url", ["/v1/explain", "/v1/explain/figure", "/v1/plan", "/v1/predict"])
def test_an_unsupported_lang_is_refused_in_both_languages(client, example, url):
    body = {"rows": [example], "lang": "fr"} if url == "/v1/predict" else {"applicant": example, "lang": "fr"}
    r = client.post(url, json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert set(detail) == {"message", "title", "errors"}  # the 422 keys, every text in both languages
    assert detail["message"] == _said("bad_lang", T.LANGS, got='"fr"')
    assert detail["title"] == in_langs([T.UI["fix_fields"][lang] for lang in T.LANGS])
    assert detail["errors"] == [{"field": "lang", "label": "lang", "message": detail["message"]}]
    with pytest.raises(ValueError, match="lang: expected one of 'zh', 'en', got 'fr'"):  # the library's verdict
        explain(None, example, lang="fr")


@pytest.mark.parametrize("where", ["body", "query"])
def test_a_bad_lang_is_answered_in_a_supported_lang_of_the_query(client, example, where):
    url, body = (("/v1/explain?lang=en", {"applicant": example, "lang": "fr"}) if where == "body"
                 else ("/v1/explain?lang=fr", {"applicant": example}))
    detail = client.post(url, json=body).json()["detail"]
    expected = _said("bad_lang", ("en",) if where == "body" else T.LANGS, got='"fr"')
    assert detail["message"] == expected and [e["field"] for e in detail["errors"]] == ["lang"]


def test_ui_refuses_an_unsupported_lang_in_both_languages(client):
    r = client.get("/v1/ui?lang=fr")
    assert r.status_code == 422 and r.json()["detail"]["message"] == _said("bad_lang", T.LANGS, got='"fr"')


# -- 422 of target: explain's own check, in the API's words -------------------------------------------

TARGETS = [1.5, 0, 1, -0.2, "high", True, None, [0.5], 0.6, 1e-9, 0.999]


@pytest.mark.parametrize("target", TARGETS)
def test_target_is_refused_exactly_where_the_library_refuses_it(client, example, target):
    try:
        check_target(target)
        refused = False
    except ValueError:
        refused = True
    r = client.post("/v1/explain", json={"applicant": example, "target": target, "lang": "en"})
    assert r.status_code == (422 if refused else 200), r.text
    if refused:
        assert r.json()["detail"]["message"] == _said("bad_target", ("en",), got=json.dumps(target))


@pytest.mark.parametrize("url", ["/v1/explain", "/v1/explain/figure"])
@pytest.mark.parametrize("lang", T.LANGS)
def test_a_bad_target_is_refused_in_the_request_language(client, example, url, lang):
    detail = client.post(url, json={"applicant": example, "target": 1.5, "lang": lang}).json()["detail"]
    said = T.API_ERRORS["bad_target"][lang].format(got="1.5")
    assert detail == {"message": said, "title": T.UI["fix_fields"][lang],
                      "errors": [{"field": "target", "label": "target", "message": said}]}
    assert ("expected" in said) == (lang == "en")  # no English left in the Chinese answer


@pytest.mark.parametrize("lang", T.LANGS)
def test_a_bad_target_is_refused_with_every_bad_field_of_the_applicant(client, example, lang):
    applicant = {**example, "credit_score": 5000}
    detail = client.post("/v1/explain", json={"applicant": applicant, "target": "high", "lang": lang}).json()["detail"]
    assert [e["field"] for e in detail["errors"]] == ["target", "credit_score"]
    with pytest.raises(ValueError, match=r"credit_score: expected an integer in \[350, 950\]") as info:
        applicant_frame(applicant)
    own = T.API_ERRORS["bad_target"][lang].format(got='"high"')
    # the applicant's refusal as without a bad target: the library's in English, the fields' own in Chinese
    applicant_said = str(info.value) if lang == "en" else applicant_message(str(info.value), detail["errors"][1:], lang)
    assert detail["message"] == f"{own}\n{applicant_said}"
    assert ("expected" in detail["message"]) == (lang == "en")
    assert ("350 到 950" if lang == "zh" else "[350, 950]") in detail["errors"][1]["message"]


def test_plan_still_ignores_target(client, example):
    assert client.post("/v1/plan", json={"applicant": example, "target": 1.5, "lang": "en"}).status_code == 200


# -- a body the API cannot read, with no language anywhere ------------------------------------------------


def test_a_body_that_is_no_json_without_a_query_lang_is_refused_in_both(client):
    detail = client.post("/v1/explain", content=b"{nope").json()["detail"]
    lines = detail["message"].split("\n")
    assert len(lines) == 2 and lines[0].startswith("请求内容不是有效的 JSON（") and lines[1].startswith("body: not valid")
    assert [e["field"] for e in detail["errors"]] == ["body"] and set(detail) == {"message", "title", "errors"}


# -- the parts ------------------------------------------------------------------------------------------


def test_api_text_and_refused_say_one_language_or_each():
    assert api_text("too_large", "en", limit="9") == "request body over 9 bytes; send fewer rows per request"
    assert api_text("too_large", None, limit="9").split("\n") == [
        T.API_ERRORS["too_large"][lang].format(limit="9") for lang in T.LANGS]
    refused = Refused.api("rows_not_objects", field="rows", rows=[2, 3])
    assert "第 2、3 项不是对象" in refused.says("zh") and refused.says("en").endswith("row(s) 2, 3 (counting from 1)")
    assert refused.says(None) == f"{refused.says('zh')}\n{refused.says('en')}"
    assert in_langs(["same", "same"]) == "same"  # the library's English message is not said twice
    assert (known_lang("en"), known_lang("fr"), known_lang(None)) == ("en", None, None)


def test_error_body_in_both_languages_keeps_the_keys_and_the_errors_of_one(example):
    applicant = {**example, "credit_scor": 600}
    with pytest.raises(ValueError, match="did you mean credit_score") as info:
        applicant_frame(applicant)
    one = {lang: error_body(info.value, [applicant], lang)["detail"] for lang in T.LANGS}
    both = error_body(info.value, [applicant], None)["detail"]
    assert set(both) == set(one["en"]) and one["en"]["message"] == str(info.value)
    assert both["message"] == f"{one['zh']['message']}\n{one['en']['message']}"
    assert len(both["errors"]) == len(one["en"]["errors"]) == 1
    error = both["errors"][0]
    assert set(error) == set(one["en"]["errors"][0]) and error["suggestion"] == "credit_score"
    assert error["message"] == f"{one['zh']['errors'][0]['message']}\n{one['en']['errors'][0]['message']}"
    assert one["zh"]["errors"][0]["message"] == "credit_scor：没有这一项，你是不是想填 credit_score（信用分）？"


# -- the applicant's refusal as a whole (message): the library's in English, its fields' own in Chinese -----


@pytest.mark.parametrize("url", ["/v1/explain", "/v1/predict"])
def test_a_chinese_refusal_of_the_applicant_says_every_bad_field_in_chinese(client, example, url):
    applicant = {**example, "credit_scor": 600, "plan_months": 0, "communication": "rude"}
    body = {"rows": [example, applicant]} if url == "/v1/predict" else {"applicant": applicant}
    zh, en = (client.post(url, json={**body, "lang": lang}).json()["detail"] for lang in ("zh", "en"))
    assert set(zh) == set(en) == {"message", "title", "errors"}  # the keys of before
    with pytest.raises(ValueError) as info:
        applicant_frame(applicant)
    # English: the library's own, as the Python API raises it (predict's names the unknown key alone)
    assert en["message"] == str(info.value) or (url == "/v1/predict" and "did you mean credit_score" in en["message"])
    lines = zh["message"].split("\n")
    assert lines[0] == "申请信息有 3 处需要修改："
    assert lines[1:] == [f"  {i}. {e['message']}" for i, e in enumerate(zh["errors"], 1)]  # one source: the fields'
    assert {e["field"] for e in zh["errors"]} == {"credit_scor", "plan_months", "communication"}
    assert not re.search(r"expected|invalid|not a field", zh["message"])  # none of the library's English


def test_the_applicant_message_falls_back_to_the_library_where_no_field_is_named():
    library = "invalid applicant: expected one scalar value per field"
    fallback = [{"field": None, "label": None, "message": library}]  # field_errors where nothing is more specific
    for errors in ([], fallback):
        assert applicant_message(library, errors, "zh") == library
    named = [{"field": "plan_months", "label": "申请分期期数", "message": "plan_months（申请分期期数）：..."}]
    assert applicant_message(library, named, "en") == library
    assert applicant_message(library, named, "zh") == "申请信息有 1 处需要修改：\n  1. plan_months（申请分期期数）：..."


# -- one field under two keys: the library refuses it, the API names the field in each language ----------


@pytest.mark.parametrize("lang", T.LANGS)
def test_a_field_under_two_keys_is_named_with_the_other_bad_fields(client, example, lang):
    applicant = {**example, "信用分": 600, "plan_months": 0}
    with pytest.raises(ValueError, match="both mean 'credit_score'"):  # the library's verdict
        applicant_frame(applicant)
    detail = client.post("/v1/explain", json={"applicant": applicant, "lang": lang}).json()["detail"]
    errors = {e["field"]: e["message"] for e in detail["errors"]}
    assert set(errors) == {"credit_score", "plan_months"}, errors
    label = next(f for f in FEATURES if f.name == "credit_score")
    keys = T.list_sep(lang).join(["credit_score", "信用分"])
    assert errors["credit_score"] == T.API_ERRORS["one_key_each"][lang].format(
        keys=keys, field="credit_score", label=label.label_zh if lang == "zh" else label.label_en)


def test_rows_that_head_a_field_differently_still_name_the_bad_field(client, example):
    other = {("信用分" if k == "credit_score" else k): v for k, v in example.items()}
    rows = [other, {**example, "credit_score": 2000}]
    assert client.post("/v1/predict", json={"rows": [other, example]}).status_code == 200  # as the API reads rows
    detail = client.post("/v1/predict", json={"rows": rows, "lang": "zh"}).json()["detail"]
    assert [e["field"] for e in detail["errors"]] == ["credit_score"]
    assert "350 到 950" in detail["errors"][0]["message"] and "第 2 条" in detail["errors"][0]["message"]
