"""The synthetic data generator: an explicit structural model with a known truth.

Two latent traits drive every observable, the way they would in life:

* ``strength`` (financial strength, standard normal): income, balance,
  other debts, assets;
* ``conscientiousness`` (standard normal, correlated 0.3 with strength):
  credit record, repayment history, attitude, promises kept, paperwork.

A hardship (drawn more often for the financially weak) then hits income:
the unemployed earn little or nothing, illness and business failure cut
income, and only a borrower with a hardship can hold a hardship proof.

The approval decision follows the article: the true log-odds are a sum of the
documented :data:`EFFECTS`, and ``approved ~ Bernoulli(true_probability)``.
``data/README.md`` is rendered from :data:`EFFECTS` by :mod:`xieshang.docs`
and a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .contract import (
    COMMUNICATION_LEVELS,
    FEATURE_NAMES,
    HARDSHIP_REASONS,
    LABEL,
    TRUTH,
    feature,
)
from .validation import validate_frame

__all__ = ["Effect", "EFFECTS", "COEF", "generate", "true_probability", "true_logit", "affordability", "affordable"]


@dataclass(frozen=True)
class Effect:
    """One additive term of the true log-odds of approval.

    Parameters
    ----------
    name : str
        Key of the coefficient in :data:`COEF`.
    size : float
        Coefficient (change in log-odds per unit of ``term``).
    term_en, term_zh : str
        What the coefficient multiplies.
    quote : str
        The sentence of the source article the effect comes from (verbatim).
    """

    name: str
    size: float
    term_en: str
    term_zh: str
    quote: str

    @property
    def quote_en(self) -> str:
        """English rendering of :attr:`quote`."""
        return QUOTES_EN[self.quote]


_Q_WILL = "一个积极主动、诚实守信的借款人更容易获得平台的信任和支持,从而增加协商成功的概率。"
_Q_PROOF = "假若借款人能够提供充分的证据证明本人确实存在还款困难,例如失业证明、医疗诊断报告等,那么平台也许会更加倾向于接受其分期还款的请求。"
_Q_DOCS = "这些材料多数情况下包含但不限于收入证明、资产证明、家庭支出明细等,用以证明本身确实存在还款困难。"
_Q_RECORD = "要是借款人在过去有过多次逾期还款的表现,那么平台可能将会认为其信用风险较高,从而拒绝其分期还款的申请。"
_Q_ONTIME = "假如借款人之前一直准时还款,那么平台可能存在给予更多信任和支持,允许其实行分期还款。"
_Q_CAPACITY = "借呗平台则会依据借款人的还款能力和信用记录,评估分期还款计划的可行性,并最终确定是否接受借款人的请求。"
_Q_REASON = "倘若借款人无法提供充分的理由或信用记录较差,借呗平台有可能拒绝其分期还款的申请。"
_Q_TRUE = "如按期提交申请材料、避免提供虚假信息等以免影响申请结果。"
_Q_FOLLOW = "在整个申请进展中,借款人应保持积极主动的态度,及时跟进进展情况,并随时准备补充或更新相关材料。"
_Q_VOLUNTARY = "需要留意的是协商还款并不是一种强制性的措施而是基于双方自愿的原则实行的。"
_Q_PLAN = "借款人能够按照自身情况提出具体的分期还款计划,例如每月偿还多少金额等。"

QUOTES_EN: dict[str, str] = {
    _Q_WILL: "A proactive, honest and trustworthy borrower more easily wins the lender's trust and "
             "support, which raises the chance that the negotiation succeeds.",
    _Q_PROOF: "If the borrower can give sufficient evidence of real hardship, such as an unemployment "
              "certificate or a medical diagnosis, the lender may be more inclined to accept instalments.",
    _Q_DOCS: "These materials usually include, among others, income proof, asset proof and a household "
             "expense statement, to prove the difficulty is real.",
    _Q_RECORD: "If the borrower has been overdue many times in the past, the lender may judge the credit "
               "risk high and refuse the instalment request.",
    _Q_ONTIME: "If the borrower has always paid on time, the lender may give more trust and support and "
               "allow instalments.",
    _Q_CAPACITY: "The lender assesses the feasibility of the plan from the borrower's capacity to pay and "
                 "credit record, and then decides whether to accept the request.",
    _Q_REASON: "If the borrower cannot give a sufficient reason or has a poor credit record, the lender "
               "may refuse the instalment request.",
    _Q_TRUE: "Such as handing in application materials on time and not giving false information, so as "
             "not to harm the result.",
    _Q_FOLLOW: "Throughout the application the borrower should stay proactive, follow up on progress and "
               "be ready to add or update materials.",
    _Q_VOLUNTARY: "A negotiated repayment is not compulsory: it rests on the voluntary agreement of both parties.",
    _Q_PLAN: "The borrower can propose a concrete instalment plan according to their situation, e.g. how "
             "much to repay each month.",
}

EFFECTS: tuple[Effect, ...] = (
    Effect("intercept", 0.35, "1 (baseline: a borrower with a stated hardship, average profile)",
           "1(基准:有困难原因、各项居中的借款人)", _Q_VOLUNTARY),
    Effect("no_hardship", -1.5, "1 if hardship_reason is 'none'", "困难原因为“无”时为1", _Q_REASON),
    Effect("reason_unemployment", 0.2, "1 if hardship_reason is 'unemployment'", "困难原因为失业时为1", _Q_PROOF),
    Effect("reason_illness", 0.35, "1 if hardship_reason is 'illness'", "困难原因为疾病时为1", _Q_PROOF),
    Effect("reason_family_emergency", 0.2, "1 if hardship_reason is 'family_emergency'",
           "困难原因为家庭变故时为1", _Q_REASON),
    Effect("reason_other_debts", -0.3, "1 if hardship_reason is 'other_debts'",
           "困难原因为其他债务时为1", _Q_REASON),
    Effect("hardship_proof", 0.9, "1 if a hardship proof is handed in (only possible with a hardship)",
           "提交了困难证明时为1(仅在有困难时可能)", _Q_PROOF),
    Effect("income_proof", 0.35, "1 if income proof is handed in", "提交收入证明时为1", _Q_DOCS),
    Effect("bank_statements", 0.3, "1 if bank statements are handed in", "提交银行流水时为1", _Q_DOCS),
    Effect("asset_proof", 0.2, "1 if asset proof is handed in", "提交资产证明时为1", _Q_DOCS),
    Effect("expense_statement", 0.25, "1 if a household expense statement is handed in",
           "提交家庭支出明细时为1", _Q_DOCS),
    Effect("credit_score", 0.005, "credit_score − 650 (points)", "信用分 − 650(分)", _Q_RECORD),
    Effect("past_overdue_count", -0.15, "past_overdue_count (episodes)", "近24个月逾期次数", _Q_RECORD),
    Effect("on_time_ratio", 2.5, "on_time_ratio − 0.9", "按时还款比例 − 0.9", _Q_ONTIME),
    Effect("months_on_book", 0.25, "ln(1 + months_on_book / 12)", "ln(1 + 账龄月数/12)", _Q_ONTIME),
    Effect("proactive", 0.6, "1 if communication is 'proactive'", "沟通态度为主动时为1", _Q_WILL),
    Effect("evasive", -0.8, "1 if communication is 'evasive'", "沟通态度为回避时为1", _Q_WILL),
    Effect("broken_promises", -0.3, "broken_promises (count)", "未兑现承诺次数", _Q_WILL),
    Effect("info_not_verified", -3.0, "1 if the information given did not check out", "信息未核实属实时为1", _Q_TRUE),
    Effect("materials_on_time", 0.5, "1 if materials were handed in on time", "按期提交材料时为1", _Q_FOLLOW),
    Effect("burden", -1.5,
           "max(0, min(burden, 3) − 0.5), burden = instalment / disposable income "
           "(instalment = balance × (1 − down payment) / plan_months; disposable = income − expenses − "
           "other debt payments; burden = 3 where disposable ≤ 0)",
           "max(0, min(负担率, 3) − 0.5),负担率 = 月供 / 可支配收入(月供 = 欠款 × (1 − 首付比例) / 期数;"
           "可支配收入 = 收入 − 支出 − 其他债务月还款;可支配收入 ≤ 0 时负担率取3)", _Q_CAPACITY),
    Effect("long_plan", -0.05, "max(0, plan_months − 36) (months beyond 36)", "max(0, 期数 − 36)", _Q_PLAN),
    Effect("down_payment_ratio", 2.0, "down_payment_ratio", "首付比例", _Q_PLAN),
    Effect("early_delinquency", -1.2, "exp(−days_overdue / 20) (lenders rarely negotiate in the first days)",
           "exp(−逾期天数/20)(逾期初期平台很少协商)", _Q_VOLUNTARY),
    Effect("long_delinquency", -0.003, "max(0, days_overdue − 180) (days beyond half a year)",
           "max(0, 逾期天数 − 180)", _Q_RECORD),
    Effect("penalty_waiver_requested", -0.4, "1 if a waiver of penalty interest is requested",
           "申请减免罚息时为1", _Q_PLAN),
    Effect("balance", -0.2, "ln(outstanding_balance / 20,000)", "ln(欠款 / 20000)", _Q_CAPACITY),
)

COEF: dict[str, float] = {e.name: e.size for e in EFFECTS}
"""Coefficient of each effect, by name: what :func:`true_logit` uses."""

BURDEN_CAP = 3.0
BURDEN_FREE = 0.5


def affordability(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly instalment, disposable income and burden of each row's plan.

    Returns
    -------
    instalment, disposable, burden : numpy.ndarray
        ``burden = instalment / disposable``, capped at 3 and set to 3 where
        disposable income is not positive.
    """
    bal = df["outstanding_balance"].to_numpy(float)
    inst = bal * (1.0 - df["down_payment_ratio"].to_numpy(float)) / df["plan_months"].to_numpy(float)
    disp = (
        df["monthly_income"].to_numpy(float)
        - df["monthly_expenses"].to_numpy(float)
        - df["other_debt_payments"].to_numpy(float)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        burden = np.where(disp > 0, inst / np.where(disp > 0, disp, 1.0), BURDEN_CAP)
    return inst, disp, np.minimum(burden, BURDEN_CAP)


def affordable(instalment: np.ndarray | float, disposable: np.ndarray | float) -> np.ndarray:
    """The rule for a plan a borrower can carry: disposable income is positive and covers the instalment.

    The single definition used by the action search, its audit, the reasons and the plots
    (a 1e-9 RMB tolerance absorbs float rounding of the instalment).
    """
    disposable = np.asarray(disposable, dtype=float)
    return (disposable > 0) & (np.asarray(instalment, dtype=float) <= disposable + 1e-9)


def _terms(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """The value each effect multiplies, by effect name (rows already valid)."""
    reason = df["hardship_reason"].astype(str).to_numpy()
    comm = df["communication"].astype(str).to_numpy()
    days = df["days_overdue"].to_numpy(float)
    plan = df["plan_months"].to_numpy(float)
    _, _, burden = affordability(df)
    t = {
        "intercept": np.ones(len(df)),
        "no_hardship": (reason == "none").astype(float),
        "hardship_proof": (df["hardship_proof"].to_numpy(bool) & (reason != "none")).astype(float),
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
        "long_plan": np.maximum(0.0, plan - 36.0),
        "down_payment_ratio": df["down_payment_ratio"].to_numpy(float),
        "early_delinquency": np.exp(-days / 20.0),
        "long_delinquency": np.maximum(0.0, days - 180.0),
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
    terms = _terms(clean)
    return sum(COEF[name] * terms[name] for name in COEF)


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
    return float(f.low), float(f.high)


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """Draw ``n`` negotiation requests from the structural model.

    Parameters
    ----------
    n : int
        Number of rows (>= 1).
    seed : int, default 0
        Seed of the only random generator used: the same seed gives the same
        rows.

    Returns
    -------
    pandas.DataFrame
        The contract's columns, plus ``approved`` (0/1 label) and
        ``true_probability`` (never a model input).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    n = int(n)

    # Latent traits.
    strength = rng.standard_normal(n)
    consc = 0.3 * strength + np.sqrt(1 - 0.3**2) * rng.standard_normal(n)

    # Hardship: a softmax shifted so weaker borrowers suffer more hardships.
    base = np.log(np.array(list(_REASON_WEIGHTS.values())))
    shift = np.zeros(len(HARDSHIP_REASONS))
    shift[HARDSHIP_REASONS.index("none")] = 0.8
    shift[HARDSHIP_REASONS.index("other_debts")] = -0.3
    logits = base[None, :] + strength[:, None] * shift[None, :]
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    u = rng.random(n)
    reason_idx = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    reason_idx = np.minimum(reason_idx, len(HARDSHIP_REASONS) - 1)
    reasons = np.array(HARDSHIP_REASONS)[reason_idx]
    has_hardship = reasons != "none"

    # Money: pre-hardship income is log-normal around 8,000 RMB a month.
    income0 = np.exp(np.log(8000) + 0.55 * strength + 0.35 * rng.standard_normal(n))
    left_mean = np.array([_INCOME_LEFT[r] for r in HARDSHIP_REASONS])[reason_idx]
    # Beta with the right mean and moderate spread; many unemployed end near 0.
    conc = 6.0
    left = rng.beta(left_mean * conc + 1e-3, (1 - left_mean) * conc + 1e-3)
    left = np.where(reasons == "none", 1.0, left)
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

    # The plan: weaker finances ask for longer plans and rarely pay down.
    plan = rng.choice(_PLAN_CHOICES, size=n, p=_PLAN_WEIGHTS / _PLAN_WEIGHTS.sum())
    longer = (strength < -0.5) & (rng.random(n) < 0.3)
    plan = np.where(longer, np.minimum(plan * 2, 60), plan)
    # Conscientious borrowers tend to size the plan to what they can pay: the shortest
    # usual plan whose instalment fits in their disposable income, if any.
    disposable = income - expenses - other
    fits = balance[:, None] / _PLAN_CHOICES[None, :] <= np.maximum(disposable, 0)[:, None]
    shortest = np.where(fits.any(axis=1), _PLAN_CHOICES[np.argmax(fits, axis=1)], plan)
    sizes_plan = rng.random(n) < _sigmoid(0.3 + 0.8 * consc)
    plan = np.where(sizes_plan, np.maximum(shortest, np.minimum(plan, 12)), plan)
    plan = np.clip(plan, *_bounds("plan_months"))
    pays_down = draw(_sigmoid(-0.6 + 0.6 * strength))
    down = np.where(pays_down, np.round(rng.beta(1.5, 5.0, n) * 0.5, 2), 0.0)
    down = np.clip(down, *_bounds("down_payment_ratio"))
    waiver = draw(_sigmoid(-0.4 - 0.3 * strength))
    # Savings (and what family would lend): driven by strength; a down payment was paid from them,
    # so what is left is drawn on top of it. Not an effect on approval: it bounds what can be paid down.
    lo, hi = _bounds("savings")
    saved = np.exp(np.log(6_000) + 0.9 * strength + 1.0 * rng.standard_normal(n)) * (rng.random(n) < 0.8)
    savings = np.clip(np.round(saved, -2), lo, hi)

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
    }
    df = pd.DataFrame({name: cols[name] for name in FEATURE_NAMES})
    p = _sigmoid(sum(COEF[k] * v for k, v in _terms(df).items()))
    df[LABEL] = (rng.random(n) < p).astype(np.int64)
    df[TRUTH] = p
    return df
