"""Three blind synthetic worlds in the xieshang feature contract, each with a known truth.

Written for issue 9 by a helper session that did not see the model's code and never ran it, after the
zoo's changes were made; the model was not changed for them (two ideas tried on them were not kept). Every world is ``make(n, seed)`` returning the
contract's columns plus ``approved`` (Bernoulli(true p), int64) and ``true_probability``.
Each world's truth is a function ``LOGITS[name](frame_or_cols)`` of the observed columns
only, so the contract directions can be checked by nudging columns (see
``check_blind_worlds.py``).

* ``gatekeeper``: strong signal, ~54 % approved. A three-way conjunction bonus
  (proactive AND information verified AND materials on time); the weight of a hardship
  proof depends on the hardship reason; affordability is "how many instalments can be
  covered" (disposable income / instalment and savings / instalment) through saturating
  curves; plan length drawn from {6, 12, 24, 36}; credit score and on-time share driven
  by one latent conduct trait.
* ``murky``: weak signal, ~45 % approved, probabilities mostly 0.3-0.7. Almost a plain
  logistic model: linear in the raw features and in log-money, independent uniform-ish
  marginals, plan length linear (slightly negative, no contract direction).
* ``tangled``: rare approval (~19 %). Documents weighted by the hardship reason, and all
  evidence (documents + hardship proof) with diminishing returns and discounted when the
  information is not verified; credit record as a smooth weakest link of credit score
  and on-time share; past overdues harm more the longer the current delinquency; the
  penalty-waiver request harms more the longer the delinquency; an asymmetric residual
  income affordability; zero-inflated delinquency, heaped plan lengths, credit scores in
  steps of 10; ``savings`` present but irrelevant and unknown in 20 % of rows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import _DOCS, _clip, _finish, _sig

from xieshang.contract import COMMUNICATION_LEVELS, HARDSHIP_REASONS

__all__ = ["BLIND", "LOGITS"]


# ---------------------------------------------------------------- helpers
def _f(cols, name: str) -> np.ndarray:
    return np.asarray(cols[name], dtype=float)


def _b(cols, name: str) -> np.ndarray:
    return np.asarray(cols[name], dtype=bool)


def _codes(cols, name: str) -> np.ndarray:
    x = cols[name]
    if isinstance(x, pd.Series):
        return x.cat.codes.to_numpy().astype(float)
    return np.asarray(pd.Categorical(x).codes, dtype=float)


def _reason_idx(cols) -> np.ndarray:
    x = cols["hardship_reason"]
    if isinstance(x, pd.Series):
        return x.cat.codes.to_numpy()
    return np.asarray(x.codes)


def _cat(values, cats) -> pd.Categorical:
    return pd.Categorical(values, categories=cats)


def _instalment(cols) -> np.ndarray:
    return _f(cols, "outstanding_balance") * (1 - _f(cols, "down_payment_ratio")) / _f(cols, "plan_months")


def _i64(name: str, v) -> np.ndarray:
    return _clip(name, np.round(np.asarray(v, dtype=float))).astype(np.int64)


# ---------------------------------------------------------------- world 1: gatekeeper
_PROOF_W1 = dict(zip(HARDSHIP_REASONS, [0.0, 1.6, 2.0, 0.8, 0.5, 1.2, 0.3]))
_REASON_W1 = dict(zip(HARDSHIP_REASONS, [-1.2, 0.0, 0.1, -0.1, -0.4, 0.0, -0.2]))


def _draw_gatekeeper(n: int, rng: np.random.Generator) -> dict:
    s = rng.standard_normal(n)  # financial strength
    c = 0.5 * s + np.sqrt(0.75) * rng.standard_normal(n)  # conduct
    income = _clip("monthly_income", np.round(np.exp(np.log(7000) + 0.5 * s + 0.4 * rng.standard_normal(n)), -1))
    expenses = _clip("monthly_expenses", np.round(income * rng.beta(3, 5, n) + 600, -1))
    other = _clip("other_debt_payments", np.round(income * rng.beta(1.5, 8, n) * (rng.random(n) < 0.5), -1))
    balance = _clip("outstanding_balance", np.round(np.exp(np.log(30_000) + 0.4 * s + 0.6 * rng.standard_normal(n))))
    savings = np.exp(np.log(8000) + 1.1 * s + 1.2 * rng.standard_normal(n))
    savings = _clip("savings", np.floor(np.where(rng.random(n) < 0.15, rng.random(n) * 300, savings) / 100) * 100)
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.2, 0.2, 0.12, 0.2, 0.1, 0.08, 0.1])
    has = reason != "none"
    days = np.where(rng.random(n) < 0.3, 0, rng.exponential(120 * np.exp(-0.3 * c)))
    level = np.digitize(c + 0.6 * rng.standard_normal(n), [-0.8, 0.5])
    cols = {
        "outstanding_balance": balance.astype(float),
        "days_overdue": _i64("days_overdue", days),
        "monthly_income": income.astype(float),
        "monthly_expenses": expenses.astype(float),
        "other_debt_payments": other.astype(float),
        "hardship_reason": _cat(reason, HARDSHIP_REASONS),
        "hardship_proof": has & (rng.random(n) < _sig(0.5 + 0.8 * c)),
        "credit_score": _i64("credit_score", 600 + 80 * c + 30 * rng.standard_normal(n)),
        "past_overdue_count": _i64("past_overdue_count", rng.poisson(np.exp(0.5 - 0.7 * c))),
        "on_time_ratio": np.round(_clip("on_time_ratio", _sig(2.0 + 1.2 * c + 0.4 * rng.standard_normal(n))), 3),
        "months_on_book": _i64("months_on_book", rng.gamma(2.0, 20.0, n)),
        "communication": _cat(np.array(COMMUNICATION_LEVELS)[level], COMMUNICATION_LEVELS),
        "broken_promises": _i64("broken_promises", rng.poisson(np.exp(-0.5 - 0.6 * c))),
        "info_verified": rng.random(n) < _sig(1.5 + 1.0 * c),
        "materials_on_time": rng.random(n) < _sig(0.3 + 0.8 * c),
        "plan_months": rng.choice([6, 12, 24, 36], n, p=[0.2, 0.35, 0.3, 0.15]).astype(np.int64),
        "down_payment_ratio": np.where(rng.random(n) < 0.35, rng.choice([0.1, 0.2, 0.3], n), 0.0).astype(float),
        "penalty_waiver_requested": rng.random(n) < 0.4,
        "savings": savings.astype(float),
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < _sig(-0.3 + 0.6 * c)
    return cols


def _logit_gatekeeper(cols) -> np.ndarray:
    inst = _instalment(cols)
    disp = _f(cols, "monthly_income") - _f(cols, "monthly_expenses") - _f(cols, "other_debt_payments")
    afford = np.maximum(disp, 0.0) / inst  # instalments covered by one month's spare income
    buffer = _f(cols, "savings") / inst  # instalments covered by savings
    ridx = _reason_idx(cols)
    proof_w = np.array([_PROOF_W1[r] for r in HARDSHIP_REASONS])[ridx]
    reason_w = np.array([_REASON_W1[r] for r in HARDSHIP_REASONS])[ridx]
    level = _codes(cols, "communication")
    iv, mot = _b(cols, "info_verified"), _b(cols, "materials_on_time")
    docs = sum(_f(cols, d) for d in _DOCS)
    return 0.72 * (  # overall scale: strong but realistic log-odds
        -1.2
        + 2.4 * (1 - np.exp(-afford / 1.2))
        + 1.0 * (1 - np.exp(-buffer / 6.0))
        + 1.6 * ((level == 2) & iv & mot)  # three-way conjunction bonus
        + 0.3 * level
        - 1.8 * ~iv
        + 0.2 * mot
        + proof_w * _b(cols, "hardship_proof")  # proof weighs by reason
        + reason_w
        + 0.006 * (_f(cols, "credit_score") - 620)
        + 2.0 * (_f(cols, "on_time_ratio") - 0.85)
        - 1.6 * (1 - np.exp(-_f(cols, "past_overdue_count") / 3.0))
        - 0.35 * np.minimum(_f(cols, "broken_promises"), 6.0)
        - 0.6 * np.log1p(_f(cols, "days_overdue") / 60.0)
        + 0.25 * docs
        - 0.6 * _b(cols, "penalty_waiver_requested")
        + 0.004 * np.minimum(_f(cols, "months_on_book"), 120.0)
    )


def gatekeeper(n: int, seed: int) -> pd.DataFrame:
    """Strong signal, a three-way conjunction bonus, reason-dependent proof, coverage affordability."""
    rng = np.random.default_rng(seed)
    cols = _draw_gatekeeper(n, rng)
    return _finish(cols, _logit_gatekeeper(cols), rng)


# ---------------------------------------------------------------- world 2: murky
def _draw_murky(n: int, rng: np.random.Generator) -> dict:
    income = _clip("monthly_income", np.round(rng.uniform(1500, 30_000, n), -1))
    reason = rng.choice(HARDSHIP_REASONS, n)
    has = reason != "none"
    cols = {
        "outstanding_balance": _clip("outstanding_balance", np.round(rng.uniform(3_000, 150_000, n))).astype(float),
        "days_overdue": _i64("days_overdue", rng.integers(0, 541, n)),
        "monthly_income": income.astype(float),
        "monthly_expenses": _clip("monthly_expenses", np.round(rng.uniform(800, 12_000, n), -1)).astype(float),
        "other_debt_payments": _clip("other_debt_payments", np.round(rng.uniform(0, 6_000, n) * (rng.random(n) < 0.6), -1)).astype(float),
        "hardship_reason": _cat(reason, HARDSHIP_REASONS),
        "hardship_proof": has & (rng.random(n) < 0.5),
        "credit_score": _i64("credit_score", rng.integers(450, 851, n)),
        "past_overdue_count": _i64("past_overdue_count", rng.integers(0, 11, n)),
        "on_time_ratio": np.round(rng.uniform(0.4, 1.0, n), 3),
        "months_on_book": _i64("months_on_book", rng.integers(0, 181, n)),
        "communication": _cat(rng.choice(COMMUNICATION_LEVELS, n), COMMUNICATION_LEVELS),
        "broken_promises": _i64("broken_promises", rng.integers(0, 7, n)),
        "info_verified": rng.random(n) < 0.7,
        "materials_on_time": rng.random(n) < 0.6,
        "plan_months": rng.integers(3, 61, n).astype(np.int64),
        "down_payment_ratio": np.round(rng.uniform(0, 0.5, n), 2),
        "penalty_waiver_requested": rng.random(n) < 0.5,
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < 0.5
    return cols


def _logit_murky(cols) -> np.ndarray:
    docs = sum(_f(cols, d) for d in _DOCS)
    return (
        0.2
        + 0.12 * docs
        + 0.25 * _b(cols, "hardship_proof")
        - 0.15 * (_codes(cols, "hardship_reason") == 0)
        + 0.002 * (_f(cols, "credit_score") - 650)
        + 0.6 * (_f(cols, "on_time_ratio") - 0.7)
        - 0.04 * _f(cols, "past_overdue_count")
        - 0.0008 * _f(cols, "days_overdue")
        + 0.15 * (_codes(cols, "communication") - 1)
        - 0.06 * _f(cols, "broken_promises")
        - 0.35 * ~_b(cols, "info_verified")
        + 0.12 * _b(cols, "materials_on_time")
        - 0.12 * _b(cols, "penalty_waiver_requested")
        + 0.6 * _f(cols, "down_payment_ratio")
        + 0.0015 * _f(cols, "months_on_book")
        - 0.004 * _f(cols, "plan_months")
        + 0.3 * np.log((_f(cols, "monthly_income") + 500) / 10_000)
        - 0.00003 * _f(cols, "monthly_expenses")
        - 0.00005 * _f(cols, "other_debt_payments")
        - 0.25 * np.log(_f(cols, "outstanding_balance") / 50_000)
    )


def murky(n: int, seed: int) -> pd.DataFrame:
    """Weak, almost linear-logistic signal on independent uniform-ish features."""
    rng = np.random.default_rng(seed)
    cols = _draw_murky(n, rng)
    return _finish(cols, _logit_murky(cols), rng)


# ---------------------------------------------------------------- world 3: tangled
# Document weights by hardship reason (rows: HARDSHIP_REASONS; columns: _DOCS =
# income_proof, bank_statements, asset_proof, expense_statement).
_DOC_W3 = np.array([
    [0.6, 0.3, 0.5, 0.1],  # none
    [0.1, 0.5, 0.3, 0.6],  # unemployment
    [0.2, 0.3, 0.2, 0.7],  # illness
    [0.9, 0.6, 0.2, 0.3],  # income_drop
    [0.3, 1.0, 0.6, 0.2],  # business_failure
    [0.2, 0.3, 0.2, 0.8],  # family_emergency
    [0.3, 1.2, 0.4, 0.3],  # other_debts
])
_PROOF_W3 = np.array([0.0, 1.2, 1.5, 0.7, 0.6, 1.0, 0.4])
_REASON_W3 = np.array([-1.0, 0.0, 0.3, -0.2, -0.5, 0.2, -0.4])
_HEAP = np.array([12, 24, 36, 48, 60])


def _draw_tangled(n: int, rng: np.random.Generator) -> dict:
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.15, 0.22, 0.1, 0.2, 0.13, 0.08, 0.12])
    has = reason != "none"
    zero_income = (reason == "unemployment") & (rng.random(n) < 0.45)
    income = np.exp(np.log(6500) + 0.6 * rng.standard_normal(n))
    income = _clip("monthly_income", np.round(np.where(zero_income, 0.0, income), -1))
    expenses = _clip("monthly_expenses", np.round(np.exp(np.log(3500) + 0.45 * rng.standard_normal(n)), -1))
    other = _clip("other_debt_payments", np.round(rng.exponential(np.where(reason == "other_debts", 3000, 900)), -1))
    balance = _clip("outstanding_balance", np.round(np.exp(np.log(20_000) + 0.9 * rng.standard_normal(n))))
    g = rng.standard_normal(n)  # a conduct trait linking record and paperwork
    days = np.where(rng.random(n) < 0.4, 0.0, rng.geometric(1 / 150, n))
    plan = np.where(rng.random(n) < 0.6, rng.choice(_HEAP, n), rng.integers(1, 61, n))
    savings = _clip("savings", np.floor(rng.lognormal(np.log(3000), 1.5, n) / 100) * 100)
    savings = np.where(rng.random(n) < 0.2, np.nan, savings)
    cols = {
        "outstanding_balance": balance.astype(float),
        "days_overdue": _i64("days_overdue", days),
        "monthly_income": income.astype(float),
        "monthly_expenses": expenses.astype(float),
        "other_debt_payments": other.astype(float),
        "hardship_reason": _cat(reason, HARDSHIP_REASONS),
        "hardship_proof": has & (rng.random(n) < _sig(0.2 + 0.6 * g)),
        "credit_score": _i64("credit_score", np.round((630 + 70 * g + 45 * rng.standard_normal(n)) / 10) * 10),
        "past_overdue_count": _i64("past_overdue_count", rng.negative_binomial(2, 1 / (1 + np.exp(0.3 - 0.5 * g)))),
        "on_time_ratio": np.round(_clip("on_time_ratio", rng.beta(np.exp(1.8 + 0.4 * g), 1.0)), 3),
        "months_on_book": _i64("months_on_book", rng.choice([3, 6, 12, 24, 36, 60, 96, 120], n)
                               + rng.integers(0, 3, n)),
        "communication": _cat(rng.choice(COMMUNICATION_LEVELS, n, p=[0.25, 0.5, 0.25]), COMMUNICATION_LEVELS),
        "broken_promises": _i64("broken_promises", rng.poisson(np.exp(0.2 - 0.5 * g))),
        "info_verified": rng.random(n) < 0.8,
        "materials_on_time": rng.random(n) < _sig(0.4 * g),
        "plan_months": _clip("plan_months", plan).astype(np.int64),
        "down_payment_ratio": np.round(np.where(rng.random(n) < 0.25, rng.uniform(0.05, 0.5, n), 0.0), 2),
        "penalty_waiver_requested": rng.random(n) < 0.55,
        "savings": savings.astype(float),
    }
    for j, d in enumerate(_DOCS):
        cols[d] = rng.random(n) < _sig(-0.4 + 0.2 * j + 0.5 * g)
    return cols


def _logit_tangled(cols) -> np.ndarray:
    ridx = _reason_idx(cols)
    docs = np.column_stack([_f(cols, d) for d in _DOCS])
    evidence = (docs * _DOC_W3[ridx]).sum(axis=1) + _PROOF_W3[ridx] * _b(cols, "hardship_proof")
    iv = _b(cols, "info_verified")
    evid_term = 2.4 * (1 - np.exp(-evidence / 1.0)) * (0.3 + 0.7 * iv)  # diminishing, discounted if unverified
    a = (_f(cols, "credit_score") - 600) / 80.0
    b = (_f(cols, "on_time_ratio") - 0.85) / 0.08
    record = -np.logaddexp(-a, -b)  # smooth weakest link of the two
    days = _f(cols, "days_overdue")
    past = _f(cols, "past_overdue_count") * (1 + days / 240.0)
    inst = _instalment(cols)
    resid = _f(cols, "monthly_income") - _f(cols, "monthly_expenses") - _f(cols, "other_debt_payments") - inst
    afford = np.where(resid >= 0, 1.0 * np.tanh(resid / 2500.0), 2.0 * np.tanh(resid / 1500.0))
    level = _codes(cols, "communication")
    promises = _f(cols, "broken_promises")
    none = (ridx == 0).astype(float)
    return 0.75 * (  # overall scale
        -2.55
        + evid_term
        + _REASON_W3[ridx]
        + 1.0 * np.tanh(record / 2.0)
        - 1.8 * (1 - np.exp(-past / 4.0))  # past overdues harm more while the delinquency is long
        - 0.3 * days / 360.0
        + afford
        + 0.5 * level * (1 + 0.6 * none)  # attitude counts more without a stated hardship
        - 0.7 * (promises >= 2) - 0.4 * (promises >= 5)
        - 1.2 * ~iv
        + 0.4 * _b(cols, "materials_on_time")
        - 0.3 * _b(cols, "penalty_waiver_requested") * (1 + days / 360.0)
        + 1.0 * _f(cols, "down_payment_ratio")
        + 0.4 * (1 - np.exp(-_f(cols, "months_on_book") / 24.0))
        - 0.3 * np.log(_f(cols, "outstanding_balance") / 20_000.0)
    )


def tangled(n: int, seed: int) -> pd.DataFrame:
    """Rare approval; reason-weighted, saturating evidence; weakest-link record; interacting delinquency."""
    rng = np.random.default_rng(seed)
    cols = _draw_tangled(n, rng)
    return _finish(cols, _logit_tangled(cols), rng)


BLIND: dict[str, Callable[[int, int], pd.DataFrame]] = {
    "gatekeeper": gatekeeper,
    "murky": murky,
    "tangled": tangled,
}
"""World name -> ``make(n, seed)``."""

LOGITS: dict[str, Callable[[object], np.ndarray]] = {
    "gatekeeper": _logit_gatekeeper,
    "murky": _logit_murky,
    "tangled": _logit_tangled,
}
"""World name -> true logit as a function of the observed columns (a frame or the column dict)."""
