"""Damaged, foreign and tampered model files; training killed mid-run; two trainings at once.

A joblib file runs code when it is unpickled, so :func:`xieshang.load_model`
must refuse a file that does not match its sidecar *before* unpickling it.
The proof: a "bomb" joblib whose unpickling creates a marker file. Loading
it directly creates the marker (the bomb works); through ``load_model`` with
any sidecar that does not vouch for it, the marker never appears.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import pytest
from _robustness import injected

from xieshang.contract import LABEL
from xieshang.generator import generate
from xieshang.model import ApprovalModel, load_model, sidecar_path

RETRAIN = "make train"


class _Bomb:
    """Unpickling this object creates ``marker`` (as any code in a joblib file could)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _fit(seed: int, rows: int = 1500) -> ApprovalModel:
    df = generate(rows, seed=100 + seed)
    return ApprovalModel(seed=seed, candidates=("hgb_monotone",), n_splits=2, calibration=("sigmoid",)).fit(
        df, df[LABEL])


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    return _fit(0).save(tmp_path_factory.mktemp("saved") / "approval.joblib")


@pytest.fixture
def pair(saved, tmp_path) -> tuple[Path, Path]:
    """A fresh copy of a valid (joblib, sidecar) pair."""
    m = tmp_path / "approval.joblib"
    m.write_bytes(saved.read_bytes())
    sidecar_path(m).write_bytes(sidecar_path(saved).read_bytes())
    return m, sidecar_path(m)


def _refused(path: Path, *needles: str) -> str:
    with pytest.raises(ValueError) as info:
        load_model(path)
    msg = str(info.value)
    assert RETRAIN in msg, msg
    for needle in needles:
        assert needle in msg, (needle, msg)
    return msg


def test_control_the_pair_loads(pair, saved):
    m, _ = pair
    X = generate(20, seed=1)
    np.testing.assert_array_equal(load_model(m).predict_proba(X), load_model(saved).predict_proba(X))


# -- damaged joblib ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncate_0", "truncate_1", "truncate_half", "truncate_last_byte",
                                    "flip_middle_byte", "flip_first_byte", "append_byte", "zero_fill"])
def test_damaged_joblib_is_refused(pair, damage):
    m, _ = pair
    data = bytearray(m.read_bytes())
    if damage.startswith("truncate"):
        cut = {"truncate_0": 0, "truncate_1": 1, "truncate_half": len(data) // 2, "truncate_last_byte": len(data) - 1}
        data = data[: cut[damage]]
    elif damage == "flip_middle_byte":
        data[len(data) // 2] ^= 0xFF
    elif damage == "flip_first_byte":
        data[0] ^= 0x01
    elif damage == "append_byte":
        data += b"\0"
    else:
        data = bytearray(len(data))
    m.write_bytes(bytes(data))
    injected("artifact: damaged joblib")
    _refused(m, "SHA-256")


# -- a foreign joblib whose unpickling would run code -----------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit_sidecar(side: Path, **changes) -> None:
    meta = json.loads(side.read_text())
    for dotted, value in changes.items():
        node = meta
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    side.write_text(json.dumps(meta))


def test_the_bomb_works(tmp_path):
    """Control: unpickling the bomb directly does create the marker."""
    marker = tmp_path / "PWNED"
    joblib.dump(_Bomb(marker), tmp_path / "bomb.joblib")
    joblib.load(tmp_path / "bomb.joblib")
    assert marker.exists()


@pytest.mark.parametrize("sidecar", [
    "original",            # the sidecar of the real model: hash mismatch
    "missing",             # no sidecar at all
    "other_sklearn",       # hash forged to match, but another scikit-learn version
    "other_format",        # hash forged, another artifact format
    "other_contract",      # hash forged, another feature contract
    "not_json",
    "json_list",
    "empty",
    "no_sha",
    "sha_not_a_string",
])
def test_foreign_joblib_is_refused_before_unpickling(pair, tmp_path, sidecar):
    m, side = pair
    marker = tmp_path / "PWNED"
    joblib.dump(_Bomb(marker), m)
    forged = _sha(m)
    if sidecar == "missing":
        side.unlink()
    elif sidecar == "other_sklearn":
        _edit_sidecar(side, sha256=forged, **{"versions__scikit-learn": "0.24.2"})
    elif sidecar == "other_format":
        _edit_sidecar(side, sha256=forged, format=999)
    elif sidecar == "other_contract":
        meta = json.loads(side.read_text())
        meta["sha256"] = forged
        meta["feature_contract"][0]["high"] = 1e9
        side.write_text(json.dumps(meta))
    elif sidecar == "not_json":
        side.write_text("{not json")
    elif sidecar == "json_list":
        side.write_text("[1, 2]")
    elif sidecar == "empty":
        side.write_text("")
    elif sidecar == "no_sha":
        meta = json.loads(side.read_text())
        del meta["sha256"]
        side.write_text(json.dumps(meta))
    elif sidecar == "sha_not_a_string":
        _edit_sidecar(side, sha256=12345)
    injected("artifact: foreign joblib (code on unpickling)")
    with pytest.raises(ValueError) as info:
        load_model(m)
    assert RETRAIN in str(info.value)
    assert not marker.exists(), "the file was unpickled before being checked"


def test_other_sklearn_version_is_named(pair):
    m, side = pair
    _edit_sidecar(side, **{"versions__scikit-learn": "0.24.2"})
    injected("artifact: other scikit-learn version")
    _refused(m, "scikit-learn 0.24.2")


@pytest.mark.parametrize("what", ["sha256", "format", "versions"])
def test_edited_sidecar_is_refused(pair, what):
    m, side = pair
    value = {"sha256": "0" * 64, "format": 0, "versions": {}}[what]
    _edit_sidecar(side, **{what: value})
    injected("artifact: edited sidecar")
    _refused(m)


def test_missing_files_are_refused(pair, tmp_path):
    m, side = pair
    injected("artifact: missing files", 3)
    _refused(tmp_path / "nope.joblib")
    _refused(tmp_path)  # a directory
    side.unlink()
    _refused(m, "sidecar")


# -- killed while saving: SIGKILL at every rename ---------------------------------------------

_CHILD = r"""
import json, os, shutil, signal, sys
from pathlib import Path
import xieshang.reports as R
from xieshang.files import write_text
from xieshang.generator import generate
from xieshang.model import load_model

new, base, root, kill_points = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4])
model = load_model(new)
test = generate(300, seed=9)
# Figures are slow to draw and are not what is attacked here: one small file instead. The
# evaluation is computed once and reused, so that each kill costs a fork, not a new interpreter.
R.write_figures = lambda model, test, folder, **k: [write_text("figure of the new model", Path(folder) / "fig.png")]
for name in ("evaluate_candidates", "audit_actions"):
    real_fn = getattr(R, name)
    cached = real_fn(model, test) if name == "evaluate_candidates" else real_fn(model, test, target=R.ACTION_TARGET,
                                                                                n=5, seed=int(model.seed))
    setattr(R, name, lambda *a, _c=cached, **k: _c)
status, real = {}, os.replace
for kill_at in kill_points:
    work = root / f"kill_{kill_at}"
    shutil.copytree(base, work)
    pid = os.fork()
    if pid == 0:
        calls = [0]
        def replace(src, dst):
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        os.replace = replace
        R.write_reports(model, test, reports_dir=work / "reports", model_path=work / "model" / "approval.joblib",
                        action_rows=5)
        (work / "renames").write_text(str(calls[0]))
        os._exit(0)
    _, st = os.waitpid(pid, 0)
    status[kill_at] = -os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)
print(json.dumps(status))
"""

@pytest.fixture(scope="module")
def old_and_new(saved, tmp_path_factory) -> dict:
    """A previous model with its reports in place, and a new model to write over them."""
    import xieshang.reports as R
    from xieshang.files import write_text

    d = tmp_path_factory.mktemp("kill")
    new = _fit(1).save(d / "new" / "approval.joblib")
    base = d / "base"
    real = R.write_figures
    R.write_figures = lambda model, test, folder, **k: [write_text("figure of the old model", Path(folder) / "fig.png")]
    try:
        R.write_reports(load_model(saved), generate(300, seed=9), reports_dir=base / "reports",
                        model_path=base / "model" / "approval.joblib", action_rows=5)
    finally:
        R.write_figures = real
    X = generate(50, seed=7)
    return {"base": base, "new": new, "X": X,
            "old_p": load_model(saved).predict_proba(X), "new_p": load_model(new).predict_proba(X)}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every visible file's bytes (hidden leftovers of a killed run, temporary files and staging
    folders, are not output; a model waiting under its pending name is not visible either)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and ".pending." not in p.name and p.name != "renames"}


KILL_POINTS = list(range(0, 12))  # 0: no kill (the control); then the n-th rename of the run


@pytest.fixture(scope="module")
def killed_runs(old_and_new, tmp_path_factory) -> dict[int, tuple[int, Path]]:
    """kill point -> (exit status, folder): one prepared child forks a writer per kill point."""
    root = tmp_path_factory.mktemp("killed")
    res = subprocess.run([sys.executable, "-c", _CHILD, str(old_and_new["new"]), str(old_and_new["base"]),
                          str(root), json.dumps(KILL_POINTS)],
                         capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert res.returncode == 0, res.stderr
    status = json.loads(res.stdout.strip().splitlines()[-1])
    return {int(k): (v, root / f"kill_{k}") for k, v in status.items()}


@pytest.mark.slow
def test_save_renames_are_counted(killed_runs, old_and_new):
    """Control: without a kill the writer renames every file and the new model is in place."""
    code, work = killed_runs[0]
    assert code == 0
    renames = int((work / "renames").read_text())
    assert 6 <= renames < max(KILL_POINTS)  # figure, pending joblib, sidecar, joblib, metrics, card...: all covered
    np.testing.assert_array_equal(load_model(work / "model" / "approval.joblib").predict_proba(old_and_new["X"]),
                                  old_and_new["new_p"])


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", KILL_POINTS[1:])
def test_killed_at_any_rename_the_previous_model_and_reports_survive(killed_runs, old_and_new, kill_at):
    """After a kill at any rename, model/ holds the old or the new model and it loads; with the old
    model, reports/ are exactly the old ones. (With the new model, reports written in the final burst
    of renames may still be the old ones: two folders cannot be swapped in one atomic step.)"""
    code, work = killed_runs[kill_at]
    if code == 0:  # fewer renames than kill_at: the run completed
        assert int((work / "renames").read_text()) < kill_at
        return
    injected("kill: SIGKILL at a rename while saving")
    assert code == -signal.SIGKILL
    model = load_model(work / "model" / "approval.joblib")  # never left unloadable
    p = model.predict_proba(old_and_new["X"])
    is_old = np.array_equal(p, old_and_new["old_p"])
    assert is_old or np.array_equal(p, old_and_new["new_p"])
    json.loads((work / "reports" / "metrics.json").read_text())  # complete
    if is_old:
        assert _snapshot(work) == _snapshot(old_and_new["base"]), "the previous model is in place but its reports were replaced"


# -- the real command, killed at several moments ----------------------------------------------

_STAGES = ["generating", "cross-validating", "fold 2/", "drawing figures", "saving the model"]


def _train_cmd(out: Path, reports: Path, seed: int = 0, rows: int = 400) -> list[str]:
    return [str(Path(sys.executable).with_name("xieshang")), "train", "--rows", str(rows), "--seed", str(seed),
            "--out", str(out), "--reports", str(reports)]


@pytest.mark.slow
def test_killing_xieshang_train_keeps_the_previous_model_and_reports(old_and_new, tmp_path):
    """SIGKILL `xieshang train` as each stage starts: the previous model still loads, no file is half-written."""
    import shutil

    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    for stage in _STAGES:
        work = tmp_path / stage.replace(" ", "_").replace("/", "")
        shutil.copytree(old_and_new["base"], work)
        proc = subprocess.Popen(_train_cmd(work / "model", work / "reports"), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if stage in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
        injected("kill: SIGKILL of `xieshang train` at a stage")
        assert proc.returncode == -signal.SIGKILL, "".join(seen)
        model = load_model(work / "model" / "approval.joblib")
        p = model.predict_proba(old_and_new["X"])
        if np.array_equal(p, old_and_new["old_p"]):
            assert _snapshot(work) == _snapshot(old_and_new["base"]), stage
        for f in (work / "reports").rglob("*.json"):
            json.loads(f.read_text())  # never half-written


@pytest.mark.slow
def test_two_trainings_at_once_into_the_same_folders(tmp_path):
    """Two `xieshang train` with other seeds, same --out and --reports: a consistent pair survives."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out, reports = tmp_path / "model", tmp_path / "reports"
    procs = [subprocess.Popen(_train_cmd(out, reports, seed=s), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for s in (1, 2)]
    results = [p.communicate(timeout=300) for p in procs]
    injected("concurrency: two trainings into one folder")
    for p, (_o, e) in zip(procs, results):
        assert p.returncode == 0, e
    model = load_model(out / "approval.joblib")
    metrics = json.loads((reports / "metrics.json").read_text())
    assert metrics["seed"] == model.seed
    assert metrics["data_fingerprint"] == model.data_fingerprint_
    assert model.data_fingerprint_[:16] in (reports / "model_card.md").read_text()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_second_writer_waits_for_the_first(saved, tmp_path):
    """While one process holds the model folder, another's save waits; then it completes."""
    from xieshang.files import exclusive_lock

    target = tmp_path / "model" / "approval.joblib"
    child = ("import sys; from xieshang.model import load_model; m = load_model(sys.argv[1]); "
             "print('ready', flush=True); m.save(sys.argv[2])")
    with exclusive_lock(target.parent):
        proc = subprocess.Popen([sys.executable, "-c", child, str(saved), str(target)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # ample for a save of a small model, were it not blocked
        injected("concurrency: second writer while the folder is held")
        assert proc.poll() is None, proc.communicate()
        assert not target.exists()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert load_model(target).seed == load_model(saved).seed
