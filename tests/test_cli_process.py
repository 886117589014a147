"""The command line as a shell sees it: its version, a reader that leaves early, `make notebook` as root."""

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from xieshang.contract import LABEL
from xieshang.generator import generate

ROOT = Path(__file__).resolve().parents[1]
XIESHANG = Path(sys.executable).parent / "xieshang"


def test_version_is_the_installed_distributions():
    out = subprocess.run([XIESHANG, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"xieshang {version('xieshang')}"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from xieshang.model import ApprovalModel

    df = generate(1500, seed=3)
    m = ApprovalModel(seed=0, candidates=("logistic_monotone",), n_splits=2, calibration=("sigmoid",))
    return m.fit(df, df[LABEL]).save(tmp_path_factory.mktemp("model") / "approval.joblib")


def test_a_reader_that_leaves_early_ends_the_command_quietly(model_file):
    """`xieshang explain --json | head`: the pipe is closed before anything is written (as head does once
    it has its lines); the command must stop without 'Broken pipe' or a traceback on stderr."""
    applicant = ROOT / "data" / "examples" / "applicant.json"
    proc = subprocess.Popen([XIESHANG, "explain", str(applicant), "--json", "--model", str(model_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the model is even loaded
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert err == "", err
    assert proc.returncode == 128 + 13  # as if killed by SIGPIPE, so `set -o pipefail` still notices


def test_explain_json_into_head_prints_no_error(model_file):
    applicant = ROOT / "data" / "examples" / "applicant.json"
    done = subprocess.run(["bash", "-c", f'"{XIESHANG}" explain "{applicant}" --json --model "{model_file}" | head -3'],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(done.stdout.splitlines()) == 3


def test_a_reader_that_reads_everything_gets_everything(model_file):
    applicant = ROOT / "data" / "examples" / "applicant.json"
    done = subprocess.run([XIESHANG, "explain", str(applicant), "--json", "--model", str(model_file)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("{") and done.stdout.rstrip().endswith("}")


def test_make_notebook_allows_root_only_when_run_as_root():
    plan = subprocess.run(["make", "-n", "notebook"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lab = next(line for line in plan.splitlines() if "jupyter lab" in line)
    assert ("--allow-root" in lab) == (os.geteuid() == 0), lab
