"""Four blind synthetic worlds whose truth is a lender's *policy*: rules, not smooth curves.

Written by a helper session that did not see the model's code and never ran it or
the benchmark. The interface is that of ``bench/blind_worlds.py``: every world is
``make(n, seed)`` returning the contract's columns plus ``approved`` (Bernoulli(true
p), int64) and ``true_probability``; :data:`BLIND` maps a world's name to ``make``
and :data:`LOGITS` to its true logit as a function of the observed columns only (a
frame or the column dict), so the contract directions can be checked by nudging
columns (run this file: ``python policy_worlds.py``). Same seed, same rows.

A real collections desk decides by a rule book. Each world below turns one rule book
into log-odds with steps, gates, caps and floors; a modest overall slope then keeps
the truth off 0 and 1 (a reviewer's discretion), so even a perfect model is unsure.
Every rule only ever moves the truth the contract's way: a gate, cap or floor applies
to a class entered by getting *worse* (gate, cap) or *better* (floor) on a directed
column, and caps and floors clip the log-odds (``min`` / ``max``), never replace them.

* ``gates`` (~42 % approved): a points-like sum of steps (credit score cliffs at 560
  and 620, a bonus from 700; on-time share 0.9 or more; overdue episodes 2+ and 5+;
  broken promises 1+ and 3+; delinquency past 30, 90 and 180 days; the plan affordable
  by :func:`xieshang.rules.affordable`, more if disposable income covers two
  instalments; documents; attitude) under three hard gates: more than 90 days overdue
  without income proof caps p at 6 %; information that did not check out caps it at
  4 %; a balance above 100,000 RMB without asset proof caps it at 15 % (the gates bind in
  ~28 % of rows). Log-odds = 0.6 x the sum of steps.
* ``scorecard`` (~36 % approved): a two-stage policy. The screen knocks out (p at most
  5 %) four or more broken promises, eight or more overdue episodes, or a plan that
  cannot be paid at all (no disposable income and savings under three instalments):
  ~14 % of rows.
  Survivors are scored in points with capped items (credit bands up to 40, documents 6
  each but at most 18, broken promises -7 each but at most -21, overdue episodes -4
  each but at most -20, instalment-to-disposable bands 30/20/10, savings cushions of 3
  and 6 instalments...), the total capped at 110; log-odds = (points - 70) / 13.
  Independent, bureau-like marginals; savings unknown in 15 % of rows.
* ``cushion`` (~42 % approved): capacity first. The capacity tier is the best of: an
  affordable plan (more if savings also cover 3 instalments), savings covering 6
  instalments (the cushion carries an unaffordable plan), savings covering 3. A
  "trusted payer" bonus needs three things together (on-time share >= 0.9, at most one
  overdue episode, credit score >= 650). Caps: an evasive borrower never above 30 %,
  more than 180 days overdue never above 50 %. Floor: a proved serious hardship
  (unemployment, illness or family emergency, with proof, verified information and
  materials on time) never below 25 %. Log-odds = 0.9 x the sum of steps before the caps
  and the floor. Many households have no disposable income.
* ``two_stage`` (~38 % approved): the columns of :func:`xieshang.generate` (the
  project's own world), but approval needs two independent passes, p = p_screen x
  p_review. The automatic screen looks at the credit record only (score steps at 580
  and 650, verified information, broken promises 2+, overdue episodes 3+, on-time share
  0.9, 120+ days overdue); the manual review at the case (documents count up to two,
  hardship proof, affordability, attitude, down payment, waiver request, savings
  covering 6 instalments). Each stage passes ~55-60 %; the truth is not additive in
  log-odds. Savings unknown in ~15 % of rows, as in the project's world.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from xieshang import generate, rules
from xieshang.contract import (
    COMMUNICATION_LEVELS,
    FEATURE_NAMES,
    FEATURES,
    HARDSHIP_REASONS,
    LABEL,
    TRUTH,
    feature,
)

__all__ = ["BLIND", "LOGITS", "cushion", "gates", "scorecard", "two_stage"]

_DOCS = ("income_proof", "bank_statements", "asset_proof", "expense_statement")
_SERIOUS = ("unemployment", "illness", "family_emergency")


# ---------------------------------------------------------------- helpers
def _sig(x: np.ndarray) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    """Log-odds of a probability (for caps and floors)."""
    return float(np.log(p / (1.0 - p)))


def _f(cols, name: str) -> np.ndarray:
    """A column as floats (a frame's column or a dict entry)."""
    return np.asarray(cols[name], dtype=float)


def _b(cols, name: str) -> np.ndarray:
    """A column as booleans."""
    return np.asarray(cols[name], dtype=bool)


def _codes(cols, name: str) -> np.ndarray:
    """Category codes of a categorical column (ordinal for ``communication``)."""
    x = cols[name]
    if isinstance(x, pd.Series):
        return x.cat.codes.to_numpy()
    return np.asarray(pd.Categorical(x).codes)


def _reason_in(cols, reasons: tuple[str, ...]) -> np.ndarray:
    """Whether the hardship reason is one of ``reasons``."""
    idx = [HARDSHIP_REASONS.index(r) for r in reasons]
    return np.isin(_codes(cols, "hardship_reason"), idx)


def _steps(x: np.ndarray, cuts: list[float], weights: list[float]) -> np.ndarray:
    """Sum of ``weight`` for every cut that ``x`` reaches (``x >= cut``)."""
    return sum(w * (x >= c) for c, w in zip(cuts, weights))


def _docs(cols) -> np.ndarray:
    """Number of supporting documents handed in (0-4)."""
    return sum(_f(cols, d) for d in _DOCS)


def _proof(cols) -> np.ndarray:
    """A hardship proof that counts: only where a hardship is stated."""
    return _b(cols, "hardship_proof") & ~_reason_in(cols, ("none",))


def _plan(cols) -> tuple[np.ndarray, np.ndarray]:
    """``(instalment, disposable income)`` by the project's plan rule."""
    inst, disp = rules.plan_terms(cols)
    return np.asarray(inst, dtype=float), np.asarray(disp, dtype=float)


def _cover(cols, inst: np.ndarray) -> np.ndarray:
    """Instalments the savings cover; unknown savings cover none."""
    if "savings" not in cols:
        return np.zeros(len(inst))
    return np.nan_to_num(_f(cols, "savings") / inst, nan=0.0)


def _clip(name: str, v) -> np.ndarray:
    """Clip values to the contract's range of ``name``."""
    f = feature(name)
    return np.clip(np.asarray(v, dtype=float), f.low, f.high)


def _i64(name: str, v) -> np.ndarray:
    """Round, clip to the contract's range and store as int64."""
    return _clip(name, np.round(np.asarray(v, dtype=float))).astype(np.int64)


def _money(name: str, v, step: float = 10.0) -> np.ndarray:
    """Round money to ``step`` RMB and clip to the contract's range."""
    return _clip(name, np.round(np.asarray(v, dtype=float) / step) * step)


def _cat(values, cats) -> pd.Categorical:
    """A categorical with the contract's categories."""
    return pd.Categorical(values, categories=cats)


def _comm(levels: np.ndarray) -> pd.Categorical:
    """Communication levels from ordinal codes 0-2."""
    return _cat(np.array(COMMUNICATION_LEVELS)[levels], COMMUNICATION_LEVELS)


def _finish(cols: dict, logit: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """The contract's columns in order, plus the label and the truth."""
    df = pd.DataFrame({name: cols[name] for name in FEATURE_NAMES if name in cols})
    p = _sig(np.asarray(logit, dtype=float))
    df[LABEL] = (rng.random(len(df)) < p).astype(np.int64)
    df[TRUTH] = p
    return df


# ---------------------------------------------------------------- world 1: gates
def _money_gates(n: int, rng: np.random.Generator, s: np.ndarray, reason: np.ndarray) -> dict:
    """Money columns: log-normal income cut by unemployment, some large balances."""
    income = np.exp(np.log(6500) + 0.5 * s + 0.35 * rng.standard_normal(n))
    income = np.where(reason == "unemployment", income * rng.beta(1.0, 3.0, n), income)
    savings = _money("savings", rng.lognormal(np.log(4000) + 0.9 * s, 1.2), 100.0)
    return {
        "outstanding_balance": _money("outstanding_balance", np.exp(np.log(25_000) + 0.5 * s + 0.8 * rng.standard_normal(n)), 1.0),
        "monthly_income": _money("monthly_income", income),
        "monthly_expenses": _money("monthly_expenses", 800 + income * rng.beta(2, 5, n)),
        "other_debt_payments": _money("other_debt_payments", income * rng.beta(1.5, 7, n) * (rng.random(n) < 0.5)),
        "savings": np.where(rng.random(n) < 0.1, np.nan, savings),
    }


def _record_gates(n: int, rng: np.random.Generator, c: np.ndarray) -> dict:
    """Credit record and attitude, driven by a conduct trait ``c``."""
    level = np.digitize(c + 0.7 * rng.standard_normal(n), [-0.8, 0.6])
    late = rng.gamma(2.0, 60.0 * np.exp(-0.3 * c))
    return {
        "days_overdue": _i64("days_overdue", np.where(rng.random(n) < 0.25, rng.integers(0, 31, n), late)),
        "credit_score": _i64("credit_score", 610 + 65 * c + 30 * rng.standard_normal(n)),
        "past_overdue_count": _i64("past_overdue_count", rng.poisson(np.exp(0.6 - 0.7 * c))),
        "on_time_ratio": np.round(_clip("on_time_ratio", _sig(2.0 + 1.0 * c + 0.5 * rng.standard_normal(n))), 3),
        "months_on_book": _i64("months_on_book", rng.gamma(2.0, 20.0, n)),
        "communication": _comm(level),
        "broken_promises": _i64("broken_promises", rng.poisson(np.exp(-0.4 - 0.6 * c + 0.5 * (level == 0)))),
        "info_verified": rng.random(n) < _sig(2.2 + 0.8 * c),
        "materials_on_time": rng.random(n) < _sig(0.5 + 0.8 * c),
    }


def _paperwork(n: int, rng: np.random.Generator, c: np.ndarray, reason: np.ndarray, base: float) -> dict:
    """Hardship reason, proof and the four documents (more for conscientious borrowers)."""
    cols = {
        "hardship_reason": _cat(reason, HARDSHIP_REASONS),
        "hardship_proof": (reason != "none") & (rng.random(n) < _sig(base + 0.5 + 0.7 * c)),
    }
    for d in _DOCS:
        cols[d] = rng.random(n) < _sig(base + 0.6 * c)
    return cols


def _terms_gates(n: int, rng: np.random.Generator) -> dict:
    """The plan's own terms in world ``gates``."""
    return {
        "plan_months": rng.choice([3, 6, 12, 18, 24, 36, 48, 60], n).astype(np.int64),
        "down_payment_ratio": np.where(rng.random(n) < 0.3, rng.choice([0.05, 0.1, 0.2, 0.3], n), 0.0),
        "penalty_waiver_requested": rng.random(n) < 0.45,
    }


def _draw_gates(n: int, rng: np.random.Generator) -> dict:
    """All columns of world ``gates``."""
    s = rng.standard_normal(n)
    c = 0.4 * s + np.sqrt(0.84) * rng.standard_normal(n)
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.18, 0.22, 0.1, 0.22, 0.1, 0.08, 0.1])
    cols = _money_gates(n, rng, s, reason)
    cols |= _record_gates(n, rng, c)
    cols |= _paperwork(n, rng, c, reason, 0.0)
    cols |= _terms_gates(n, rng)
    return cols


def _score_gates(cols) -> np.ndarray:
    """The policy's sum of steps, before the gates (log-odds units)."""
    inst, disp = _plan(cols)
    score, level = _f(cols, "credit_score"), _codes(cols, "communication")
    return (
        -3.85  # the score's zero point: an average borrower starts below the line
        + 1.4 * rules.affordable(inst, disp) + 0.6 * (disp >= 2 * inst)
        + _steps(score, [560, 620, 700], [1.8, 0.9, 0.5])  # cliffs
        + 0.6 * (_f(cols, "on_time_ratio") >= 0.9)
        - _steps(_f(cols, "past_overdue_count"), [2, 5], [0.4, 0.6])
        - _steps(_f(cols, "broken_promises"), [1, 3], [0.5, 0.7])
        - _steps(_f(cols, "days_overdue"), [31, 91, 181], [0.4, 0.4, 0.3])
        + 0.9 * _proof(cols) - 0.6 * _reason_in(cols, ("none",))
        + 0.35 * _docs(cols)
        + 0.8 * (level >= 1) + 0.5 * (level >= 2)
        + 0.4 * _b(cols, "materials_on_time") - 0.5 * _b(cols, "penalty_waiver_requested")
        + _steps(_f(cols, "down_payment_ratio"), [0.1, 0.3], [0.5, 0.4])
        + 0.3 * (_f(cols, "months_on_book") >= 24)
        - 0.3 * (_f(cols, "outstanding_balance") > 50_000)
    )


def _logit_gates(cols) -> np.ndarray:
    """Steps scaled by a modest slope, then capped by the three hard gates."""
    logit = 0.6 * _score_gates(cols)
    late_no_income = (_f(cols, "days_overdue") > 90) & ~_b(cols, "income_proof")
    big_no_assets = (_f(cols, "outstanding_balance") > 100_000) & ~_b(cols, "asset_proof")
    logit = np.where(late_no_income, np.minimum(logit, _logit(0.06)), logit)
    logit = np.where(~_b(cols, "info_verified"), np.minimum(logit, _logit(0.04)), logit)
    return np.where(big_no_assets, np.minimum(logit, _logit(0.15)), logit)


def gates(n: int, seed: int) -> pd.DataFrame:
    """Steps and cliffs under hard gates (income proof when long overdue, verified info, asset proof)."""
    rng = np.random.default_rng(seed)
    cols = _draw_gates(n, rng)
    return _finish(cols, _logit_gates(cols), rng)


# ---------------------------------------------------------------- world 2: scorecard
def _money_scorecard(n: int, rng: np.random.Generator) -> dict:
    """Independent money columns; savings zero-heavy and unknown in 15 % of rows."""
    income = rng.gamma(2.5, 3000.0, n)
    savings = np.where(rng.random(n) < 0.25, rng.random(n) * 300, rng.lognormal(8.3, 1.4, n))
    return {
        "outstanding_balance": _money("outstanding_balance", rng.lognormal(np.log(20_000), 0.9, n), 1.0),
        "monthly_income": _money("monthly_income", income),
        "monthly_expenses": _money("monthly_expenses", income * rng.uniform(0.15, 0.75, n) + 500),
        "other_debt_payments": _money("other_debt_payments", rng.exponential(1500, n) * (rng.random(n) < 0.45)),
        "savings": np.where(rng.random(n) < 0.15, np.nan, _money("savings", savings, 100.0)),
    }


def _record_scorecard(n: int, rng: np.random.Generator) -> dict:
    """Bureau-like record columns, drawn independently."""
    days = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 361, n))
    return {
        "days_overdue": _i64("days_overdue", days),
        "credit_score": _i64("credit_score", np.round(rng.normal(640, 90, n) / 5) * 5),
        "past_overdue_count": _i64("past_overdue_count", rng.geometric(0.35, n) - 1),
        "on_time_ratio": np.round(rng.beta(6.0, 1.5, n), 3),
        "months_on_book": _i64("months_on_book", rng.integers(0, 181, n)),
        "communication": _comm(rng.choice(3, n, p=[0.2, 0.5, 0.3])),
        "broken_promises": _i64("broken_promises", rng.geometric(0.55, n) - 1),
        "info_verified": rng.random(n) < 0.88,
        "materials_on_time": rng.random(n) < 0.6,
    }


def _draw_scorecard(n: int, rng: np.random.Generator) -> dict:
    """All columns of world ``scorecard``."""
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.2, 0.2, 0.12, 0.2, 0.1, 0.08, 0.1])
    cols = _money_scorecard(n, rng) | _record_scorecard(n, rng)
    cols |= _paperwork(n, rng, np.zeros(n), reason, -0.2)
    down = np.round(rng.uniform(0.05, 0.4, n), 2) * (rng.random(n) < 0.4)
    cols |= {
        "plan_months": rng.integers(3, 49, n).astype(np.int64),
        "down_payment_ratio": down,
        "penalty_waiver_requested": rng.random(n) < 0.4,
    }
    return cols


def _capacity_points(cols) -> np.ndarray:
    """Points for the instalment's share of disposable income and the savings cushion."""
    inst, disp = _plan(cols)
    share = np.where(disp > 0, inst / np.where(disp > 0, disp, 1.0), np.inf)
    cover = _cover(cols, inst)
    return (
        10 * (share <= 0.8) + 10 * (share <= 0.5) + 10 * (share <= 0.3)
        + 5 * (cover >= 3) + 5 * (cover >= 6)
        + _steps(_f(cols, "down_payment_ratio"), [0.1, 0.2], [4, 4])
    )


def _record_points(cols) -> np.ndarray:
    """Points for the credit record, each item capped."""
    return (
        _steps(_f(cols, "credit_score"), [520, 580, 640, 700, 760], [8] * 5)
        + _steps(_f(cols, "on_time_ratio"), [0.7, 0.85, 0.95], [8] * 3)
        + _steps(_f(cols, "months_on_book"), [12, 36], [4, 4])
        - 7 * np.minimum(_f(cols, "broken_promises"), 3)
        - 4 * np.minimum(_f(cols, "past_overdue_count"), 5)
        - _steps(_f(cols, "days_overdue"), [31, 91, 181, 361], [4, 6, 6, 6])
    )


def _case_points(cols) -> np.ndarray:
    """Points for the case: documents (capped), proof, attitude, conduct of the request."""
    level = _codes(cols, "communication")
    return (
        6 * np.minimum(_docs(cols), 3)
        + 14 * _proof(cols) - 10 * _reason_in(cols, ("none",))
        + 6 * (level >= 1) + 6 * (level >= 2)
        + 5 * _b(cols, "materials_on_time") - 20 * ~_b(cols, "info_verified")
        - 6 * _b(cols, "penalty_waiver_requested")
    )


def _knocked_out(cols) -> np.ndarray:
    """Stage one: the screen's knock-out rules."""
    inst, disp = _plan(cols)
    unpayable = (disp <= 0) & (_cover(cols, inst) < 3)
    return (_f(cols, "broken_promises") >= 4) | (_f(cols, "past_overdue_count") >= 8) | unpayable


def _logit_scorecard(cols) -> np.ndarray:
    """Stage two's capped points on a modest slope; knocked-out rows capped at 5 %."""
    points = np.minimum(_capacity_points(cols) + _record_points(cols) + _case_points(cols), 110.0)
    logit = (points - 70.0) / 13.0
    return np.where(_knocked_out(cols), np.minimum(logit, _logit(0.05)), logit)


def scorecard(n: int, seed: int) -> pd.DataFrame:
    """Screen then score: knock-out rules, then a points scorecard with capped items and total."""
    rng = np.random.default_rng(seed)
    cols = _draw_scorecard(n, rng)
    return _finish(cols, _logit_scorecard(cols), rng)


# ---------------------------------------------------------------- world 3: cushion
def _money_cushion(n: int, rng: np.random.Generator, s: np.ndarray) -> dict:
    """Tight budgets (many without disposable income) and widely spread savings."""
    income = np.exp(np.log(5500) + 0.45 * s + 0.4 * rng.standard_normal(n))
    income = np.where(rng.random(n) < 0.06, 0.0, income)
    savings = _money("savings", rng.lognormal(np.log(6000) + 1.2 * s, 1.3), 100.0)
    return {
        "outstanding_balance": _money("outstanding_balance", np.exp(np.log(18_000) + 0.4 * s + 0.7 * rng.standard_normal(n)), 1.0),
        "monthly_income": _money("monthly_income", income),
        "monthly_expenses": _money("monthly_expenses", np.exp(np.log(3200) + 0.2 * s + 0.4 * rng.standard_normal(n))),
        "other_debt_payments": _money("other_debt_payments", rng.lognormal(np.log(1200), 0.7, n) * (rng.random(n) < 0.55)),
        "savings": np.where(rng.random(n) < 0.12, np.nan, savings),
    }


def _record_cushion(n: int, rng: np.random.Generator, c: np.ndarray) -> dict:
    """Record and attitude from a conduct trait; credit scores in steps of 10."""
    level = np.digitize(c + 0.6 * rng.standard_normal(n), [-0.7, 0.5])
    return {
        "days_overdue": _i64("days_overdue", rng.exponential(100 * np.exp(-0.25 * c))),
        "credit_score": _i64("credit_score", np.round((630 + 70 * c + 35 * rng.standard_normal(n)) / 10) * 10),
        "past_overdue_count": _i64("past_overdue_count", rng.poisson(np.exp(0.3 - 0.8 * c))),
        "on_time_ratio": np.round(_clip("on_time_ratio", rng.beta(np.exp(1.9 + 0.6 * c), 1.0)), 3),
        "months_on_book": _i64("months_on_book", rng.gamma(1.6, 25.0, n)),
        "communication": _comm(level),
        "broken_promises": _i64("broken_promises", rng.poisson(np.exp(-0.3 - 0.6 * c))),
        "info_verified": rng.random(n) < _sig(2.0 + 0.9 * c),
        "materials_on_time": rng.random(n) < _sig(0.4 + 0.9 * c),
    }


def _draw_cushion(n: int, rng: np.random.Generator) -> dict:
    """All columns of world ``cushion``."""
    s = rng.standard_normal(n)
    c = 0.3 * s + np.sqrt(0.91) * rng.standard_normal(n)
    reason = rng.choice(HARDSHIP_REASONS, n, p=[0.15, 0.22, 0.13, 0.2, 0.1, 0.1, 0.1])
    cols = _money_cushion(n, rng, s) | _record_cushion(n, rng, c)
    cols |= _paperwork(n, rng, c, reason, -0.1)
    cols |= {
        "plan_months": rng.choice([6, 12, 24, 36, 48, 60], n, p=[0.1, 0.25, 0.25, 0.2, 0.1, 0.1]).astype(np.int64),
        "down_payment_ratio": np.round(rng.beta(1.5, 5.0, n) * 0.5, 2) * (rng.random(n) < 0.3),
        "penalty_waiver_requested": rng.random(n) < 0.5,
    }
    return cols


def _capacity_tier(cols) -> np.ndarray:
    """The best of the capacity routes: an affordable plan, or savings that carry it."""
    inst, disp = _plan(cols)
    ok, cover = rules.affordable(inst, disp), _cover(cols, inst)
    routes = [1.6 * ok + 0.7 * (ok & (cover >= 3)), 1.1 * (cover >= 6), 0.5 * (cover >= 3)]
    return np.maximum.reduce(routes)


def _score_cushion(cols) -> np.ndarray:
    """Capacity tier, trusted-payer conjunction and the other steps (log-odds units)."""
    score, level = _f(cols, "credit_score"), _codes(cols, "communication")
    trusted = (_f(cols, "on_time_ratio") >= 0.9) & (_f(cols, "past_overdue_count") <= 1) & (score >= 650)
    return (
        -2.15
        + _capacity_tier(cols)
        + 1.2 * trusted - 0.9 * (score < 550) - 0.4 * (_f(cols, "past_overdue_count") >= 4)
        - _steps(_f(cols, "days_overdue"), [31, 91, 181], [0.3, 0.5, 0.6])
        + 0.3 * np.minimum(_docs(cols), 3) + 0.8 * _proof(cols) - 0.8 * _reason_in(cols, ("none",))
        + 0.4 * (level >= 1) + 0.4 * (level >= 2)
        - 0.3 * np.minimum(_f(cols, "broken_promises"), 3)
        - 1.5 * ~_b(cols, "info_verified") + 0.3 * _b(cols, "materials_on_time")
        - 0.4 * _b(cols, "penalty_waiver_requested") + 1.0 * _f(cols, "down_payment_ratio")
        - 0.4 * (_f(cols, "outstanding_balance") > 60_000)
    )


def _logit_cushion(cols) -> np.ndarray:
    """Steps on a modest slope, capped for evasive or very late borrowers, floored for proved hardship."""
    logit = 0.9 * _score_cushion(cols)
    logit = np.where(_codes(cols, "communication") == 0, np.minimum(logit, _logit(0.30)), logit)
    logit = np.where(_f(cols, "days_overdue") > 180, np.minimum(logit, _logit(0.50)), logit)
    proved = (_reason_in(cols, _SERIOUS) & _b(cols, "hardship_proof")
              & _b(cols, "info_verified") & _b(cols, "materials_on_time"))
    return np.where(proved, np.maximum(logit, _logit(0.25)), logit)


def cushion(n: int, seed: int) -> pd.DataFrame:
    """Capacity first (affordability or a savings cushion), a conjunction bonus, class caps and a floor."""
    rng = np.random.default_rng(seed)
    cols = _draw_cushion(n, rng)
    return _finish(cols, _logit_cushion(cols), rng)


# ---------------------------------------------------------------- world 4: two_stage
def _logit_screen(cols) -> np.ndarray:
    """Stage one, the automatic screen: the credit record only."""
    return (
        0.0
        + _steps(_f(cols, "credit_score"), [580, 650], [1.2, 0.8])
        - 2.0 * ~_b(cols, "info_verified")
        - 1.0 * (_f(cols, "broken_promises") >= 2) - 0.7 * (_f(cols, "past_overdue_count") >= 3)
        + 0.6 * (_f(cols, "on_time_ratio") >= 0.9) - 0.8 * (_f(cols, "days_overdue") >= 120)
    )


def _logit_review(cols) -> np.ndarray:
    """Stage two, the manual review: the case and the plan."""
    inst, disp = _plan(cols)
    level = _codes(cols, "communication")
    return (
        -2.0
        + 0.7 * np.minimum(_docs(cols), 2) + 1.1 * _proof(cols) - 1.0 * _reason_in(cols, ("none",))
        + 1.3 * rules.affordable(inst, disp) + 0.4 * (_cover(cols, inst) >= 6)
        - 0.9 * (level == 0) + 0.5 * (level == 2)
        + 0.4 * _b(cols, "materials_on_time") - 0.6 * _b(cols, "penalty_waiver_requested")
        + 0.8 * (_f(cols, "down_payment_ratio") >= 0.1)
    )


def _logit_two_stage(cols) -> np.ndarray:
    """Log-odds of passing both stages: ``logit(sig(a) * sig(b)) = -log(e^-a + e^-b + e^-(a+b))``."""
    a, b = _logit_screen(cols), _logit_review(cols)
    return -np.logaddexp(np.logaddexp(-a, -b), -a - b)


def two_stage(n: int, seed: int) -> pd.DataFrame:
    """The project's own columns; approval needs an automatic screen and a manual review to pass."""
    df = generate(n, seed=seed).drop(columns=[LABEL, TRUTH])
    cols = {name: df[name] for name in df.columns}
    rng = np.random.default_rng([seed, 4])  # the label's own stream, after generate's
    return _finish(cols, _logit_two_stage(df), rng)


# ---------------------------------------------------------------- registry
BLIND: dict[str, Callable[[int, int], pd.DataFrame]] = {
    "gates": gates,
    "scorecard": scorecard,
    "cushion": cushion,
    "two_stage": two_stage,
}
"""World name -> ``make(n, seed)``."""

LOGITS: dict[str, Callable[[object], np.ndarray]] = {
    "gates": _logit_gates,
    "scorecard": _logit_scorecard,
    "cushion": _logit_cushion,
    "two_stage": _logit_two_stage,
}
"""World name -> true logit as a function of the observed columns (a frame or the column dict)."""


# ---------------------------------------------------------------- self-check
def _nudge(df: pd.DataFrame, f) -> pd.DataFrame:
    """``df`` with feature ``f`` moved one step up (as ``bench/check_blind_worlds.py`` does)."""
    d = df.copy()
    c = d[f.name]
    if f.kind == "bool":
        d[f.name] = np.ones(len(d), bool)
    elif f.kind == "category":
        codes = np.minimum(c.cat.codes.to_numpy() + 1, len(f.categories) - 1)
        d[f.name] = pd.Categorical.from_codes(codes, categories=f.categories)
    elif f.kind == "int":
        d[f.name] = np.minimum(c.to_numpy() + 1, int(f.high)).astype(np.int64)
    else:
        d[f.name] = np.minimum(c.to_numpy() + 0.01 * (f.high - f.low), f.high)
    return d


def _direction_violations(name: str, df: pd.DataFrame) -> list[tuple[str, int, int]]:
    """``(feature, rows moved against its direction, rows moved)`` for every directed feature that moved wrong."""
    p0 = _sig(LOGITS[name](df))
    if not np.allclose(p0, df[TRUTH].to_numpy(), atol=1e-15):
        raise AssertionError(f"{name}: truth not reproduced by LOGITS")
    bad = []
    for f in FEATURES:
        if f.direction == 0 or f.name not in df:
            continue
        delta = (_sig(LOGITS[name](_nudge(df, f))) - p0) * f.direction
        if (delta < -1e-12).any():
            bad.append((f.name, int((delta < -1e-12).sum()), int((np.abs(delta) > 1e-12).sum())))
    return bad


def _summary(name: str, df: pd.DataFrame) -> str:
    """Approval rate and the spread of the true probabilities."""
    p = df[TRUTH].to_numpy()
    q = " ".join(f"{x:.3f}" for x in np.quantile(p, [0.05, 0.25, 0.5, 0.75, 0.95]))
    mid = np.mean((p >= 0.3) & (p <= 0.7))
    ends = np.mean((p < 0.02) | (p > 0.98))
    return (f"{name:10s} rate {df[LABEL].mean():.3f}  mean p {p.mean():.3f}  sd p {p.std():.3f}  "
            f"q05/25/50/75/95 {q}  p in [.3,.7] {mid:.3f}  p<.02 or >.98 {ends:.3f}")


def _self_check(seeds: tuple[int, ...] = (7, 11)) -> bool:
    """Direction check on nudged rows, determinism, contract validity; print the spread per world."""
    from xieshang.validation import validate_frame

    ok = True
    for name, make in BLIND.items():
        for seed in seeds:
            bad = _direction_violations(name, make(3000, seed))
            ok &= not bad
            print(f"{name:10s} seed {seed:3d} DIRECTION CHECK: {'PASS' if not bad else f'FAIL {bad}'}")
    print()
    for name, make in BLIND.items():
        df = make(50_000, 1)
        same = df.equals(make(50_000, 1))
        validate_frame(df[[c for c in FEATURE_NAMES if c in df]])
        ok &= same
        print(_summary(name, df) + f"  deterministic {same}  validate_frame OK")
    return ok


if __name__ == "__main__":
    print("ALL OK" if _self_check() else "SOME CHECK FAILED")
