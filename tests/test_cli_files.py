"""Issue 23 from the command line: a GBK CSV and an .xlsx train and score; parameters checked before any work."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

import xieshang.arguments
from xieshang.cli import main
from xieshang.contract import FEATURES
from xieshang.generator import generate
from xieshang.model import load_model, sidecar_path


def _one_line_error(capsys, code: int, *needles: str) -> str:
    out = capsys.readouterr()
    assert code == 2 and "Traceback" not in out.err
    lines = [ln for ln in out.err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, out.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def chinese_rows() -> pd.DataFrame:
    """Rows as a Chinese spreadsheet holds them: Chinese headers, an id column."""
    df = generate(250, seed=5).drop(columns=["true_probability"])
    df = df.rename(columns={f.name: f.label_zh for f in FEATURES if f.label_zh not in ("证明材料", "信用记录")})
    df.insert(0, "客户编号", [f"{i:06d}" for i in range(len(df))])
    return df


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gbk", "xlsx"])
def test_gbk_csv_and_xlsx_train_and_score_from_the_command_line(tmp_path, chinese_rows, capsys, kind):
    src = tmp_path / ("data.csv" if kind == "gbk" else "data.xlsx")
    if kind == "gbk":
        chinese_rows.to_csv(src, index=False, encoding="gbk")  # as Excel saves "CSV" on a Chinese system
    else:
        chinese_rows.to_excel(src, index=False)
    before = src.read_bytes()
    assert main(["check", str(src), "--lang", "zh"]) == 0
    assert ("编码 GB18030" if kind == "gbk" else "Excel 工作表") in capsys.readouterr().out  # how it was read
    assert main(["train", "--data", str(src), "--out", str(tmp_path / "m"), "--reports", str(tmp_path / "r")]) == 0
    out = tmp_path / ("scored.csv" if kind == "gbk" else "scored.xlsx")
    assert main(["predict", str(src), "-o", str(out), "--model", str(tmp_path / "m" / "approval.joblib"),
                 "--quiet"]) == 0
    back = (pd.read_csv(out, encoding="gb18030", dtype=str) if kind == "gbk" else pd.read_excel(out, dtype={"客户编号": str}))
    assert back["客户编号"].tolist() == chinese_rows["客户编号"].tolist()
    assert back["probability"].astype(float).between(0, 1).all()
    assert src.read_bytes() == before


@pytest.mark.parametrize("command", [["generate", "--rows", "10", "--out", "x.csv"], ["train", "--rows", "10"]])
def test_seed_below_2_to_the_32(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main([*command, "--seed", str(2**32)])
    assert exc.value.code == 2
    assert "expected a seed below 2**32" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_test_size_too_small_said_before_training(capsys, tmp_path):
    generate(300, seed=2).to_csv(tmp_path / "d.csv", index=False)
    code = main(["train", "--data", str(tmp_path / "d.csv"), "--test-size", "0.001", "--out", str(tmp_path / "m"),
                 "--reports", str(tmp_path / "r")])
    _one_line_error(capsys, code, "--test-size 0.001 holds out 1 of 300 rows", "expected at least 2 held out")
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


def test_rows_against_memory_with_an_estimate(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(xieshang.arguments, "available_memory", lambda: 2**30)
    code = main(["generate", "--rows", "300000000", "--out", str(tmp_path / "x.csv")])
    line = _one_line_error(capsys, code, "not enough memory", "GiB", "ask for fewer rows")
    assert "--chunk-rows" not in line and not (tmp_path / "x.csv").exists()


def test_directory_as_predict_input(capsys, tmp_path):
    (tmp_path / "x.parquet").mkdir()  # a folder is scored as a dataset of Parquet parts (tests/test_cluster.py)
    code = main(["predict", str(tmp_path / "x.parquet"), "-o", str(tmp_path / "o")])
    _one_line_error(capsys, code, "no .parquet file in this folder", "partitioned Parquet dataset")
    assert not (tmp_path / "o").exists()


def test_json_applicant_with_a_5000_digit_integer(capsys, tmp_path):
    (tmp_path / "a.json").write_text('{"monthly_income": ' + "1" * 5000 + "}")
    code = main(["explain", str(tmp_path / "a.json")])
    _one_line_error(capsys, code, "an integer of 5000 digits")


@pytest.mark.parametrize("payload", [b"\x80\x04\x95garbage", b"cnonexistent_module_xyz\nThing\n(tR."])
def test_sidecar_matching_a_broken_or_foreign_pickle(tmp_path, small_model, capsys, payload):
    path = small_model.save(tmp_path / "approval.joblib")
    path.write_bytes(payload)
    side = json.loads(sidecar_path(path).read_text())
    side["sha256"] = hashlib.sha256(payload).hexdigest()
    sidecar_path(path).write_text(json.dumps(side))
    with pytest.raises(ValueError, match="matches its sidecar but cannot be loaded"):
        load_model(path)
    (tmp_path / "a.json").write_text("{}")
    code = main(["explain", str(tmp_path / "a.json"), "--model", str(path)])
    _one_line_error(capsys, code, "cannot be loaded", "retrain")


def test_save_onto_a_directory_leaves_nothing(tmp_path, small_model):
    (tmp_path / "x.joblib").mkdir()
    with pytest.raises(ValueError, match=r"x\.joblib: is a directory"):
        small_model.save(tmp_path / "x.joblib")
    assert [p.name for p in tmp_path.iterdir()] == ["x.joblib"] and not any((tmp_path / "x.joblib").iterdir())


def test_sep_and_encoding_options(tmp_path, capsys):
    src = tmp_path / "d.tsv"  # Big5 (traditional Chinese) cannot be told from the bytes: it is named
    generate(30, seed=3).assign(姓名="陳大文").to_csv(src, index=False, sep="\t", encoding="big5")
    assert main(["check", str(src), "--sep", "tab", "--encoding", "big5", "--lang", "en"]) == 0
    assert "encoding big5, separator tab" in capsys.readouterr().out
    code = main(["check", str(src), "--encoding", "klingon"])
    _one_line_error(capsys, code, "unknown encoding 'klingon'", "expected a name such as utf-8")
    code = main(["check", str(src), "--encoding", "utf-8"])
    _one_line_error(capsys, code, "does not read as utf-8", "leave out --encoding")
