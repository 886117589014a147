"""The gap in money, the notes of the report and the way forward (next steps), in both languages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..rules import BUFFER_SHARE, LONG_PLAN_MONTHS
from .formats import check_lang, money, percent

__all__ = ["GAP_TEMPLATES", "gap_text", "NOTES", "DOWN_PAYMENT_NOTES", "down_payment_note", "note", "NEXT_STEPS",
           "PREPARE_ITEMS", "next_steps"]

GAP_TEMPLATES: dict[str, dict[str, str]] = {
    "shortfall": {
        "zh": "差距：分{months}期{dp_part}月供约{instalment}元；还完要留结余的{buffer}且至少{floor}元，每月结余需{required}元，你现有{disposable}元，每月差{shortfall}元。",
        "en": "The gap: even over {months} instalments{dp_part} the instalment is about {instalment} RMB a month; "
              "to keep {buffer} of disposable income and at least {floor} RMB a month to live on, you would need "
              "{required} RMB of disposable income a month, and yours is {disposable} RMB: {shortfall} RMB short.",
    },
    "deficit": {
        "zh": "差距：分{months}期{dp_part}月供约{instalment}元；还完要留结余的{buffer}且至少{floor}元，每月结余需{required}元，而你现在每月入不敷出{deficit}元，每月差{shortfall}元。",
        "en": "The gap: even over {months} instalments{dp_part} the instalment is about {instalment} RMB a month; "
              "you would need {required} RMB of disposable income a month (to keep {buffer} of it and at least "
              "{floor} RMB as a margin), but you are short {deficit} RMB every month already: {shortfall} RMB short.",
    },
    "dp_part": {"zh": "、首付{dp}（约{cash}元），", "en": " with {dp} down (about {cash} RMB)"},
    "ways_debts": {"zh": "可跟其他债权人商量降低月还款、设法增加收入，或请家人帮忙（别影响他们的生活）。",
                   "en": "The difference could come from lower payments on your other debts (ask those lenders "
                         "too), from more income, or from family, if they can help without straining their own "
                         "finances."},
    "ways_income": {"zh": "可设法增加收入，或请家人帮忙（别影响他们的生活）；在那之前先申请延期还款。",
                    "en": "The difference could come from more income, or from family if they can help without "
                          "straining their own finances; until then, ask for a deferral."},
    "lump": {"zh": "你的存款留出应急钱后约有{spendable}元：先一次还约{lump}元，剩下的分{months}期就能负担。",
             "en": "Your savings beyond the emergency reserve come to about {spendable} RMB: paying about {lump} "
                   "RMB first would make the rest affordable over {months} instalments."},
    "closed": {
        "zh": "有还得起的方案：分{months}期{dp_part}月供约{instalment}元，需要每月结余{required}元，你现有{disposable}元。",
        "en": "An affordable plan exists: over {months} instalments{dp_part} the instalment is about {instalment} "
              "RMB, which needs a disposable income of {required} RMB; yours is {disposable} RMB.",
    },
}


def gap_text(gap: Mapping[str, float], lang: str) -> str:
    """The sentences for :class:`xieshang.explain.Gap` (its ``to_dict()``).

    The ways to close it name other debts only where there are some, and a lump sum only where the
    savings beyond the emergency reserve cover it; nothing is called the *only* way.
    """
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
        "zh": "不清楚你有没有存款，所以没算首付。如果留出约{reserve}元应急钱后，存款还够首付{dp}（约{cash}元），分{months}期月供约{instalment}元{verdict}。",
        "en": "Your savings are unknown, so no down payment is offered. If your savings beyond an emergency reserve "
              "of about {reserve} RMB cover {dp} down (about {cash} RMB), the instalment over {months} months would "
              "be about {instalment} RMB{verdict}.",
    },
    "ok": {"zh": "，还得起", "en": ", which you could carry"},
    "still": {"zh": "，但仍然还不起", "en": ", still not affordable"},
    "unfunded_down_payment_none": {
        "zh": "你申请里的首付约{cash}元，但存款还不够留出约{reserve}元应急钱。不要为首付借钱或动用应急钱，"
              "可以请平台按少付或不付首付重新算。",
        "en": "The down payment in your request, about {cash} RMB, would come out of savings that do not even cover "
              "an emergency reserve of about {reserve} RMB. Do not borrow for it or spend the reserve: ask the "
              "lender to recalculate with a smaller or no down payment.",
    },
    "unfunded_down_payment": {
        "zh": "你申请里的首付约{cash}元，超过了存款留出应急钱后的约{spendable}元。不要为首付借钱或动用应急钱，"
              "可以请平台按少付或不付首付重新算。",
        "en": "The down payment in your request, about {cash} RMB, is more than your savings beyond the emergency "
              "reserve (about {spendable} RMB). Do not borrow for it or spend the reserve: ask the lender to "
              "recalculate with a smaller or no down payment.",
    },
    "long_plan": {"zh": "这么多期要先问平台。", "en": "Ask whether the lender offers plans this long."},
    "no_interest": {"zh": "月供按欠款平摊算，不含利息和罚息，以平台计划为准。",
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
        "zh": "先保房租、吃饭、看病的钱；不借新还旧，不找收费的“代理协商”中介。",
        "en": "Keep the money for rent, food and medicine first; no new loans to repay old ones (以贷养贷), and "
              "no paid negotiation agents (代理协商).",
    },
    "all_debts": {
        "zh": "其他欠款每月还{other}元，超过收入一半：列出所有欠款，各家统一协商。",
        "en": "Your other debts take {other} RMB a month, more than half your income: list every debt and "
              "negotiate with all lenders together, not one at a time.",
    },
    "overdue": {"zh": "已逾期{days}天，越拖罚息越多、越伤征信，尽快联系：",
                "en": "You are {days} days overdue: every day adds penalty interest and harms your credit record. "
                      "Contact the lender now; waiting does not help."},
    "contact": {
        "zh": "在支付宝打开借呗，到“我的账单”或类似页面查清欠款；经借呗在线客服或95188申请协商，问清所需材料。",
        "en": "In Alipay, open Jiebei and check what you owe and when under \"My bills\" (我的账单) or a similar "
              "page; then ask for a negotiated plan through Jiebei's online service or 95188, and which materials "
              "are needed.",
    },
    "prepare": {"zh": "备齐材料按时交（哪种申请都用得上）：{items}。",
                "en": "For any request, have these ready and hand them in on time: {items}."},
    "agreement": {
        "zh": "谈妥要书面还款协议，核对再确认；通话记下日期、工号、约定；只在支付宝内还款，防假客服。协商记录可能仍上征信，可到人民银行征信中心免费查。",
        "en": "Get the agreed plan in writing and check it before you confirm; note the date, staff number and "
              "what was agreed in every call; pay only inside Alipay and beware of fake customer service (客服). "
              "A negotiated plan may still show in your credit report: check it at the central bank's Credit "
              "Reference Center (征信中心).",
    },
    "refused": {
        "zh": "被拒就问清原因，补材料再申请。投诉先看借款合同上的放款机构：银行、消费金融公司打12378（金融监管总局）。免费法律咨询12348。法院文书务必应对。",
        "en": "If refused, ask why, add materials and apply again. To complain, first check which lender your "
              "contract names: for a bank or consumer finance company, call 12378 (National Financial Regulatory "
              "Administration). Free legal advice: 12348. Never ignore court papers.",
    },
    "collection": {
        "zh": "遇威胁、骚扰家人的催收，留证据向平台或12378反映，受威胁报110。",
        "en": "Threats or calls to your family from collectors: keep recordings and screenshots, report them to "
              "the lender and 12378, and call the police (110) if threatened.",
    },
}

# What "prepare" lists besides the documents.
PREPARE_ITEMS: dict[str, dict[str, str]] = {
    "cause": {"zh": "困难原因的说明（失业、生病、收入下降等）", "en": "a statement of the cause (job loss, illness, lower income...)"},
    "truthful": {"zh": "真实可核实的信息", "en": "true information that can be checked"},
    "if_any": {"zh": "（如有）", "en": " (if you have any)"},
}


def next_steps(keys: list[tuple[str, dict[str, Any]]], lang: str) -> list[str]:
    """The checklist lines for ``[(key, values)]`` in ``lang``."""
    lang = check_lang(lang)
    return [NEXT_STEPS[k][lang].format(**v) for k, v in keys]
