import subprocess
import sys

import pandas as pd
import pytest

from xieshang.cli import main
from xieshang.contract import FEATURE_NAMES


def run(*args):
    """Run the real command line in a subprocess (to see tracebacks and exit codes)."""
    return subprocess.run([sys.executable, "-m", "xieshang.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("name", ["d.parquet", "d.csv"])
def test_generate_writes_a_valid_file_deterministically(tmp_path, name):
    assert main(["generate", "--rows", "300", "--seed", "4", "--out", str(tmp_path / "a" / name)]) == 0
    assert main(["generate", "--rows", "300", "--seed", "4", "--out", str(tmp_path / "b" / name)]) == 0
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    df = pd.read_parquet(tmp_path / "a" / name) if name.endswith("parquet") else pd.read_csv(tmp_path / "a" / name)
    assert len(df) == 300 and set(FEATURE_NAMES) <= set(df.columns)


@pytest.mark.parametrize("args, message", [
    (["generate", "--rows", "0", "--out", "x.csv"], "expected a positive integer, got '0'"),
    (["generate", "--rows", "10", "--seed", "-3", "--out", "x.csv"], "non-negative integer seed"),
    (["generate", "--rows", "10", "--out", "x.xls"], "unsupported file extension '.xls'"),
    (["generate", "--rows", "10"], "the following arguments are required: --out"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_user_errors_are_one_line_without_traceback(tmp_path, args, message):
    res = subprocess.run([sys.executable, "-m", "xieshang.cli", *args], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_unwritable_output_is_a_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run("generate", "--rows", "10", "--out", str(blocker / "out.csv"))
    assert res.returncode == 2 and "cannot write here" in res.stderr and "Traceback" not in res.stderr


# -- predict: files come back as they went in -------------------------------------------------

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from xieshang import generate  # noqa: E402
from xieshang.contract import LABEL  # noqa: E402


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from xieshang.model import ApprovalModel

    df = generate(1500, seed=3)
    m = ApprovalModel(seed=0, candidates=("hgb_monotone",), n_splits=2, calibration=("sigmoid",)).fit(df, df[LABEL])
    return m.save(tmp_path_factory.mktemp("model") / "approval.joblib")


def _requests(n=250, seed=8):
    df = generate(n, seed=seed).drop(columns=["true_probability"])
    ids = [f"{i:05d}" for i in range(100_000 - 10, 100_000 - 10 + n)]  # 5 digits, then 6 (a type change)
    df.insert(0, "id", ids)
    df["card"] = [str(6222021234567890123 + i) for i in range(n)]
    df["note"] = ["NA" if i % 3 == 0 else ("" if i % 3 == 1 else f"r{i}") for i in range(n)]
    df["mixed"] = [str(i) if i < 120 else f"x{i}" for i in range(n)]  # numbers in the first chunks, text later
    return df


@pytest.mark.parametrize("out_name", ["scored.csv", "scored.parquet"])
def test_predict_passes_extra_csv_columns_through_verbatim(tmp_path, model_file, out_name):
    src = tmp_path / "in.csv"
    _requests().to_csv(src, index=False)
    before = src.read_bytes()
    text = pd.read_csv(src, dtype=str, keep_default_na=False)
    assert main(["predict", str(src), "-o", str(tmp_path / out_name), "--model", str(model_file),
                 "--chunk-rows", "100", "--quiet"]) == 0
    out_path = tmp_path / out_name
    out = (pd.read_csv(out_path, dtype=str, keep_default_na=False) if out_name.endswith(".csv")
           else pd.read_parquet(out_path))
    for col in ("id", "card", "note", "mixed", "credit_score"):
        assert out[col].tolist() == text[col].tolist(), col
    assert out["id"].iloc[0] == "99990" and out["card"].iloc[0] == "6222021234567890123"
    assert src.read_bytes() == before
    assert np.all((out["probability"].astype(float) > 0) & (out["probability"].astype(float) < 1))


def test_predict_keeps_the_parquet_index(tmp_path, model_file):
    df = generate(120, seed=2).drop(columns=["true_probability"])
    df.index = pd.Index([f"c{i:04d}" for i in range(len(df))], name="customer_id")
    df.to_parquet(tmp_path / "in.parquet")
    for out_name in ("out.parquet", "out.csv"):
        assert main(["predict", str(tmp_path / "in.parquet"), "-o", str(tmp_path / out_name),
                     "--model", str(model_file), "--chunk-rows", "50", "--quiet"]) == 0
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert out.index.name == "customer_id" and out.index.tolist() == df.index.tolist()
    assert pd.read_csv(tmp_path / "out.csv")["customer_id"].tolist() == df.index.tolist()


@pytest.mark.parametrize("spelling", ["same", "symlink", "relative", "dotdot"])
def test_predict_onto_its_own_input_is_refused_before_anything(tmp_path, model_file, spelling, monkeypatch):
    src = tmp_path / "in.csv"
    generate(20, seed=1).to_csv(src, index=False)
    before = src.read_bytes()
    monkeypatch.chdir(tmp_path)
    dst = {"same": str(src), "relative": "in.csv", "dotdot": str(tmp_path / "x" / ".." / "in.csv")}.get(spelling)
    if spelling == "symlink":
        (tmp_path / "link.csv").symlink_to(src)
        dst = "link.csv"
    res = run("predict", str(src), "-o", dst, "--model", "/nonexistent/model.joblib", "--quiet")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "is the input file" in res.stderr and "expected another output path" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1  # refused before even loading the (missing) model
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.csv"] + (["link.csv"] if spelling == "symlink" else []))


# -- train: checked first, in our words -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("rows", [10, 12])
def test_train_on_too_few_rows_says_how_many_are_needed(tmp_path, rows):
    generate(rows, seed=1).to_csv(tmp_path / "few.csv", index=False)
    res = run("train", "--data", str(tmp_path / "few.csv"), "--out", str(tmp_path / "m"),
              "--reports", str(tmp_path / "r"), "--lang", "en")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    from xieshang.check import min_rows_per_label
    from xieshang.model import ApprovalModel

    folds = ApprovalModel().n_splits  # issue 23: the message said 5-fold where the model uses 3 folds
    assert f"need at least {min_rows_per_label(folds)} of each" in res.stdout  # the report, on stdout
    assert f"{folds}-fold" in res.stdout
    assert "n_splits" not in res.stdout + res.stderr  # not scikit-learn's words
    assert len(res.stderr.strip().splitlines()) == 1 and "the data check found 1 problem" in res.stderr
    assert not (tmp_path / "m").exists()


def test_train_refuses_a_messy_file_with_the_report(tmp_path):
    df = generate(300, seed=2).astype(str)
    df.loc[4, "communication"] = "rude"
    df.to_csv(tmp_path / "messy.csv", index=False)
    res = run("train", "--data", str(tmp_path / "messy.csv"), "--out", str(tmp_path / "m"), "--reports",
              str(tmp_path / "r"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "communication\uff08沟通态度\uff09\uff1a1 个无效值 'rude'\uff08在第 6 行\uff09" in res.stdout
    assert "xieshang check" in res.stderr


@pytest.mark.parametrize("which", ["--out", "--reports"])
def test_train_unwritable_output_fails_before_reading_or_fitting(tmp_path, which, monkeypatch):
    import xieshang.model

    called = []
    monkeypatch.setattr(xieshang.model, "train", lambda *a, **k: called.append(1))
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    args = {"--out": str(tmp_path / "m"), "--reports": str(tmp_path / "r")}
    args[which] = str(blocker / "sub")
    code = main(["train", "--data", str(tmp_path / "does_not_exist.csv"), *sum(args.items(), ())])
    assert code == 2 and not called  # refused on the folder, before even looking at the (missing) data


def test_train_from_chinese_headers_with_blanks_reaches_the_fit(tmp_path, monkeypatch):
    """A file with Chinese headers and 30 % blanks in the columns that may be blank passes the check and the
    validation; what reaches the learner is in the contract's names, with NaN for the blanks."""
    import xieshang.model
    from xieshang.contract import COLUMN_LABELS, FEATURES, MISSING_OK_NAMES

    df = generate(400, seed=6)
    rng = np.random.default_rng(0)
    for name in MISSING_OK_NAMES:
        df[name] = df[name].astype(object).where(rng.random(len(df)) > 0.3, "")
    df = df.rename(columns={**{f.name: f.label_zh for f in FEATURES}, LABEL: COLUMN_LABELS[LABEL][0]})
    df.to_csv(tmp_path / "zh.csv", index=False)
    seen = {}

    def fake_train(train_df, seed=0, verbose=False):
        seen["df"] = train_df
        raise ValueError("stopped before fitting")

    monkeypatch.setattr(xieshang.model, "train", fake_train)
    code = main(["train", "--data", str(tmp_path / "zh.csv"), "--out", str(tmp_path / "m"),
                 "--reports", str(tmp_path / "r")])
    assert code == 2 and "df" in seen
    got = seen["df"]
    assert set(FEATURE_NAMES) <= set(got.columns) and set(got[LABEL]) == {0, 1}
    assert 0.2 < got["credit_score"].isna().mean() < 0.4 and got["monthly_income"].notna().all()


def test_check_asks_for_the_rows_the_test_size_of_train_needs(tmp_path, capsys):
    from xieshang.check import min_rows_per_label
    from xieshang.model import ApprovalModel

    folds = ApprovalModel().n_splits
    need, more = min_rows_per_label(folds, 0.2), min_rows_per_label(folds, 0.5)
    assert need < more
    df = generate(400, seed=0)
    df = pd.concat([df[df[LABEL] == 1].head(need), df[df[LABEL] == 0].head(need)])
    df.to_csv(tmp_path / "few.csv", index=False)
    assert main(["check", str(tmp_path / "few.csv"), "--lang", "en"]) == 0  # enough for train's default 20 %
    assert main(["check", str(tmp_path / "few.csv"), "--lang", "en", "--test-size", "0.5"]) == 1  # not for half
    out = capsys.readouterr().out
    assert f"need at least {more} of each" in out


def test_a_folder_is_checked_for_the_rows_a_file_is(tmp_path, capsys):
    # train's folds set the rows each label needs, whether the check reads a file or samples a folder (the
    # folder's sample and generated rows were checked for 5 folds: 10 of each, where the file needed 8)
    from xieshang.check import min_rows_per_label
    from xieshang.model import ApprovalModel

    need = min_rows_per_label()
    assert need == min_rows_per_label(ApprovalModel().n_splits) < min_rows_per_label(5)
    df = generate(400, seed=0)
    df = pd.concat([df[df[LABEL] == 1].head(need), df[df[LABEL] == 0].head(need)])
    (tmp_path / "folder").mkdir()
    df.to_csv(tmp_path / "folder" / "part.csv", index=False)
    assert main(["check", str(tmp_path / "folder" / "part.csv"), "--lang", "en"]) == 0
    assert main(["check", str(tmp_path / "folder"), "--lang", "en"]) == 0, capsys.readouterr().out
    assert main(["check", str(tmp_path / "folder"), "--lang", "en", "--test-size", "0.5"]) == 1


@pytest.mark.slow
def test_the_minimum_the_check_asks_for_does_train(tmp_path):
    """The check's minimum of each label (min_rows_per_label: 8 at the defaults) trains."""
    from xieshang.check import min_rows_per_label

    need = min_rows_per_label()
    df = generate(400, seed=0)
    df = pd.concat([df[df[LABEL] == 1].head(need), df[df[LABEL] == 0].head(need)])
    df.to_csv(tmp_path / "min.csv", index=False)
    res = run("train", "--data", str(tmp_path / "min.csv"), "--out", str(tmp_path / "m"),
              "--reports", str(tmp_path / "r"), "--lang", "en")
    assert res.returncode == 0, res.stderr
    assert "small sample" in res.stdout and (tmp_path / "m" / "approval.joblib").exists()
    assert "  Warning: " in res.stdout and "提醒" not in res.stdout  # the warnings in the language asked for
