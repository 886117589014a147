"""Every subcommand attacked with bad files and bad options.

Each case must end with a non-zero exit, one line on stderr naming the cause,
no traceback, and no output file created or changed (a pre-existing output
keeps its bytes; no temporary file is left behind). Most cases run
``xieshang.cli.main`` in-process (an escaping exception fails the test just as
a traceback would); a few run the real console script in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _robustness import injected, tried

from xieshang.cli import main
from xieshang.contract import FEATURE_NAMES, LABEL
from xieshang.generator import generate

SENTINEL = b"previous output, must survive\n"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run main() in-process: (exit code, stdout, stderr)."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_failure(code: int, err: str, *needles: str) -> None:
    assert code not in (0, None), err
    assert "Traceback" not in err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, lines[0])


def assert_untouched(out: Path) -> None:
    """The output holds its previous bytes, and no temporary file is left beside it."""
    if out.parent.is_dir():
        assert out.read_bytes() == SENTINEL
        leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
        assert not leftovers, leftovers


# -- fixtures: a small saved model and damaged inputs -----------------------------------------


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    from xieshang.model import ApprovalModel

    df = generate(2000, seed=3)
    m = ApprovalModel(seed=0, candidates=("hgb_monotone",), n_splits=2, calibration=("sigmoid",)).fit(df, df[LABEL])
    return m.save(tmp_path_factory.mktemp("model") / "approval.joblib")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("good")
    df = generate(50, seed=1)
    df.to_csv(d / "good.csv", index=False)
    df.to_parquet(d / "good.parquet", index=False)
    app = {k: (v.item() if hasattr(v, "item") else v) for k, v in df.iloc[0][list(FEATURE_NAMES)].items()}
    (d / "app.json").write_text(json.dumps(app), encoding="utf-8")
    return {"csv": d / "good.csv", "parquet": d / "good.parquet", "json": d / "app.json", "dir": d}


def _bad_inputs(good: dict[str, Path], d: Path) -> dict[str, Path]:
    """name -> a damaged file (or a non-file), each one fault."""
    raw = good["parquet"].read_bytes()
    csv_text = good["csv"].read_text()
    lines = csv_text.splitlines()
    files = {
        "missing.csv": None,
        "missing.parquet": None,
        "empty.csv": b"",
        "header_only.csv": (lines[0] + "\n").encode(),
        "binary.csv": bytes(range(256)) * 8,
        "utf16.csv": csv_text.encode("utf-16"),
        "ragged.csv": (csv_text + "1,2,3\n" + ",".join(["x"] * 40) + "\n").encode(),
        "unclosed_quote.csv": (lines[0] + '\n"' + lines[1] + "\n").encode(),
        "wrong_columns.csv": b"a,b,c\n1,2,3\n",
        "bad_values_late.csv": (csv_text + "abc" + lines[1][lines[1].index(","):] + "\n").encode(),
        "truncated.parquet": raw[: len(raw) // 2],
        "garbage.parquet": b"PAR1" + os.urandom(64),
        "csv_named.parquet": csv_text.encode(),
        "empty.parquet": b"",
        "dir.csv": "dir",
        "dir.parquet": "dir",
    }
    out = {}
    for name, content in files.items():
        p = d / name
        if content == "dir":
            p.mkdir()
        elif content is not None:
            p.write_bytes(content)
        out[name] = p
    return out


@pytest.fixture(scope="module")
def bad(good, tmp_path_factory) -> dict[str, Path]:
    return _bad_inputs(good, tmp_path_factory.mktemp("bad"))


# utf16.csv is read since issue 23 (tests/test_file_formats.py); it stays in the fixture as a readable file.
BAD_TABLES = ["missing.csv", "missing.parquet", "empty.csv", "header_only.csv", "binary.csv",
              "ragged.csv", "unclosed_quote.csv", "wrong_columns.csv", "truncated.parquet", "garbage.parquet",
              "csv_named.parquet", "empty.parquet", "dir.csv", "dir.parquet"]


def _unwritable(tmp_path: Path) -> list[tuple[str, Path]]:
    """Output paths that cannot be written, even by root: under a regular file, or in /proc."""
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    return [("under a file", blocker / "out.csv"), ("read-only fs", Path("/proc/xieshang_out.csv")),
            ("a directory", tmp_path)]


# -- generate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["under a file", "read-only fs", "a directory"])
def test_generate_unwritable_output(capsys, tmp_path, how):
    out = dict(_unwritable(tmp_path))[how]
    injected("cli: unwritable output")
    code, _, err = cli(capsys, "generate", "--rows", "20", "--out", out)
    assert_one_line_failure(code, err, "generate")


@pytest.mark.parametrize("args, needle", [
    (["--rows", "abc"], "--rows"), (["--rows", "1e3"], "--rows"), (["--rows", "-5"], "--rows"),
    (["--rows", ""], "--rows"), (["--seed", "x"], "--seed"), (["--seed", "1.5"], "--seed"),
    (["--out"], "--out"), (["--bogus", "1"], "unrecognized"), (["--out", "x.txt"], ".txt"),
    (["--out", "noext"], "extension"),
])
def test_generate_bad_options(capsys, tmp_path, args, needle):
    tried("cli generate: bad options")
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "x.csv")]
    code, _, err = cli(capsys, "generate", "--rows", "10", *args)
    assert_one_line_failure(code, err, needle)
    assert not (tmp_path / "x.csv").exists()


def test_generate_keeps_previous_output_when_interrupted(capsys, tmp_path, monkeypatch):
    """A failure while writing leaves the previous file and no temporary file."""
    out = tmp_path / "data.parquet"
    out.write_bytes(SENTINEL)

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    injected("cli: disk full while writing")
    code, _, err = cli(capsys, "generate", "--rows", "20", "--out", out)
    assert_one_line_failure(code, err, "No space left")
    assert_untouched(out)


# -- predict ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_TABLES)
@pytest.mark.parametrize("out_ext", ["csv", "parquet"])
def test_predict_bad_input_files(capsys, bad, model_path, tmp_path, name, out_ext):
    out = tmp_path / f"scored.{out_ext}"
    out.write_bytes(SENTINEL)
    injected("cli predict: damaged input file")
    code, _, err = cli(capsys, "predict", bad[name], "-o", out, "--model", model_path, "--quiet")
    assert_one_line_failure(code, err, "predict")
    assert_untouched(out)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_predict_bad_row_in_a_late_chunk_leaves_no_output(capsys, good, model_path, tmp_path, fmt):
    """The last chunk is bad: earlier chunks were already scored, yet nothing reaches the output."""
    df = generate(300, seed=2)
    df["credit_score"] = df["credit_score"].astype(str)  # a string column in both formats
    df.loc[299, "credit_score"] = "abc"
    src = tmp_path / f"in.{fmt}"
    df.to_csv(src, index=False) if fmt == "csv" else df.to_parquet(src, index=False)
    out = tmp_path / "scored.csv"
    out.write_bytes(SENTINEL)
    injected("cli predict: bad row in the last chunk")
    code, _, err = cli(capsys, "predict", src, "-o", out, "--model", model_path, "--chunk-rows", "100", "--quiet")
    # Numbered as `xieshang check` numbers it: data row 299 (from 0) is line 301 of the CSV, row 300 of the Parquet.
    assert_one_line_failure(code, err, "credit_score", "row 301" if fmt == "csv" else "row 300")
    assert_untouched(out)


@pytest.mark.parametrize("how", ["under a file", "read-only fs", "a directory"])
def test_predict_unwritable_output(capsys, good, model_path, tmp_path, how):
    out = dict(_unwritable(tmp_path))[how]
    injected("cli: unwritable output")
    code, _, err = cli(capsys, "predict", good["csv"], "-o", out, "--model", model_path, "--quiet")
    assert_one_line_failure(code, err, "predict")


@pytest.mark.parametrize("args, needle", [
    (["--chunk-rows", "0"], "--chunk-rows"), (["--chunk-rows", "x"], "--chunk-rows"),
    (["--target", "2"], "--target"), (["--target", "nan"], "--target"), (["--target", "0"], "--target"),
    (["--lang", "fr"], "--lang"), (["--bogus"], "unrecognized"), (["-o", "x.json"], ".json"),
])
def test_predict_bad_options(capsys, good, model_path, tmp_path, args, needle):
    tried("cli predict: bad options")
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.csv")]
    code, _, err = cli(capsys, "predict", good["csv"], "--model", model_path, "--quiet", *args)
    assert_one_line_failure(code, err, needle)
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("bad_row", [False, True])
def test_predict_onto_its_own_input_is_refused(capsys, model_path, tmp_path, bad_row):
    """Scoring a file onto itself is refused before anything is read or written: the input is unchanged."""
    df = generate(30, seed=4)
    if bad_row:
        df.loc[29, "plan_months"] = 999
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False)
    before = src.read_bytes()
    injected("cli predict: output path equal to the input")
    code, _, err = cli(capsys, "predict", src, "-o", src, "--model", model_path, "--quiet")
    assert_one_line_failure(code, err, "is the input file", "expected another output path")
    assert src.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


@pytest.mark.parametrize("damage", ["missing", "truncated", "no sidecar"])
def test_predict_bad_model(capsys, good, model_path, tmp_path, damage):
    m = tmp_path / "approval.joblib"
    if damage != "missing":
        m.write_bytes(model_path.read_bytes()[: 100 if damage == "truncated" else None])
        if damage == "truncated":
            (tmp_path / "approval.json").write_bytes(model_path.with_suffix(".json").read_bytes())
    injected("cli predict: damaged model")
    code, _, err = cli(capsys, "predict", good["csv"], "-o", tmp_path / "x.csv", "--model", m, "--quiet")
    assert_one_line_failure(code, err, "make train")
    assert not (tmp_path / "x.csv").exists()


# -- explain ----------------------------------------------------------------------------------


def _bad_json(d: Path, good_json: Path) -> dict[str, Path]:
    app = json.loads(good_json.read_text())
    files = {
        "empty.json": b"",
        "not_json.json": b"{credit_score: 600",
        "binary.json": bytes(range(256)),
        "latin1.json": json.dumps({**app, "hardship_reason": "caf\u00e9"}, ensure_ascii=False).encode("latin-1"),
        "list.json": b"[1, 2]",
        "string.json": b'"me"',
        "null.json": b"null",
        # NaN where the contract wants a value (credit_score may be unknown; income may not)
        "nan.json": json.dumps({**app, "monthly_income": float("nan")}).encode(),
        "huge.json": json.dumps({**app, "monthly_income": 10**400}).encode(),
        "nested.json": json.dumps({**app, "plan_months": [12, 24]}).encode(),
        # A field that may not be unknown (one that may be is simply unknown when left out).
        "missing_field.json": json.dumps({k: v for k, v in app.items() if k != "monthly_income"}).encode(),
        "unknown_category.json": json.dumps({**app, "communication": "rude"}).encode(),
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
    }
    out = {"missing.json": d / "missing.json", "dir.json": d / "dir.json"}
    (d / "dir.json").mkdir()
    for name, content in files.items():
        (d / name).write_bytes(content)
        out[name] = d / name
    return out


@pytest.mark.parametrize("name", ["missing.json", "dir.json", "empty.json", "not_json.json", "binary.json",
                                  "latin1.json", "list.json", "string.json", "null.json", "nan.json", "huge.json",
                                  "nested.json", "missing_field.json", "unknown_category.json", "deep.json"])
def test_explain_bad_applicant_files(capsys, good, model_path, tmp_path, name):
    path = _bad_json(tmp_path, good["json"])[name]
    injected("cli explain: damaged applicant file")
    code, _, err = cli(capsys, "explain", path, "--model", model_path)
    assert_one_line_failure(code, err, "explain")


def test_explain_answers_for_an_applicant_with_unknown_values(capsys, good, model_path, tmp_path):
    app = json.loads(Path(good["json"]).read_text(encoding="utf-8"))
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps({**app, "credit_score": None, "income_proof": float("nan"), "savings": None}),
                    encoding="utf-8")
    code, out, err = cli(capsys, "explain", path, "--model", model_path, "--lang", "en")
    assert code == 0 and err == "" and "%" in out


@pytest.mark.parametrize("args, needle", [
    (["--target", "1"], "--target"), (["--target", "abc"], "--target"), (["--target", "inf"], "--target"),
    (["--lang", "de"], "--lang"), (["--json", "x"], "unrecognized"),
])
def test_explain_bad_options(capsys, good, model_path, args, needle):
    tried("cli explain: bad options")
    code, _, err = cli(capsys, "explain", good["json"], "--model", model_path, *args)
    assert_one_line_failure(code, err, needle)


def test_explain_good_file_still_works(capsys, good, model_path):
    """Control: the same command with a good file succeeds (the failures above are not vacuous)."""
    code, out, err = cli(capsys, "explain", good["json"], "--model", model_path, "--lang", "en", "--json")
    assert code == 0, err
    assert 0 < json.loads(out)["probability"] < 1


# -- train ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*BAD_TABLES, "bad_values_late.csv"])
def test_train_bad_data_files(capsys, bad, tmp_path, name):
    out = tmp_path / "model"
    injected("cli train: damaged data file")
    code, _, err = cli(capsys, "train", "--data", bad[name], "--out", out)
    assert_one_line_failure(code, err, "train")
    assert not any(out.glob("*.joblib")) if out.exists() else True


@pytest.mark.parametrize("args, needle", [
    (["--rows", "0"], "--rows"), (["--rows", "x"], "--rows"), (["--seed", "-1"], "--seed"),
    (["--data", "a.csv", "--rows", "100"], "--rows"), (["--bogus"], "unrecognized"),
])
def test_train_bad_options(capsys, tmp_path, args, needle):
    tried("cli train: bad options")
    code, _, err = cli(capsys, "train", *args, "--out", tmp_path / "m")
    assert_one_line_failure(code, err, needle)
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


# -- the real console script ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["generate", "--rows", "5", "--out", "/proc/nope.csv"],
    ["predict", "missing.csv", "-o", "x.csv"],
    ["explain", "missing.json"],
    ["check", "missing.csv"],
    ["train", "--data", "missing.csv", "--out", "/proc/nope_model"],
    [],
])
def test_console_script_never_prints_a_traceback(tmp_path, args):
    tried("cli: subprocess runs")
    exe = Path(sys.executable).with_name("xieshang")
    res = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr


@pytest.mark.parametrize("spelling", [{1: "yes", 0: "no"}, {1: 1.0, 0: 0.0}, {1: "是", 0: "否"}])
def test_train_accepts_every_label_spelling_validation_accepts(capsys, tmp_path, monkeypatch, spelling):
    """Labels that pass validation reach the learner as 0/1 (found: yes/no crashed the hold-out split)."""
    import xieshang.model

    df = generate(200, seed=5)
    expected = df[LABEL].to_numpy()
    df[LABEL] = df[LABEL].map(spelling)
    data = tmp_path / "labels.csv"
    df.to_csv(data, index=False)
    seen = {}

    def fake_train(train_df, seed=0, verbose=False):
        seen["labels"] = train_df[LABEL].tolist()
        raise ValueError("stopped before fitting")

    monkeypatch.setattr(xieshang.model, "train", fake_train)
    tried("cli train: label spellings")
    code, _, err = cli(capsys, "train", "--data", data, "--out", tmp_path / "m", "--reports", tmp_path / "r")
    assert_one_line_failure(code, err, "stopped before fitting")
    assert set(seen["labels"]) <= {0, 1} and len(seen["labels"]) < len(expected)


@pytest.mark.parametrize("command", [["generate", "--out", "x.csv"], ["train", "--out", "m"]])
def test_absurd_row_counts_are_one_line_errors(capsys, tmp_path, monkeypatch, command):
    """Found: --rows 10**13 ended in a NumPy MemoryError traceback."""
    monkeypatch.chdir(tmp_path)
    injected("cli: out of memory (--rows 10**13)")
    code, _, err = cli(capsys, *command[:1], "--rows", str(10**13), *command[1:])
    assert_one_line_failure(code, err, "not enough memory")
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "m").exists()


def test_outputs_get_the_usual_file_mode(capsys, tmp_path):
    """Found: outputs were created 0600 (the temporary file's mode), unreadable by the group."""
    import stat

    mask = os.umask(0o022)
    try:
        code, _, err = cli(capsys, "generate", "--rows", "5", "--out", tmp_path / "d.csv")
    finally:
        os.umask(mask)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "d.csv").stat().st_mode) == 0o644


def test_a_failure_after_the_progress_bar_starts_on_a_line_of_its_own(model_path, tmp_path, monkeypatch):
    """Found: the error was printed at the end of the progress bar's line (no newline after '\\r[###...')."""
    import io
    import itertools
    import types

    import xieshang.scoring as scoring
    from xieshang.model import load_model

    clock = itertools.count(0.0, 1.0)  # every update is "late enough" to be drawn
    monkeypatch.setattr(scoring, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    df = generate(300, seed=2)
    df["credit_score"] = df["credit_score"].astype(str)
    df.loc[299, "credit_score"] = "abc"
    df.to_csv(tmp_path / "in.csv", index=False)
    stream = io.StringIO()
    injected("cli predict: failure after the progress bar was drawn")
    with pytest.raises(ValueError, match="credit_score"):
        scoring.score_file(load_model(model_path), tmp_path / "in.csv", tmp_path / "out.csv", chunk_rows=100,
                           progress=stream)
    assert "rows/s" in stream.getvalue() and stream.getvalue().endswith("\n")
    assert not (tmp_path / "out.csv").exists()
