"""A zoo of synthetic worlds in the feature contract, each with its known true probability.

Every world returns the contract's columns plus ``approved`` and
``true_probability``, and keeps the contract's directions (``Feature.direction``):
more past overdues never raise the truth, a document never lowers it... What
differs is the *shape*: marginal distributions, how affordability is judged,
interactions, thresholds, effects that are tiny. A model tuned to one of them
should not be expected to win the others; the benchmark (``bench_worlds.py``)
shows where it does and where it does not.

* ``ours``: :func:`xieshang.generate`, the world the project was designed beside;
* ``other``: :func:`other_generator`, independent uniform-ish features, an
  affordability threshold on income alone, missing documents counting only past 30
  days overdue, attitude halving the harm of past overdues;
* ``soft``: :func:`soft_generator`, correlated log-normal money with many
  negative disposable incomes, a soft affordability (instalment over
  disposable income plus a small floor, so it keeps grading the instalment when
  disposable income is negative), saturating harm of past overdues, step
  effects of delinquency, documents mattering more when a hardship is stated,
  attitude softening the harm of broken promises;
* ``steps``: :func:`steps_generator`, thresholds everywhere (credit score,
  on-time share, months on book), a tiny effect (materials on time), a rare
  approval (about one in five), heavy-tailed balances, a hump in plan length
  (plan length has no contract direction) and documents that only help
  together (a count above two);
* ``mixed`` (:func:`mixed_generator`) and ``linear`` (:func:`linear_generator`),
  added after issue 9's four: a weak signal with a three-way interaction,
  effects by hardship reason and savings weighed against the instalment; and a
  world close to linear-logistic with a strong signal.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from xieshang import generate
from xieshang.contract import COMMUNICATION_LEVELS, FEATURE_NAMES, HARDSHIP_REASONS, LABEL, TRUTH, feature

__all__ = ["WORLDS", "linear_generator", "mixed_generator", "other_generator", "soft_generator", "steps_generator"]

_DOCS = ["income_proof", "bank_statements", "asset_proof", "expense_statement"]


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _clip(name: str, v: np.ndarray) -> np.ndarray:
    f = feature(name)
    return np.clip(v, f.low, f.high)


def _finish(cols: dict, logit: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    df = pd.DataFrame({name: cols[name] for name in FEATURE_NAMES if name in cols})  # savings: absent here
    p = _sig(np.asarray(logit, dtype=float))
    df[LABEL] = (rng.random(len(df)) < p).astype(np.int64)
    df[TRUTH] = p
    return df


def other_generator(n: int, seed: int) -> pd.DataFrame:
    """A second world, unlike ours: independent uniform-ish features, interactions and thresholds.

    The truth keeps the article's directions (documents help, overdues hurt...)
    but its shape differs: the plan's affordability is judged against income
    alone with a sharp threshold, missing documents count only past 30 days overdue, a good
    attitude halves the harm of past overdues, the credit score saturates.
    """
    rng = np.random.default_rng(seed)
    clip = _clip
    income = clip("monthly_income", np.round(rng.gamma(3.0, 2500.0, n), -1))
    cols = {
        "outstanding_balance": clip("outstanding_balance", np.round(rng.uniform(2_000, 120_000, n))),
        "days_overdue": clip("days_overdue", rng.integers(0, 400, n)).astype(np.int64),
        "monthly_income": income,
        "monthly_expenses": clip("monthly_expenses", np.round(income * rng.uniform(0.1, 0.7, n), -1)),
        "other_debt_payments": clip("other_debt_payments", np.round(income * rng.uniform(0, 0.4, n) * (rng.random(n) < 0.4), -1)),
        "hardship_reason": pd.Categorical(rng.choice(HARDSHIP_REASONS, n), categories=HARDSHIP_REASONS),
        "credit_score": clip("credit_score", rng.integers(400, 900, n)).astype(np.int64),
        "past_overdue_count": clip("past_overdue_count", rng.integers(0, 12, n)).astype(np.int64),
        "on_time_ratio": np.round(rng.uniform(0.3, 1.0, n), 3),
        "months_on_book": clip("months_on_book", rng.integers(0, 120, n)).astype(np.int64),
        "communication": pd.Categorical(rng.choice(COMMUNICATION_LEVELS, n, p=[0.3, 0.4, 0.3]),
                                        categories=COMMUNICATION_LEVELS),
        "broken_promises": clip("broken_promises", rng.poisson(1.0, n)).astype(np.int64),
        "plan_months": rng.choice([6, 12, 24, 36, 48, 60], n).astype(np.int64),
        "down_payment_ratio": np.round(rng.uniform(0, 0.4, n) * (rng.random(n) < 0.5), 2),
    }
    has_hardship = cols["hardship_reason"].astype(str) != "none"
    for name in ("income_proof", "bank_statements", "asset_proof", "expense_statement",
                 "info_verified", "materials_on_time", "penalty_waiver_requested"):
        cols[name] = rng.random(n) < 0.5
    cols["info_verified"] = rng.random(n) < 0.85
    cols["hardship_proof"] = np.asarray(has_hardship) & (rng.random(n) < 0.5)
    df = pd.DataFrame({name: cols[name] for name in FEATURE_NAMES if name in cols})  # savings: absent here

    instalment = df.outstanding_balance * (1 - df.down_payment_ratio) / df.plan_months
    share_of_income = instalment / np.maximum(df.monthly_income, 100.0)
    docs = df[_DOCS].sum(axis=1)
    level = df.communication.cat.codes
    logit = (
        0.5
        - 3.0 * _sig((share_of_income - 0.35) * 25)  # sharp affordability threshold
        # once truly delinquent each missing document counts against (delinquency never helps: contract direction)
        - 0.4 * (len(_DOCS) - docs) * (df.days_overdue > 30)
        + 1.2 * df.hardship_proof
        - 0.25 * df.past_overdue_count / (1 + level)  # a good attitude halves the harm
        + 1.5 * np.tanh((df.credit_score - 600) / 120)  # saturating credit score
        + 1.5 * (df.on_time_ratio - 0.7)
        + 0.5 * (level - 1)
        - 0.2 * df.broken_promises
        - 2.0 * ~df.info_verified
        + 0.3 * df.materials_on_time
        - 0.6 * df.penalty_waiver_requested
        + 0.15 * np.log1p(df.months_on_book)
        - 0.8 * (df.hardship_reason.astype(str) == "none")
    ).to_numpy(float)
    p = _sig(logit)
    df[LABEL] = (rng.random(n) < p).astype(np.int64)
    df[TRUTH] = p
    return df


def soft_generator(n: int, seed: int) -> pd.DataFrame:
    """Soft affordability that keeps grading the instalment below zero disposable income; saturations, steps.

    Money is correlated and log-normal, and about a quarter of the rows have
    a negative disposable income; the plan is judged by
    ``instalment / (max(disposable, 0) + 150)`` through a saturating curve,
    so among households with nothing to spare a smaller instalment still
    helps. Past overdues harm with saturation, delinquency acts in steps (30,
    90, 180 days), documents weigh more when a hardship is stated, and a
    better attitude softens the harm of broken promises.
    """
    rng = np.random.default_rng(seed)
    wealth = rng.standard_normal(n)
    conduct = 0.4 * wealth + np.sqrt(1 - 0.16) * rng.standard_normal(n)
    income = _clip("monthly_income", np.round(np.exp(np.log(6000) + 0.6 * wealth + 0.3 * rng.standard_normal(n)), -1))
    income = np.where(rng.random(n) < 0.05, 0.0, income)  # some have no income at all
    expenses = _clip("monthly_expenses", np.round(np.exp(np.log(3000) + 0.3 * wealth + 0.4 * rng.standard_normal(n)), -1))
    other = _clip("other_debt_payments", np.round(np.exp(np.log(1500) + 0.6 * rng.standard_normal(n)) * (rng.random(n) < 0.6), -1))
    balance = _clip("outstanding_balance", np.round(np.exp(np.log(25_000) + 0.3 * wealth + 0.7 * rng.standard_normal(n))))
    reason_p = np.array([0.25, 0.2, 0.1, 0.2, 0.1, 0.05, 0.1])
    reason = rng.choice(HARDSHIP_REASONS, n, p=reason_p)
    has_hardship = reason != "none"
    level_idx = np.digitize(conduct + 0.7 * rng.standard_normal(n), [-0.6, 0.6])
    cols = {
        "outstanding_balance": balance.astype(float),
        "days_overdue": _clip("days_overdue", np.round(rng.exponential(80, n))).astype(np.int64),
        "monthly_income": income.astype(float),
        "monthly_expenses": expenses.astype(float),
        "other_debt_payments": other.astype(float),
        "hardship_reason": pd.Categorical(reason, categories=HARDSHIP_REASONS),
        "hardship_proof": has_hardship & (rng.random(n) < _sig(0.3 + 0.7 * conduct)),
        "credit_score": _clip("credit_score", np.round(640 + 70 * conduct + 30 * rng.standard_normal(n))).astype(np.int64),
        "past_overdue_count": _clip("past_overdue_count", rng.poisson(np.exp(0.8 - 0.6 * conduct))).astype(np.int64),
        "on_time_ratio": np.round(_clip("on_time_ratio", _sig(1.8 + 0.9 * conduct + 0.6 * rng.standard_normal(n))), 3),
        "months_on_book": _clip("months_on_book", np.round(rng.gamma(1.5, 25.0, n))).astype(np.int64),
        "communication": pd.Categorical(np.array(COMMUNICATION_LEVELS)[level_idx], categories=COMMUNICATION_LEVELS),
        "broken_promises": _clip("broken_promises", rng.poisson(np.exp(-0.2 - 0.6 * conduct))).astype(np.int64),
        "info_verified": rng.random(n) < _sig(2.0 + 0.8 * conduct),
        "materials_on_time": rng.random(n) < _sig(0.5 + 0.8 * conduct),
        "plan_months": rng.choice([3, 6, 12, 18, 24, 36, 48, 60], n).astype(np.int64),
        "down_payment_ratio": np.round(rng.beta(1.2, 6.0, n) * 0.5 * (rng.random(n) < 0.4), 2),
        "penalty_waiver_requested": rng.random(n) < 0.45,
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < _sig(-0.2 + 0.6 * conduct)
    instalment = cols["outstanding_balance"] * (1 - cols["down_payment_ratio"]) / cols["plan_months"]
    disposable = income - expenses - other
    burden = instalment / (np.maximum(disposable, 0.0) + 150.0)
    docs = sum(cols[d].astype(float) for d in _DOCS)
    level = level_idx.astype(float)
    days = cols["days_overdue"].astype(float)
    logit = (
        1.4
        - 3.2 * np.tanh(burden / 1.5)  # soft, saturating: grades even where disposable income <= 0
        - 1.2 * (1 - np.exp(-cols["past_overdue_count"] / 2.0))  # saturating harm of past overdues
        - 0.35 * (days > 30) - 0.35 * (days > 90) - 0.5 * (days > 180)  # steps of delinquency
        + docs * (0.12 + 0.28 * has_hardship)  # documents count more when a hardship is stated
        + 1.0 * (cols["hardship_proof"] & has_hardship)
        - 0.45 * cols["broken_promises"] / (1.0 + level)  # attitude softens broken promises
        + 0.4 * level
        + 0.008 * (cols["credit_score"] - 640)
        + 1.2 * (cols["on_time_ratio"] - 0.85)
        - 1.5 * ~cols["info_verified"]
        + 0.35 * cols["materials_on_time"]
        - 0.3 * cols["penalty_waiver_requested"]
        + 0.8 * cols["down_payment_ratio"]
        + 0.1 * np.log1p(cols["months_on_book"] / 12.0)
        - 0.25 * np.log(cols["outstanding_balance"] / 25_000)
        - 0.5 * (~has_hardship)
    )
    return _finish(cols, logit, rng)


def steps_generator(n: int, seed: int) -> pd.DataFrame:
    """Thresholds, a tiny effect, a rare approval and a hump: a world of steps.

    Approval is rare (about one in four). The credit score, the on-time
    share and the months on book act through steps; materials on time has a
    tiny effect; documents help only together (more than two); plan length
    has a hump at 24 months (it has no contract direction); affordability is
    the residual income after the instalment, through a threshold at zero and
    a slope above; balances are heavy-tailed (Pareto).
    """
    rng = np.random.default_rng(seed)
    income = _clip("monthly_income", np.round(rng.lognormal(np.log(9000), 0.7, n), -1))
    expenses = _clip("monthly_expenses", np.round(income * rng.beta(2, 4, n) + 800, -1))
    other = _clip("other_debt_payments", np.round(income * rng.beta(1, 6, n) * (rng.random(n) < 0.5), -1))
    balance = _clip("outstanding_balance", np.round(3_000 * (1 + rng.pareto(1.6, n))))
    reason = rng.choice(HARDSHIP_REASONS, n)
    has_hardship = reason != "none"
    cols = {
        "outstanding_balance": balance.astype(float),
        "days_overdue": _clip("days_overdue", rng.integers(0, 720, n)).astype(np.int64),
        "monthly_income": income.astype(float),
        "monthly_expenses": expenses.astype(float),
        "other_debt_payments": other.astype(float),
        "hardship_reason": pd.Categorical(reason, categories=HARDSHIP_REASONS),
        "hardship_proof": has_hardship & (rng.random(n) < 0.6),
        "credit_score": _clip("credit_score", rng.integers(350, 951, n)).astype(np.int64),
        "past_overdue_count": _clip("past_overdue_count", rng.geometric(0.3, n) - 1).astype(np.int64),
        "on_time_ratio": np.round(rng.beta(5, 1.5, n), 3),
        "months_on_book": _clip("months_on_book", rng.integers(0, 241, n)).astype(np.int64),
        "communication": pd.Categorical(rng.choice(COMMUNICATION_LEVELS, n, p=[0.15, 0.6, 0.25]),
                                        categories=COMMUNICATION_LEVELS),
        "broken_promises": _clip("broken_promises", rng.geometric(0.5, n) - 1).astype(np.int64),
        "info_verified": rng.random(n) < 0.9,
        "materials_on_time": rng.random(n) < 0.5,
        "plan_months": rng.integers(1, 61, n).astype(np.int64),
        "down_payment_ratio": np.round(rng.uniform(0, 0.5, n) * (rng.random(n) < 0.3), 2),
        "penalty_waiver_requested": rng.random(n) < 0.3,
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < 0.45
    instalment = cols["outstanding_balance"] * (1 - cols["down_payment_ratio"]) / cols["plan_months"]
    residual = income - expenses - other - instalment
    docs = sum(cols[d].astype(int) for d in _DOCS)
    score = cols["credit_score"]
    logit = (
        -2.4
        - 1.4 * (residual < 0) + 0.4 * np.tanh(np.maximum(residual, 0) / 3000)  # threshold at zero, then a slope
        + 0.8 * (score >= 600) + 0.6 * (score >= 750)  # credit bands
        + 0.9 * (cols["on_time_ratio"] >= 0.8)
        + 0.3 * (cols["months_on_book"] >= 36)
        + 0.05 * cols["materials_on_time"]  # a tiny effect
        + 0.7 * (docs >= 3)  # documents only help together
        + 0.9 * (cols["hardship_proof"] & has_hardship)
        - 0.5 * np.minimum(cols["past_overdue_count"], 3)
        - 0.3 * cols["broken_promises"]
        + 0.6 * cols["communication"].codes
        - 1.2 * ~cols["info_verified"]
        - 0.4 * cols["penalty_waiver_requested"]
        - 0.6 * ((cols["plan_months"] - 24) / 24.0) ** 2  # plan length: a hump (no contract direction)
        - 0.4 * (cols["days_overdue"] > 360)
    )
    return _finish(cols, logit, rng)


def mixed_generator(n: int, seed: int) -> pd.DataFrame:
    """Weak signal, a three-way interaction, effects by hardship reason, savings against the instalment.

    Added after the four worlds of issue 9. Approval is harder to predict than
    in the others (the truth's own AUC is about 0.83); a proactive borrower with verified
    information and materials on time earns a bonus (a three-way interaction);
    each hardship reason has its own effect, and the proof weighs more for
    illness or unemployment; documents weigh differently with diminishing
    returns; affordability is a smooth threshold on the instalment's share of
    income, and savings covering three instalments help; the credit score and
    the on-time share are correlated.
    """
    rng = np.random.default_rng(seed)
    income = _clip("monthly_income", np.round(rng.lognormal(8.8, 0.5, n), -1))
    z = rng.normal(size=n)
    score = _clip("credit_score", np.round(650 + 90 * z + 40 * rng.normal(size=n))).astype(np.int64)
    ontime = np.round(np.clip(_sig(1.6 + 0.9 * z + 0.7 * rng.normal(size=n)), 0, 1), 3)
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.1])
    has = reason != "none"
    cols = {
        "outstanding_balance": _clip("outstanding_balance", np.round(rng.lognormal(10, 0.9, n))).astype(float),
        "days_overdue": _clip("days_overdue", np.round(rng.exponential(90, n))).astype(np.int64),
        "monthly_income": income.astype(float),
        "monthly_expenses": _clip("monthly_expenses", np.round(income * rng.uniform(0.2, 0.8, n), -1)).astype(float),
        "other_debt_payments": _clip("other_debt_payments", np.round(income * rng.uniform(0, 0.3, n) * (rng.random(n) < 0.3), -1)).astype(float),
        "hardship_reason": pd.Categorical(reason, categories=HARDSHIP_REASONS),
        "hardship_proof": has & (rng.random(n) < 0.55),
        "credit_score": score,
        "past_overdue_count": _clip("past_overdue_count", rng.poisson(np.exp(0.3 - 0.5 * z))).astype(np.int64),
        "on_time_ratio": ontime,
        "months_on_book": _clip("months_on_book", rng.integers(0, 200, n)).astype(np.int64),
        "communication": pd.Categorical(rng.choice(COMMUNICATION_LEVELS, n, p=[0.25, 0.45, 0.3]), categories=COMMUNICATION_LEVELS),
        "broken_promises": _clip("broken_promises", rng.poisson(0.7, n)).astype(np.int64),
        "info_verified": rng.random(n) < 0.8,
        "materials_on_time": rng.random(n) < 0.6,
        "plan_months": rng.choice([3, 6, 12, 18, 24, 36, 48, 60], n).astype(np.int64),
        "down_payment_ratio": np.round(rng.uniform(0, 0.3, n) * (rng.random(n) < 0.4), 2),
        "penalty_waiver_requested": rng.random(n) < 0.4,
        "savings": np.round(rng.lognormal(9, 1.2, n) * (rng.random(n) < 0.7), -1),
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < 0.5
    inst = cols["outstanding_balance"] * (1 - cols["down_payment_ratio"]) / cols["plan_months"]
    to_income = inst / np.maximum(income, 100)
    comm = cols["communication"].codes
    reason_effect = pd.Series(reason).map({"none": -0.5, "unemployment": 0.6, "illness": 0.9, "income_drop": 0.3,
                                           "business_failure": 0.2, "family_emergency": 0.5, "other_debts": 0.0}).to_numpy()
    wdocs = 1.0 * cols["income_proof"] + 0.8 * cols["bank_statements"] + 0.5 * cols["asset_proof"] + 0.6 * cols["expense_statement"]
    strong = np.isin(reason, ["illness", "unemployment"])
    logit = (
        0.3
        - 2.5 * _sig((to_income - 0.3) * 12)
        + 0.4 * (cols["savings"] >= 3 * inst)
        + reason_effect
        + 0.8 * np.log1p(wdocs)
        + cols["hardship_proof"] * np.where(strong, 0.7, 0.3)
        + 0.004 * (score - 650)
        - 0.3 * np.sqrt(cols["past_overdue_count"])
        - 0.5 * np.minimum(cols["broken_promises"], 2)
        + 2.0 * (np.minimum(ontime, 0.95) - 0.8)
        + 0.2 * (cols["months_on_book"] > 12)
        - 0.002 * cols["days_overdue"]
        - 0.3 * cols["penalty_waiver_requested"]
        + 0.3 * comm
        + 0.8 * ((comm == 2) & cols["info_verified"] & cols["materials_on_time"])  # a three-way bonus
        - 0.8 * ~cols["info_verified"]
    )
    return _finish(cols, logit, rng)


def linear_generator(n: int, seed: int) -> pd.DataFrame:
    """Close to linear-logistic in the raw columns, with a strong signal.

    Added after the four worlds of issue 9: every effect is linear in a raw
    column (affordability in the instalment's share of income), no threshold,
    no interaction; balances scale with income.
    """
    rng = np.random.default_rng(seed)
    income = _clip("monthly_income", np.round(rng.gamma(4.0, 2200.0, n), -1))
    reason = rng.choice(HARDSHIP_REASONS, n)
    has = reason != "none"
    cols = {
        "outstanding_balance": _clip("outstanding_balance", np.round(income * rng.uniform(1, 12, n))).astype(float),
        "days_overdue": _clip("days_overdue", rng.integers(0, 540, n)).astype(np.int64),
        "monthly_income": income.astype(float),
        "monthly_expenses": _clip("monthly_expenses", np.round(income * rng.uniform(0.2, 0.6, n), -1)).astype(float),
        "other_debt_payments": _clip("other_debt_payments", np.round(income * rng.uniform(0, 0.25, n), -1)).astype(float),
        "hardship_reason": pd.Categorical(reason, categories=HARDSHIP_REASONS),
        "hardship_proof": has & (rng.random(n) < 0.5),
        "credit_score": _clip("credit_score", rng.integers(400, 900, n)).astype(np.int64),
        "past_overdue_count": _clip("past_overdue_count", rng.integers(0, 8, n)).astype(np.int64),
        "on_time_ratio": np.round(rng.uniform(0.4, 1.0, n), 3),
        "months_on_book": _clip("months_on_book", rng.integers(0, 150, n)).astype(np.int64),
        "communication": pd.Categorical(rng.choice(COMMUNICATION_LEVELS, n), categories=COMMUNICATION_LEVELS),
        "broken_promises": _clip("broken_promises", rng.integers(0, 5, n)).astype(np.int64),
        "info_verified": rng.random(n) < 0.85,
        "materials_on_time": rng.random(n) < 0.5,
        "plan_months": rng.integers(3, 61, n).astype(np.int64),
        "down_payment_ratio": np.round(rng.uniform(0, 0.5, n) * (rng.random(n) < 0.5), 2),
        "penalty_waiver_requested": rng.random(n) < 0.5,
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < 0.4
    inst = cols["outstanding_balance"] * (1 - cols["down_payment_ratio"]) / cols["plan_months"]
    logit = (
        -0.5
        - 1.5 * inst / np.maximum(income, 500)
        + 0.8 * cols["hardship_proof"] + 0.3 * has
        + sum(0.35 * cols[d] for d in _DOCS)
        + 0.006 * (cols["credit_score"] - 650)
        - 0.25 * cols["past_overdue_count"]
        + 2.5 * (cols["on_time_ratio"] - 0.7)
        + 0.004 * cols["months_on_book"]
        + 0.6 * cols["communication"].codes
        - 0.35 * cols["broken_promises"]
        + 1.0 * cols["info_verified"] + 0.4 * cols["materials_on_time"]
        - 0.5 * cols["penalty_waiver_requested"]
        - 0.002 * cols["days_overdue"]
        + 0.00002 * (income - 8000)
    )
    return _finish(cols, logit, rng)


def _ours(n: int, seed: int) -> pd.DataFrame:
    return generate(n, seed=seed)


WORLDS: dict[str, Callable[[int, int], pd.DataFrame]] = {
    "ours": _ours,
    "other": other_generator,
    "soft": soft_generator,
    "steps": steps_generator,
    "mixed": mixed_generator,
    "linear": linear_generator,
}
"""World name -> ``make(n, seed)`` returning contract rows with ``approved`` and ``true_probability``."""
