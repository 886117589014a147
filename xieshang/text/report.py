"""The headings and fixed lines of the explanation report (probability, reasons, options, disclaimer)."""

from __future__ import annotations

from typing import Any

from .formats import check_lang, points

__all__ = ["HEADINGS", "heading", "change_words"]

HEADINGS: dict[str, dict[str, str]] = {
    "probability": {"zh": "获批可能性（模型估计）：{p}（目标{t}）",
                    "en": "Estimated chance that the repayment plan is approved: {p} (target {t})"},
    "reasons": {"zh": "主要原因：", "en": "Main reasons:"},
    "no_reasons": {"zh": "没有明显拉低可能性的因素。", "en": "Nothing in particular holds the chance down."},
    "reason_line": {"zh": "{i}. {text}（拉低{impact}）", "en": "{i}. {text} (lowers it by {impact})"},
    "reason_line_plain": {"zh": "{i}. {text}", "en": "{i}. {text}"},
    "actions": {"zh": "可以这样做（先易后难）：", "en": "What you could do, easiest first:"},
    "action_line": {"zh": "方案{i}：{text} → 约{p}", "en": "Option {i}: {text} -> about {p}"},
    "already": {"zh": "已达到目标，申请内容不用改。", "en": "The target is already reached; nothing needs to change."},
    "request_unaffordable": {
        "zh": "估计虽已达到目标，但你申请的方案月供约{instalment}元，每月结余{disposable}元，还完留不出余地：别签这个方案。",
        "en": "The estimate reaches the target, but the plan you asked for, about {instalment} RMB a month, is more "
              "than your disposable income of {disposable} RMB a month can carry safely: do not sign it.",
    },
    "down_payment_first": {
        "zh": "估计虽已达到目标，但它按首付约{cash}元算：首付只能用留足应急钱后的存款付，不够就别借钱凑，也先别签。不付首付时，分{months}期月供约{instalment}元{verdict}。",
        "en": "The estimate reaches the target, but it counts on a down payment of about {cash} RMB: pay it only "
              "from savings beyond your emergency reserve; if they do not cover it, do not borrow for it and do not "
              "sign yet. With no down payment, the instalment over {months} months would be about {instalment} "
              "RMB{verdict}.",
    },
    "unreachable": {
        "zh": "靠现实可行的做法达不到目标{t}，最多能到约{p}：",
        "en": "No realistic set of steps reaches {t}; the most is about {p}:",
    },
    "no_affordable_plan": {
        "zh": "按现在的收支，任何分期都会让你没钱生活：先保房租、吃饭、看病，别签还不起的方案，也别借新还旧。",
        "en": "On your current income and expenses, every instalment plan would leave you nothing to live on. Keep "
              "the money for rent, food and medicine, do not sign a plan you cannot pay, and take no new loans to "
              "repay this one.",
    },
    "ask_instead": {
        "zh": "可改为申请最长分期，或延期还款一到几个月；也可问利息、罚息能否暂停或减免（即“停息挂账”，借呗无固定政策，已产生的利息通常照还；以此收费的中介别信）。",
        "en": "Ask instead for the longest plan they offer or a deferral of one to a few months, and ask whether "
              "interest and penalty interest can be paused or reduced (the so-called 停息挂账, \u201cinterest stopped, debt parked\u201d; "
              "Jiebei has no fixed policy, they may say no, and interest already charged usually stays; do not pay agents who promise it).",
    },
    "savings_cover": {
        "zh": "你的存款约{savings}元，留足{months:g}个月必要开支（约{reserve}元）后仍够一次还清约{balance}元的欠款。还清就不再产生罚息；还前先问平台能否减免部分罚息，还清后要结清证明。",
        "en": "Your savings of about {savings} RMB cover the whole balance of about {balance} RMB and still leave "
              "{months:g} months of essential expenses (about {reserve} RMB) for emergencies. Repaying at once "
              "stops penalty interest; before you pay, ask whether part of it can be waived.",
    },
    "unaffordable_note": {"zh": "，月供{instalment}元，每月结余{disposable}元，还完留不出余地",
                          "en": ": the instalment of {instalment} RMB is more than can be carried safely "
                                "(disposable income {disposable} RMB)"},
    "unaffordable_note_deficit": {"zh": "，月供{instalment}元还不起（你现在每月入不敷出{deficit}元）",
                                  "en": ": the instalment of {instalment} RMB cannot be carried (you are short "
                                        "{deficit} RMB every month)"},
    "next_steps": {"zh": "下一步：", "en": "Next steps:"},
    "unknowns": {"zh": "未填信息中影响最大的：{items}；如实补上可能改变结果。",
                 "en": "Of the unknown values, these matter most: {items}. Filling them in truthfully may change "
                       "the answer."},
    "unknown_item": {"zh": "{label}（如果和一般获批的人一样，可能性{change}）",
                     "en": "{label} (like a typical approved applicant's: {change})"},
    "unknown_item_plain": {"zh": "{label}", "en": "{label}"},
    "raises": {"zh": "提高{pts}", "en": "raises it by {pts}"},
    "lowers": {"zh": "降低{pts}", "en": "lowers it by {pts}"},
    "no_improvement": {
        "zh": "没有现实可行的步骤能明显提高获批的可能性。",
        "en": "No realistic step raises the chance of approval by much.",
    },
    "disclaimer": {
        "zh": "说明：结果由模拟数据训练的模型估算，影响大小是本项目假设，不代表任何平台意见，不构成金融或法律建议。",
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
