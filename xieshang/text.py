"""Every sentence shown to a borrower, in Chinese and English, in one place.

Reasons (what holds the probability down), actions (what the borrower could
do) and the headings of the explanation report. :mod:`xieshang.explain`
decides *what* to say; this module only says it. Every template exists in
both languages, and a test checks that every contract feature has a reason
sentence (or is in :data:`NO_REASON`) and every actionable one an action
sentence.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from typing import Any

from .contract import NO_HARDSHIP, feature, value_label
from .rules import LONG_PLAN_MONTHS, affordable
from .rules import instalment as plan_instalment

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
    "chance",
    "hardship_documents",
    "gap_text",
    "next_steps",
    "down_payment_note",
    "note",
    "change_words",
    "NOTES",
    "PREPARE_ITEMS",
    "GAP_TEMPLATES",
    "HARDSHIP_DOCUMENTS",
    "NEXT_STEPS",
    "REASON_TEMPLATES",
    "NO_REASON",
    "ACTION_TEMPLATES",
    "HEADINGS",
    "UI",
    "ui_texts",
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
    """A change of probability in plain words: ``"约12个百分点"`` / ``"about 12 percentage points"``.

    Under half a point reads ``"不到1个百分点"`` / ``"under 1 percentage point"``; ``signed`` prefixes a
    fall with ``"-"``/``"minus "`` (a rise is said by the sentence around it).
    """
    value = 100 * abs(delta)
    minus = signed and delta < 0
    if round(value) < 1:
        out = "不到1个百分点" if lang == "zh" else "under 1 percentage point"
    else:
        n = f"{value:.0f}"
        out = f"约{n}个百分点" if lang == "zh" else f"about {n} percentage point{'s' if n != '1' else ''}"
    return ("-" if lang == "zh" else "minus ") + out if minus else out


def chance(p: float, lang: str) -> str:
    """A probability a borrower reads: ``"38%"``; ``"不到1%"`` / ``"under 1%"`` instead of 0 % and
    ``"超过99%"`` / ``"over 99%"`` instead of 100 % (an estimate is never certain)."""
    if p < 0.005:
        return "不到1%" if lang == "zh" else "under 1%"
    if p >= 0.995:
        return "超过99%" if lang == "zh" else "over 99%"
    return percent(p)


def list_sep(lang: str) -> str:
    """The separator of items within one sentence: ``"、"`` in Chinese, ``", "`` in English."""
    return "、" if check_lang(lang) == "zh" else ", "


def money(x: float) -> str:
    """``12345.6`` -> ``"12,346"`` (RMB, no unit)."""
    return f"{x:,.0f}"


# --- reasons -------------------------------------------------------------------------------------
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
        "high": {"zh": "欠款总额较高({v}元)", "en": "a high outstanding balance ({v} RMB)"},
        "low": {"zh": "欠款总额为{v}元", "en": "an outstanding balance of {v} RMB"},
    },
    # Never suggest that staying overdue helps: only the "more days hurt" side is a reason
    # (explain drops the other side), and it says to contact the lender now.
    "days_overdue": {
        "high": {"zh": "已逾期{v}天,越拖罚息越多、越伤征信,请立即联系平台",
                 "en": "{v} days overdue: every day overdue adds penalty interest and harms your credit "
                       "record, so contact the lender now"},
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
        "missing": {"zh": "未提交困难证明({docs})", "en": "no proof of the hardship ({docs})"},
    },
    "income_proof": {"missing": {"zh": "未提交收入证明/工资单", "en": "no income proof or payslips"}},
    "bank_statements": {"missing": {"zh": "未提交银行流水", "en": "no bank statements"}},
    "asset_proof": {"missing": {"zh": "未提交资产证明", "en": "no proof of assets"},
                    "unknown": {"zh": "未提交资产证明(如有资产)", "en": "no proof of assets (if you have any)"}},
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
        "unaffordable": {"zh": "分{v}期时月供{instalment}元,可支配收入只有{disposable}元,还款后留不出生活余地",
                         "en": "with {v} instalments the monthly payment of {instalment} RMB leaves too little of "
                               "disposable income ({disposable} RMB) to live on"},
        "deficit": {"zh": "分{v}期时月供{instalment}元,而你现在每月入不敷出{deficit}元,什么月供都还不起",
                    "en": "with {v} instalments the monthly payment is {instalment} RMB, but you are already short "
                          "{deficit} RMB every month, so no instalment can be carried"},
    },
    "down_payment_ratio": {
        "none": {"zh": "没有首付", "en": "no down payment"},
        "low": {"zh": "首付比例较低({v})", "en": "a small down payment ({v} of the balance)"},
    },
}

# The proof of a hardship that fits its cause (the article: 失业证明, 医疗诊断报告, 工资单, 贷款合同...).
HARDSHIP_DOCUMENTS: dict[str, dict[str, str]] = {
    "unemployment": {"zh": "失业证明或离职证明", "en": "an unemployment or termination certificate"},
    "illness": {"zh": "诊断证明或病历", "en": "a medical diagnosis or medical records"},
    "income_drop": {"zh": "收入证明或工资流水", "en": "proof of income or payslip and salary statements"},
    "business_failure": {"zh": "营业执照和经营流水", "en": "the business licence and business account statements"},
    "family_emergency": {"zh": "相关证明", "en": "documents proving the emergency"},
    "other_debts": {"zh": "贷款合同与还款记录", "en": "the loan contracts and repayment records"},
}


def hardship_documents(reason: str, lang: str) -> str:
    """The proof that fits a hardship cause, in ``lang`` (a generic phrase for no or an unknown cause)."""
    lang = check_lang(lang)
    docs = HARDSHIP_DOCUMENTS.get(reason)
    if docs is None:
        return "与困难原因相符的证明" if lang == "zh" else "documents proving the cause"
    return docs[lang]


def _known_positive(x: Any) -> bool:
    """True for a known number above 0 (savings); False for 0, a negative, None or NaN."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return False
    return v == v and v > 0


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
        if not bool(affordable(ctx.get("instalment", 0.0), ctx.get("disposable", 1.0))):
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


# --- actions -------------------------------------------------------------------------------------
# Keys: ``set`` for booleans (set_true / set_false); a level name for communication;
# ``to`` for plan / down payment / expenses, which receive v (new value), old, instalment, cash, cut.

ACTION_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "hardship_proof": {
        "set": {"zh": "提交困难证明({docs})", "en": "hand in proof of the hardship ({docs})"},
    },
    "income_proof": {"set": {"zh": "提交收入证明/工资单", "en": "hand in income proof or payslips"}},
    "bank_statements": {"set": {"zh": "提交银行流水", "en": "hand in bank statements"}},
    "asset_proof": {"set": {"zh": "提交资产证明", "en": "hand in proof of assets"},
                    "unknown": {"zh": "如有资产,提交资产证明", "en": "if you have any assets, hand in proof of them"}},
    "expense_statement": {"set": {"zh": "提交家庭支出明细", "en": "hand in a household expense statement"}},
    "communication": {
        "responsive": {"zh": "积极回应平台的联系", "en": "answer the lender's calls and messages"},
        "proactive": {"zh": "主动联系平台说明情况",
                      "en": "contact the lender first, explain your situation and follow up"},
    },
    "info_verified": {
        "set": {"zh": "更正不实信息,确保所提供信息真实、可核实",
                "en": "correct the information you gave so that it can be verified as true"},
    },
    "materials_on_time": {"set": {"zh": "按期提交申请材料", "en": "hand in the materials on time"}},
    "plan_months": {
        "to": {"zh": "申请分{v}期(月供约{instalment}元)",
               "en": "ask for {v} instalments instead of {old} (about {instalment} RMB a month)"},
        "long": {"zh": "申请分{v}期(月供约{instalment}元,期数这么长要先问平台)",
                 "en": "ask for {v} instalments instead of {old} (about {instalment} RMB a month; ask whether the "
                       "lender offers plans this long)"},
    },
    "down_payment_ratio": {
        "to": {"zh": "用存款先还欠款的{v}(约{cash}元,应急钱不动)",
               "en": "pay {v} of the balance up front from savings (about {cash} RMB, keeping the emergency reserve)"},
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
    if name == "hardship_proof":
        return variants["set"][lang].format(docs=hardship_documents(str(applicant.get("hardship_reason", "")), lang))
    if name == "asset_proof" and not _known_positive(applicant.get("savings")):
        return variants["unknown"][lang]
    if feature(name).kind == "bool":
        return variants["set"][lang]
    old = applicant[name]
    balance = float(applicant["outstanding_balance"])
    down = float(new) if name == "down_payment_ratio" else float(applicant["down_payment_ratio"])
    months = float(new) if name == "plan_months" else float(applicant["plan_months"])
    if instalment is None:
        instalment = float(plan_instalment(balance, down, months))
    extra = max(0.0, float(new) - float(old)) * balance if name == "down_payment_ratio" else 0.0
    key = "long" if name == "plan_months" and int(new) > LONG_PLAN_MONTHS else "to"
    return variants[key][lang].format(
        v=percent(float(new)) if name == "down_payment_ratio" else int(new),
        old=old, instalment=money(instalment), cash=money(extra))


def action_text(changes: Mapping[str, Any], applicant: Mapping[str, Any], lang: str,
                instalment: float | None = None) -> str:
    """All the steps of one option, in contract order, joined into one sentence."""
    lang = check_lang(lang)
    if not changes:
        return HEADINGS["no_change"][lang]
    return _SEP[lang].join(action_step_text(k, v, applicant, lang, instalment) for k, v in changes.items())


# --- the gap, the notes and the way forward ------------------------------------------------------

GAP_TEMPLATES: dict[str, dict[str, str]] = {
    "shortfall": {
        "zh": "差距:分{months}期{dp_part}月供约{instalment}元;留出{buffer}且至少{floor}元生活费,可支配收入需{required}元,你现有{disposable}元,每月差{shortfall}元。",
        "en": "The gap: even over {months} instalments{dp_part} the instalment is about {instalment} RMB a month; "
              "to keep {buffer} of disposable income and at least {floor} RMB a month to live on, you would need "
              "{required} RMB of disposable income a month, and yours is {disposable} RMB: {shortfall} RMB short.",
    },
    "deficit": {
        "zh": "差距:分{months}期{dp_part}月供约{instalment}元;还完要留结余的{buffer}且至少{floor}元,每月结余需{required}元,而你现在每月入不敷出{deficit}元,每月差{shortfall}元。",
        "en": "The gap: even over {months} instalments{dp_part} the instalment is about {instalment} RMB a month; "
              "you would need {required} RMB of disposable income a month (to keep {buffer} of it and at least "
              "{floor} RMB as a margin), but you are short {deficit} RMB every month already: {shortfall} RMB short.",
    },
    "dp_part": {"zh": "、首付{dp}(约{cash}元),", "en": " with {dp} down (about {cash} RMB)"},
    "ways_debts": {"zh": "可跟其他债权人商量少还、增加收入,或问家人能否帮点忙(别影响他们的生活)。",
                   "en": "The difference could come from lower payments on your other debts (ask those lenders "
                         "too), from more income, or from family, if they can help without straining their own "
                         "finances."},
    "ways_income": {"zh": "可设法增加收入,或问家人能否帮点忙(别影响他们的生活);在那之前先申请延期。",
                    "en": "The difference could come from more income, or from family if they can help without "
                          "straining their own finances; until then, ask for a deferral."},
    "lump": {"zh": "你的存款留出应急钱后约有{spendable}元:先一次还约{lump}元,剩下的分{months}期就能负担。",
             "en": "Your savings beyond the emergency reserve come to about {spendable} RMB: paying about {lump} "
                   "RMB first would make the rest affordable over {months} instalments."},
    "closed": {
        "zh": "可负担的方案存在:分{months}期{dp_part}时月供约{instalment}元,所需可支配收入{required}元,现有{disposable}元。",
        "en": "An affordable plan exists: over {months} instalments{dp_part} the instalment is about {instalment} "
              "RMB, which needs a disposable income of {required} RMB; yours is {disposable} RMB.",
    },
}


def gap_text(gap: Mapping[str, float], lang: str) -> str:
    """The sentences for :class:`xieshang.explain.Gap` (its ``to_dict()``).

    The ways to close it name other debts only where there are some, and a lump sum only where the
    savings beyond the emergency reserve cover it; nothing is called the *only* way.
    """
    from .rules import BUFFER_SHARE

    lang = check_lang(lang)
    t = GAP_TEMPLATES
    dp = gap["down_payment_ratio"]
    dp_part = t["dp_part"][lang].format(dp=percent(dp), cash=money(gap["down_payment"])) if dp > 0 else ""
    values = {"months": int(gap["plan_months"]), "dp_part": dp_part, "instalment": money(gap["instalment"]),
              "required": money(gap["required_disposable"]), "disposable": money(gap["disposable"]),
              "shortfall": money(gap["shortfall"]), "buffer": percent(BUFFER_SHARE),
              "floor": money(gap["living_floor"]), "lump": money(gap["lump_sum"]),
              "deficit": money(max(-gap["disposable"], 0.0)),
              "spendable": money(gap["spendable_savings"]) if gap["spendable_savings"] == gap["spendable_savings"]
              else ""}
    # Plans this long are an assumption (xieshang.facts: plan_lengths): ask the lender first.
    long_plan = [NOTES["long_plan"][lang]] if gap["plan_months"] > LONG_PLAN_MONTHS else []
    sep = "" if lang == "zh" else " "
    if gap["shortfall"] <= 0:
        return sep.join([t["closed"][lang], *long_plan]).format(**values)
    parts = [t["deficit" if gap["disposable"] < 0 else "shortfall"][lang], *long_plan]
    parts.append(t["ways_debts" if gap["other_debt_payments"] > 0 else "ways_income"][lang])
    if 0 < gap["lump_sum"] <= gap["spendable_savings"] and not gap.get("whole"):  # NaN savings: never
        parts.append(t["lump"][lang])
    return sep.join(parts).format(**values)


NOTES: dict[str, dict[str, str]] = {
    "unknown_savings": {
        "zh": "不知道你有没有存款,所以没列首付。若留出约{reserve}元应急钱后还够首付{dp}(约{cash}元),分{months}期月供约{instalment}元{verdict}。",
        "en": "Your savings are unknown, so no down payment is offered. If your savings beyond an emergency reserve "
              "of about {reserve} RMB cover {dp} down (about {cash} RMB), the instalment over {months} months would "
              "be about {instalment} RMB{verdict}.",
    },
    "ok": {"zh": ",可以负担", "en": ", which you could carry"},
    "still": {"zh": ",但仍负担不起", "en": ", still not affordable"},
    "unfunded_down_payment_none": {
        "zh": "你申请里的首付约{cash}元,但存款还不够留出约{reserve}元应急钱。不要为首付借钱或动用应急钱,"
              "可以请平台按少付或不付首付重新算。",
        "en": "The down payment in your request, about {cash} RMB, would come out of savings that do not even cover "
              "an emergency reserve of about {reserve} RMB. Do not borrow for it or spend the reserve: ask the "
              "lender to recalculate with a smaller or no down payment.",
    },
    "unfunded_down_payment": {
        "zh": "你申请里的首付约{cash}元,超过了存款留出应急钱后的约{spendable}元。不要为首付借钱或动用应急钱,"
              "可以请平台按少付或不付首付重新算。",
        "en": "The down payment in your request, about {cash} RMB, is more than your savings beyond the emergency "
              "reserve (about {spendable} RMB). Do not borrow for it or spend the reserve: ask the lender to "
              "recalculate with a smaller or no down payment.",
    },
    "long_plan": {"zh": "这么多期要先问平台。", "en": "Ask whether the lender offers plans this long."},
    "no_interest": {"zh": "月供按欠款平摊,不含利息罚息,以平台计划为准。",
                    "en": "Instalments shown split the balance evenly and exclude interest and penalty interest; "
                          "the lender's plan gives the real amounts."},
}
# Kept under its old name: the note on a down payment when savings are unknown.
DOWN_PAYMENT_NOTES = NOTES


def down_payment_note(dp: float, cash: float, months: int, instalment: float, ok: bool, lang: str,
                      reserve: float = 0.0) -> str:
    """The separate note on a down payment when savings are unknown (never an option)."""
    lang = check_lang(lang)
    verdict = NOTES["ok" if ok else "still"][lang]
    out = NOTES["unknown_savings"][lang].format(dp=percent(dp), cash=money(cash), months=int(months),
                                                instalment=money(instalment), verdict=verdict, reserve=money(reserve))
    if months > LONG_PLAN_MONTHS:  # plans this long are an assumption (xieshang.facts: plan_lengths)
        out += ("" if lang == "zh" else " ") + NOTES["long_plan"][lang]
    return out


def note(key: str, lang: str, **values: Any) -> str:
    """A note of the report by key (:data:`NOTES`), with money values formatted."""
    lang = check_lang(lang)
    return NOTES[key][lang].format(**{k: money(v) if isinstance(v, float) else v for k, v in values.items()})


# The way forward, safety first; explain picks at most six that apply to the applicant. Facts and their
# sources: xieshang.facts (listed in data/README.md).
NEXT_STEPS: dict[str, dict[str, str]] = {
    "essentials": {
        "zh": "先保房租、吃饭、看病的钱;不借新还旧,不找收费的“代理协商”中介。",
        "en": "Keep the money for rent, food and medicine first; no new loans to repay old ones (以贷养贷), and "
              "no paid negotiation agents (代理协商).",
    },
    "all_debts": {
        "zh": "其他欠款每月还{other}元,超过收入一半:列出所有欠款,和各家一起商量。",
        "en": "Your other debts take {other} RMB a month, more than half your income: list every debt and "
              "negotiate with all lenders together, not one at a time.",
    },
    "overdue": {"zh": "已逾期{days}天,越拖罚息越多、越伤征信,尽快联系:",
                "en": "You are {days} days overdue: every day adds penalty interest and harms your credit record. "
                      "Contact the lender now; waiting does not help."},
    "contact": {
        "zh": "在支付宝打开借呗,到“我的账单”或类似页面查清欠款;经借呗在线客服或95188申请协商,问清所需材料。",
        "en": "In Alipay, open Jiebei and check what you owe and when under \"My bills\" (我的账单) or a similar "
              "page; then ask for a negotiated plan through Jiebei's online service or 95188, and which materials "
              "are needed.",
    },
    "prepare": {"zh": "备好并按时交(申请什么都用得上):{items}。",
                "en": "For any request, have these ready and hand them in on time: {items}."},
    "agreement": {
        "zh": "谈妥要书面计划,核对再确认;通话记下日期、工号、约定;只在支付宝内还款,防假客服。协商记录可能仍上征信,可到人民银行征信中心查。",
        "en": "Get the agreed plan in writing and check it before you confirm; note the date, staff number and "
              "what was agreed in every call; pay only inside Alipay and beware of fake customer service (客服). "
              "A negotiated plan may still show in your credit report: check it at the central bank's Credit "
              "Reference Center (征信中心).",
    },
    "refused": {
        "zh": "被拒就问原因、补材料再申请;投诉先看合同上的放款机构,银行、消费金融公司打12378(金融监管总局);免费法律咨询12348;法院文书务必应对。",
        "en": "If refused, ask why, add materials and apply again. To complain, first check which lender your "
              "contract names: for a bank or consumer finance company, call 12378 (National Financial Regulatory "
              "Administration). Free legal advice: 12348. Never ignore court papers.",
    },
    "collection": {
        "zh": "遇威胁、骚扰家人的催收,留证据向平台或12378反映,受威胁报110。",
        "en": "Threats or calls to your family from collectors: keep recordings and screenshots, report them to "
              "the lender and 12378, and call the police (110) if threatened.",
    },
}

# What "prepare" lists besides the documents.
PREPARE_ITEMS: dict[str, dict[str, str]] = {
    "cause": {"zh": "困难原因的说明(失业、生病、收入下降等)", "en": "a statement of the cause (job loss, illness, lower income...)"},
    "truthful": {"zh": "真实可核实的信息", "en": "true information that can be checked"},
    "if_any": {"zh": "(如有)", "en": " (if you have any)"},
}


def next_steps(keys: list[tuple[str, dict[str, Any]]], lang: str) -> list[str]:
    """The checklist lines for ``[(key, values)]`` in ``lang``."""
    lang = check_lang(lang)
    return [NEXT_STEPS[k][lang].format(**v) for k, v in keys]


# --- report --------------------------------------------------------------------------------------

HEADINGS: dict[str, dict[str, str]] = {
    "probability": {"zh": "获批可能性(模型估计):{p}(目标{t})",
                    "en": "Estimated chance that the repayment plan is approved: {p} (target {t})"},
    "reasons": {"zh": "主要原因:", "en": "Main reasons:"},
    "no_reasons": {"zh": "没有明显拉低可能性的因素。", "en": "Nothing in particular holds the chance down."},
    "reason_line": {"zh": "{i}. {text}(拉低{impact})", "en": "{i}. {text} (lowers it by {impact})"},
    "reason_line_plain": {"zh": "{i}. {text}", "en": "{i}. {text}"},
    "actions": {"zh": "可以这样做(先易后难):", "en": "What you could do, easiest first:"},
    "action_line": {"zh": "方案{i}:{text} → 约{p}", "en": "Option {i}: {text} -> about {p}"},
    "already": {"zh": "已达到目标,申请不必改动。", "en": "The target is already reached; nothing needs to change."},
    "request_unaffordable": {
        "zh": "估计虽已达到目标,但你申请的方案月供约{instalment}元,每月结余{disposable}元,还完留不出余地:别签这个方案。",
        "en": "The estimate reaches the target, but the plan you asked for, about {instalment} RMB a month, is more "
              "than your disposable income of {disposable} RMB a month can carry safely: do not sign it.",
    },
    "down_payment_first": {
        "zh": "估计虽已达到目标,但它按首付约{cash}元算:首付只能用留足应急钱后的存款付,不够就别借钱凑,也先别签。不付首付时,分{months}期月供约{instalment}元{verdict}。",
        "en": "The estimate reaches the target, but it counts on a down payment of about {cash} RMB: pay it only "
              "from savings beyond your emergency reserve; if they do not cover it, do not borrow for it and do not "
              "sign yet. With no down payment, the instalment over {months} months would be about {instalment} "
              "RMB{verdict}.",
    },
    "unreachable": {
        "zh": "用现实可行的步骤达不到目标{t},最多约{p}:",
        "en": "No realistic set of steps reaches {t}; the most is about {p}:",
    },
    "no_affordable_plan": {
        "zh": "按现在的收支,任何分期都会让你没钱生活:先保房租、吃饭、看病,别签还不起的方案,也别借新还旧。",
        "en": "On your current income and expenses, every instalment plan would leave you nothing to live on. Keep "
              "the money for rent, food and medicine, do not sign a plan you cannot pay, and take no new loans to "
              "repay this one.",
    },
    "ask_instead": {
        "zh": "可改申请最长的分期或延期一到几个月,也可问利息、罚息能否暂停或减免(即“停息挂账”,借呗无固定政策,已计利息通常照还;以此收费的中介别信)。",
        "en": "Ask instead for the longest plan they offer or a deferral of one to a few months, and ask whether "
              "interest and penalty interest can be paused or reduced (the so-called 停息挂账: Jiebei has no fixed "
              "policy, they may say no, and interest already charged usually stays; do not pay agents who promise it).",
    },
    "savings_cover": {
        "zh": "你的存款约{savings}元,留足{months:g}个月必要开支(约{reserve}元)后仍够一次还清约{balance}元的欠款;一次还清不再产生罚息,还前可问平台能否减免部分罚息。",
        "en": "Your savings of about {savings} RMB cover the whole balance of about {balance} RMB and still leave "
              "{months:g} months of essential expenses (about {reserve} RMB) for emergencies. Repaying at once "
              "stops penalty interest; before you pay, ask whether part of it can be waived.",
    },
    "unaffordable_note": {"zh": ",月供{instalment}元负担不起(可支配收入{disposable}元)",
                          "en": ": the instalment of {instalment} RMB is more than can be carried safely "
                                "(disposable income {disposable} RMB)"},
    "unaffordable_note_deficit": {"zh": ",月供{instalment}元还不起(你现在每月入不敷出{deficit}元)",
                                  "en": ": the instalment of {instalment} RMB cannot be carried (you are short "
                                        "{deficit} RMB every month)"},
    "next_steps": {"zh": "下一步:", "en": "Next steps:"},
    "unknowns": {"zh": "未填信息中影响最大的:{items};如实补上可能改变结果。",
                 "en": "Of the unknown values, these matter most: {items}. Filling them in truthfully may change "
                       "the answer."},
    "unknown_item": {"zh": "{label}(若同典型获批者,{change})",
                     "en": "{label} (like a typical approved applicant's: {change})"},
    "unknown_item_plain": {"zh": "{label}", "en": "{label}"},
    "raises": {"zh": "提高{pts}", "en": "raises it by {pts}"},
    "lowers": {"zh": "降低{pts}", "en": "lowers it by {pts}"},
    "no_improvement": {
        "zh": "没有现实可行的步骤能明显提高获批的可能性。",
        "en": "No realistic step raises the chance of approval by much.",
    },
    "disclaimer": {
        "zh": "说明:结果来自合成数据训练的模型,影响大小为本项目假设,不代表任何平台意见,不构成金融或法律建议。",
        "en": "Note: this estimate comes from a model trained on synthetic data; the effect sizes are this project's "
              "assumptions, not any lender's, and this is not financial or legal advice.",
    },
    "no_change": {"zh": "无需改变", "en": "no change needed"},
}


def change_words(delta: float, lang: str) -> str:
    """``"提高约12个百分点"`` / ``"raises it by about 12 percentage points"`` (``"降低…"`` / ``"lowers…"`` for a fall)."""
    return heading("raises" if delta >= 0 else "lowers", lang, pts=points(abs(delta), lang, signed=False))


def heading(key: str, lang: str, **values: Any) -> str:
    """A report line by key, formatted with ``values``."""
    lang = check_lang(lang)
    return HEADINGS[key][lang].format(**values)


# --- display width ---------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a figure label: a wide (East Asian) character counts two.

    Uses :func:`unicodedata.east_asian_width` ("W" and "F" are wide), so
    full-width punctuation counts two and Latin accents one.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- the data check (``xieshang check``) -----------------------------------------------------------
# Keyed by language, then by line or finding (Issue.code). Fields are filled in by xieshang.check.

CHECK_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "数据检查",
        "unit_line": "行号",
        "unit_row": "第几条",
        "rows": "  记录数 {rows:,}",
        "labels": ",同意 {approved:,}({rate:.1%}),拒绝 {refused:,}",
        "extra_columns": "  模型不使用的列(predict 原样保留):{names}",
        "all_valid": "  模型使用的 {n} 列都完整且有效",
        "col_column": "列",
        "col_missing": "缺失",
        "col_out_of_range": "超出范围",
        "col_wrong_type": "类型错误",
        "col_unknown_category": "未知类别",
        "col_examples": "示例({unit})",
        "blank_note": "  可以缺失的列留空即“未知”,模型照样估计;其余列不能留空。",
        "problems": "问题(训练前必须修正)",
        "warnings": "提醒",
        "ready": "结论:可以训练。",
        "not_ready": "结论:有 {n} 个问题,修正后再训练。",
        # where a finding is
        "at_line": "行 {shown}",
        "at_row": "第 {shown} 条",
        "at_more": " 等 {total} 处",
        "column": "{name}({label})",
        "column_headed": "{name}({label})",
        "named": "{name}({label})",
        "name_sep": "、",
        # what a column should hold
        "expect_bool": "是/否(或 1/0、true/false)",
        "expect_category": "{values} 之一",
        "category_value": "{value}({label})",
        "expect_range": "{low:g} 到 {high:g} 之间的{what}",
        "integer": "整数",
        "number": "数字",
        "chinese_labels": "",
        # findings, by Issue.code
        "ambiguous_columns": "列名重复或含义相同:{error}",
        "duplicate_columns": "模型不使用的列名重复:{names};predict 原样保留",
        "empty": "没有数据行",
        "missing_columns": "缺少列:{names};请补上(列名可用英文名或中文标签)",
        "bad_values": "{column}:{count} 个无效值 {values}(在{at});应为{expected}",
        "blank_not_allowed": "{column}:{count} 处为空(在{at});这一列不能留空,请填写或删除这些行",
        "bad_labels": "{label}(是否同意):{count} 个不是 0/1 的标签(在{at})",
        "too_few_rows": "同意 {approved} 条、拒绝 {refused} 条,太少,无法训练:每种结果至少需要 {need} 条"
                        "({n_splits} 折交叉验证,另留 {test_size:.0%} 作测试)",
        "small_sample": "样本偏少({n} 条,同意 {approved}、拒绝 {refused}):建议至少 {warn_rows} 条、每种结果至少 "
                        "{warn_per_label} 条,否则估计会很粗",
        "no_label": "没有标签列 {label}(是否同意):可以打分,不能训练",
        "leak": "列 {name} 单独就能把同意和拒绝分开(AUC {auc:.3f}):好得不真实,它是否记录了结果本身?",
        "duplicates": "{count} 行与前面的某行完全相同(在{at};首次出现在 {first}):若是重复录入,请删除",
        "invalid": "校验未通过:{error}",
    },
    "en": {
        "title": "Data check",
        "unit_line": "lines",
        "unit_row": "rows",
        "rows": "  rows: {rows:,}",
        "labels": ", approved: {approved:,} ({rate:.1%}), refused: {refused:,}",
        "extra_columns": "  extra columns (not used by the model, passed through by predict): {names}",
        "all_valid": "  all {n} contract columns present are complete and valid",
        "col_column": "column",
        "col_missing": "missing",
        "col_out_of_range": "out of range",
        "col_wrong_type": "wrong type",
        "col_unknown_category": "unknown category",
        "col_examples": "examples ({unit})",
        "blank_note": "  Blank is 'unknown': allowed where the contract says so, an error elsewhere.",
        "problems": "Problems (fix before training)",
        "warnings": "Warnings",
        "ready": "Result: ready to train.",
        "not_ready": "Result: not ready to train ({n} problem{s}); fix the file and check again.",
        "at_line": "line{s} {shown}",
        "at_row": "row{s} {shown}",
        "at_more": " and {more} more",
        "column": "{name}",
        "column_headed": "{name} (column {header!r})",
        "named": "{name} ({label})",
        "name_sep": ", ",
        "expect_bool": "{contract}",
        "expect_category": "{contract}",
        "category_value": "{value}",
        "expect_range": "{contract}",
        "integer": "integer",
        "number": "number",
        "chinese_labels": " (or the Chinese labels {labels})",
        "ambiguous_columns": "{error}",
        "duplicate_columns": "extra column name(s) {names} appear more than once; predict keeps them as written",
        "empty": "no rows; expected at least one",
        "missing_columns": "missing column(s): {names}; add them (headed by the name or the Chinese or English label)",
        "bad_values": "{column}: {count} invalid value(s) {values} at {at}; expected {expected}",
        "blank_not_allowed": "{column}: {count} blank/unknown cell(s) at {at}; this column may not be blank: "
                             "fill it in or drop those rows",
        "bad_labels": "{label}: {count} label(s) not 0/1 at {at}; expected 0/1 (or yes/no, 是/否)",
        "too_few_rows": "too few rows to train: {approved} approved and {refused} refused; need at least {need} "
                        "of each ({n_splits}-fold cross-validation plus {test_size:.0%} held out for the test)",
        "small_sample": "a small sample ({n} rows, {approved} approved, {refused} refused): at least {warn_rows} "
                        "rows and {warn_per_label} of each label are advisable, or the estimates will be rough",
        "no_label": "no label column {label!r} (0/1): the rows can be scored, not trained on",
        "leak": "column {name!r} alone separates approved from refused (AUC {auc:.3f}): too good to be true; "
                "does it record the outcome itself?",
        "duplicates": "{count} row(s) repeat an earlier row exactly (at {at}; first copies at {first}): "
                      "drop them if they were entered twice",
        "invalid": "{error}",
    },
}
"""Every line and finding of the data check report, in Chinese and English."""


def check_text(key: str, lang: str, **values: Any) -> str:
    """A line or finding of the data check by key, in ``lang``, formatted with ``values``."""
    return CHECK_TEXT[check_lang(lang)][key].format(**values)


# --- figures (xieshang.plots) ----------------------------------------------------------------------

FIGURE_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "predicted": "predicted approval probability",
        "observed": "observed approval rate",
        "observed_truth": "observed approval rate / true probability",
        "model": "model",
        "observed_series": "{label}: observed rate (95% CI)",
        "truth_series": "{label}: true probability",
        "histogram": "{label}: predictions (histogram)",
        "perfect": "perfect calibration",
        "reliability_title": "Reliability diagram",
        "fpr": "false positive rate (rejected requests scored as approved)",
        "tpr": "true positive rate (approved requests found)",
        "chance": "chance",
        "roc_title": "ROC curve",
        "auc": "{name} (AUC {auc:.3f})",
        "mean_probability": "mean approval probability",
        "truth": "truth (generator)",
        "effect_title": "Effect of {label}",
        "rate": "approval rate",
        "rates_title": "Approval rate by factor",
        "count": "n = {n:,}",
        "whatif_title": "What if: {label}",
        "approval_probability": "approval probability",
        "now": "now",
        "target": "target {target:.0%}",
        "unaffordable": "unaffordable (instalment leaves no living buffer)",
        "reasons": "What holds it down",
        "actions": "What would raise it",
        "singles": "Each step alone",
        "reason_bar": "cost of this reason",
        "option": "option {i}",
        "plan_unaffordable": "(plan stays unaffordable)",
        "alone": "alone: {text}",
        "action_note": "{p:.0%} · cost {cost:.1f}",
        "reason_note": "−{impact:.0%}",
        "explain_title": "Approval probability now {p:.0%}, target {target:.0%}",
        "reached": "the best option reaches the target",
        "best_reachable": "no option reaches the target: the best reachable is shown",
        "already": "already at or above the target",
        "no_affordable_plan": "no affordable plan: steps that keep the plan",
        "no_improvement": "nothing realistic raises the probability",
        "can_change": "reason the borrower can act on",
        "cannot_change": "reason the borrower cannot change",
        "yes": "yes",
        "no": "no",
        "money": "{v:,.0f} RMB",
        "item_sep": "; ",
    },
    "zh": {
        "predicted": "预测通过概率",
        "observed": "实际通过率",
        "observed_truth": "实际通过率 / 真实概率",
        "model": "模型",
        "observed_series": "{label}:实际通过率(95%置信区间)",
        "truth_series": "{label}:真实概率",
        "histogram": "{label}:预测值分布(直方图)",
        "perfect": "完美校准",
        "reliability_title": "可靠性图(校准曲线)",
        "fpr": "假阳性率(被拒申请被判为通过的比例)",
        "tpr": "真阳性率(通过申请被识别的比例)",
        "chance": "随机猜测",
        "roc_title": "ROC曲线",
        "auc": "{name}(AUC {auc:.3f})",
        "mean_probability": "平均通过概率",
        "truth": "真实值(生成器)",
        "effect_title": "{label}的影响",
        "rate": "通过率",
        "rates_title": "各因素下的通过率",
        "count": "样本数 {n:,}",
        "whatif_title": "假如改变:{label}",
        "approval_probability": "通过概率",
        "now": "当前",
        "target": "目标 {target:.0%}",
        "unaffordable": "还不起(月供后留不出生活余地)",
        "reasons": "拉低概率的原因",
        "actions": "能提高概率的做法",
        "singles": "每一步单独的效果",
        "reason_bar": "该原因造成的损失",
        "option": "方案{i}",
        "plan_unaffordable": "(方案仍不可负担)",
        "alone": "单独:{text}",
        "action_note": "{p:.0%} · 成本 {cost:.1f}",
        "reason_note": "−{impact:.0%}",
        "explain_title": "当前通过概率 {p:.0%},目标 {target:.0%}",
        "reached": "最佳方案可以达到目标",
        "best_reachable": "没有方案能达到目标:显示可达到的最好方案",
        "already": "已达到或超过目标",
        "no_affordable_plan": "没有还得起的还款方案:不改变方案的步骤",
        "no_improvement": "没有切实可行的做法能提高概率",
        "can_change": "借款人可以改变的原因",
        "cannot_change": "借款人无法改变的原因",
        "yes": "是",
        "no": "否",
        "money": "{v:,.0f}元",
        "item_sep": ";",
    },
}
"""Every word the figures draw, other than the contract's feature labels."""


def figure_text(key: str, lang: str, **values: Any) -> str:
    """A word or line of a figure by key, in ``lang``, formatted with ``values``."""
    return FIGURE_TEXT[check_lang(lang)][key].format(**values)


__all__ += ["display_width", "CHECK_TEXT", "check_text", "FIGURE_TEXT", "figure_text"]


# --- the web page's own words (xieshang.serve): captions and labels, no advice --------------------
# What the page says about the applicant comes from the explanation; these are only its frame.

UI: dict[str, dict[str, str]] = {
    "title": {"zh": "协商还款:获批可能性与可以负担的方案", "en": "Negotiated repayment: the estimate and plans you can keep"},
    "switch_lang": {"zh": "English", "en": "中文"},
    "applicant": {"zh": "您的情况", "en": "Your situation"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "estimate": {"zh": "重新估计", "en": "Estimate again"},
    "reset": {"zh": "恢复示例", "en": "Back to the example"},
    "what_if": {"zh": "如果……会怎样", "en": "What if"},
    "what_if_hint": {"zh": "调整您能改变或可以申请的事项,估计随之更新。", "en": "Change what you can change or ask for; the estimate follows."},
    "result": {"zh": "估计结果", "en": "The estimate"},
    "now": {"zh": "现在", "en": "now"},
    "start": {"zh": "起点", "en": "start"},
    "target": {"zh": "目标", "en": "target"},
    "at_target": {"zh": "已达到目标 {t}", "en": "at or above the target of {t}"},
    "below_target": {"zh": "低于目标 {t}", "en": "below the target of {t}"},
    "estimate_now": {"zh": "获批可能性(模型估计)", "en": "Estimated chance of approval"},
    "plan_line": {"zh": "月供 {instalment} 元;可支配收入 {disposable} 元/月", "en": "Instalment {instalment} RMB a month; disposable income {disposable} RMB a month"},
    "affordable": {"zh": "这个方案可以负担:还款后仍留有生活余地。", "en": "This plan is affordable: it leaves a buffer to live on."},
    "unaffordable": {"zh": "这个方案负担不起:还款后生活没有余地。", "en": "This plan is not affordable: it leaves nothing to live on."},
    "explanation": {"zh": "原因与建议", "en": "Reasons and advice"},
    "chart": {"zh": "图示", "en": "Chart"},
    "chart_alt": {"zh": "图:拉低概率的原因、各方案及其效果", "en": "Chart: what holds the estimate down, the options and what they buy"},
    "fix_fields": {"zh": "请修改标出的项目,其余内容已保留:", "en": "Please correct the marked fields; everything else is kept:"},
    "unknown_field": {"zh": "{key}:没有这一项,您是不是指 {guess}?", "en": "{key}: not a field; did you mean {guess}?"},
    "unknown_field_no_guess": {"zh": "{key}:没有这一项", "en": "{key}: not a field"},
    "stale": {"zh": "下方结果对应上一次有效的输入。", "en": "The result below is for the last valid input."},
    "working": {"zh": "正在计算……", "en": "Working…"},
    "no_savings": {"zh": "存款未知或为零:无法用存款增加首付。", "en": "Savings unknown or zero: no down payment can come from savings."},
    "down_payment_value": {"zh": "{pct}(约 {money} 元)", "en": "{pct} (about {money} RMB)"},
    "needs_hardship": {"zh": "先写明困难原因", "en": "state the hardship first"},
    "unavailable": {"zh": "服务暂时无法回答,请稍后再试。", "en": "The service cannot answer right now; please try again."},
    "unit:RMB": {"zh": "元", "en": "RMB"},
    "unit:RMB/month": {"zh": "元/月", "en": "RMB/month"},
    "unit:days": {"zh": "天", "en": "days"},
    "unit:months": {"zh": "个月", "en": "months"},
    "docs": {"zh": "接口文档", "en": "API documentation"},
}
"""The web page's captions (buttons, section titles, units) in both languages; ``{...}`` are filled by the page."""


def ui_texts(lang: str) -> dict[str, str]:
    """Every caption of :data:`UI` in ``lang``, with the report's disclaimer (``"disclaimer"``)."""
    lang = check_lang(lang)
    return {**{k: v[lang] for k, v in UI.items()}, "disclaimer": heading("disclaimer", lang)}
