"""Check the proposed actions against the generator's truth and the plan rule.

For rejected applicants (the model's probability below the target and, where
a label is given, not approved), explain them all at once with
:func:`xieshang.explain.explain_frame`, apply the best option and each of its
steps, and ask the generator's *true* probability whether they helped. Also
count every rule break: a non-actionable feature changed, an option called
affordable whose plan fails :func:`xieshang.rules.affordable` (the living
buffer), a down payment beyond known savings (or with unknown savings), an
option of more than :data:`xieshang.explain.MAX_STEPS` steps, a reason about
delinquency that points the wrong way (more days overdue would help), a
hardship proof without a hardship, a down payment lowered that known savings
cover (where they do not, every option lowers it). And count, in both
languages, everything a report must never tell a borrower
(:func:`xieshang.explain.advice_problems`: an option whose plan is unaffordable,
an expense cut, a waiver withdrawn, money they do not have, a gap beside an
option, facts mis-stated, costs and "0 %" in the text...: each must be 0), with
the median length of the Chinese reports. ``make train`` writes the result to
``reports/actions.json``::

    from xieshang.action_audit import write_action_report
    write_action_report(model, test_df, "reports/actions.json", target=0.6, n=300, seed=0)
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .checks import check_int
from .contract import ACTIONABLE_NAMES, FEATURE_NAMES, LABEL, NO_HARDSHIP, feature
from .explain import MAX_STEPS, explain_frame, sum_problems
from .files import write_json
from .generator import true_probability
from .rules import affordable, plan_terms, spendable_savings
from .validation import validate_frame, validate_labels

__all__ = ["audit_actions", "write_action_report"]

_PLAN = ("plan_months", "down_payment_ratio", "monthly_expenses")


def _apply(row: pd.DataFrame, changes: dict[str, Any]) -> pd.DataFrame:
    after = row.copy()
    for k, v in changes.items():
        if feature(k).kind == "category":
            after[k] = pd.Categorical([v], categories=feature(k).categories)
        else:
            after[k] = v
    return validate_frame(after)


def _unfunded(row: pd.DataFrame) -> bool:
    """Whether known savings beyond the emergency reserve do not cover the one-row frame's down payment."""
    spendable = float(spendable_savings(row["savings"].iloc[0], row["monthly_expenses"].iloc[0]))
    cash = float(row["down_payment_ratio"].iloc[0]) * float(row["outstanding_balance"].iloc[0])
    return cash > 0 and cash > spendable + 1e-9  # NaN (unknown savings): False


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
        ``n_rejected`` (sampled), ``n_with_option`` (an option was proposed:
        always toward an affordable plan), ``status`` counts,
        ``with_step_rate`` (share of the sampled whose plan can be made
        affordable with at least one step that raises the model's estimate), ``raises_truth_rate``,
        ``reaches_target_truth_rate`` and ``reaches_target_model_rate`` (over
        best options), ``steps_raise_truth_rate`` (share of the best options'
        single steps that raise the true probability alone; a new plan that
        replaces one the borrower cannot keep (unaffordable, or with a down
        payment known savings do not cover) is counted apart, in
        ``n_plan_steps_for_affordability``: it is needed whatever it does alone),
        ``affordable_options_leave_buffer_rate`` (share of best options called
        affordable whose plan satisfies :func:`xieshang.rules.affordable`: must
        be 1), ``mean_true_gain``, ``mean_cost``, ``mean_changes``, the rule
        breaks (each must be 0), and ``advice``: per language, the count of
        every check of :data:`xieshang.explain.ADVICE_CHECKS` (each must be 0),
        their ``total`` and the median length of the Chinese reports.
    """
    n = check_int(n, "n", low=1)
    clean = validate_frame(df)
    p_model = np.asarray(model.predict_proba(clean), dtype=float)[:, 1]
    rejected = p_model < target
    if LABEL in df.columns:  # any spelling validate_labels accepts (0/1, yes/no, 0.0/1.0...)
        rejected &= validate_labels(df[LABEL]).to_numpy() == 0
    idx = np.flatnonzero(rejected)
    rng = np.random.default_rng(seed)
    if len(idx) > n:
        idx = np.sort(rng.choice(idx, size=n, replace=False))
    exps = explain_frame(model, clean.iloc[idx], target=target, lang="en") if len(idx) else []
    status: dict[str, int] = {}
    before_rows, after_rows, step_before, step_after = [], [], [], []
    costs, n_changes, model_reached, called_affordable = [], [], [], []
    with_step = plan_fixes = 0
    breaks = {"non_actionable_changed": 0, "called_affordable_but_not": 0, "down_payment_above_savings": 0,
              "options_over_max_steps": 0, "wrong_way_delinquency_reasons": 0,
              "hardship_proof_without_hardship": 0, "down_payment_lowered": 0}
    for i, exp in zip(idx, exps):
        row = clean.iloc[[i]]
        status[exp.status] = status.get(exp.status, 0) + 1
        for r in exp.reasons:  # a delinquency reason may only say that more days overdue hurt
            if r.feature == "days_overdue" and float(r.value) <= float(r.reference):
                breaks["wrong_way_delinquency_reasons"] += 1
        savings = float(row["savings"].iloc[0])
        balance = float(row["outstanding_balance"].iloc[0])
        # The plan rule as explain applies it: the living floor grows with a known household (rules.living_floor).
        household = float(row["household_size"].iloc[0])
        for a in exp.actions:
            breaks["options_over_max_steps"] += int(len(a.changes) > MAX_STEPS)
            breaks["non_actionable_changed"] += int(any(k not in ACTIONABLE_NAMES for k in a.changes))
            if "down_payment_ratio" in a.changes:  # beyond known savings less the emergency reserve
                spendable = float(spendable_savings(savings, row["monthly_expenses"].iloc[0]))
                breaks["down_payment_above_savings"] += int(
                    math.isnan(savings) or a.changes["down_payment_ratio"] * balance > spendable + 1e-9)
            after = _apply(row, a.changes)
            inst, disp = plan_terms(after)
            breaks["called_affordable_but_not"] += int(a.affordable and not bool(affordable(inst[0], disp[0], household)))
        if not exp.actions:
            continue
        best = exp.actions[0]
        with_step += int(best.gain > 0)
        after = _apply(row, best.changes)
        inst, disp = plan_terms(after)
        called_affordable.append(bool(affordable(inst[0], disp[0], household)) if best.affordable else None)
        breaks["hardship_proof_without_hardship"] += int(
            "hardship_proof" in best.changes and str(after["hardship_reason"].iloc[0]) == NO_HARDSHIP)
        # Lowered only where known savings do not cover the one asked for (never for the score).
        breaks["down_payment_lowered"] += int(
            float(after["down_payment_ratio"].iloc[0]) < float(row["down_payment_ratio"].iloc[0])
            and not _unfunded(row))
        before_rows.append(row)
        after_rows.append(after)
        inst0, disp0 = plan_terms(row)
        plan_not_kept = not bool(affordable(inst0[0], disp0[0], household)) or _unfunded(row)
        for s in exp.single_actions:
            if plan_not_kept and set(s.changes) & set(_PLAN):
                plan_fixes += 1  # the new plan: needed for a plan they can keep, whatever it does alone
                continue
            step_before.append(row)
            step_after.append(_apply(row, s.changes))
        costs.append(best.cost)
        n_changes.append(len(best.changes))
        model_reached.append(best.probability >= target)
    k = len(after_rows)
    plannable = len(idx) - status.get("no_affordable_plan", 0)  # issue 22: options only toward affordable plans
    out: dict[str, Any] = {"target": float(target), "seed": int(seed), "n_rejected": len(idx),
                           "n_with_option": int(k), "status": status,
                           "with_step_rate": float(with_step / plannable) if plannable else float("nan")}
    if k:
        t0 = true_probability(pd.concat(before_rows, ignore_index=True))
        t1 = true_probability(pd.concat(after_rows, ignore_index=True))
        s0 = true_probability(pd.concat(step_before, ignore_index=True)) if step_before else np.zeros(0)
        s1 = true_probability(pd.concat(step_after, ignore_index=True)) if step_after else np.zeros(0)
        judged = [c for c in called_affordable if c is not None]
        out.update({
            "raises_truth_rate": float(np.mean(t1 > t0)),
            "steps_raise_truth_rate": float(np.mean(s1 > s0)) if len(s0) else float("nan"),
            "n_steps": len(s0),
            "n_plan_steps_for_affordability": int(plan_fixes),
            "reaches_target_truth_rate": float(np.mean(t1 >= target)),
            "reaches_target_model_rate": float(np.mean(model_reached)),
            "affordable_options_leave_buffer_rate": float(np.mean(judged)) if judged else 1.0,
            "n_best_options_unaffordable_plan": int(sum(c is None for c in called_affordable)),
            "mean_true_gain": float(np.mean(t1 - t0)),
            "median_true_gain": float(np.median(t1 - t0)),
            "mean_cost": float(np.mean(costs)),
            "mean_changes": float(np.mean(n_changes)),
        })
    out["rule_breaks"] = breaks
    out["advice"] = _advice(model, clean.iloc[idx], exps, target)
    out["columns"] = list(FEATURE_NAMES)
    return out


def _advice(model: Any, rows: pd.DataFrame, exps_en: list[Any], target: float) -> dict[str, Any]:
    """Advice problems counted in both languages (each must be 0) and the length of the Chinese reports."""
    exps_zh = explain_frame(model, rows, target=target, lang="zh") if len(rows) else []
    chars = np.array([len(str(e)) for e in exps_zh], dtype=float)
    no_plan = np.array([e.status == "no_affordable_plan" for e in exps_zh], dtype=bool)
    counts = {"zh": sum_problems(exps_zh), "en": sum_problems(exps_en)}
    return {"problems": counts, "total": int(sum(sum(c.values()) for c in counts.values())),
            "zh_report_chars_median": float(np.median(chars)) if len(chars) else float("nan"),
            "zh_report_chars_median_no_affordable_plan": float(np.median(chars[no_plan])) if no_plan.any()
            else float("nan"),
            "zh_report_chars_max": float(chars.max()) if len(chars) else float("nan")}


def write_action_report(model: Any, df: pd.DataFrame, path: str | os.PathLike = "reports/actions.json",
                        **kwargs: Any) -> dict[str, Any]:
    """Run :func:`audit_actions` and write the result as JSON (atomically); return it."""
    report = audit_actions(model, df, **kwargs)
    write_json(report, Path(path))
    return report
