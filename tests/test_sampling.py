"""Training from a folder larger than memory: one streaming pass, a stratified seeded sample."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from xieshang.cli import main
from xieshang.contract import LABEL
from xieshang.generator import generate
from xieshang.sampling import data_files, sample_dataset, sample_keys


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """12,000 rows in three Parquet files and three CSV files (one in a subfolder), plus files to skip."""
    root = tmp_path_factory.mktemp("train")
    df = generate(12_000, seed=3)
    for k in range(3):
        df.iloc[k * 2000:(k + 1) * 2000].to_parquet(root / f"p{k}.parquet", index=False)
    (root / "more").mkdir()
    for k in range(3, 6):
        where = root / "more" if k == 5 else root
        df.iloc[k * 2000:(k + 1) * 2000].to_csv(where / f"c{k}.csv", index=False)
    (root / "_SUCCESS").write_text("")
    (root / ".c9.csv.tmp").write_text("half written")
    return root


def test_the_files_read_and_those_skipped(folder):
    assert [f.relative_to(folder).as_posix() for f in data_files(folder)] == [
        "c3.csv", "c4.csv", "more/c5.csv", "p0.parquet", "p1.parquet", "p2.parquet"]


def test_same_seed_same_sample_whatever_the_chunk_size(folder):
    a = sample_dataset(folder, max_rows=1500, seed=1, chunk_rows=700)
    b = sample_dataset(folder, max_rows=1500, seed=1, chunk_rows=5000)
    c = sample_dataset(folder, max_rows=1500, seed=2, chunk_rows=700)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not a.frame.index.equals(c.frame.index)
    assert (a.read, a.kept, a.files) == (12_000, 1500, 6)
    assert a.summary().startswith("read 12,000 rows from 6 file(s), kept a stratified sample of 1,500")


def test_the_sample_is_stratified_and_spread_over_every_file(folder):
    s = sample_dataset(folder, max_rows=1500, seed=0, chunk_rows=1000)
    read_share = s.read_per_label[1] / s.read
    assert abs(s.frame[LABEL].sum() - 1500 * read_share) <= 1  # each label its share, to the row
    per_file = s.frame.index.get_level_values("file").value_counts()
    assert len(per_file) == 6 and per_file.min() > 150 and per_file.max() < 350  # ~250 each
    # Rows are named as `xieshang check` names them: CSV lines (header = 1), Parquet rows from 1.
    rows = s.frame.index.get_level_values("row")
    csv = s.frame.index.get_level_values("file").str.endswith(".csv")
    assert rows[csv].min() >= 2 and rows[csv].max() <= 2001 and rows[~csv].min() >= 1 and rows[~csv].max() <= 2000


def test_memory_is_bounded_by_max_rows_not_by_the_folder(folder):
    s = sample_dataset(folder, max_rows=300, seed=0, chunk_rows=200)
    assert s.kept == 300
    assert s.peak_rows_held <= 2 * 2 * 300 + 200 < s.read / 5


def test_a_small_folder_is_kept_whole(folder):
    s = sample_dataset(folder, max_rows=50_000, seed=0)
    assert s.kept == s.read == 12_000


def test_keys_depend_on_seed_file_and_row_only():
    k = sample_keys(5, "a.csv", np.arange(10))
    np.testing.assert_array_equal(k[3:7], sample_keys(5, "a.csv", np.arange(3, 7)))
    assert not np.array_equal(k, sample_keys(6, "a.csv", np.arange(10)))
    assert not np.array_equal(k, sample_keys(5, "b.csv", np.arange(10)))


@pytest.mark.parametrize("name, where", [("bad.csv", r"row 12 .*numbered as lines of the file"),
                                         ("bad.parquet", r"row 11 .*numbered as rows from 1")])
def test_bad_rows_are_named_by_file_and_line(tmp_path, name, where):
    df = generate(300, seed=1)
    df.loc[10, "credit_score"] = 9999
    (df.to_csv if name.endswith(".csv") else df.to_parquet)(tmp_path / name, index=False)
    with pytest.raises(ValueError, match=rf"(?s)bad\.(csv|parquet): .*credit_score.*9999.*{where}"):
        sample_dataset(tmp_path, max_rows=100, chunk_rows=7)


def test_train_from_a_folder_says_what_it_read_and_kept(folder, tmp_path, capsys):
    args = ["train", "--data", str(folder), "--max-rows", "2000", "--seed", "4", "--out", str(tmp_path / "m"),
            "--reports", str(tmp_path / "r")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "read 12,000 rows from 6 file(s), kept a stratified sample of 2,000" in out
    assert "training on 1,600 rows, 400 held out" in out
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert metrics["training_sample"] == {"kept": 2000, "read": 12_000, "files": 6, "seed": 4}
    assert "Trained on a sample of 2,000 of 12,000 rows" in (tmp_path / "r" / "model_card.md").read_text()


def test_check_of_a_folder_reports_on_the_sample_train_draws(folder, capsys):
    assert main(["check", str(folder), "--max-rows", "2000", "--seed", "4", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "read 12,000 rows from 6 file(s), kept a stratified sample of 2,000" in out
    assert f"{folder} (sample)" in out
    assert main(["check", str(folder), "--max-rows", "2000", "--seed", "4", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is True  # stdout stays JSON; the sample's line goes to stderr
    assert "kept a stratified sample of 2,000" in captured.err


@pytest.fixture(scope="module")
def one_label(tmp_path_factory):
    """A folder whose rows are all approved: the check of any sample of it fails."""
    root = tmp_path_factory.mktemp("one_label")
    for k in range(2):
        df = generate(300, seed=k)
        df[LABEL] = 1
        df.to_parquet(root / f"part-{k}.parquet", index=False)
    return root


def test_train_on_a_failing_sample_names_a_check_command_that_works(one_label, tmp_path, capsys):
    assert main(["train", "--data", str(one_label), "--max-rows", "500", "--seed", "3", "--out", str(tmp_path / "m"),
                 "--reports", str(tmp_path / "r")]) == 2
    captured = capsys.readouterr()
    command = re.search(r"run 'xieshang (check [^']+)'", captured.err)
    assert command and command.group(1) == f"check {one_label} --max-rows 500 --seed 3"
    assert not (tmp_path / "m" / "approval.joblib").exists()
    problems = [line for line in captured.out.splitlines() if re.match(r"\s+1\. ", line)]
    assert problems  # the report train printed names the problem
    # The command it names runs, and reports the same problem on the same sample.
    assert main(command.group(1).split()) == 1
    out = capsys.readouterr().out
    assert "kept a stratified sample of 500" in out
    assert problems == [line for line in out.splitlines() if re.match(r"\s+1\. ", line)]


@pytest.mark.parametrize("args, message", [
    (["train", "--max-rows", "100"], r"--max-rows samples the rows of --data; .* use --rows 100 instead"),
    (["train", "--rows", "3000", "--max-rows", "100"], r"--max-rows samples the rows of --data"),
    (["check", "FILE", "--seed", "2"], r"--seed: chooses the sample of a folder or of --max-rows"),
])
def test_an_option_that_would_have_no_effect_is_an_error(folder, tmp_path, capsys, args, message):
    args = [str(folder / "p0.parquet") if a == "FILE" else a for a in args]
    if args[0] == "train":
        args += ["--out", str(tmp_path / "m"), "--reports", str(tmp_path / "r")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()
