"""The reasons: what holds a borrower's probability down, said in one sentence each.

Every contract feature has a reason sentence (:data:`REASON_TEMPLATES`) or is
in :data:`NO_REASON`; the proof that fits a hardship (:data:`HARDSHIP_DOCUMENTS`)
is named by the reason and by the action that asks for it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from ..contract import NO_HARDSHIP, feature, value_label
from ..rules import LONG_PLAN_MONTHS, affordable
from .formats import check_lang, money, percent

__all__ = ["NO_REASON", "REASON_TEMPLATES", "HARDSHIP_DOCUMENTS", "hardship_documents", "category_name",
           "reason_text"]

# Each template receives: v (the value), ref (the reference value it was compared with),
# and the context keys instalment, disposable, share (instalment / disposable income).
# A feature may have several variants chosen by :func:`_reason_variant`.

NO_REASON: frozenset[str] = frozenset({"savings", "penalty_waiver_requested", "household_size"})
"""Features never named as a reason. ``savings`` only bounds the down payments on offer: holding
little savings against a borrower would push them to borrow for a down payment (以贷养贷). Asking for a
waiver is the borrower's right: naming it as a reason would push them to give it up
(:data:`xieshang.rules.NEVER_RECOMMEND`). The size of a household is nothing to hold against anyone."""

REASON_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "outstanding_balance": {
        "high": {"zh": "欠款总额较高（{v}元）", "en": "a high outstanding balance ({v} RMB)"},
        "low": {"zh": "欠款总额为{v}元", "en": "an outstanding balance of {v} RMB"},
    },
    # Never suggest that staying overdue helps: only the "more days hurt" side is a reason
    # (explain drops the other side), and it says to contact the lender now.
    "days_overdue": {
        "high": {"zh": "已逾期{v}天，越拖罚息越多、越伤征信，请立即联系平台",
                 "en": "{v} days overdue: every day overdue adds penalty interest and harms your credit "
                       "record, so contact the lender now"},
    },
    "monthly_income": {
        "low": {"zh": "月收入较低（{v}元）", "en": "a low monthly income ({v} RMB)"},
        "high": {"zh": "月收入为{v}元", "en": "a monthly income of {v} RMB"},
    },
    "monthly_expenses": {
        "high": {"zh": "家庭必要月支出较高（{v}元）", "en": "high essential monthly expenses ({v} RMB)"},
        "low": {"zh": "家庭必要月支出为{v}元", "en": "essential monthly expenses of {v} RMB"},
    },
    "other_debt_payments": {
        "high": {"zh": "其他债务月还款较高（{v}元）", "en": "high payments on other debts ({v} RMB a month)"},
        "low": {"zh": "其他债务月还款为{v}元", "en": "payments on other debts of {v} RMB a month"},
    },
    "hardship_reason": {
        "none": {"zh": "未说明还款困难的原因", "en": "no cause of the repayment difficulty is stated"},
        "other": {"zh": "困难原因为“{v}”", "en": "the stated cause of difficulty is {v}"},
    },
    "hardship_proof": {
        "missing": {"zh": "未提交困难证明（{docs}）", "en": "no proof of the hardship ({docs})"},
    },
    "income_proof": {"missing": {"zh": "未提交收入证明/工资单", "en": "no income proof or payslips"}},
    "bank_statements": {"missing": {"zh": "未提交银行流水", "en": "no bank statements"}},
    "asset_proof": {"missing": {"zh": "未提交资产证明", "en": "no proof of assets"},
                    "unknown": {"zh": "未提交资产证明（如有资产）", "en": "no proof of assets (if you have any)"}},
    "expense_statement": {"missing": {"zh": "未提交家庭支出明细", "en": "no household expense statement"}},
    "credit_score": {
        "low": {"zh": "信用分较低（{v}分）", "en": "a low credit score ({v})"},
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
        "low": {"zh": "在该平台借款时间较短（{v}个月）", "en": "a short history with the lender ({v} months)"},
        "high": {"zh": "借款账龄为{v}个月", "en": "{v} months with the lender"},
    },
    "communication": {
        "evasive": {"zh": "之前回避平台的联系", "en": "evasive communication with the lender"},
        "responsive": {"zh": "没有主动与平台沟通", "en": "not getting in touch with the lender proactively"},
        "proactive": {"zh": "沟通态度：主动", "en": "proactive communication"},
    },
    "broken_promises": {
        "high": {"zh": "有{v}次未兑现的还款承诺", "en": "{v} broken promises to pay"},
        "low": {"zh": "有{v}次未兑现的还款承诺", "en": "{v} broken promises to pay"},
    },
    "info_verified": {
        "missing": {"zh": "你提供的信息没有通过核实", "en": "the information given could not be verified as true"},
    },
    "materials_on_time": {"missing": {"zh": "未按期提交材料", "en": "materials were not handed in on time"}},
    "plan_months": {
        "long": {"zh": "分期期数过长（{v}期）", "en": "a very long plan ({v} instalments)"},
        "burden": {"zh": "分{v}期时月供{instalment}元，占每月结余的{share}",
                   "en": "with {v} instalments the monthly payment of {instalment} RMB takes {share} "
                         "of disposable income"},
        "unaffordable": {"zh": "分{v}期时月供{instalment}元，每月结余只有{disposable}元，还款后留不出生活余地",
                         "en": "with {v} instalments the monthly payment of {instalment} RMB leaves too little of "
                               "disposable income ({disposable} RMB) to live on"},
        "deficit": {"zh": "分{v}期时月供{instalment}元，而你现在每月入不敷出{deficit}元，什么月供都还不起",
                    "en": "with {v} instalments the monthly payment is {instalment} RMB, but you are already short "
                          "{deficit} RMB every month, so no instalment can be carried"},
    },
    "down_payment_ratio": {
        "none": {"zh": "没有首付", "en": "no down payment"},
        "low": {"zh": "首付比例较低（{v}）", "en": "a small down payment ({v} of the balance)"},
    },
}

# The proof of a hardship that fits its cause (the article: 失业证明, 医疗诊断报告, 工资单, 贷款合同...).
HARDSHIP_DOCUMENTS: dict[str, dict[str, str]] = {
    "unemployment": {"zh": "失业证明或离职证明", "en": "an unemployment or termination certificate"},
    "illness": {"zh": "诊断证明或病历", "en": "a medical diagnosis or medical records"},
    "income_drop": {"zh": "降薪通知或前后的工资流水", "en": "proof of income or payslip and salary statements"},
    "business_failure": {"zh": "营业执照和经营流水", "en": "the business licence and business account statements"},
    "family_emergency": {"zh": "家庭变故的相关证明", "en": "documents proving the emergency"},
    "other_debts": {"zh": "其他贷款合同和还款记录", "en": "the loan contracts and repayment records"},
}


def hardship_documents(reason: str, lang: str) -> str:
    """The proof that fits a hardship cause, in ``lang`` (a generic phrase for no or an unknown cause)."""
    lang = check_lang(lang)
    docs = HARDSHIP_DOCUMENTS.get(reason)
    if docs is None:
        return "与困难原因相符的证明" if lang == "zh" else "documents proving the cause"
    return docs[lang]


def category_name(name: str, value: str, lang: str) -> str:
    """A category's readable label in ``lang`` (:func:`xieshang.contract.value_label`); the raw value otherwise."""
    return value_label(name, value, lang)


def _reason_variant(name: str, v: Any, ref: Any, ctx: Mapping[str, float]) -> str:
    f = feature(name)
    if name == "asset_proof" and not bool(v) and not ctx.get("has_assets", True):
        return "unknown"
    if f.kind == "bool":
        return "present" if bool(v) else "missing"
    if name == "communication":
        return str(v)
    if name == "hardship_reason":
        return "none" if v == NO_HARDSHIP else "other"
    if name == "plan_months":
        if ctx.get("disposable", 1.0) < 0:  # a negative sum is never printed as money left
            return "deficit"
        if not bool(affordable(ctx.get("instalment", 0.0), ctx.get("disposable", 1.0), ctx.get("household"))):
            return "unaffordable"
        return "long" if float(v) > LONG_PLAN_MONTHS else "burden"
    if name == "days_overdue":
        return "high"
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
        current plan, used by the plan sentences; ``hardship_reason`` (names
        the proof that fits the cause); ``has_assets`` (False where savings
        are unknown: the asset proof is then asked for "if you have any").
    """
    lang = check_lang(lang)
    ctx: Mapping[str, Any] = context or {}
    variants = REASON_TEMPLATES[name]
    template = variants[_reason_variant(name, value, reference, ctx)][lang]
    # Only the fields the template names are rendered (explain_frame words thousands of reasons).
    fields = _FIELDS.get(template)
    if fields is None:
        fields = _FIELDS[template] = frozenset(f for _, f, _, _ in string.Formatter().parse(template) if f)
    values: dict[str, str] = {}
    if "v" in fields:
        values["v"] = _fmt_value(name, value, lang)
    if "instalment" in fields:
        values["instalment"] = money(ctx.get("instalment", 0.0))
    if "disposable" in fields:
        values["disposable"] = money(ctx.get("disposable", 0.0))
    if "deficit" in fields:
        values["deficit"] = money(-ctx.get("disposable", 0.0))
    if "share" in fields:
        values["share"] = percent(ctx.get("share", 0.0))
    if "docs" in fields:
        values["docs"] = hardship_documents(str(ctx.get("hardship_reason", "")), lang)
    return template.format(**values)


_FIELDS: dict[str, frozenset[str]] = {}  # template -> the names of its fields
