"""The plan rule: instalment, disposable income, and when a plan is safe to carry.

One home for the arithmetic of a repayment plan, below both the generator and
the model: the generator's truth, the domain features, the action search, its
audit, the texts and the plots all call these functions, never a formula of
their own.

A plan is *affordable* (safe to follow) when it leaves the household a
buffer after the instalment: at least :data:`BUFFER_SHARE` of disposable
income and never less than the living floor (:func:`living_floor`:
:data:`LIVING_FLOOR` RMB a month, plus :data:`PER_PERSON_FLOOR` for each
further member of a household of known size). These numbers are this
project's assumptions, not the article's: the article asks for a plan the
borrower can keep ("根据自身情况"), and a debt counsellor would not sign a
plan that leaves nothing for the unexpected.

What we never recommend (:data:`NEVER_RECOMMEND`, checked by
:func:`forbidden_changes`) lives here too, beside the plan rule: advice is a
path to an agreement the borrower can keep, never a way to a higher estimate
at the borrower's expense. Savings fund a down payment only beyond an
emergency reserve (:func:`emergency_reserve`, :data:`RESERVE_MONTHS` months of
essential expenses, an assumption).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "BUFFER_SHARE",
    "LIVING_FLOOR",
    "PER_PERSON_FLOOR",
    "RESERVE_MONTHS",
    "OTHER_DEBTS_SHARE",
    "NEVER_RECOMMEND",
    "living_floor",
    "emergency_reserve",
    "spendable_savings",
    "forbidden_changes",
    "heavy_other_debts",
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

PER_PERSON_FLOOR = 300.0
"""RMB a month the living floor grows by for each household member beyond the first, where the household's
size is known (assumption: a modest share of the local minimum living allowance, 低保, of a smaller city)."""

RESERVE_MONTHS = 3.0
"""Months of essential expenses kept as an emergency reserve: savings beyond it may fund a down payment or a
lump sum, never the reserve itself (assumption: a common rule of thumb of debt counsellors)."""

OTHER_DEBTS_SHARE = 0.5
"""Other debt payments above this share of income: the debts are handled together, not one lender at a time
(assumption)."""

NEVER_RECOMMEND: dict[str, str] = {
    "monthly_expenses": "cutting essential expenses: the contract's monthly_expenses are essential (rent, food, "
                        "medicine); a budget review may be a next step, never a number we ask them to cut",
    "penalty_waiver_requested": "withdrawing a request for a waiver: asking is the borrower's right, and the "
                                "article tells them to negotiate; an assumption of our world may shape the "
                                "estimate, never push a borrower to give up a right",
    "down_payment_ratio": "a down payment from money the borrower does not have: only known savings beyond the "
                          "emergency reserve (spendable_savings) may fund it, and never a higher one than today's "
                          "from unknown savings",
}
"""What an option never does, by the column it would change, and why."""

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


def living_floor(household_size: Any = None) -> np.ndarray:
    """RMB a month an affordable plan must leave at the least: :data:`LIVING_FLOOR`, plus
    :data:`PER_PERSON_FLOOR` per member beyond the first where the household size is known (``None``/NaN: unknown)."""
    if household_size is None:
        return np.asarray(LIVING_FLOOR)
    size = _arr(household_size)
    extra = np.where(np.isnan(size), 0.0, np.maximum(np.nan_to_num(size, nan=1.0) - 1.0, 0.0))
    return LIVING_FLOOR + PER_PERSON_FLOOR * extra


def required_disposable(instalment: Any, household_size: Any = None) -> np.ndarray:
    """The least disposable income that makes ``instalment`` affordable (RMB a month).

    The smallest ``d`` with ``d − instalment ≥ max(BUFFER_SHARE × d, living_floor(household_size))``.
    """
    inst = _arr(instalment)
    return np.maximum(inst / (1.0 - BUFFER_SHARE), inst + living_floor(household_size))


def largest_instalment(disposable: Any, household_size: Any = None) -> np.ndarray:
    """The largest instalment that ``disposable`` income carries safely (RMB a month, 0 when none).

    The inverse of :func:`required_disposable`: the largest ``i`` with
    ``disposable − i ≥ max(BUFFER_SHARE × disposable, living_floor(household_size))``.
    """
    disp = _arr(disposable)
    return np.maximum(0.0, np.minimum(disp * (1.0 - BUFFER_SHARE), disp - living_floor(household_size)))


def affordable(instalment: Any, disposable: Any, household_size: Any = None) -> np.ndarray:
    """Whether a plan is safe to carry: it leaves the buffer (:data:`BUFFER_SHARE`, :func:`living_floor`).

    The single definition used by the generator, the action search, its
    audit, the reasons, the texts and the plots.

    Returns
    -------
    numpy.ndarray of bool
        Same shape as the broadcast inputs.
    """
    inst, disp = _arr(instalment), _arr(disposable)
    return (disp > 0) & (disp + _TOL >= required_disposable(inst, household_size))


def emergency_reserve(monthly_expenses: Any) -> np.ndarray:
    """Savings kept for emergencies: :data:`RESERVE_MONTHS` months of essential expenses (RMB)."""
    return RESERVE_MONTHS * np.maximum(_arr(monthly_expenses), 0.0)


def spendable_savings(savings: Any, monthly_expenses: Any) -> np.ndarray:
    """Known savings beyond the emergency reserve (RMB, at least 0; NaN where savings are unknown)."""
    return np.maximum(_arr(savings) - emergency_reserve(monthly_expenses), 0.0)


def heavy_other_debts(other_debt_payments: Any, income: Any) -> np.ndarray:
    """Whether other debt payments take more than :data:`OTHER_DEBTS_SHARE` of income (all income when it is 0)."""
    other, inc = _arr(other_debt_payments), _arr(income)
    return (other > 0) & (other > OTHER_DEBTS_SHARE * inc)


def forbidden_changes(applicant: Mapping[str, Any], changes: Mapping[str, Any]) -> list[str]:
    """The changes of an option that we never recommend (:data:`NEVER_RECOMMEND`), by column; empty when none.

    Parameters
    ----------
    applicant : mapping
        The validated applicant ``{feature: value}``.
    changes : mapping
        ``{feature: new value}`` of the option.
    """
    out = []
    if "monthly_expenses" in changes and float(changes["monthly_expenses"]) < float(applicant["monthly_expenses"]):
        out.append("monthly_expenses")
    waiver = applicant.get("penalty_waiver_requested")
    if "penalty_waiver_requested" in changes and not changes["penalty_waiver_requested"] and (
            waiver is None or waiver != waiver or bool(waiver)):
        out.append("penalty_waiver_requested")
    if "down_payment_ratio" in changes:
        new, old = float(changes["down_payment_ratio"]), float(applicant["down_payment_ratio"])
        cash = new * float(applicant["outstanding_balance"])  # the whole down payment, paid from savings
        spendable = float(spendable_savings(applicant.get("savings", float("nan")), applicant["monthly_expenses"]))
        if new > old and not (cash <= spendable + 1e-9):  # NaN (unknown savings) fails too
            out.append("down_payment_ratio")
    return out
