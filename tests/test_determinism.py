"""The same seed gives the same bytes and the same predictions, in separate processes.

Each run happens in a fresh interpreter with its own ``PYTHONHASHSEED`` (so
nothing may depend on set/dict hash order) and, for training, another
``OMP_NUM_THREADS`` (the model caps its own threads, so the environment must
not matter). What may differ across library versions is documented in the
README ("Robustness").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _robustness import tried

_TRAIN = r"""
import json, sys
import numpy as np
from xieshang.contract import LABEL
from xieshang.generator import generate
from xieshang.model import ApprovalModel, load_model

seed, out = int(sys.argv[1]), sys.argv[2]
df = generate(1500, seed=seed)
m = ApprovalModel(seed=seed, candidates=("hgb_monotone", "logistic_monotone"), n_splits=2,
                  calibration=("sigmoid", "isotonic")).fit(df, df[LABEL])
X = generate(500, seed=seed + 1)
np.save(out + ".npy", m.predict_proba(X))
m.save(out + ".joblib")
np.save(out + ".reloaded.npy", load_model(out + ".joblib").predict_proba(X))
cv = {k: {kk: vv for kk, vv in v.items() if kk != "fit_seconds"} for k, v in m.cv_results_.items()}
json.dump({"candidate": m.candidate_, "calibration": m.calibration_, "fingerprint": m.data_fingerprint_,
           "cv": cv}, open(out + ".json", "w"), sort_keys=True)
"""

# Every test here runs xieshang in fresh processes (and trains twice): end to end, slow.
pytestmark = pytest.mark.slow


def _run(args: list[str], hashseed: str, threads: str = "1", cwd: Path | None = None) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "OMP_NUM_THREADS": threads}
    res = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_generate_is_byte_identical_across_processes(tmp_path, ext):
    exe = str(Path(sys.executable).with_name("xieshang"))
    for run, hashseed in (("a", "1"), ("b", "2")):
        _run([exe, "generate", "--rows", "3000", "--seed", "7", "--out", str(tmp_path / f"{run}.{ext}")], hashseed)
    tried("determinism: generated files compared", 2)
    assert (tmp_path / f"a.{ext}").read_bytes() == (tmp_path / f"b.{ext}").read_bytes()


def test_another_seed_gives_other_bytes(tmp_path):
    """Control: the comparison above can fail."""
    exe = str(Path(sys.executable).with_name("xieshang"))
    for seed in ("7", "8"):
        _run([exe, "generate", "--rows", "300", "--seed", seed, "--out", str(tmp_path / f"{seed}.csv")], "0")
    assert (tmp_path / "7.csv").read_bytes() != (tmp_path / "8.csv").read_bytes()


@pytest.fixture(scope="module")
def two_trainings(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("det")
    _run([sys.executable, "-c", _TRAIN, "3", str(d / "a")], hashseed="11", threads="1")
    _run([sys.executable, "-c", _TRAIN, "3", str(d / "b")], hashseed="22", threads="2")
    return d / "a", d / "b"


def test_training_twice_gives_identical_predictions(two_trainings):
    a, b = two_trainings
    tried("determinism: predictions compared", 500)
    np.testing.assert_array_equal(np.load(f"{a}.npy"), np.load(f"{b}.npy"))


def test_training_twice_gives_identical_choices_and_scores(two_trainings):
    a, b = two_trainings
    assert json.loads(Path(f"{a}.json").read_text()) == json.loads(Path(f"{b}.json").read_text())


def test_a_saved_model_predicts_the_same_after_loading(two_trainings):
    a, b = two_trainings
    for run in (a, b):
        np.testing.assert_array_equal(np.load(f"{run}.npy"), np.load(f"{run}.reloaded.npy"))
