"""The approval model: a calibrated scikit-learn estimator.

:class:`ApprovalModel` follows the recipe of :mod:`xieshang.modeling`.
Storage lives in :mod:`xieshang.persistence`: :meth:`ApprovalModel.save`
writes ``approval.joblib`` with a readable sidecar and :func:`load_model`
checks the hash and the scikit-learn version *before* unpickling.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController, threadpool_limits

from .checks import int_problem
from .contract import FEATURE_NAMES, LABEL
from .features import typical_approved, validated_rows
from .modeling import AVAILABLE, BLEND, CANDIDATES, fit_recipe, log_odds
from .persistence import DEFAULT_PATH, FORMAT_VERSION, contract_spec, pending_path, save_model, sidecar_path
from .persistence import load_model as _load
from .validation import validate_frame, validate_labels

__all__ = ["ApprovalModel", "train", "load_model", "DEFAULT_PATH", "FORMAT_VERSION", "sidecar_path", "pending_path",
           "contract_spec"]


@cache
def _controller() -> ThreadpoolController:
    """The one ``ThreadpoolController`` of the process, made on first use."""
    return ThreadpoolController()


def _predict_thread_limit(n_threads: int) -> Any:
    """``threadpool_limits(n_threads)`` through one ``ThreadpoolController`` kept for the process.

    ``threadpool_limits`` looks for the loaded BLAS/OpenMP libraries on every
    call (about 2 ms, more than a one-row prediction); a kept controller
    limits them in about 0.04 ms. It is made on the first prediction, after
    this package has imported every library a prediction uses (``fit`` still
    uses a fresh ``threadpool_limits``, which also finds libraries loaded later).
    """
    return _controller().limit(limits=n_threads)


class ApprovalModel(ClassifierMixin, BaseEstimator):
    """Calibrated probability that a negotiated repayment plan is approved.

    Parameters
    ----------
    seed : int, default 0
        Seed of every random step (folds, quantiles, boosting).
    candidates : tuple of str, default :data:`~xieshang.modeling.CANDIDATES`
        Candidates compared by cross-validated log loss, among
        :data:`~xieshang.modeling.AVAILABLE`: ``"hgb_monotone"`` (monotone
        boosting whose capacity and length are chosen on the folds),
        ``"logistic_monotone"`` (a monotone additive model),
        ``"lgbm_monotone"`` (LightGBM under the contract's directions as a
        candidate of its own, not in the default; the default boosting screens it as a capacity) and
        ``"blend_monotone"`` (:data:`~xieshang.modeling.BLEND`, the convex
        blend of the other candidates that respect the contract's directions;
        at least two).
    n_splits : int, default 3
        Number of shared cross-validation folds (the refit uses every row;
        the folds only choose, size and calibrate).
    calibration : tuple of str, default ("sigmoid", "isotonic")
        Calibration methods compared by held-out log loss, among
        :data:`~xieshang.modeling.CALIBRATION_METHODS` (``"temperature"``
        too: sigmoid scaling without its intercept, which the sigmoid nests).
    clip : float, default 1e-3
        Probabilities are clipped to ``[clip, 1 - clip]``: never exactly 0 or 1.
    n_threads : int, default 1
        OpenMP/BLAS threads inside ``fit`` and ``predict_proba``; one thread is
        never pathological on shared cores (``bench/bench_threads.py``).
    max_cv_rows : int or None, default 200_000
        Above this many training rows the cross-validation (capacity, length,
        calibration, blend weights) runs on a stratified subsample of that
        size; the refit always uses every row. ``None``: never subsample.
    verbose : bool, default False
        Print progress stage by stage while fitting.

    Attributes
    ----------
    classes_ : numpy.ndarray
        ``array([0, 1])``.
    feature_names_in_ : numpy.ndarray of str
        The contract's columns.
    candidate_ : str
        The winning candidate.
    calibration_ : str
        Its calibration method.
    cv_results_ : dict
        For every candidate: fold log losses, their mean, whether it respects
        the contract's directions, its calibration scores and fit seconds
        (for ``hgb_monotone``, the chosen ``capacity``, the refit's ``n_iter``,
        the folds' best iterations and the first fold's ``screening`` of every
        capacity, blended at its best weight with the additive model when the
        blend is a candidate, with those weights in ``screening_partner_weights``;
        for the blend, ``blend_weights``: member -> weight).
    calibrated_ : dict
        Candidate name -> its :class:`~xieshang.modeling.RefitCalibrated`
        (the pipeline refit once on all rows, calibrated on its out-of-fold
        decision values).
    data_fingerprint_ : str
        SHA-256 of the training rows and labels.
    n_train_rows_ : int
        Number of training rows.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        candidates: tuple[str, ...] = CANDIDATES,
        n_splits: int = 3,
        calibration: tuple[str, ...] = ("sigmoid", "isotonic"),
        clip: float = 1e-3,
        n_threads: int = 1,
        max_cv_rows: int | None = 200_000,
        verbose: bool = False,
    ) -> None:
        self.seed = seed
        self.candidates = candidates
        self.n_splits = n_splits
        self.calibration = calibration
        self.clip = clip
        self.n_threads = n_threads
        self.max_cv_rows = max_cv_rows
        self.verbose = verbose

    # -- fitting -------------------------------------------------------------------------

    def _check_params(self) -> None:
        problems = [p for p in (int_problem(self.seed, "seed", low=0), int_problem(self.n_splits, "n_splits", low=2),
                                int_problem(self.n_threads, "n_threads", low=1)) if p]
        if not isinstance(self.clip, (int, float)) or isinstance(self.clip, bool) or not 0 < self.clip < 0.5:
            problems.append(f"clip: expected a number in (0, 0.5), got {self.clip!r}")
        if self.max_cv_rows is not None and int_problem(self.max_cv_rows, "max_cv_rows", low=1000):
            problems.append(f"max_cv_rows: expected None or an integer >= 1000, got {self.max_cv_rows!r}")
        names = list(self.candidates) if isinstance(self.candidates, (list, tuple)) else []
        unknown = [n for n in names if n not in AVAILABLE]
        if unknown or not names or len(set(names)) != len(names):
            problems.append(f"candidates: expected distinct names among {', '.join(AVAILABLE)}, got "
                            f"{self.candidates!r}")
        if BLEND in names and (names.count(BLEND) > 1 or len(set(names) - {BLEND}) < 2):
            problems.append(f"candidates: {BLEND!r} (once) blends the other candidates, expected at least two "
                            f"others, got {names!r}")
        if problems:
            raise ValueError("invalid ApprovalModel parameters: " + "; ".join(problems))

    def fit(self, X: pd.DataFrame, y: Any) -> ApprovalModel:
        """Compare the candidates, calibrate, keep the best.

        Parameters
        ----------
        X : pandas.DataFrame
            Rows in the contract (extra columns such as ``true_probability``
            are ignored, never used).
        y : array-like of 0/1
            Whether each plan was approved.

        Returns
        -------
        ApprovalModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            Bad parameters, rows violating the contract, bad labels or labels
            of another length, too few rows of a class for the folds.
        """
        self._check_params()
        clean = validate_frame(X)
        labels = validate_labels(pd.Series(np.asarray(y)).reset_index(drop=True))
        if len(labels) != len(clean):
            raise ValueError(f"y: expected {len(clean)} labels (one per row of X), got {len(labels)}")
        clean = clean.reset_index(drop=True)
        yv = labels.to_numpy()
        with threadpool_limits(limits=int(self.n_threads)):
            say = (lambda s: print(s, flush=True)) if self.verbose else None
            found = fit_recipe(clean, yv, candidates=tuple(self.candidates), n_splits=int(self.n_splits),
                               calibration=tuple(self.calibration), seed=int(self.seed),
                               max_cv_rows=self.max_cv_rows, clip=float(self.clip), say=say)
        self.candidate_ = found.candidate
        self.calibration_ = found.calibration
        self.cv_results_ = found.cv_results
        self.calibrated_ = found.calibrated
        self.classes_ = np.array([0, 1])
        self.feature_names_in_ = np.asarray(FEATURE_NAMES, dtype=object)
        self.n_features_in_ = len(FEATURE_NAMES)
        self.n_train_rows_ = len(clean)
        self.data_fingerprint_ = _fingerprint(clean, yv)
        self.reference_values_ = typical_approved(clean, yv)  # what explain() compares a borrower with
        if self.verbose:
            print(f"winner: {self.candidate_} (CV log loss {found.cv_log_loss:.4f}), "
                  f"calibrated by {self.calibration_}", flush=True)
        return self

    # -- predicting ----------------------------------------------------------------------

    def _calibrated_proba(self, X: pd.DataFrame, name: str | None) -> np.ndarray:
        """Calibrated approval probability of one candidate before the clip."""
        check_is_fitted(self, "calibrated_")
        name = self.candidate_ if name is None else name
        if name not in self.calibrated_:
            raise ValueError(f"candidate: expected one of {', '.join(self.calibrated_)}, got {name!r}")
        clean = validate_frame(X)
        with _predict_thread_limit(int(self.n_threads)), validated_rows(clean):  # validated once, not per step
            return np.asarray(self.calibrated_[name].predict_proba(clean)[:, 1], dtype=float)

    def candidate_proba(self, X: pd.DataFrame, name: str | None = None) -> np.ndarray:
        """Approval probability (shape (n,)) from one candidate, by default the winner.

        Raises
        ------
        ValueError
            For an unknown candidate or rows violating the contract.
        """
        return np.clip(self._calibrated_proba(X, name), self.clip, 1.0 - self.clip)

    def predict_proba_and_log_odds(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``(approval probability, log-odds)`` of the winner in one call, shape (n,) each.

        The probability is clipped to ``[clip, 1 - clip]`` as in :meth:`predict_proba`;
        the log-odds are not (only kept finite), so that rows at the clip still
        rank: the explanations name what holds down an applicant at the floor.
        """
        q = self._calibrated_proba(X, None)
        z = log_odds(q)
        return np.clip(q, self.clip, 1.0 - self.clip), z

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Log-odds of approval before the clip (see :meth:`predict_proba_and_log_odds`), shape (n,)."""
        return self.predict_proba_and_log_odds(X)[1]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of refusal and approval, shape ``(n, 2)``.

        Raises
        ------
        ValueError
            If ``X`` violates the contract (extra columns and order are fine).
        """
        p = self.candidate_proba(X)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """0/1 decision: 1 where the approval probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    def explain(self, applicant: Any, target: float = 0.6, lang: str = "zh") -> Any:
        """Reasons and the cheapest actions that would raise the probability (see :mod:`xieshang.explain`)."""
        from .explain import explain

        return explain(self, applicant, target=target, lang=lang)

    # -- storage -------------------------------------------------------------------------

    def save(self, path: str | Path = DEFAULT_PATH, *, metrics: dict[str, Any] | None = None) -> Path:
        """Write the model and its sidecar ``<path>.json`` atomically (:func:`xieshang.persistence.save_model`).

        Parameters
        ----------
        path : str or Path, default ``model/approval.joblib``
        metrics : dict, optional
            Held-out metrics recorded in the sidecar.

        Returns
        -------
        Path
            The joblib file.
        """
        check_is_fitted(self, "calibrated_")
        return save_model(self, path, metrics=metrics)


def train(df: pd.DataFrame, seed: int = 0, *, verbose: bool = False) -> ApprovalModel:
    """Fit the calibrated approval model on ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The contract's columns and the ``approved`` label; every other column
        (``true_probability`` in particular) is ignored.
    seed : int, default 0
        Seed of every random step: the same data and seed give the same model.
    verbose : bool, default False
        Print progress stage by stage.

    Returns
    -------
    ApprovalModel
        The fitted model.

    Raises
    ------
    ValueError
        If ``df`` violates the contract or lacks a valid label.
    """
    clean = validate_frame(df, require_label=True)
    return ApprovalModel(seed=seed, verbose=verbose).fit(clean.drop(columns=LABEL), clean[LABEL])


def _fingerprint(X: pd.DataFrame, y: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    h.update(np.asarray(y, dtype=np.int64).tobytes())
    return h.hexdigest()


def load_model(path: str | Path | None = None) -> ApprovalModel:
    """Load a model saved by :meth:`ApprovalModel.save`, after checking it.

    The sidecar must exist, the joblib file's SHA-256 must match it, and it
    must have been written with the installed scikit-learn and the current
    feature contract; only then is the file unpickled
    (:func:`xieshang.persistence.load_model`).

    Parameters
    ----------
    path : str or Path, optional
        Default ``model/approval.joblib``.

    Raises
    ------
    ValueError
        Missing files, a hash mismatch (tampered or half-written), another
        scikit-learn version or feature contract; the message says to retrain
        with ``make train``.
    """
    model: ApprovalModel = _load(path, ApprovalModel)
    return model
