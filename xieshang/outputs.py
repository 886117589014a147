"""One adapter that reads any model's output: the approval probability and its log-odds.

Every caller that needs a model's answer (:mod:`xieshang.explain`, :func:`xieshang.inspection.proba_fn`)
goes through here, so a model is read, and its output checked, one way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .modeling.scores import log_odds

__all__ = ["proba", "proba_and_log_odds"]


def proba(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Probability of approval of every row, from ``model.predict_proba``, checked.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(X) -> (n, 2)``.
    X : pandas.DataFrame
        Rows in the contract.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``: the second column of ``predict_proba``.

    Raises
    ------
    ValueError
        If the model has no ``predict_proba`` or its output is not a finite ``(n, 2)`` array.
    """
    if not hasattr(model, "predict_proba"):
        raise ValueError(f"model: expected an object with predict_proba, got {type(model).__name__}")
    out = np.asarray(model.predict_proba(X), dtype=float)
    if out.shape != (len(X), 2) or not np.isfinite(out).all():
        raise ValueError(f"model.predict_proba: expected a finite ({len(X)}, 2) array, got shape {out.shape}")
    return out[:, 1]


def proba_and_log_odds(model: Any, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(probability, log-odds)`` of every row, in one model call where possible.

    The probability is the model's ``predict_proba``. The log-odds are
    unclipped where the model can say them, so that an applicant at the
    probability floor can still be ranked: ``predict_proba_and_log_odds``
    (one call, :class:`xieshang.ApprovalModel`), else ``decision_function``,
    else the logit of the probability.

    Raises
    ------
    ValueError
        If the model's output is not one finite probability and log-odds per row.
    """
    both = getattr(model, "predict_proba_and_log_odds", None)
    decision = getattr(model, "decision_function", None)
    if callable(both):  # one model call for both (xieshang.ApprovalModel)
        p, z = (np.asarray(a, dtype=float).reshape(-1) for a in both(X))
    elif callable(decision):
        p, z = proba(model, X), np.asarray(decision(X), dtype=float).reshape(-1)
    else:
        p = proba(model, X)
        return p, log_odds(p)
    if p.shape != (len(X),) or z.shape != (len(X),) or not (np.isfinite(p).all() and np.isfinite(z).all()):
        raise ValueError(f"model: expected {len(X)} finite probabilities and log-odds, got shapes {p.shape}, {z.shape}")
    return p, z
