"""An applicant's facts, computed once: savings, disposable income, hardship, the current plan."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import rules
from ..contract import NO_HARDSHIP

__all__ = ["Facts", "facts_of", "is_unknown", "handed_in", "to_py"]


def to_py(v: Any) -> Any:
    """A plain-Python (JSON-serialisable) version of a scalar."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return float(v)
    return v


def is_unknown(v: Any) -> bool:
    """Whether a validated cell is unknown (NaN)."""
    return isinstance(v, float) and v != v


def handed_in(v: Any) -> bool:
    """A document or flag known to be True (unknown is not ``True``: ``bool(nan)`` would be)."""
    return not is_unknown(v) and bool(v)


@dataclass(frozen=True)
class Facts:
    """What the phases of an explanation read about one applicant, computed once (:func:`facts_of`).

    Attributes
    ----------
    savings : float
        Known savings (RMB), NaN when unknown or absent.
    disposable : float
        Income left after essential expenses and other debt payments (RMB a month, :mod:`xieshang.rules`).
    has_hardship : bool
        Whether a hardship is stated.
    instalment : float
        The instalment of the applicant's own plan (RMB a month).
    plan_ok : bool
        Whether that plan is affordable (:func:`xieshang.rules.affordable`).
    balance : float
        Outstanding balance (RMB).
    income : float
        Monthly income (RMB).
    expenses : float
        Essential monthly expenses (RMB).
    other_debts : float
        Payments on other debts (RMB a month).
    household_size : float
        People the household feeds, NaN when unknown (:func:`xieshang.rules.living_floor`).
    spendable : float
        Known savings beyond the emergency reserve (:func:`xieshang.rules.spendable_savings`), NaN when unknown.
    reserve : float
        The emergency reserve (:func:`xieshang.rules.emergency_reserve`).
    down_payment : float
        The down payment of the applicant's own plan (RMB).
    """

    savings: float
    disposable: float
    has_hardship: bool
    instalment: float
    plan_ok: bool
    balance: float
    income: float
    expenses: float = 0.0
    other_debts: float = 0.0
    household_size: float = float("nan")
    spendable: float = float("nan")
    reserve: float = 0.0
    down_payment: float = 0.0

    @property
    def savings_known(self) -> bool:
        return not math.isnan(self.savings)

    @property
    def heavy_other_debts(self) -> bool:
        """Other debts take more than :data:`xieshang.rules.OTHER_DEBTS_SHARE` of income."""
        return bool(rules.heavy_other_debts(self.other_debts, self.income))

    @property
    def savings_cover_debt(self) -> bool:
        """Known savings beyond the emergency reserve repay the whole balance."""
        return self.savings_known and self.spendable >= self.balance

    @property
    def down_payment_covered(self) -> bool:
        """No down payment, or one that known savings beyond the emergency reserve cover (unknown savings: not)."""
        return self.down_payment <= 0 or (self.savings_known and self.down_payment <= self.spendable + 1e-9)

    def unfunded(self, ratio: Any) -> np.ndarray:
        """Whether known savings beyond the emergency reserve fall short of a down payment of ``ratio`` (per value).

        Never for no down payment, nor where savings are unknown: the down payment a borrower asked for
        is then theirs to judge (an option never raises it, :func:`~xieshang.explain._options.down_payment_ok`).
        """
        r = np.asarray(ratio, dtype=float)
        if not self.savings_known:
            return np.zeros(r.shape, dtype=bool)
        return (r > 0) & (r * self.balance > self.spendable + 1e-9)

    @property
    def plan_kept(self) -> bool:
        """The plan asked for is one the borrower can keep: affordable, its down payment covered."""
        return self.plan_ok and self.down_payment_covered

    def affordable(self, instalment: Any, disposable: Any = None) -> Any:
        """:func:`xieshang.rules.affordable` for this household (its size, where known)."""
        return rules.affordable(instalment, self.disposable if disposable is None else disposable, self.household_size)


def facts_of(row: Mapping[str, Any]) -> Facts:
    """The :class:`Facts` of a validated applicant ``{feature: value}``."""
    v = row.get("savings", float("nan"))
    savings = float("nan") if v is None else float(v)
    h = row.get("household_size", float("nan"))
    household = float("nan") if h is None else float(h)
    expenses = float(row["monthly_expenses"])
    disp = float(rules.disposable_income(row["monthly_income"], expenses, row["other_debt_payments"]))
    inst = float(rules.instalment(row["outstanding_balance"], row["down_payment_ratio"], row["plan_months"]))
    return Facts(savings=savings, disposable=disp, has_hardship=row["hardship_reason"] != NO_HARDSHIP,
                 instalment=inst, plan_ok=bool(rules.affordable(inst, disp, household)),
                 balance=float(row["outstanding_balance"]), income=float(row["monthly_income"]),
                 expenses=expenses, other_debts=float(row["other_debt_payments"]), household_size=household,
                 spendable=float(rules.spendable_savings(savings, expenses)),
                 reserve=float(rules.emergency_reserve(expenses)),
                 down_payment=float(row["down_payment_ratio"]) * float(row["outstanding_balance"]))
