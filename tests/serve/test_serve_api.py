"""The JSON API: every endpoint, /v1/explain == `xieshang explain --json`, 422 for every refusal, 413."""

from __future__ import annotations

import csv
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xieshang import explain, generate
from xieshang import text as T
from xieshang.cli import main
from xieshang.contract import FEATURE_NAMES, FEATURES, MISSING_OK_NAMES, REQUIRED_NAMES
from xieshang.validation import validate_frame

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def _cli_json(capsys, tmp_path, model_path, applicant, *args):
    path = tmp_path / "applicant.json"
    path.write_text(json.dumps(applicant, ensure_ascii=False), encoding="utf-8")
    assert main(["explain", str(path), "--json", "--model", str(model_path), *args]) == 0
    return json.loads(capsys.readouterr().out)


def _json_row(row: pd.Series) -> dict:
    out = {}
    for k, v in row.items():
        v = v.item() if hasattr(v, "item") else v
        out[k] = None if isinstance(v, float) and math.isnan(v) else v
    return out


# -- healthz, contract, docs, page ---------------------------------------------------------------


def test_healthz_names_the_model_by_its_hash(client, model_path):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready"
    assert body["model_sha256"] == hashlib.sha256(model_path.read_bytes()).hexdigest()
    assert body["api_version"] == "v1"


def test_contract_lists_every_field_from_the_contract(client):
    fields = client.get("/v1/contract").json()["fields"]
    assert [f["name"] for f in fields] == list(FEATURE_NAMES)
    for f, g in zip(FEATURES, fields):
        assert g["label"] == {"zh": f.label_zh, "en": f.label_en}
        assert (g["type"], g["low"], g["high"], g["unit"]) == (f.kind, f.low, f.high, f.unit)
        assert [v["value"] for v in g["values"]] == list(f.categories)
        assert g["may_be_unknown"] == (f.name in MISSING_OK_NAMES)
        assert g["actionable"] == f.actionable
        # The what-if menu: the actions that add or choose, never a cut or a withdrawal.
        assert g["what_if"] == (f.action is not None and f.action.kind not in ("scale", "set_false"))
    assert {"plan_months", "down_payment_ratio", "communication", "income_proof"} <= {
        g["name"] for g in fields if g["what_if"]}


def test_openapi_request_schema_is_generated_from_the_contract(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/explain"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    props = body["properties"]["applicant"]["properties"]
    assert list(props) == list(FEATURE_NAMES)
    assert props["credit_score"]["anyOf"][0]["minimum"] == 350
    assert set(body["properties"]["applicant"]["required"]) == set(REQUIRED_NAMES) - set(MISSING_OK_NAMES)
    assert "/v1/predict" in spec["paths"] and "/v1/contract" in spec["paths"] and "/healthz" in spec["paths"]


def test_docs_and_page_work_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 404  # off: ReDoc fetches its logo from its CDN
    for url in ("/", "/static/page/app.js", "/static/page/style.css"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "http://" not in r.text and "https://" not in r.text, url  # nothing from outside
    font = client.get("/static/font.otf")
    assert font.status_code == 200 and font.content[:4] == b"OTTO"


@pytest.mark.parametrize("query, lang", [("", "zh"), ("?lang=zh", "zh"), ("?lang=en", "en"), ("?lang=fr", "zh")])
def test_the_page_has_its_words_before_its_script_runs(client, query, lang):
    import html

    page = client.get(f"/{query}")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    other = "en" if lang == "zh" else "zh"
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page.text and "{{" not in page.text
    for key in ("title", "disclaimer", "needs_script", "unavailable", "estimate", "what_if_hint", "chart_alt"):
        said = T.ui_texts(lang)[key]
        assert html.escape(said) in page.text, key
        assert T.ui_texts(other)[key] == said or html.escape(T.ui_texts(other)[key]) not in page.text, key
    assert f'lang="{"en" if lang == "zh" else "zh-CN"}">{T.UI["switch_lang"][lang]}</button>' in page.text


def test_the_raw_page_template_leads_to_the_page(client):
    # /static/page/index.html is the template the server fills: its {{placeholders}} are never shown
    for query in ("", "?lang=en"):
        moved = client.get(f"/static/page/index.html{query}", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == f"/{query}"
        page = client.get(f"/static/page/index.html{query}")
        assert page.status_code == 200 and "{{" not in page.text and page.text == client.get(f"/{query}").text
    assert client.get("/static/page/app.js").status_code == 200  # the rest of the page's files are served as they are
    for path in ("//index.html", "/index.html/", "/./index.html", "/x/../index.html"):  # the same file, spelled otherwise
        moved = client.get(f"/static/page{path}?lang=en", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "/?lang=en", path


def test_ui_texts_come_from_text_in_both_languages(client):
    for lang in T.LANGS:
        ui = client.get(f"/v1/ui?lang={lang}").json()
        assert ui["disclaimer"] == T.heading("disclaimer", lang)
        assert ui == T.ui_texts(lang)
        assert (ui["chance_under"], ui["chance_over"]) == (T.chance(0.0, lang), T.chance(1.0, lang))  # as the report
        assert {f"unit:{f.unit}" for f in FEATURES if f.unit} <= set(ui)  # every unit the form shows, translated
    assert set(T.UI) and all(set(v) == set(T.LANGS) for v in T.UI.values())
    assert client.get("/v1/ui?lang=fr").status_code == 422


# -- predict -------------------------------------------------------------------------------------


def test_predict_gives_the_model_probabilities_in_order(client, small_model):
    df = generate(40, seed=21)
    rows = [_json_row(r) for _, r in df[list(FEATURE_NAMES)].iterrows()]
    rows[3]["credit_score"] = None  # unknown where allowed
    del rows[5]["savings"], rows[5]["days_overdue"]  # left out: unknown
    expected = small_model.predict_proba(validate_frame(pd.DataFrame(rows)))[:, 1]
    r = client.post("/v1/predict", json={"rows": rows})
    assert r.status_code == 200
    np.testing.assert_allclose(r.json()["probabilities"], expected, rtol=0, atol=1e-12)
    assert client.post("/v1/predict", json=rows).json()["probabilities"] == r.json()["probabilities"]  # a bare list


def test_predict_reads_any_json_the_standard_library_reads(client, example):
    # orjson reads plain UTF-8 bodies; a UTF-16 body or a literal NaN (unknown) is still read as before
    want = client.post("/v1/predict", json={"rows": [example]}).json()["probabilities"]
    utf16 = json.dumps({"rows": [example]}).encode("utf-16")
    assert client.post("/v1/predict", content=utf16).json()["probabilities"] == want
    nan = json.dumps({"rows": [{**example, "savings": None}]}).replace("null", "NaN")
    blank = client.post("/v1/predict", json={"rows": [{**example, "savings": None}]}).json()["probabilities"]
    r = client.post("/v1/predict", content=nan)
    assert r.status_code == 200 and r.json()["probabilities"] == blank


def test_predict_accepts_the_headers_and_values_files_accept(client, example):
    zh = {f.label_zh: example[f.name] for f in FEATURES if f.name in example}
    en = {f.label_en.upper(): example[f.name] for f in FEATURES if f.name in example}
    zh["困难原因"] = "家庭变故"
    zh["收入证明/工资单"] = "否"
    got = client.post("/v1/predict", json={"rows": [example, zh, en]}).json()["probabilities"]
    assert got[0] == got[1] == got[2]


# -- explain -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_is_exactly_the_cli_json_for_the_example(client, capsys, tmp_path, model_path, example, lang):
    api = client.post("/v1/explain", json={"applicant": example, "target": 0.6, "lang": lang})
    assert api.status_code == 200
    assert api.json() == _cli_json(capsys, tmp_path, model_path, example, "--lang", lang)


def test_explain_of_a_short_applicant_equals_the_cli(client, capsys, tmp_path, model_path, example):
    short = {k: v for k, v in example.items() if k not in MISSING_OK_NAMES}
    api = client.post("/v1/explain", json={"applicant": short, "target": 0.5, "lang": "en"}).json()
    assert api == _cli_json(capsys, tmp_path, model_path, short, "--lang", "en", "--target", "0.5")
    assert all(api["applicant"][k] is None for k in MISSING_OK_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["requests_zh_blanks.csv", "messy_requests.csv"])
def test_explain_equals_the_cli_for_the_example_files_rows_as_written(client, capsys, tmp_path, model_path, name):
    # Their headers (Chinese, English, messy), values as the file spells them ("是", "未知", blank), as strings.
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as f:
        rows = [r for _, r in zip(range(8), csv.DictReader(f))]
    for i, row in enumerate(rows):
        applicant = {k: v for k, v in row.items() if k.strip() not in ("客户编号", "是否同意")}  # id and outcome
        lang = ("zh", "en")[i % 2]
        api = client.post("/v1/explain", json={"applicant": applicant, "lang": lang})
        assert api.status_code == 200, api.text
        assert api.json() == _cli_json(capsys, tmp_path, model_path, applicant, "--lang", lang), (name, i)


@pytest.mark.slow
def test_explain_equals_the_cli_for_200_generated_applicants(client, capsys, tmp_path, model_path):
    df = generate(200, seed=19)[list(FEATURE_NAMES)]
    rng = np.random.default_rng(19)
    rows = [_json_row(r) for _, r in df.iterrows()]
    for row in rows[::3]:  # a third with some unknowns, left out or null
        for name in rng.choice(list(MISSING_OK_NAMES), size=3, replace=False):
            if rng.random() < 0.5:
                row.pop(name)
            else:
                row[name] = None
    for i, row in enumerate(rows):
        lang, target = ("zh", 0.6) if i % 2 else ("en", 0.4)
        api = client.post("/v1/explain", json={"applicant": row, "target": target, "lang": lang})
        assert api.status_code == 200, api.text
        assert api.json() == _cli_json(capsys, tmp_path, model_path, row, "--lang", lang, "--target", str(target)), i


def test_explain_figure_is_a_png_and_plan_follows_the_rule(client, small_model, example):
    from xieshang import rules

    r = client.post("/v1/explain/figure", json={"applicant": example, "lang": "zh"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    plan = client.post("/v1/plan", json={"applicant": example}).json()
    inst, disp = rules.plan_terms(example)
    assert plan["instalment"] == pytest.approx(float(inst)) and plan["disposable"] == pytest.approx(float(disp))
    assert plan["affordable"] == bool(rules.affordable(inst, disp))
    longer = client.post("/v1/plan", json={"applicant": {**example, "plan_months": 60}}).json()
    assert longer["instalment"] < plan["instalment"]


def test_explain_answers_what_explain_answers(client, small_model, example):
    got = client.post("/v1/explain", json={"applicant": example, "target": 0.7, "lang": "en"}).json()
    assert got == json.loads(json.dumps(explain(small_model, example, target=0.7, lang="en").to_dict()))


# -- refusals --------------------------------------------------------------------------------------


def _refused(client, url, body, status=422, **kw):
    r = client.post(url, content=body if isinstance(body, (bytes, str)) else json.dumps(body), **kw)
    assert r.status_code == status, r.text
    assert "Traceback" not in r.text
    return r.json()["detail"]


BAD_VALUES = [  # (change, field, what the Chinese and English messages say)
    ({"credit_score": 2718}, "credit_score", ("350 到 950", "[350, 950]")),
    ({"monthly_income": "lots"}, "monthly_income", ("无效值", "invalid value")),
    ({"hardship_reason": "bad luck"}, "hardship_reason", ("之一", "expected one of")),
    ({"income_proof": "maybe"}, "income_proof", ("是/否", "boolean")),
    ({"plan_months": None}, "plan_months", ("不能留空", "may not be blank")),
    ({"plan_months": 12.5}, "plan_months", ("无效值", "invalid value")),
    ({"on_time_ratio": float("inf")}, "on_time_ratio", ("无效值", "invalid value")),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("change, field, says", BAD_VALUES)
def test_bad_value_is_422_naming_the_field_in_the_request_language(client, example, change, field, says, lang):
    body = json.dumps({"applicant": {**example, **change}, "lang": lang}).replace("Infinity", "1e999")
    detail = _refused(client, "/v1/explain", body)
    errors = {e["field"]: e["message"] for e in detail["errors"]}
    assert set(errors) == {field}, errors
    assert says[0 if lang == "zh" else 1] in errors[field]
    with pytest.raises(ValueError) as info:  # the library refuses it with the message returned
        explain_input = {**example, **change}
        from xieshang.validation import applicant_frame

        applicant_frame(explain_input)
    if lang == "en":
        assert detail["message"] == str(info.value)
    else:  # the same refusal in the Chinese of the field's error, none of the library's English
        head = T.API_ERRORS["applicant_fields"]["zh"].format(n=1)
        assert detail["message"] == f"{head}\n  1. {errors[field]}" and "expected" not in detail["message"]


def test_every_bad_field_is_named_at_once(client, example):
    applicant = {k: v for k, v in example.items() if k != "monthly_income"}
    applicant.update(credit_scor=600, credit_score=99, communication="rude", asset_proof=[1])
    detail = _refused(client, "/v1/explain", {"applicant": applicant, "lang": "en"})
    fields = {e["field"] for e in detail["errors"]}
    assert {"credit_scor", "credit_score", "communication"} <= fields
    typo = next(e for e in detail["errors"] if e["field"] == "credit_scor")
    assert typo["suggestion"] == "credit_score" and "did you mean credit_score" in typo["message"]
    assert "credit_scor: not a field of the contract; did you mean credit_score?" in detail["message"]
    assert "asset_proof" in detail["message"]


def test_a_short_applicant_with_one_bad_value_names_only_that_field(client, example):
    short = {k: v for k, v in example.items() if k not in MISSING_OK_NAMES}
    detail = _refused(client, "/v1/explain", {"applicant": {**short, "plan_months": 0}, "lang": "en"})
    assert [e["field"] for e in detail["errors"]] == ["plan_months"]


def test_a_missing_required_field_is_named(client, example):
    applicant = {k: v for k, v in example.items() if k != "monthly_income"}
    detail = _refused(client, "/v1/explain", {"applicant": applicant, "lang": "zh"})
    assert "monthly_income" in detail["message"]
    assert any("缺少必填项" in e["message"] and "monthly_income" in e["message"] for e in detail["errors"])


@pytest.mark.parametrize("body, field", [
    (b"{not json", "body"),
    (b"[1, 2]", "body"),
    ({"applicant": [1, 2]}, "applicant"),
    ({"rows": []}, "applicant"),
    ({"applicant": {}, "extra": 1}, "body"),
    ({"applicant": None}, "applicant"),
])
def test_malformed_bodies_are_422_not_500(client, body, field):
    detail = _refused(client, "/v1/explain", body)
    assert [e["field"] for e in detail["errors"]] == [field]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("url, body, key", [
    ("/v1/explain", b"{not json", "not_json"),
    ("/v1/explain", b"[1, 2]", "body_not_object"),
    ("/v1/explain", {"applicant": [1, 2]}, "applicant_not_object"),
    ("/v1/explain", {"applicant": {}, "extra": 1}, "unexpected_keys"),
    ("/v1/predict", {"rows": []}, "rows_not_list"),
    ("/v1/predict", {"rows": [{}], "lnag": "en"}, "unexpected_keys"),  # misspelt: refused, not ignored
    ("/v1/predict", {"rows": [{}, 1, 2]}, "rows_not_objects"),
])
def test_a_body_the_api_cannot_read_is_refused_in_the_request_language(client, url, body, key, lang):
    detail = _refused(client, f"{url}?lang={lang}", body)
    said = detail["errors"][0]["message"]
    assert detail["message"] == said
    start = T.API_ERRORS[key][lang].split("{")[0]
    assert said.startswith(start)
    if key == "rows_not_objects":  # rows 2 and 3, counted from 1 as a person counts
        assert "第 2、3 项不是对象" in said if lang == "zh" else "row(s) 2, 3" in said


@pytest.mark.parametrize("extra, field", [({"target": 1.5}, "target"), ({"target": "high"}, "target"),
                                          ({"lang": "fr"}, "lang")])
def test_bad_target_or_lang_is_422(client, example, extra, field):
    detail = _refused(client, "/v1/explain", {"applicant": example, **extra})
    assert [e["field"] for e in detail["errors"]] == [field]


@pytest.mark.parametrize("body, field", [
    ({"rows": []}, "rows"), ({"rows": [1, 2]}, "rows"), ({"rows": "x"}, "rows"), (b"[", "body")])
def test_predict_malformed_bodies_are_422(client, body, field):
    detail = _refused(client, "/v1/predict", body)
    assert [e["field"] for e in detail["errors"]] == [field]


def test_predict_names_each_bad_field_of_any_row(client, example):
    rows = [example] * 5
    rows = [*rows[:3], {**example, "credit_score": 5000}, {**example, "plan_month": 12}]
    detail = _refused(client, "/v1/predict", {"rows": rows, "lang": "en"})
    fields = {e["field"] for e in detail["errors"]}
    assert fields == {"credit_score", "plan_month"}
    assert any("did you mean plan_months" in e["message"] for e in detail["errors"])


def test_too_large_bodies_get_413(model_path, example):
    from fastapi.testclient import TestClient

    from xieshang.serve import create_app

    with TestClient(create_app(model_path, max_body_bytes=2_000)) as small:
        assert small.post("/v1/explain", json={"applicant": example}).status_code == 200
        big = {"rows": [example] * 10}
        r = small.post("/v1/predict", json=big)
        assert r.status_code == 413 and "2,000 bytes" in r.json()["detail"]["message"]
        # Without a Content-Length (chunked), the body is counted as it comes.
        chunks = iter([json.dumps(big).encode()[i:i + 500] for i in range(0, 8000, 500)])
        assert small.post("/v1/predict", content=chunks).status_code == 413


def test_damaged_model_stops_the_server_with_the_library_message(tmp_path, model_path, capsys):
    import shutil

    from xieshang.serve import create_app

    bad = tmp_path / "approval.joblib"
    shutil.copy(model_path, bad)
    shutil.copy(model_path.with_suffix(".json"), bad.with_suffix(".json"))
    bad.write_bytes(bad.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"SHA-256 .* does not match"):
        create_app(bad)
    assert main(["serve", "--model", str(bad), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "xieshang serve: error:" in err and "does not match" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_live_server_with_two_workers_answers_as_one(model_path, example, client):
    import time
    import urllib.request

    from xieshang.serve.live import LiveServer

    body = json.dumps({"applicant": example, "lang": "en"}).encode()
    with LiveServer(model_path, workers=2) as server:
        req = urllib.request.Request(server.url + "/v1/explain", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            got = json.loads(r.read())
        deadline = time.monotonic() + 120  # the second worker may still be loading the model
        while server.output().count("Application startup complete") < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        output = server.output()
    assert got == client.post("/v1/explain", content=body).json()
    assert output.count("Application startup complete") == 2, output


def test_the_plan_line_counts_the_household_as_the_report_does(client):
    # 1,500 RMB a month from 3,000 left over: affordable for one person, not for six (rules.living_floor). The
    # page's plan line said "affordable" beside a report saying "do not sign it" for the six.
    from xieshang import rules

    base = json.loads((EXAMPLES / "applicant.json").read_text(encoding="utf-8"))
    app = {**base, "outstanding_balance": 18_000.0, "plan_months": 12, "down_payment_ratio": 0.0,
           "monthly_income": 6000.0, "monthly_expenses": 3000.0, "other_debt_payments": 0.0, "savings": 0.0}
    one = client.post("/v1/plan", json={"applicant": {**app, "household_size": 1}}).json()
    six = client.post("/v1/plan", json={"applicant": {**app, "household_size": 6}}).json()
    assert one["affordable"] and not six["affordable"]
    assert six["required_disposable"] == pytest.approx(float(rules.required_disposable(1500.0, 6)))
    exp = client.post("/v1/explain?lang=en", json={"applicant": {**app, "household_size": 6}}).json()
    assert exp["lead"] and "do not sign it" in exp["lead"][0]
