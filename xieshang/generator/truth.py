"""The truth of the synthetic world: each row's true log-odds and probability of approval.

A sum of the documented :data:`~xieshang.generator.EFFECTS` on the log odds; the plan's
arithmetic (instalment, disposable income, what is affordable) is :mod:`xieshang.rules`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ..contract import NO_HARDSHIP
from ..validation import validate_frame
from .world import BURDEN_CAP, BURDEN_FREE, COEF, DELINQUENCY_SCALE

__all__ = ["affordability", "effect_terms", "true_logit", "true_probability"]

def affordability(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly instalment, disposable income and burden of each row's plan.

    Instalment and disposable income come from :func:`xieshang.rules.plan_terms`.

    Returns
    -------
    instalment, disposable, burden : numpy.ndarray
        ``burden = instalment / disposable``, capped at :data:`BURDEN_CAP` and
        set to it where disposable income is not positive.
    """
    inst, disp = rules.plan_terms(df)
    with np.errstate(divide="ignore", invalid="ignore"):
        burden = np.where(disp > 0, inst / np.where(disp > 0, disp, 1.0), BURDEN_CAP)
    return inst, disp, np.minimum(burden, BURDEN_CAP)


def effect_terms(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """The value each effect multiplies, by effect name (rows already valid).

    Parameters
    ----------
    df : pandas.DataFrame
        Valid rows of the contract (:func:`xieshang.validation.validate_frame`).

    Returns
    -------
    dict of str to numpy.ndarray
        One array of shape (n,) per name of :data:`~xieshang.generator.COEF`.
    """
    reason = df["hardship_reason"].astype(str).to_numpy()
    comm = df["communication"].astype(str).to_numpy()
    days = df["days_overdue"].to_numpy(float)
    plan = df["plan_months"].to_numpy(float)
    inst, disp, burden = affordability(df)
    t = {
        "intercept": np.ones(len(df)),
        "no_hardship": (reason == NO_HARDSHIP).astype(float),
        "hardship_proof": (df["hardship_proof"].to_numpy(bool) & (reason != NO_HARDSHIP)).astype(float),
        "credit_score": df["credit_score"].to_numpy(float) - 650.0,
        "past_overdue_count": df["past_overdue_count"].to_numpy(float),
        "on_time_ratio": df["on_time_ratio"].to_numpy(float) - 0.9,
        "months_on_book": np.log1p(df["months_on_book"].to_numpy(float) / 12.0),
        "proactive": (comm == "proactive").astype(float),
        "evasive": (comm == "evasive").astype(float),
        "broken_promises": df["broken_promises"].to_numpy(float),
        "info_not_verified": (~df["info_verified"].to_numpy(bool)).astype(float),
        "materials_on_time": df["materials_on_time"].to_numpy(float),
        "burden": np.maximum(0.0, burden - BURDEN_FREE),
        "unaffordable_plan": (~rules.affordable(inst, disp)).astype(float),
        "long_plan": np.maximum(0.0, plan - rules.LONG_PLAN_MONTHS),
        "down_payment_ratio": df["down_payment_ratio"].to_numpy(float),
        "days_overdue": -np.expm1(-days / DELINQUENCY_SCALE),
        "penalty_waiver_requested": df["penalty_waiver_requested"].to_numpy(float),
        "balance": np.log(df["outstanding_balance"].to_numpy(float) / 20_000.0),
    }
    for r in ("unemployment", "illness", "family_emergency", "other_debts"):
        t[f"reason_{r}"] = (reason == r).astype(float)
    for doc in ("income_proof", "bank_statements", "asset_proof", "expense_statement"):
        t[doc] = df[doc].to_numpy(float)
    return t


def true_logit(df: pd.DataFrame) -> np.ndarray:
    """True log-odds of approval of rows in the contract (see :data:`EFFECTS`)."""
    clean = validate_frame(df)
    terms = effect_terms(clean)
    return np.asarray(sum(COEF[name] * terms[name] for name in COEF), dtype=float)


def true_probability(df: pd.DataFrame) -> np.ndarray:
    """True approval probability of any rows in the contract.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows with every contract column (extra columns are ignored).

    Returns
    -------
    numpy.ndarray of shape (n,)
        ``sigmoid(true_logit(df))``.

    Raises
    ------
    ValueError
        If ``df`` does not satisfy the contract.
    """
    return 1.0 / (1.0 + np.exp(-true_logit(df)))
