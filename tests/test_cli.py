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
    (["generate", "--rows", "10", "--out", "x.xlsx"], "unsupported file extension '.xlsx'"),
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
