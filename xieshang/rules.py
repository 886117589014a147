"""The plan rule: instalment, disposable income, and when a plan is safe to carry.

One home for the arithmetic of a repayment plan, below both the generator and
the model: the generator's truth, the domain features, the action search, its
audit, the texts and the plots all call these functions, never a formula of
their own.

A plan is *affordable* (safe to follow) when it leaves the household a
buffer after the instalment: at least :data:`BUFFER_SHARE` of disposable
income and never less than :data:`LIVING_FLOOR` RMB a month. Both numbers
are this project's assumptions, not the article's: the article asks for a
plan the borrower can keep ("根据自身情况"), and a debt counsellor would not
sign a plan that leaves nothing for the unexpected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "BUFFER_SHARE",
    "LIVING_FLOOR",
    "LONG_PLAN_MONTHS",
    "affordable",
    "disposable_income",
    "instalment",
    "plan_terms",
    "required_disposable",
    "largest_instalment",
    "residual",
]

BUFFER_SHARE = 0.2
"""Share of disposable income an affordable plan must leave (assumption, see module docstring)."""

LIVING_FLOOR = 300.0
"""RMB a month an affordable plan must leave at the least, whatever the share (assumption)."""

LONG_PLAN_MONTHS = 36
"""Plans longer than this many months are called long (the texts; the generator's ``long_plan``)."""

_TOL = 1e-9  # RMB: absorbs float rounding of the instalment


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=float)


def instalment(balance: Any, down_payment_ratio: Any, plan_months: Any) -> np.ndarray:
    """Monthly instalment of a plan: ``balance × (1 − down payment) / months`` (RMB, no interest)."""
    return _arr(balance) * (1.0 - _arr(down_payment_ratio)) / _arr(plan_months)


def disposable_income(income: Any, expenses: Any, other_debt_payments: Any) -> np.ndarray:
    """Income left after essential expenses and other debt payments (RMB a month)."""
    return _arr(income) - _arr(expenses) - _arr(other_debt_payments)


def plan_terms(rows: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(instalment, disposable income)`` of rows in the contract (a DataFrame or a mapping of columns).

    Parameters
    ----------
    rows : pandas.DataFrame or mapping
        Has ``outstanding_balance``, ``down_payment_ratio``, ``plan_months``,
        ``monthly_income``, ``monthly_expenses`` and ``other_debt_payments``.
    """
    get = rows.__getitem__ if isinstance(rows, Mapping) or hasattr(rows, "columns") else None
    if get is None:
        raise ValueError(f"rows: expected a DataFrame or a mapping of the plan's columns, got {type(rows).__name__}")
    inst = instalment(get("outstanding_balance"), get("down_payment_ratio"), get("plan_months"))
    disp = disposable_income(get("monthly_income"), get("monthly_expenses"), get("other_debt_payments"))
    return inst, disp


def residual(instalment: Any, disposable: Any) -> np.ndarray:
    """What the household keeps each month after the instalment (negative: the plan cannot be paid)."""
    return _arr(disposable) - _arr(instalment)


def required_disposable(instalment: Any) -> np.ndarray:
    """The least disposable income that makes ``instalment`` affordable (RMB a month).

    The smallest ``d`` with ``d − instalment ≥ max(BUFFER_SHARE × d, LIVING_FLOOR)``.
    """
    inst = _arr(instalment)
    return np.maximum(inst / (1.0 - BUFFER_SHARE), inst + LIVING_FLOOR)


def largest_instalment(disposable: Any) -> np.ndarray:
    """The largest instalment that ``disposable`` income carries safely (RMB a month, 0 when none).

    The inverse of :func:`required_disposable`: the largest ``i`` with
    ``disposable − i ≥ max(BUFFER_SHARE × disposable, LIVING_FLOOR)``.
    """
    disp = _arr(disposable)
    return np.maximum(0.0, np.minimum(disp * (1.0 - BUFFER_SHARE), disp - LIVING_FLOOR))


def affordable(instalment: Any, disposable: Any) -> np.ndarray:
    """Whether a plan is safe to carry: it leaves the buffer (:data:`BUFFER_SHARE`, :data:`LIVING_FLOOR`).

    The single definition used by the generator, the action search, its
    audit, the reasons, the texts and the plots.

    Returns
    -------
    numpy.ndarray of bool
        Same shape as the broadcast inputs.
    """
    inst, disp = _arr(instalment), _arr(disposable)
    return (disp > 0) & (disp + _TOL >= required_disposable(inst))
