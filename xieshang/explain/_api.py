"""The public calls: :func:`explain` (one applicant) and :func:`explain_frame` (every row of a frame)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .. import text as T
from ..checks import check_probability
from ..validation import applicant_frame, validate_frame
from ._batch import drive, row_of, rows_of
from ._limits import BATCH_APPLICANTS
from ._reference import resolve_reference
from ._search import run_search
from ._types import Explanation

__all__ = ["explain", "explain_frame", "check_target"]


def check_target(target: Any) -> float:
    """``target`` as a float if it is a probability strictly between 0 and 1.

    Raises
    ------
    ValueError
        Otherwise (booleans and strings are refused).
    """
    return check_probability(target, "target")


def _check(model: Any, target: Any, lang: Any, reference: Any, applicant: Any,
           to_frame: Callable[[Any], Any]) -> tuple[float, str, dict[str, Any], Any]:
    """Every argument checked at once: one ValueError naming every problem."""
    problems = []
    if not hasattr(model, "predict_proba"):
        problems.append(f"model: expected an object with predict_proba, got {type(model).__name__}")
    out: list[Any] = []
    for check, value in ((check_target, target), (T.check_lang, lang), (lambda r: resolve_reference(model, r), reference),
                         (to_frame, applicant)):
        try:
            out.append(check(value))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("; ".join(problems))
    return out[0], out[1], out[2], out[3]


def explain(model: Any, applicant: Any, target: float = 0.6, lang: str = "zh",
            reference: Mapping[str, Any] | None = None) -> Explanation:
    """Explain one applicant's probability and find the cheapest way to ``target``.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    applicant : dict or one-row pandas.DataFrame
        One negotiation request in the contract (unknown values allowed where
        the contract says ``missing_ok``).
    target : float, default 0.6
        The probability to reach, strictly between 0 and 1.
    lang : {"zh", "en"}, default "zh"
        Language of every sentence.
    reference : mapping, optional
        The value of every feature the reasons compare the applicant with (a
        typical approved applicant). Default: the model's own
        ``reference_values_`` (:class:`xieshang.ApprovalModel` sets them when
        fitted). A model without them needs one, e.g.
        :func:`xieshang.explain.reference_values` ``()`` (the synthetic generator's).

    Returns
    -------
    Explanation

    Raises
    ------
    ValueError
        If the applicant breaks the contract (every problem listed), the
        target is not in (0, 1), the language is unknown, no reference is
        given for a model without one, or the model's output is not an
        (n, 2) array.
    """
    target, lang, ref, frame = _check(model, target, lang, reference, applicant, applicant_frame)
    return drive(model, [run_search(row_of(frame), target, lang, ref)])[0]


def explain_frame(model: Any, X: Any, target: float = 0.6, lang: str = "zh",
                  reference: Mapping[str, Any] | None = None) -> list[Explanation]:
    """Explain every row of a frame: the same answers as :func:`explain`, row by row, much faster.

    The frame is validated once; the applicants are explained together in
    groups of a few hundred, the candidate rows of every applicant of a group
    stacked into one ``predict_proba`` call per search round (a handful of
    calls per group instead of a handful per applicant).

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    X : pandas.DataFrame
        Rows in the contract (extra columns are ignored).
    target : float, default 0.6
    lang : {"zh", "en"}, default "zh"
    reference : mapping, optional
        As :func:`explain`.

    Returns
    -------
    list of Explanation
        One per row, in order (empty for an empty frame).

    Raises
    ------
    ValueError
        As :func:`explain`, for every row at once.
    """
    if isinstance(X, pd.DataFrame) and len(X) == 0:  # nothing to explain (the checks still apply)
        _check(model, target, lang, reference, None, lambda _: None)
        return []
    target, lang, ref, frame = _check(model, target, lang, reference, X, validate_frame)
    rows = rows_of(frame)
    out: list[Explanation] = []
    for start in range(0, len(rows), BATCH_APPLICANTS):
        out += drive(model, [run_search(r, target, lang, ref) for r in rows[start:start + BATCH_APPLICANTS]])
    return out
