"""Every sentence shown to a borrower, in Chinese and English, in one place.

Reasons (what holds the probability down), actions (what the borrower could
do) and the headings of the explanation report. :mod:`xieshang.explain`
decides *what* to say; this module only says it. Every template exists in
both languages, and a test checks that every contract feature has a reason
sentence and every actionable one an action sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .contract import feature

__all__ = [
    "LANGS",
    "check_lang",
    "reason_text",
    "action_step_text",
    "action_text",
    "heading",
    "percent",
    "money",
    "category_name",
    "points",
    "REASON_TEMPLATES",
    "ACTION_TEMPLATES",
    "HEADINGS",
]

LANGS: tuple[str, ...] = ("zh", "en")

_SEP = {"zh": ";", "en": "; "}


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is a supported language.

    Raises
    ------
    ValueError
        Unless ``lang`` is ``"zh"`` or ``"en"``.
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise ValueError(f"lang: expected one of 'zh', 'en', got {lang!r}")
    return lang


def percent(p: float) -> str:
    """``0.384`` -> ``"38%"`` (the same in both languages)."""
    return f"{100 * p:.0f}%"


def points(delta: float, lang: str, signed: bool = True) -> str:
    """A change of probability in percentage points: ``"+12个百分点"`` / ``"+12 pts"`` (``"12 pts"`` unsigned)."""
    value = 100 * delta
    sign = "+" if signed else ""
    shown = f"{value:{sign}.1f}" if abs(value) < 1 else f"{value:{sign}.0f}"
    return f"{shown}个百分点" if lang == "zh" else f"{shown} pts"


def money(x: float) -> str:
    """``12345.6`` -> ``"12,346"`` (RMB, no unit)."""
    return f"{x:,.0f}"


# --- reasons -------------------------------------------------------------------------------------
# Each template receives: v (the value), ref (the reference value it was compared with),
# and the context keys instalment, disposable, share (instalment / disposable income).
# A feature may have several variants chosen by :func:`_reason_variant`.

REASON_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "outstanding_balance": {
        "high": {"zh": "欠款总额较高({v}元)", "en": "a high outstanding balance ({v} RMB)"},
        "low": {"zh": "欠款总额为{v}元", "en": "an outstanding balance of {v} RMB"},
    },
    "days_overdue": {
        "high": {"zh": "已逾期{v}天,逾期时间较长", "en": "{v} days overdue, a long delinquency"},
        "low": {"zh": "仅逾期{v}天,平台在逾期初期很少同意协商",
                "en": "only {v} days overdue: lenders rarely negotiate in the first weeks"},
    },
    "monthly_income": {
        "low": {"zh": "月收入较低({v}元)", "en": "a low monthly income ({v} RMB)"},
        "high": {"zh": "月收入为{v}元", "en": "a monthly income of {v} RMB"},
    },
    "monthly_expenses": {
        "high": {"zh": "家庭必要月支出较高({v}元)", "en": "high essential monthly expenses ({v} RMB)"},
        "low": {"zh": "家庭必要月支出为{v}元", "en": "essential monthly expenses of {v} RMB"},
    },
    "other_debt_payments": {
        "high": {"zh": "其他债务月还款较高({v}元)", "en": "high payments on other debts ({v} RMB a month)"},
        "low": {"zh": "其他债务月还款为{v}元", "en": "payments on other debts of {v} RMB a month"},
    },
    "hardship_reason": {
        "none": {"zh": "未说明还款困难的原因", "en": "no cause of the repayment difficulty is stated"},
        "other": {"zh": "困难原因为“{v}”", "en": "the stated cause of difficulty is {v}"},
    },
    "hardship_proof": {
        "missing": {"zh": "未提交困难证明(失业证明、医疗诊断等)",
                    "en": "no proof of the hardship (unemployment certificate, diagnosis...)"},
    },
    "income_proof": {"missing": {"zh": "未提交收入证明/工资单", "en": "no income proof or payslips"}},
    "bank_statements": {"missing": {"zh": "未提交银行流水", "en": "no bank statements"}},
    "asset_proof": {"missing": {"zh": "未提交资产证明", "en": "no proof of assets"}},
    "expense_statement": {"missing": {"zh": "未提交家庭支出明细", "en": "no household expense statement"}},
    "credit_score": {
        "low": {"zh": "信用分较低({v}分)", "en": "a low credit score ({v})"},
        "high": {"zh": "信用分为{v}分", "en": "a credit score of {v}"},
    },
    "past_overdue_count": {
        "high": {"zh": "过去24个月逾期{v}次", "en": "{v} overdue episodes in the last 24 months"},
        "low": {"zh": "过去24个月逾期{v}次", "en": "{v} overdue episodes in the last 24 months"},
    },
    "on_time_ratio": {
        "low": {"zh": "按时还款比例仅{v}", "en": "only {v} of instalments paid on time"},
        "high": {"zh": "按时还款比例为{v}", "en": "{v} of instalments paid on time"},
    },
    "months_on_book": {
        "low": {"zh": "借款账龄较短({v}个月)", "en": "a short history with the lender ({v} months)"},
        "high": {"zh": "借款账龄为{v}个月", "en": "{v} months with the lender"},
    },
    "communication": {
        "evasive": {"zh": "沟通态度回避", "en": "evasive communication with the lender"},
        "responsive": {"zh": "没有主动与平台沟通", "en": "not getting in touch with the lender proactively"},
        "proactive": {"zh": "沟通态度:主动", "en": "proactive communication"},
    },
    "broken_promises": {
        "high": {"zh": "有{v}次未兑现的还款承诺", "en": "{v} broken promises to pay"},
        "low": {"zh": "有{v}次未兑现的还款承诺", "en": "{v} broken promises to pay"},
    },
    "info_verified": {
        "missing": {"zh": "所提供的信息未能核实属实", "en": "the information given could not be verified as true"},
    },
    "materials_on_time": {"missing": {"zh": "未按期提交材料", "en": "materials were not handed in on time"}},
    "plan_months": {
        "long": {"zh": "分期期数过长({v}期)", "en": "a very long plan ({v} instalments)"},
        "burden": {"zh": "分{v}期时月供{instalment}元,占可支配收入的{share}",
                   "en": "with {v} instalments the monthly payment of {instalment} RMB takes {share} "
                         "of disposable income"},
        "unaffordable": {"zh": "分{v}期时月供{instalment}元,超过可支配收入({disposable}元)",
                         "en": "with {v} instalments the monthly payment of {instalment} RMB exceeds "
                               "disposable income ({disposable} RMB)"},
    },
    "down_payment_ratio": {
        "none": {"zh": "没有首付", "en": "no down payment"},
        "low": {"zh": "首付比例较低({v})", "en": "a small down payment ({v} of the balance)"},
    },
    "penalty_waiver_requested": {
        "present": {"zh": "同时申请了减免罚息", "en": "a waiver of penalty interest is also requested"},
    },
}

_CATEGORY_NAMES = {
    "hardship_reason": {
        "none": {"zh": "无", "en": "none"},
        "unemployment": {"zh": "失业", "en": "unemployment"},
        "illness": {"zh": "疾病", "en": "illness"},
        "income_drop": {"zh": "收入下降", "en": "a drop in income"},
        "business_failure": {"zh": "经营失败", "en": "a business failure"},
        "family_emergency": {"zh": "家庭变故", "en": "a family emergency"},
        "other_debts": {"zh": "其他债务", "en": "other debts"},
    },
}


def category_name(name: str, value: str, lang: str) -> str:
    """A category's readable name (``hardship_reason``) in ``lang``; the raw value otherwise."""
    return _CATEGORY_NAMES.get(name, {}).get(value, {}).get(lang, value)


def _reason_variant(name: str, v: Any, ref: Any, ctx: Mapping[str, float]) -> str:
    f = feature(name)
    if f.kind == "bool":
        return "present" if bool(v) else "missing"
    if name == "communication":
        return str(v)
    if name == "hardship_reason":
        return "none" if v == "none" else "other"
    if name == "plan_months":
        if ctx.get("disposable", 1.0) <= 0 or ctx.get("instalment", 0.0) > ctx.get("disposable", 0.0):
            return "unaffordable"
        return "long" if float(v) > 36 else "burden"
    if name == "down_payment_ratio":
        return "none" if float(v) == 0 else "low"
    return "high" if float(v) > float(ref) else "low"


def _fmt_value(name: str, v: Any, lang: str) -> str:
    f = feature(name)
    if f.kind == "category":
        return category_name(name, str(v), lang)
    if f.kind == "bool":
        return str(bool(v))
    if name in ("on_time_ratio", "down_payment_ratio"):
        return percent(float(v))
    if f.kind == "int":
        return str(int(v))
    return money(float(v))


def reason_text(name: str, value: Any, reference: Any, lang: str, context: Mapping[str, float] | None = None) -> str:
    """The sentence for one reason.

    Parameters
    ----------
    name : str
        Contract feature.
    value : object
        The borrower's value.
    reference : object
        The value it was compared with (it chooses "high"/"low" wording).
    lang : {"zh", "en"}
    context : mapping, optional
        ``instalment``, ``disposable`` (RMB/month) and ``share`` of the
        current plan, used by the plan sentences.
    """
    lang = check_lang(lang)
    ctx = dict(context or {})
    variants = REASON_TEMPLATES[name]
    template = variants[_reason_variant(name, value, reference, ctx)][lang]
    share = ctx.get("share", 0.0)
    return template.format(
        v=_fmt_value(name, value, lang),
        instalment=money(ctx.get("instalment", 0.0)),
        disposable=money(ctx.get("disposable", 0.0)),
        share=percent(share),
    )


# --- actions -------------------------------------------------------------------------------------
# Keys: ``set`` for booleans (set_true / set_false); a level name for communication;
# ``to`` for plan / down payment / expenses, which receive v (new value), old, instalment, cash, cut.

ACTION_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "monthly_expenses": {
        "to": {"zh": "把家庭必要支出削减{cut}(从{old}元降到约{v}元/月)",
               "en": "cut essential expenses by {cut} (from {old} to about {v} RMB a month)"},
    },
    "hardship_proof": {
        "set": {"zh": "提交困难证明(失业证明、医疗诊断等)",
                "en": "hand in proof of the hardship (unemployment certificate, diagnosis...)"},
    },
    "income_proof": {"set": {"zh": "提交收入证明/工资单", "en": "hand in income proof or payslips"}},
    "bank_statements": {"set": {"zh": "提交银行流水", "en": "hand in bank statements"}},
    "asset_proof": {"set": {"zh": "提交资产证明", "en": "hand in proof of assets"}},
    "expense_statement": {"set": {"zh": "提交家庭支出明细", "en": "hand in a household expense statement"}},
    "communication": {
        "responsive": {"zh": "积极回应平台的联系", "en": "answer the lender's calls and messages"},
        "proactive": {"zh": "主动联系平台说明情况并及时跟进",
                      "en": "contact the lender first, explain your situation and follow up"},
    },
    "info_verified": {
        "set": {"zh": "更正不实信息,确保所提供信息真实、可核实",
                "en": "correct the information you gave so that it can be verified as true"},
    },
    "materials_on_time": {"set": {"zh": "按期提交申请材料", "en": "hand in the materials on time"}},
    "plan_months": {
        "to": {"zh": "把分期改为{v}期(月供约{instalment}元)",
               "en": "ask for {v} instalments instead of {old} (about {instalment} RMB a month)"},
    },
    "down_payment_ratio": {
        "to": {"zh": "首付欠款的{v}(约{cash}元)", "en": "pay {v} of the balance up front (about {cash} RMB)"},
    },
    "penalty_waiver_requested": {
        "set": {"zh": "撤回减免罚息的申请", "en": "withdraw the request to waive penalty interest"},
    },
}


def action_step_text(name: str, new: Any, applicant: Mapping[str, Any], lang: str,
                     instalment: float | None = None) -> str:
    """The sentence for one change ``name -> new`` of ``applicant``.

    ``instalment`` is the monthly instalment after the whole option (used by
    the plan sentence); it defaults to the instalment with only this change.
    """
    lang = check_lang(lang)
    variants = ACTION_TEMPLATES[name]
    if name == "communication":
        return variants[str(new)][lang]
    if feature(name).kind == "bool":
        return variants["set"][lang]
    old = applicant[name]
    balance = float(applicant["outstanding_balance"])
    down = float(new) if name == "down_payment_ratio" else float(applicant["down_payment_ratio"])
    months = float(new) if name == "plan_months" else float(applicant["plan_months"])
    if instalment is None:
        instalment = balance * (1 - down) / months
    cut = 1 - float(new) / float(old) if name == "monthly_expenses" and float(old) > 0 else 0.0
    extra = max(0.0, float(new) - float(old)) * balance if name == "down_payment_ratio" else 0.0
    return variants["to"][lang].format(
        v=percent(float(new)) if name == "down_payment_ratio" else (money(float(new)) if name == "monthly_expenses" else int(new)),
        old=money(float(old)) if name == "monthly_expenses" else old,
        instalment=money(instalment),
        cash=money(extra),
        cut=percent(cut),
    )


def action_text(changes: Mapping[str, Any], applicant: Mapping[str, Any], lang: str,
                instalment: float | None = None) -> str:
    """All the steps of one option, in contract order, joined into one sentence."""
    lang = check_lang(lang)
    if not changes:
        return HEADINGS["no_change"][lang]
    return _SEP[lang].join(action_step_text(k, v, applicant, lang, instalment) for k, v in changes.items())


# --- report --------------------------------------------------------------------------------------

HEADINGS: dict[str, dict[str, str]] = {
    "probability": {"zh": "协商还款获批概率(模型估计):{p}(目标 {t})",
                    "en": "Estimated probability that the repayment plan is approved: {p} (target {t})"},
    "reasons": {"zh": "主要原因(按影响从大到小):", "en": "Principal reasons, largest first:"},
    "no_reasons": {"zh": "没有明显拉低概率的因素。", "en": "Nothing in particular holds the probability down."},
    "reason_line": {"zh": "{i}. {text}(拉低 {impact})", "en": "{i}. {text} (lowers it by {impact})"},
    "actions": {"zh": "建议(成本最低的方案在前):", "en": "What you could do, cheapest first:"},
    "action_line": {"zh": "方案{i}:{text} → {p}(成本 {cost})", "en": "Option {i}: {text} -> {p} (cost {cost})"},
    "steps": {"zh": "各步骤单独的效果:", "en": "What each step buys alone:"},
    "step_line": {"zh": "{text}:{gain}", "en": "{text}: {gain}"},
    "already": {"zh": "已达到目标概率,无需改变。", "en": "The target is already reached; nothing needs to change."},
    "unreachable": {
        "zh": "以现实可行的步骤无法达到目标概率 {t};能达到的最高约为 {p}:",
        "en": "No realistic set of steps reaches the target of {t}; the best reachable is about {p}:",
    },
    "no_affordable_plan": {
        "zh": "即使延长分期、增加首付并削减支出,月供仍超过可支配收入,没有可负担的分期方案。"
              "可考虑向亲友借款、寻求专业债务管理机构帮助或先改善收支状况。",
        "en": "Even with a longer plan, a larger down payment and cut expenses, the instalment would exceed "
              "disposable income: no affordable plan exists. Consider borrowing from family, a debt-advice "
              "service, or improving income and spending first.",
    },
    "unaffordable_note": {"zh": ",月供{instalment}元超过可支配收入({disposable}元)",
                          "en": ": the instalment of {instalment} RMB exceeds disposable income ({disposable} RMB)"},
    "no_improvement": {
        "zh": "没有现实可行的步骤能提高获批概率。",
        "en": "No realistic step raises the probability of approval.",
    },
    "cost_note": {
        "zh": "成本以“努力单位”计:提交一份材料为{doc:g};沟通态度每提升一级为{talk:g};更正信息为{info:g};改变分期期数为{plan:g};"
              "撤回减免罚息申请为{waiver:g};首付为{dp:g}加每预付一个月收入{dp_unit:g};"
              "削减支出为{cut:g}加每削减10%{cut_unit:g}。",
        "en": "Cost is in effort units: handing in a document is {doc:g}; each step up in attitude "
              "(evasive, responsive, proactive) {talk:g}; correcting the information "
              "{info:g}; changing the number of instalments {plan:g}; withdrawing the penalty-waiver request "
              "{waiver:g}; a down payment {dp:g} plus {dp_unit:g} per month of income paid up front; cutting "
              "expenses {cut:g} plus {cut_unit:g} per 10% cut.",
    },
    "disclaimer": {
        "zh": "本结果由基于合成数据训练的模型给出,仅供参考,不代表任何贷款平台的意见。",
        "en": "This estimate comes from a model trained on synthetic data; it is not advice from any lender.",
    },
    "no_change": {"zh": "无需改变", "en": "no change needed"},
}


def cost_terms() -> dict[str, float]:
    """The costs quoted by the ``cost_note`` line, read from the contract's action specs."""
    spec = {name: feature(name).action for name in ("income_proof", "communication", "info_verified", "plan_months",
                                                    "penalty_waiver_requested", "down_payment_ratio",
                                                    "monthly_expenses")}
    return {"doc": spec["income_proof"].cost, "talk": spec["communication"].cost + spec["communication"].unit_cost,
            "info": spec["info_verified"].cost,
            "plan": spec["plan_months"].cost, "waiver": spec["penalty_waiver_requested"].cost,
            "dp": spec["down_payment_ratio"].cost, "dp_unit": spec["down_payment_ratio"].unit_cost,
            "cut": spec["monthly_expenses"].cost, "cut_unit": spec["monthly_expenses"].unit_cost}


def heading(key: str, lang: str, **values: Any) -> str:
    """A report line by key, formatted with ``values``."""
    lang = check_lang(lang)
    return HEADINGS[key][lang].format(**values)
