"""What ``make train`` writes: metrics, figures, the model card, the model and its sidecar.

* ``reports/metrics.json``: held-out metrics of every candidate (and of the
  oracle when the test rows carry ``true_probability``), cross-validation and
  calibration scores;
* ``reports/figures/``: reliability diagram, ROC curves, and each factor's
  average effect in the model beside the true effect;
* ``reports/model_card.md``: after Mitchell et al., *Model Cards for Model
  Reporting* (2019), worded by :mod:`xieshang.card` (as is :func:`summary_table`);
* ``model/approval.joblib`` and ``model/approval.json`` (:meth:`ApprovalModel.save`).

Every file is written atomically, and all of them are committed in one burst of renames
at the end (the model first) under a lock: a killed run leaves the previous model and its
reports, and concurrent runs into the same folders take turns.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .action_audit import audit_actions
from .card import model_card, summary_table
from .contract import LABEL, TRUTH
from .files import atomic_path, exclusive_lock, write_json, write_text
from .metrics import evaluate
from .model import DEFAULT_PATH, ApprovalModel
from .validation import validate_frame

__all__ = ["evaluate_candidates", "write_figures", "model_card", "summary_table", "write_reports"]

ORACLE = "oracle"
"""Key of the true probabilities' own metrics in ``metrics["test"]``."""


def candidate_probabilities(model: ApprovalModel, test: pd.DataFrame) -> dict[str, np.ndarray]:
    """Approval probability of every candidate on the rows of ``test``: computed once per training's reports."""
    X = validate_frame(test)
    return {name: model.candidate_proba(X, name) for name in model.calibrated_}


def evaluate_candidates(model: ApprovalModel, test: pd.DataFrame,
                        probabilities: dict[str, np.ndarray] | None = None) -> dict[str, dict[str, float]]:
    """Held-out metrics of every candidate (winner included), and of the oracle if known.

    Parameters
    ----------
    model : ApprovalModel
        A fitted model.
    test : pandas.DataFrame
        Held-out rows with ``approved``; with a ``true_probability`` column the
        comparisons against the truth are added (only then: the truth is known
        for our generator's data alone).
    probabilities : dict, optional
        :func:`candidate_probabilities` of ``test``, if already computed.
    """
    clean = validate_frame(test, require_label=True)
    y = clean[LABEL].to_numpy()
    p_true = test[TRUTH].to_numpy(float) if TRUTH in test.columns else None
    probs = candidate_probabilities(model, clean) if probabilities is None else probabilities
    out = {name: evaluate(y, probs[name], p_true) for name in model.calibrated_}
    if p_true is not None:
        out[ORACLE] = evaluate(y, p_true)
    return out


def _save(fig: Any, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")


def write_figures(
    model: ApprovalModel,
    test: pd.DataFrame,
    out_dir: str | Path = "reports/figures",
    *,
    lang: str = "en",
    effect_rows: int = 400,
    seed: int = 0,
    probabilities: dict[str, np.ndarray] | None = None,
) -> list[Path]:
    """Reliability diagram, ROC curves and factor effects (model beside truth) as PNG files.

    The figures are matplotlib ``Figure`` objects saved directly (no pyplot, no
    backend switch: the caller's matplotlib state is left alone).

    Parameters
    ----------
    probabilities : dict, optional
        :func:`candidate_probabilities` of ``test``, if already computed.

    Returns
    -------
    list of Path
        The files written.
    """
    from . import plots

    out = Path(out_dir)
    clean = validate_frame(test, require_label=True)
    y = clean[LABEL].to_numpy()
    X = clean.drop(columns=LABEL)
    has_truth = TRUTH in test.columns
    probs = candidate_probabilities(model, X) if probabilities is None else probabilities
    p = probs[model.candidate_]
    written = []

    p_true = test[TRUTH].to_numpy(float) if has_truth else None
    fig = plots.reliability_diagram(y, p, lang=lang, label=model.candidate_, truth=p_true)
    written.append(out / "reliability.png")
    _save(fig, written[-1])

    scores = dict(probs)
    if p_true is not None:
        scores[ORACLE] = p_true
    fig = plots.roc_plot(y, scores, lang=lang)
    written.append(out / "roc.png")
    _save(fig, written[-1])

    rng = np.random.default_rng(seed)
    sample = X.iloc[np.sort(rng.choice(len(X), size=min(effect_rows, len(X)), replace=False))]
    truth = None
    if has_truth:
        from .generator import true_probability

        truth = true_probability
    fig = plots.factor_effects(model.candidate_proba, truth, sample, lang=lang)
    written.append(out / "factor_effects.png")
    _save(fig, written[-1])
    return written




ACTION_TARGET = 0.6
"""Target probability of the actions checked against the truth in ``reports/actions.json``."""
ACTION_AUDIT_ROWS = 300
"""Rejected test applicants whose best action is checked against the truth."""


def write_reports(
    model: ApprovalModel,
    test: pd.DataFrame,
    *,
    reports_dir: str | Path = "reports",
    model_path: str | Path = DEFAULT_PATH,
    lang: str = "en",
    effect_rows: int = 400,
    action_rows: int = ACTION_AUDIT_ROWS,
    progress: Callable[[str], None] | None = None,
    sample: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Evaluate on ``test``; draw the figures; then commit the model, metrics, model card and figures.

    ``sample`` (``kept``, ``read``, ``files``, ``seed``) says the rows came from a
    sample of a larger dataset (``xieshang train --data DIR``); the metrics and the
    model card then say so.

    Returns
    -------
    dict
        The content of ``metrics.json``.
    """
    say = progress or (lambda _s: None)
    reports = Path(reports_dir)
    say("evaluating every candidate on the held-out test set")
    test = pd.concat([validate_frame(test, require_label=True),
                      test[[c for c in (TRUTH,) if c in test.columns]]], axis=1)  # validated once
    probabilities = candidate_probabilities(model, test)
    test_metrics = evaluate_candidates(model, test, probabilities)
    metrics: dict[str, Any] = {
        "winner": model.candidate_,
        "calibration": model.calibration_,
        "seed": int(model.seed),
        "n_train": int(model.n_train_rows_),
        "n_test": len(test),
        "has_truth": TRUTH in test.columns,
        "data_fingerprint": model.data_fingerprint_,
        "test": test_metrics,
        # reports/ is tracked: keep out what differs between two runs of the same seed (timings)
        "cross_validation": {name: {k: v for k, v in res.items() if k != "fit_seconds"}
                             for name, res in model.cv_results_.items()},
    }
    if sample is not None:
        metrics["training_sample"] = dict(sample)
    actions = None
    if TRUTH in test.columns:
        say(f"checking the proposed actions against the truth (up to {action_rows} rejected applicants)")
        actions = audit_actions(model, test, target=ACTION_TARGET, n=action_rows, seed=int(model.seed))
        metrics["actions"] = {k: v for k, v in actions.items() if k != "columns"}
    say("drawing figures")
    reports.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".figures.", dir=reports))  # hidden until committed
    try:
        figures = write_figures(model, test, staging, lang=lang, effect_rows=effect_rows, seed=int(model.seed),
                                probabilities=probabilities)
        card = model_card(model, metrics)
        say(f"saving the model to {model_path}")
        # Commit everything in one burst of renames at the very end, the model first, under a
        # lock: a run killed before it leaves the previous model with its own reports, and two
        # runs into the same folders take turns instead of mixing their files.
        with exclusive_lock(reports):
            model.save(model_path, metrics=_jsonable(test_metrics[model.candidate_]))
            write_json(_jsonable(metrics), reports / "metrics.json")
            write_text(card, reports / "model_card.md")
            if actions is not None:
                write_json(_jsonable(actions), reports / "actions.json")
            (reports / "figures").mkdir(exist_ok=True)
            for fig in figures:
                os.replace(fig, reports / "figures" / fig.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return metrics


def _jsonable(obj: Any) -> Any:
    """Replace NaN (not valid JSON) by None, recursively."""
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj
