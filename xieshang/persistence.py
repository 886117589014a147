"""Storing a fitted model safely: the joblib file, its sidecar, hashes and crash-safe saves.

:func:`save_model` writes ``approval.joblib`` with a readable sidecar
``approval.json`` (library versions, seed, data fingerprint, feature contract,
metrics, SHA-256 of the joblib file). :func:`load_model` checks the hash and
the scikit-learn version *before* unpickling, because loading a joblib file
runs code. The estimator itself (:mod:`xieshang.model`) knows nothing of files
beyond calling these.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from .contract import FEATURES
from .files import atomic_path, exclusive_lock, write_json

__all__ = ["DEFAULT_PATH", "FORMAT_VERSION", "save_model", "load_model", "sidecar", "sidecar_path", "pending_path",
           "contract_spec"]

DEFAULT_PATH = Path("model/approval.joblib")
FORMAT_VERSION = 5  # 5: lender measures (savings cover, debt to income, plan affordable), savings directed; 4: document_count leaves out the hardship proof; 3: xieshang.modeling classes, boosting sized on the folds; 2: one refit pipeline per candidate
_RETRAIN = "retrain it with `make train`"


def contract_spec() -> list[dict[str, Any]]:
    """The feature contract as plain data (name, kind, range, categories, direction)."""
    return [
        {"name": f.name, "kind": f.kind, "low": f.low, "high": f.high,
         "categories": list(f.categories), "direction": f.direction}
        for f in FEATURES
    ]


def sidecar_path(path: str | Path) -> Path:
    """The sidecar of a joblib file: same name, ``.json``."""
    return Path(path).with_suffix(".json")


def pending_path(path: str | Path) -> Path:
    """Where :func:`save_model` puts a new joblib file before committing it."""
    path = Path(path)
    return path.with_name(f"{path.stem}.pending{path.suffix}")


def save_model(model: Any, path: str | Path = DEFAULT_PATH, *, metrics: dict[str, Any] | None = None) -> Path:
    """Write a fitted model and its sidecar ``<path>.json`` atomically.

    The new joblib is written in full under :func:`pending_path` first,
    then the sidecar is renamed into place (the commit), then the joblib:
    an interrupted run leaves either the previous pair or the new one
    (:func:`load_model` reads the pending file of a save killed after its
    commit; the next save replaces it). A lock makes concurrent saves to the
    same path take turns.

    Parameters
    ----------
    model : ApprovalModel
        Fitted (the caller checks).
    path : str or Path, default ``model/approval.joblib``
    metrics : dict, optional
        Held-out metrics recorded in the sidecar.

    Returns
    -------
    Path
        The joblib file.
    """
    path = Path(path)
    if path.suffix != ".joblib":
        raise ValueError(f"{path}: expected a file name ending in .joblib")
    for target in (path, sidecar_path(path), pending_path(path)):  # before anything is written
        if target.is_dir():
            raise ValueError(f"{target}: is a directory; expected a file path for the model: choose another "
                             "name (这是一个文件夹，请给出模型文件的路径)")
    buf = io.BytesIO()
    joblib.dump(model, buf, compress=3)
    data = buf.getvalue()
    side = sidecar(model, path, hashlib.sha256(data).hexdigest(), metrics)
    # Crash-safe in three steps, under a lock so concurrent saves take turns:
    # 1. the new joblib, complete, under a pending name; 2. the sidecar (the
    # commit point: it names the new hash); 3. the pending file renamed over
    # the joblib. Killed before 2: the previous pair is untouched. Killed
    # between 2 and 3: load_model finds the pending file matching the sidecar.
    with exclusive_lock(path.parent):
        with atomic_path(pending_path(path)) as tmp:
            tmp.write_bytes(data)
        try:
            write_json(side, sidecar_path(path))
        except BaseException:
            pending_path(path).unlink(missing_ok=True)
            raise
        os.replace(pending_path(path), path)
    return path


def sidecar(model: Any, path: Path, sha256: str, metrics: dict[str, Any] | None) -> dict[str, Any]:
    """The sidecar of a fitted model saved at ``path``: versions, seed, data, contract, metrics, hash."""
    import sklearn
    import threadpoolctl

    from . import __version__

    return {
        "format": FORMAT_VERSION,
        "model": f"{type(model).__module__}.{type(model).__qualname__}",
        "file": path.name,
        "sha256": sha256,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": {
            "xieshang": __version__,
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "joblib": joblib.__version__,
            "threadpoolctl": threadpoolctl.__version__,
        },
        "seed": int(model.seed),
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()},
        "training_rows": int(model.n_train_rows_),
        "data_fingerprint": model.data_fingerprint_,
        "candidate": model.candidate_,
        "calibration": model.calibration_,
        "cross_validation": model.cv_results_,
        "feature_contract": contract_spec(),
        "metrics": metrics or {},
    }


def _checked_hash(path: Path) -> str:
    """The SHA-256 the sidecar of ``path`` names, once the sidecar is checked against the installed
    scikit-learn, the model format and the feature contract."""
    side_path = sidecar_path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no model file; {_RETRAIN}")
    if not side_path.is_file():
        raise ValueError(f"{side_path}: sidecar missing, so {path} cannot be checked; {_RETRAIN}")
    try:
        side = json.loads(side_path.read_text(encoding="utf-8"))
        expected = side["sha256"]
        trained_with = side["versions"]["scikit-learn"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{side_path}: unreadable sidecar ({type(exc).__name__}: {exc}); {_RETRAIN}") from None
    import sklearn

    if trained_with != sklearn.__version__:
        raise ValueError(
            f"{path}: trained with scikit-learn {trained_with}, but {sklearn.__version__} is installed; "
            f"a pickled model is only safe with the same version: {_RETRAIN}"
        )
    if side.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: model format {side.get('format')!r}, expected {FORMAT_VERSION}; {_RETRAIN}")
    if side.get("feature_contract") != json.loads(json.dumps(contract_spec())):
        raise ValueError(f"{path}: trained on another version of the feature contract; {_RETRAIN}")
    return str(expected)


def load_model(path: str | Path | None = None, expected: type | None = None) -> Any:
    """Load a model saved by :func:`save_model`, after checking it.

    The sidecar must exist, the joblib file's SHA-256 must match it, and it
    must have been written with the installed scikit-learn and the current
    feature contract; only then is the file unpickled.

    Parameters
    ----------
    path : str or Path, optional
        Default ``model/approval.joblib``.
    expected : type, optional
        The class the file must hold (:func:`xieshang.model.load_model` passes ``ApprovalModel``).

    Raises
    ------
    ValueError
        Missing files, a hash mismatch (tampered or half-written), another
        scikit-learn version or feature contract, another class; the message
        says to retrain with ``make train``.
    """
    path = Path(DEFAULT_PATH if path is None else path)
    expected_sha = _checked_hash(path)
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    pending = pending_path(path)
    if actual != expected_sha and pending.is_file():
        # A save killed after committing its sidecar: the new model waits under the pending name.
        staged = pending.read_bytes()
        if hashlib.sha256(staged).hexdigest() == expected_sha:
            data, actual = staged, expected_sha
    if actual != expected_sha:
        raise ValueError(
            f"{path}: SHA-256 {actual[:12]}… does not match its sidecar ({expected_sha[:12]}…): the file was "
            f"changed or only partly written, and is not loaded; {_RETRAIN}"
        )
    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as exc:  # a broken or foreign pickle that matches its sidecar (IndexError, ModuleNotFoundError...)
        raise ValueError(
            f"{path}: matches its sidecar but cannot be loaded ({type(exc).__name__}: {str(exc)[:120]}); expected a "
            f"model saved by xieshang: the file is damaged or was written by other software; {_RETRAIN}"
        ) from None
    if expected is not None and not isinstance(model, expected):
        raise ValueError(f"{path}: holds a {type(model).__name__}, expected an {expected.__name__}; {_RETRAIN}")
    return model
