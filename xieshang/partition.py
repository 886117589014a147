"""Score (and explain) one pandas frame: the one scoring function every engine maps over its partitions.

:func:`score_partition` is what ``xieshang predict`` does to each chunk of a
file (:func:`xieshang.scoring.score_file` calls it), what Dask does to each
partition (:mod:`xieshang.cluster`) and what Spark's
``DataFrame.mapInPandas`` does to each batch (:mod:`xieshang.spark`): pandas
in, pandas out, the input's columns and index passed through untouched and the
model's columns added. There is no second scoring code.

An engine's workers get the model as a :class:`ModelPayload` (the saved file's
bytes and its sidecar) and :func:`worker_model` checks it there with
:func:`xieshang.model.load_model` before anything is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .validation import validate_frame

__all__ = ["score_partition", "added_columns", "output_columns", "ModelPayload", "model_payload", "worker_model", "PROBABILITY", "TOP_REASON", "BEST_ACTION",
           "BEST_ACTION_PROBABILITY", "PLAN_AFFORDABLE"]

PROBABILITY = "probability"
TOP_REASON = "top_reason"
BEST_ACTION = "best_action"
BEST_ACTION_PROBABILITY = "best_action_probability"
PLAN_AFFORDABLE = "plan_affordable"


def output_columns(explain: bool = False) -> dict[str, str]:
    """The columns :func:`score_partition` adds, in order, with their kind (``"float"``, ``"text"``, ``"bool"``).

    Engines that need the output's schema before any data (Dask's ``meta``,
    Spark's ``mapInPandas`` schema) read it from here.
    """
    cols = {PROBABILITY: "float"}
    if explain:
        cols.update({TOP_REASON: "text", BEST_ACTION: "text", BEST_ACTION_PROBABILITY: "float",
                     PLAN_AFFORDABLE: "bool"})
    return cols


def _explain_columns(model: Any, clean: pd.DataFrame, target: float, lang: str) -> dict[str, list[Any]]:
    from .explain import explain_frame

    out: dict[str, list[Any]] = {TOP_REASON: [], BEST_ACTION: [], BEST_ACTION_PROBABILITY: [], PLAN_AFFORDABLE: []}
    for exp in explain_frame(model, clean, target=target, lang=lang):
        out[TOP_REASON].append(exp.reasons[0].text if exp.reasons else "")
        best = exp.best
        # An option always leaves an affordable plan; none where no plan is (plan_affordable says so).
        out[BEST_ACTION].append("" if best is None else best.text)
        out[BEST_ACTION_PROBABILITY].append(best.probability if best else exp.probability)
        out[PLAN_AFFORDABLE].append(bool(best.affordable) if best else exp.gap is None)
    return out


def _empty(frame: pd.DataFrame, explain: bool) -> pd.DataFrame:
    """The output of an empty frame: the added columns, typed as a non-empty frame's are."""
    out = frame.copy()
    kinds = {"float": "float64", "text": "str", "bool": "bool"}
    for name, kind in output_columns(explain).items():
        out[name] = pd.Series([], index=frame.index, dtype=kinds[kind])
    return out


def score_partition(frame: pd.DataFrame, model: Any, explain: bool = False, *, target: float = 0.6,
                    lang: str = "zh") -> pd.DataFrame:
    """Add the approval probability (and with ``explain=True`` the reason and best option) to every row.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with the contract's columns (names or Chinese / English labels;
        a CSV read as text is fine), any extra columns, any index. It is not changed.
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    explain : bool, default False
        Also add ``top_reason``, ``best_action``, ``best_action_probability``
        and ``plan_affordable`` (:func:`xieshang.explain.explain_frame`;
        a best action that keeps an unaffordable plan is marked so in its text).
    target : float, default 0.6
        Probability the explanation aims at.
    lang : {"zh", "en"}, default "zh"
        Language of the explanation's sentences.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` (same columns, same index, same order) with the
        columns of :func:`output_columns` added at the end (an existing
        ``probability`` column is replaced in place). An empty frame gives an
        empty frame with those columns.

    Raises
    ------
    ValueError
        Rows that break the contract, named by ``frame``'s index labels (give
        the frame file lines or row numbers as its index to have them quoted),
        or a bad ``target`` / ``lang``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if explain:
        from .explain import check_target
        from .text import check_lang

        target, lang = check_target(target), check_lang(lang)
    if len(frame) == 0:
        return _empty(frame, explain)
    out = frame.copy()
    for k, v in added_columns(frame, model, explain, target=target, lang=lang).items():
        out[k] = v
    return out


def added_columns(frame: pd.DataFrame, model: Any, explain: bool = False, *, target: float = 0.6,
                  lang: str = "zh") -> dict[str, Any]:
    """The columns :func:`score_partition` adds to ``frame``, by name (``target`` and ``lang`` already checked).

    ``xieshang predict`` writes these beside each chunk as read (its own
    writer keeps every input column exactly), every engine through
    :func:`score_partition`.

    Raises
    ------
    ValueError
        Rows that break the contract, named by ``frame``'s index labels.
    """
    clean = validate_frame(frame)
    new: dict[str, Any] = {PROBABILITY: np.asarray(model.predict_proba(clean), dtype=float)[:, 1]}
    if explain:
        new.update(_explain_columns(model, clean, target, lang))
    return new


# -- the model as it travels to an engine's workers ------------------------------------------------


@dataclass(frozen=True)
class ModelPayload:
    """A saved model as it travels to the workers: the joblib file's bytes and its sidecar's text.

    Nothing is unpickled until a worker has checked the bytes against the
    sidecar (:func:`worker_model`).
    """

    name: str
    data: bytes
    sidecar: str

    @property
    def expected_sha256(self) -> str:
        """The digest the sidecar names ('' if it names none)."""
        try:
            return str(json.loads(self.sidecar).get("sha256", ""))
        except (ValueError, AttributeError):
            return ""


def model_payload(path: str | os.PathLike | None = None) -> ModelPayload:
    """Read a saved model and its sidecar as they are on disk (checked later, on each worker).

    Raises
    ------
    ValueError
        If either file is missing or unreadable.
    """
    from .model import DEFAULT_PATH, sidecar_path

    p = Path(DEFAULT_PATH if path is None else path)
    side = sidecar_path(p)
    for f in (p, side):
        if not f.is_file():
            raise ValueError(f"{f}: no such file; expected a model saved by `xieshang train` with its sidecar "
                             "(retrain it with `make train`)")
    try:
        return ModelPayload(str(p), p.read_bytes(), side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{p}: cannot read the model ({exc}); retrain it with `make train`") from None


_MODELS: dict[str, Any] = {}  # SHA-256 of the bytes -> the model, once per worker process


def worker_model(payload: ModelPayload) -> Any:
    """The model in ``payload``, checked by :func:`xieshang.model.load_model` first, cached per process.

    Raises
    ------
    ValueError
        If the bytes do not match the sidecar (a tampered or truncated model)
        or were saved by another scikit-learn or contract: the message names
        the model file and the worker that refused it.
    """
    digest = hashlib.sha256(payload.data).hexdigest()
    if digest in _MODELS:
        return _MODELS[digest]
    from .model import load_model

    with tempfile.TemporaryDirectory(prefix="xieshang-model-") as tmp:
        path = Path(tmp) / "approval.joblib"
        path.write_bytes(payload.data)
        path.with_suffix(".json").write_text(payload.sidecar, encoding="utf-8")
        try:
            model = load_model(path)
        except ValueError as exc:
            text = str(exc).replace(str(path.with_suffix(".json")), payload.name.removesuffix(".joblib") + ".json")
            raise ValueError(f"{text.replace(str(path), payload.name)} (refused on {_worker_name()})") from None
    _MODELS.clear()  # one model per worker at a time
    _MODELS[digest] = model
    return model


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return f"worker {get_worker().address}"
    except (ImportError, ValueError):
        return f"process {os.getpid()}"
