"""The scores every modeling step shares: log-odds, per-row log loss, a calibrator's input, fast matrices.

* :func:`log_odds` and :func:`row_log_loss`: stable at 0 and 1;
* :func:`binary_log_loss`: scikit-learn's ``log_loss`` of 0/1 labels, without its checks;
* :func:`decision_scores`: ``decision_function`` or the log-odds of ``predict_proba``;
* :func:`fast_matrix`: a frame with a fit's own columns as a float matrix, without
  scikit-learn's per-call checks (what makes a one-row prediction fast).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

__all__ = ["binary_log_loss", "decision_scores", "fast_matrix", "log_odds", "row_log_loss", "same_columns"]

_SAME_COLUMNS: dict[int, tuple[Any, pd.Index]] = {}

def same_columns(columns: pd.Index, names: Any) -> bool:
    """Whether ``columns`` are ``names`` (the fit's, in order), remembering the last Index found equal.

    A pipeline passes the same Index object on every call (the domain features' names): an Index is
    immutable, so once equal it stays equal, and the element-wise comparison is skipped after that.
    """
    key = id(names)
    seen = _SAME_COLUMNS.get(key)
    if seen is not None and seen[0] is names and seen[1] is columns:
        return True
    if len(columns) != len(names) or not (columns == names).all():
        return False
    if len(_SAME_COLUMNS) > 256:  # one entry per fitted estimator predicting: bounded in a long process
        _SAME_COLUMNS.clear()
    _SAME_COLUMNS[key] = (names, columns)  # keeps names alive: its id cannot be reused while remembered
    return True


def fast_matrix(X: Any, names: Any) -> np.ndarray | None:
    """A float frame with exactly the columns of ``fit`` (``names``), in order and finite, as a matrix; else ``None``.

    What scikit-learn's ``validate_data`` would return for it, without its checks' fixed cost (about a
    millisecond, more than a one-row prediction); anything else is left to those checks and their messages.
    """
    if not isinstance(X, pd.DataFrame) or names is None or X.shape[1] != len(names) or len(X) == 0:
        return None
    if not same_columns(X.columns, names):
        return None
    M = X.to_numpy()  # float64 only where every column is a (float or integer) number
    return M if M.dtype == np.float64 and not np.isinf(M).any() else None


def row_log_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Log loss of every row from its log-odds ``z`` and 0/1 label ``y``: ``log(1 + e^z) - y z``, stable for any ``z``."""
    return np.logaddexp(0.0, z) - y * z


def binary_log_loss(y: Any, p: Any) -> float:
    """``sklearn.metrics.log_loss(y, p, labels=[0, 1])`` for 0/1 labels ``y`` and probabilities ``p`` of label 1.

    The same number, bit for bit (each side clipped to machine epsilon, as scikit-learn does, and the
    rows averaged the same way), without the label and input checks that cost ~3 ms a call: the fit
    scores every fold, calibration method and blend this way, about thirty times.
    """
    p = np.asarray(p, dtype=float)
    eps = np.finfo(p.dtype).eps
    return float(np.mean(-np.log(np.clip(np.where(np.asarray(y) == 1, p, 1.0 - p), eps, 1 - eps))))


def log_odds(p: Any) -> np.ndarray:
    """``log(p / (1 - p))`` with ``p`` clipped to ``[1e-12, 1 - 1e-12]``: finite at 0 and 1."""
    q = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(q / (1 - q))


def decision_scores(model: Any, X: Any) -> np.ndarray:
    """The score a calibrator works on: ``decision_function`` if there is one, else the log-odds of ``predict_proba``.

    A fitted pipeline's steps are run directly: scikit-learn's ``Pipeline`` checks it is fitted on every
    call (about 0.1 ms, a tenth of a one-row prediction); the steps are the same calls.
    """
    if isinstance(model, Pipeline) and all(hasattr(t, "transform") for _, t in model.steps[:-1]):
        for _, step in model.steps[:-1]:
            X = step.transform(X)
        model = model.steps[-1][1]
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float).reshape(-1)
    return log_odds(np.asarray(model.predict_proba(X), dtype=float)[:, 1])
