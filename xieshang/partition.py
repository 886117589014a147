"""Score (and explain) one pandas frame: the one scoring function every engine maps over its partitions.

:func:`score_partition` is what ``xieshang predict`` does to each chunk of a
file (:func:`xieshang.scoring.score_file` calls it), what Dask does to each
partition (:mod:`xieshang.distributed`) and what Spark's
``DataFrame.mapInPandas`` does to each batch (:mod:`xieshang.spark`): pandas
in, pandas out, the input's columns and index passed through untouched and the
model's columns added. There is no second scoring code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .validation import validate_frame

__all__ = ["score_partition", "output_columns", "PROBABILITY", "TOP_REASON", "BEST_ACTION",
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
    from .explanation import explain_frame
    from .text import heading

    mark = " " + heading("unaffordable_mark", lang)
    out: dict[str, list[Any]] = {TOP_REASON: [], BEST_ACTION: [], BEST_ACTION_PROBABILITY: [], PLAN_AFFORDABLE: []}
    for exp in explain_frame(model, clean, target=target, lang=lang):
        out[TOP_REASON].append(exp.reasons[0].text if exp.reasons else "")
        best = exp.best
        # A step that keeps an unaffordable plan says so, in the text and in plan_affordable.
        out[BEST_ACTION].append("" if best is None else best.text if best.affordable else best.text + mark)
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
        and ``plan_affordable`` (:func:`xieshang.explanation.explain_frame`;
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
        from .explanation import check_target
        from .text import check_lang

        target, lang = check_target(target), check_lang(lang)
    if len(frame) == 0:
        return _empty(frame, explain)
    clean = validate_frame(frame)
    p = np.asarray(model.predict_proba(clean), dtype=float)[:, 1]
    out = frame.copy()
    out[PROBABILITY] = p
    if explain:
        for k, v in _explain_columns(model, clean, target, lang).items():
            out[k] = v
    return out
