"""Drawing requests from the structural model: latent traits, then every observable, then the label.

Two latent traits drive every observable, the way they would in life:

* ``strength`` (financial strength, standard normal): income, balance,
  other debts, assets, savings;
* ``conscientiousness`` (standard normal, correlated 0.3 with strength):
  credit record, repayment history, attitude, promises kept, paperwork.

A hardship (drawn more often for the financially weak) then hits income:
the unemployed earn little or nothing, illness and business failure cut
income, and only a borrower with a hardship can hold a hardship proof.
``approved ~ Bernoulli(true_probability)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ..checks import int_problem
from ..contract import COMMUNICATION_LEVELS, FEATURE_NAMES, HARDSHIP_REASONS, LABEL, NO_HARDSHIP, TRUTH, feature
from .truth import effect_terms
from .world import COEF, SAVINGS_UNKNOWN

__all__ = ["HOUSEHOLD_UNKNOWN", "generate"]

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# Hardship mix: probabilities at average strength; the weak are hit more often.
_REASON_WEIGHTS = {
    "none": 0.14, "unemployment": 0.20, "illness": 0.12, "income_drop": 0.24,
    "business_failure": 0.10, "family_emergency": 0.08, "other_debts": 0.12,
}
# Share of pre-hardship income left after each hardship (mean of a Beta draw).
_INCOME_LEFT = {
    "none": 1.0, "unemployment": 0.35, "illness": 0.65, "income_drop": 0.6,
    "business_failure": 0.5, "family_emergency": 0.85, "other_debts": 0.95,
}
_PLAN_CHOICES = np.array([3, 6, 9, 12, 18, 24, 36, 48, 60])
_PLAN_WEIGHTS = np.array([0.03, 0.08, 0.05, 0.22, 0.15, 0.22, 0.17, 0.05, 0.03])


def _bounds(name: str) -> tuple[float, float]:
    f = feature(name)
    if f.low is None or f.high is None:
        raise ValueError(f"feature {name!r} has no range in the contract")
    return float(f.low), float(f.high)


HOUSEHOLD_UNKNOWN = 0.3
"""Share of rows whose household size is unknown (many files do not record it)."""
_HOUSEHOLD_SIZES = np.arange(1, 7)
_HOUSEHOLD_WEIGHTS = np.array([0.2, 0.3, 0.25, 0.15, 0.07, 0.03])  # assumption: small households are common


def _household_size(n: int, seed: int) -> np.ndarray:
    """People the household feeds (NaN: unknown), from its own stream: no effect on any other column or the truth."""
    rng = np.random.default_rng([seed, 1])
    size = rng.choice(_HOUSEHOLD_SIZES, size=n, p=_HOUSEHOLD_WEIGHTS).astype(float)
    return np.where(rng.random(n) < HOUSEHOLD_UNKNOWN, np.nan, size)


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """Draw ``n`` negotiation requests from the structural model.

    Parameters
    ----------
    n : int
        Number of rows (>= 1).
    seed : int, default 0
        Seed of the random generators: the same seed gives the same rows.
        ``household_size`` comes from a second stream of the same seed, so
        that adding it left every other column as it was.

    Returns
    -------
    pandas.DataFrame
        The contract's columns, plus ``approved`` (0/1 label) and
        ``true_probability`` (never a model input). ``savings`` is what the
        borrower could mobilise when asking, the proposed down payment
        included (``down_payment_ratio × outstanding_balance ≤ savings``);
        it is unknown (NaN) in a share of rows (:data:`SAVINGS_UNKNOWN`) and
        has no effect on the truth. ``household_size`` (unknown in
        :data:`HOUSEHOLD_UNKNOWN` of rows) has none either: it only grows the
        living floor of the advice (:func:`xieshang.rules.living_floor`).
    """
    problems = [p for p in (int_problem(n, "n", low=1), int_problem(seed, "seed", low=0)) if p]
    if problems:
        raise ValueError("; ".join(problems))
    rng = np.random.default_rng(int(seed))
    n = int(n)

    # Latent traits.
    strength = rng.standard_normal(n)
    consc = 0.3 * strength + np.sqrt(1 - 0.3**2) * rng.standard_normal(n)

    # Hardship: a softmax shifted so weaker borrowers suffer more hardships.
    base = np.log(np.array(list(_REASON_WEIGHTS.values())))
    shift = np.zeros(len(HARDSHIP_REASONS))
    shift[HARDSHIP_REASONS.index(NO_HARDSHIP)] = 0.8
    shift[HARDSHIP_REASONS.index("other_debts")] = -0.3
    logits = base[None, :] + strength[:, None] * shift[None, :]
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    u = rng.random(n)
    reason_idx = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    reason_idx = np.minimum(reason_idx, len(HARDSHIP_REASONS) - 1)
    reasons = np.array(HARDSHIP_REASONS)[reason_idx]
    has_hardship = reasons != NO_HARDSHIP

    # Money: pre-hardship income is log-normal around 8,000 RMB a month.
    income0 = np.exp(np.log(8000) + 0.55 * strength + 0.35 * rng.standard_normal(n))
    left_mean = np.array([_INCOME_LEFT[r] for r in HARDSHIP_REASONS])[reason_idx]
    # Beta with the right mean and moderate spread; many unemployed end near 0.
    conc = 6.0
    left = rng.beta(left_mean * conc + 1e-3, (1 - left_mean) * conc + 1e-3)
    left = np.where(reasons == NO_HARDSHIP, 1.0, left)
    unemployed_zero = (reasons == "unemployment") & (rng.random(n) < 0.2)
    lo, hi = _bounds("monthly_income")
    income = np.clip(np.round(income0 * left * (~unemployed_zero), -1), lo, hi)

    lo, hi = _bounds("monthly_expenses")
    # Households trim spending when income falls, but not all the way.
    expenses = 500 + 0.28 * (0.35 * income0 + 0.65 * income) * np.exp(0.25 * rng.standard_normal(n))
    expenses = np.clip(np.round(expenses, -1), lo, hi)

    has_other = rng.random(n) < np.where(reasons == "other_debts", 0.97, 0.55)
    other_share = rng.beta(2, 8, n) * np.where(reasons == "other_debts", 1.8, 1.0)
    lo, hi = _bounds("other_debt_payments")
    other = np.clip(np.round(has_other * other_share * income0, -1), lo, hi)

    lo, hi = _bounds("outstanding_balance")
    balance = np.exp(np.log(15_000) + 0.45 * strength + 0.8 * rng.standard_normal(n))
    balance = np.clip(np.round(balance), lo, hi)

    # Conduct: conscientiousness drives the record and the attitude.
    lo, hi = _bounds("days_overdue")
    days = np.clip(np.round(np.exp(np.log(50) - 0.35 * consc + 0.9 * rng.standard_normal(n))), lo, hi)
    overdue = np.clip(rng.poisson(np.exp(0.4 - 0.75 * consc - 0.2 * strength)), *_bounds("past_overdue_count"))
    on_time = np.clip(np.round(_sigmoid(2.2 + 1.1 * consc - 0.12 * overdue + 0.5 * rng.standard_normal(n)), 3),
                      *_bounds("on_time_ratio"))
    score = 620 + 55 * consc + 35 * strength - 6 * overdue + 30 * rng.standard_normal(n)
    score = np.clip(np.round(score), *_bounds("credit_score"))
    mob = np.clip(np.round(rng.gamma(2.0, 18.0, n) * np.exp(0.15 * consc)), *_bounds("months_on_book"))

    att = consc + 0.6 * rng.standard_normal(n)
    comm_idx = np.where(att < -0.9, 0, np.where(att < 0.5, 1, 2))
    communication = np.array(COMMUNICATION_LEVELS)[comm_idx]
    promises = np.clip(rng.poisson(np.exp(-0.6 - 0.7 * consc + 0.9 * (comm_idx == 0))), *_bounds("broken_promises"))

    def draw(p: np.ndarray) -> np.ndarray:
        return rng.random(n) < p

    info_verified = draw(_sigmoid(2.6 + 0.9 * consc))
    hardship_proof = has_hardship & draw(_sigmoid(0.4 + 0.8 * consc))
    income_proof = draw(_sigmoid(0.1 + 0.7 * consc))
    bank_statements = draw(_sigmoid(-0.1 + 0.7 * consc))
    asset_proof = draw(_sigmoid(-1.0 + 0.5 * consc + 0.6 * strength))
    expense_statement = draw(_sigmoid(-0.6 + 0.7 * consc))
    materials_on_time = draw(_sigmoid(0.6 + 1.0 * consc))

    # Savings (incl. what family would lend), as known when asking: strength drives them; the
    # unemployed and the weak often have next to nothing. Never an effect on approval.
    has_savings = draw(_sigmoid(0.8 + 1.2 * strength - 1.2 * (reasons == "unemployment") - 0.4 * has_hardship))
    lo, hi = _bounds("savings")
    saved = np.exp(np.log(5_000) + 1.0 * strength + 1.0 * rng.standard_normal(n))
    near_zero = rng.random(n) * 500  # a few hundred RMB at most
    savings = np.clip(np.floor(np.where(has_savings, saved, near_zero) / 100) * 100, lo, hi)

    # Down payment: paid out of those savings, so never more than the borrower has.
    pays_down = draw(_sigmoid(-0.6 + 0.6 * strength))
    wanted = np.where(pays_down, np.round(rng.beta(1.5, 5.0, n) * 0.5, 2), 0.0)
    can = np.floor(100 * savings / balance) / 100
    down = np.clip(np.minimum(wanted, can), *_bounds("down_payment_ratio"))

    # The plan: weaker finances ask for longer plans.
    plan = rng.choice(_PLAN_CHOICES, size=n, p=_PLAN_WEIGHTS / _PLAN_WEIGHTS.sum())
    longer = (strength < -0.5) & (rng.random(n) < 0.3)
    plan = np.where(longer, np.minimum(plan * 2, 60), plan)
    # Conscientious borrowers tend to size the plan to what they can pay: the shortest usual plan
    # the plan rule calls affordable, if any.
    disposable = rules.disposable_income(income, expenses, other)
    fits = rules.affordable(rules.instalment(balance[:, None], down[:, None], _PLAN_CHOICES[None, :]),
                            disposable[:, None])
    shortest = np.where(fits.any(axis=1), _PLAN_CHOICES[np.argmax(fits, axis=1)], plan)
    sizes_plan = rng.random(n) < _sigmoid(0.3 + 0.8 * consc)
    plan = np.where(sizes_plan, np.maximum(shortest, np.minimum(plan, 12)), plan)
    plan = np.clip(plan, *_bounds("plan_months"))
    waiver = draw(_sigmoid(-0.4 - 0.3 * strength))
    # Unknown savings: many files lack them, evasive borrowers' more often (the model must cope).
    unknown = rng.random(n) < np.where(comm_idx == 0, SAVINGS_UNKNOWN["evasive"], SAVINGS_UNKNOWN["other"])
    savings = np.where(unknown, np.nan, savings)

    cols = {
        "outstanding_balance": balance.astype(float),
        "days_overdue": days.astype(np.int64),
        "monthly_income": income.astype(float),
        "monthly_expenses": expenses.astype(float),
        "other_debt_payments": other.astype(float),
        "hardship_reason": pd.Categorical(reasons, categories=HARDSHIP_REASONS),
        "hardship_proof": hardship_proof,
        "income_proof": income_proof,
        "bank_statements": bank_statements,
        "asset_proof": asset_proof,
        "expense_statement": expense_statement,
        "credit_score": score.astype(np.int64),
        "past_overdue_count": overdue.astype(np.int64),
        "on_time_ratio": on_time.astype(float),
        "months_on_book": mob.astype(np.int64),
        "communication": pd.Categorical(communication, categories=COMMUNICATION_LEVELS),
        "broken_promises": promises.astype(np.int64),
        "info_verified": info_verified,
        "materials_on_time": materials_on_time,
        "plan_months": plan.astype(np.int64),
        "down_payment_ratio": down.astype(float),
        "penalty_waiver_requested": waiver,
        "savings": savings.astype(float),
        "household_size": _household_size(n, int(seed)),
    }
    df = pd.DataFrame({name: cols[name] for name in FEATURE_NAMES})
    p = _sigmoid(np.asarray(sum(COEF[k] * v for k, v in effect_terms(df).items()), dtype=float))
    df[LABEL] = (rng.random(n) < p).astype(np.int64)
    df[TRUTH] = p
    return df
