import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from xieshang.check import check_frame
from xieshang.cli import main
from xieshang.explain import explain
from xieshang.generator import generate
from xieshang.scoring import BEST_ACTION, PLAN_AFFORDABLE, PROBABILITY, TOP_REASON, score_file


@pytest.fixture(scope="module")
def rows():
    df = generate(700, seed=41)
    df.insert(0, "request_id", np.arange(len(df)))
    return df


@pytest.mark.parametrize("src, dst", [("in.csv", "out.parquet"), ("in.parquet", "out.csv"),
                                      ("in.parquet", "out.parquet")])
def test_streamed_scores_equal_one_batch(tmp_path, rows, small_model, src, dst):
    (rows.to_csv if src.endswith("csv") else rows.to_parquet)(tmp_path / src, index=False)
    bar = io.StringIO()
    n = score_file(small_model, tmp_path / src, tmp_path / dst, chunk_rows=128, progress=bar)
    assert n == len(rows)
    out = pd.read_csv(tmp_path / dst) if dst.endswith("csv") else pd.read_parquet(tmp_path / dst)
    # Order and extra columns kept; a CSV's extra columns as their text (xieshang.files.read_table).
    assert list(out["request_id"].astype(str)) == list(rows["request_id"].astype(str))
    np.testing.assert_allclose(out[PROBABILITY], small_model.predict_proba(rows)[:, 1], rtol=1e-12)
    assert "rows/s" in bar.getvalue() and "100%" in bar.getvalue()


def test_explain_columns(tmp_path, rows, oracle):
    rows.iloc[:40].to_csv(tmp_path / "in.csv", index=False)
    score_file(oracle, tmp_path / "in.csv", tmp_path / "out.csv", explain=True, lang="en", progress=None)
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    for i in range(40):
        exp = explain(oracle, rows.iloc[[i]], lang="en")
        assert out.loc[i, TOP_REASON] == (exp.reasons[0].text if exp.reasons else "")
        assert out.loc[i, BEST_ACTION] == (exp.actions[0].text if exp.actions else "")
        assert out.loc[i, PLAN_AFFORDABLE] == (exp.actions[0].affordable if exp.actions else exp.gap is None)
    assert (out[BEST_ACTION] != "").sum() >= 3
    assert not out[PLAN_AFFORDABLE].all() and out[PLAN_AFFORDABLE].any()


def test_a_bad_row_fails_cleanly_and_leaves_no_output(tmp_path, rows, oracle):
    bad = rows.copy()
    bad.loc[450, "credit_score"] = 9999
    bad.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.csv").write_text("previous\n")
    # Numbered as `xieshang check` numbers them: data row 450 (0-based) is line 452 of the CSV.
    with pytest.raises(ValueError, match=r"credit_score.*9999.*row 452 .*numbered as lines of the file"):
        score_file(oracle, tmp_path / "in.csv", tmp_path / "out.csv", chunk_rows=100, progress=None)
    assert (tmp_path / "out.csv").read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left
    text = check_frame(pd.read_csv(tmp_path / "in.csv"), first_line=2).render("en")
    assert "credit_score" in text and "line 452" in text
    # Parquet has no lines: rows from 1, as check numbers them too.
    bad.to_parquet(tmp_path / "in.parquet")
    with pytest.raises(ValueError, match=r"credit_score.*9999.*row 451 .*numbered as rows from 1"):
        score_file(oracle, tmp_path / "in.parquet", tmp_path / "out.parquet", chunk_rows=100, progress=None)
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.parametrize("kwargs, message", [
    ({"chunk_rows": 0}, "chunk_rows: expected a positive integer"),
    ({"explain": True, "target": 1.2}, "target: expected a probability"),
    ({"explain": True, "lang": "de"}, "lang: expected one of"),
])
def test_bad_options(tmp_path, rows, oracle, kwargs, message):
    rows.iloc[:5].to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(ValueError, match=message):
        score_file(oracle, tmp_path / "in.csv", tmp_path / "out.csv", progress=None, **kwargs)


def test_missing_and_empty_input(tmp_path, oracle):
    with pytest.raises(ValueError, match="no such file"):
        score_file(oracle, tmp_path / "nope.csv", tmp_path / "out.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="cannot read as csv"):
        score_file(oracle, tmp_path / "empty.csv", tmp_path / "out.csv", progress=None)


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, small_model):
    path = tmp_path_factory.mktemp("model") / "approval.joblib"
    small_model.save(path)
    return path


def test_cli_predict_and_explain(tmp_path, rows, model_file, capsys):
    rows.iloc[:50].to_parquet(tmp_path / "in.parquet")
    assert main(["predict", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.csv"),
                 "--model", str(model_file), "--quiet"]) == 0
    assert len(pd.read_csv(tmp_path / "out.csv")) == 50
    # Not the request id: a key the contract does not know is refused in an applicant.
    applicant = {k: (v.item() if hasattr(v, "item") else v) for k, v in rows.iloc[0].items() if k != "request_id"}
    (tmp_path / "a.json").write_text(json.dumps(applicant, default=str))
    capsys.readouterr()
    assert main(["explain", str(tmp_path / "a.json"), "--lang", "en", "--model", str(model_file)]) == 0
    assert "Estimated chance" in capsys.readouterr().out
    assert main(["explain", str(tmp_path / "a.json"), "--json", "--target", "0.7", "--model", str(model_file)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["target"] == 0.7 and d["lang"] == "zh"


@pytest.mark.slow
@pytest.mark.parametrize("content, args, message", [
    ('{"credit_score": 700}', [], "missing column(s)"),
    ("[1, 2]", [], "expected a JSON object"),
    ("{not json", [], "not valid JSON"),
    ("{}", ["--target", "1.5"], "expected a probability strictly between 0 and 1"),
    ("{}", ["--lang", "fr"], "invalid choice: 'fr'"),
])
def test_cli_explain_errors_are_one_line(tmp_path, model_file, content, args, message):
    (tmp_path / "a.json").write_text(content)
    res = subprocess.run([sys.executable, "-m", "xieshang.cli", "explain", str(tmp_path / "a.json"),
                          "--model", str(model_file), *args], capture_output=True, text=True)
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_cli_explain_offers_nothing_toward_a_plan_the_borrower_cannot_pay(tmp_path, rows, model_file, capsys):
    # Not the request id: a key the contract does not know is refused in an applicant.
    applicant = {k: (v.item() if hasattr(v, "item") else v) for k, v in rows.iloc[0].items() if k != "request_id"}
    applicant.update(monthly_income=2000.0, monthly_expenses=1800.0, other_debt_payments=900.0,
                     outstanding_balance=50_000.0, info_verified=False, income_proof=False, communication="evasive")
    (tmp_path / "a.json").write_text(json.dumps(applicant, default=str))
    capsys.readouterr()
    assert main(["explain", str(tmp_path / "a.json"), "--json", "--lang", "en", "--model", str(model_file)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "no_affordable_plan"
    assert d["actions"] == []  # issue 22: the report says not to sign and what to ask for instead
    assert d["gap"]["shortfall"] > 0 and any("12378" in s for s in d["next_steps"])
    assert main(["explain", str(tmp_path / "a.json"), "--lang", "en", "--model", str(model_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Note: this estimate comes from a model trained on synthetic data")
    assert "do not sign a plan you cannot pay" in out and "The gap:" in out
