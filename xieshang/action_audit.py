"""Check the proposed actions against the generator's truth.

For rejected applicants (the model's probability below the target and, where
a label is given, not approved), apply the best option of
:func:`xieshang.explain.explain` and ask the generator's *true* probability
whether it helped. Also count every rule break: a non-actionable feature
changed, an unaffordable plan, a hardship proof without a hardship, an
expense cut beyond 20 %, a down payment lowered. ``make train`` writes the
result to ``reports/actions.json``::

    from xieshang.action_audit import write_action_report
    write_action_report(model, test_df, "reports/actions.json", target=0.6, n=300, seed=0)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .contract import ACTIONABLE_NAMES, FEATURE_NAMES, LABEL, feature
from .explain import explain
from .files import write_json
from .generator import affordability, affordable, true_probability
from .validation import validate_frame, validate_labels

__all__ = ["audit_actions", "write_action_report"]

_MAX_CUT = 1.0 - min(feature("monthly_expenses").action.values)  # 20 %


def audit_actions(model: Any, df: pd.DataFrame, *, target: float = 0.6, n: int = 300, seed: int = 0) -> dict[str, Any]:
    """Rates at which the best option helps by the truth, and counts of rule breaks.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba``.
    df : pandas.DataFrame
        Rows in the contract (e.g. a held-out set from the generator); a
        ``approved`` column, if present, restricts the sample to rejected rows.
    target : float, default 0.6
    n : int, default 300
        Number of rejected applicants sampled (all of them if fewer).
    seed : int, default 0
        Seed of the sample.

    Returns
    -------
    dict
        ``n_rejected`` (sampled), ``n_with_option`` (an option was proposed),
        ``status`` counts, ``raises_truth_rate`` and ``reaches_target_truth_rate``
        and ``reaches_target_model_rate`` (over applicants with an option),
        ``mean_true_gain``, ``mean_cost``, ``mean_changes``, and the rule
        breaks (each must be 0).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n: expected a positive integer, got {n!r}")
    clean = validate_frame(df)
    p_model = np.asarray(model.predict_proba(clean), dtype=float)[:, 1]
    rejected = p_model < target
    if LABEL in df.columns:  # any spelling validate_labels accepts (0/1, yes/no, 0.0/1.0...)
        rejected &= validate_labels(df[LABEL]).to_numpy() == 0
    idx = np.flatnonzero(rejected)
    rng = np.random.default_rng(seed)
    if len(idx) > n:
        idx = np.sort(rng.choice(idx, size=n, replace=False))
    status: dict[str, int] = {}
    before_rows, after_rows, costs, n_changes, model_reached = [], [], [], [], []
    breaks = {"non_actionable_changed": 0, "unaffordable_plan": 0, "hardship_proof_without_hardship": 0,
              "expense_cut_over_20pct": 0, "down_payment_lowered": 0}
    for i in idx:
        row = clean.iloc[[i]]
        exp = explain(model, row, target=target, lang="en")
        status[exp.status] = status.get(exp.status, 0) + 1
        if not exp.actions:
            continue
        best = exp.actions[0]
        after = row.copy()
        for k, v in best.changes.items():
            after[k] = v
        after = validate_frame(after)
        breaks["non_actionable_changed"] += int(any(k not in ACTIONABLE_NAMES for k in best.changes))
        inst, disp, _ = affordability(after)
        breaks["unaffordable_plan"] += int(not affordable(inst[0], disp[0]))
        breaks["hardship_proof_without_hardship"] += int(
            "hardship_proof" in best.changes and str(after["hardship_reason"].iloc[0]) == "none")
        old_exp = float(row["monthly_expenses"].iloc[0])
        breaks["expense_cut_over_20pct"] += int(
            float(after["monthly_expenses"].iloc[0]) < (1 - _MAX_CUT) * old_exp - 1e-9)
        breaks["down_payment_lowered"] += int(
            float(after["down_payment_ratio"].iloc[0]) < float(row["down_payment_ratio"].iloc[0]))
        before_rows.append(row)
        after_rows.append(after)
        costs.append(best.cost)
        n_changes.append(len(best.changes))
        model_reached.append(exp.reached)
    k = len(after_rows)
    out: dict[str, Any] = {"target": float(target), "seed": int(seed), "n_rejected": int(len(idx)),
                           "n_with_option": int(k), "status": status}
    if k:
        t0 = true_probability(pd.concat(before_rows, ignore_index=True))
        t1 = true_probability(pd.concat(after_rows, ignore_index=True))
        out.update({
            "raises_truth_rate": float(np.mean(t1 > t0)),
            "reaches_target_truth_rate": float(np.mean(t1 >= target)),
            "reaches_target_model_rate": float(np.mean(model_reached)),
            "mean_true_gain": float(np.mean(t1 - t0)),
            "median_true_gain": float(np.median(t1 - t0)),
            "mean_cost": float(np.mean(costs)),
            "mean_changes": float(np.mean(n_changes)),
        })
    out["rule_breaks"] = breaks
    out["columns"] = list(FEATURE_NAMES)
    return out


def write_action_report(model: Any, df: pd.DataFrame, path: str | os.PathLike = "reports/actions.json",
                        **kwargs: Any) -> dict[str, Any]:
    """Run :func:`audit_actions` and write the result as JSON (atomically); return it."""
    report = audit_actions(model, df, **kwargs)
    write_json(report, Path(path))
    return report
