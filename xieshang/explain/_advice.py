"""What an explanation must never tell a borrower, counted: advice for the borrower, not for the score.

:func:`advice_problems` checks one explanation against the rules of :mod:`xieshang.rules`
(:data:`~xieshang.rules.NEVER_RECOMMEND`, the plan rule, savings with a reserve), the gap's agreement
with the options, the facts as :mod:`xieshang.facts` states them and plain words. Every count must be
zero; :mod:`xieshang.action_audit` sums them into ``reports/actions.json`` and the tests run it on
generated applicants of every kind.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import rules
from .. import text as T
from ._facts import facts_of
from ._report import FLOOR

if TYPE_CHECKING:
    from ._types import Explanation

__all__ = ["ADVICE_CHECKS", "MAX_NEXT_STEPS", "advice_problems", "sum_problems"]

MAX_NEXT_STEPS = 6
"""At most this many next steps."""

ADVICE_CHECKS: tuple[str, ...] = (
    "unaffordable_option", "expense_cut", "waiver_withdrawal", "down_payment_beyond_savings",
    "option_counts_on_unfunded_down_payment",
    "option_at_most_1pct", "gap_beside_option", "false_only", "other_debts_named_without_any",
    "heavy_debts_not_handled_together", "lump_sum_beyond_savings", "unfunded_down_payment_not_flagged",
    "savings_cover_not_said_first", "no_plan_without_do_not_sign", "jiebei_app", "old_12378_name",
    "12378_without_regulator", "interest_pause_without_warning", "my_bills_without_hedge",
    "instalment_without_interest_note", "cost_or_effort_units", "zero_percent", "pts", "unnatural_quote",
    "too_many_next_steps", "already_with_plan_not_kept", "negative_money", "hundred_percent",
    "long_plan_without_caveat", "numbers_at_the_floor",
)
"""The names of the counts, each a thing the report must never do."""

_ZERO_PERCENT = re.compile(r"(?<![\d.,])0(\.0+)?%")
_COST = {"zh": re.compile(r"成本|努力单位"), "en": re.compile(r"\bcosts?\b|effort unit", re.I)}
_ONLY = {"zh": "只有", "en": "only "}
_REGULATOR = {"zh": "金融监管总局", "en": "National Financial Regulatory Administration"}
_AGENTS = {"zh": "中介", "en": "agents"}
_HEDGE = {"zh": "或类似", "en": "or a similar page"}
_DEBTS = {"zh": "其他债权人", "en": "your other debts"}
_NEGATIVE_MONEY = re.compile(r"[-−]\s?\d[\d,]*(\.\d+)?\s?(元|RMB)")
_HUNDRED = re.compile(r"(?<![\d.,])100(\.0+)?\s?%")
_PLAN_LENGTH = {"zh": re.compile(r"分(\d+)期"), "en": re.compile(r"over (\d+) (?:instalments|months)")}


def advice_problems(exp: Explanation) -> dict[str, int]:
    """Per check of :data:`ADVICE_CHECKS`, how many times the explanation breaks it (all zero when sound)."""
    out = dict.fromkeys(ADVICE_CHECKS, 0)
    _options(exp, out)
    _gap_and_savings(exp, out)
    _facts_and_words(exp, out)
    _plan_kept_and_numbers(exp, out)
    return out


def _options(exp: Explanation, out: dict[str, int]) -> None:
    row = exp.applicant
    facts = facts_of(row)
    for a in exp.actions:
        new = {**row, **a.changes}
        inst = rules.instalment(new["outstanding_balance"], new["down_payment_ratio"], new["plan_months"])
        out["unaffordable_option"] += int(not a.affordable or not bool(facts.affordable(inst)))
        broken = rules.forbidden_changes(row, a.changes)
        out["expense_cut"] += int("monthly_expenses" in broken)
        out["waiver_withdrawal"] += int("penalty_waiver_requested" in broken)
        out["down_payment_beyond_savings"] += int("down_payment_ratio" in broken)
        # The one asked for, kept although known savings do not cover it: the option's plan needs money they lack.
        out["option_counts_on_unfunded_down_payment"] += int(bool(facts.unfunded(float(new["down_payment_ratio"]))))
        out["option_at_most_1pct"] += int(a.probability <= 0.01)


def _gap_and_savings(exp: Explanation, out: dict[str, int]) -> None:
    lang, row = exp.lang, exp.applicant
    facts = facts_of(row)
    report = str(exp)
    gap_text = exp.gap.text(lang) if exp.gap is not None else ""
    out["gap_beside_option"] += int(exp.gap is not None and bool(exp.actions))
    out["false_only"] += int(_ONLY[lang] in gap_text)
    out["other_debts_named_without_any"] += int(facts.other_debts <= 0 and _DEBTS[lang] in gap_text)
    all_debts = T.NEXT_STEPS["all_debts"][lang].split("{")[0]
    out["heavy_debts_not_handled_together"] += int(facts.heavy_other_debts and all_debts not in report)
    lump_phrase = T.GAP_TEMPLATES["lump"][lang].split("{")[0]
    if exp.gap is not None and lump_phrase in gap_text:
        out["lump_sum_beyond_savings"] += int(not exp.gap.lump_sum <= facts.spendable)
    unfunded = facts.savings_known and float(row["down_payment_ratio"]) * facts.balance > facts.spendable + 1e-9
    notes = (T.NOTES["unfunded_down_payment"][lang].split("{")[0], T.NOTES["unfunded_down_payment_none"][lang].split("{")[0])
    out["unfunded_down_payment_not_flagged"] += int(unfunded and not any(n.startswith(notes) for n in exp.notes))
    cover = T.HEADINGS["savings_cover"][lang].split("{")[0]
    out["savings_cover_not_said_first"] += int(facts.savings_cover_debt and not (exp.lead and exp.lead[0].startswith(cover)))
    if exp.status == "no_affordable_plan":
        first = exp.lead[1] if facts.savings_cover_debt and len(exp.lead) > 1 else (exp.lead or [""])[0]
        out["no_plan_without_do_not_sign"] += int(first != T.heading("no_affordable_plan", lang))


def _facts_and_words(exp: Explanation, out: dict[str, int]) -> None:
    lang = exp.lang
    report = str(exp)
    out["jiebei_app"] += len(re.findall(r"借呗\s*app|Jiebei app", report, re.I))
    out["old_12378_name"] += report.count("银行保险消费者投诉热线")
    out["12378_without_regulator"] += int("12378" in report and _REGULATOR[lang] not in report)
    out["interest_pause_without_warning"] += int("停息挂账" in report and _AGENTS[lang] not in report)
    out["my_bills_without_hedge"] += int("我的账单" in report and _HEDGE[lang] not in report)
    word = "月供" if lang == "zh" else "instalment"
    out["instalment_without_interest_note"] += int(word in report.lower() and T.note("no_interest", lang) not in report)
    out["cost_or_effort_units"] += len(_COST[lang].findall(report))
    out["zero_percent"] += len(_ZERO_PERCENT.findall(report))
    out["pts"] += len(re.findall(r"\bpts\b", report))
    out["unnatural_quote"] += report.count("本身")
    out["too_many_next_steps"] += int(len(exp.next_steps) > MAX_NEXT_STEPS)


def _plan_kept_and_numbers(exp: Explanation, out: dict[str, int]) -> None:
    lang = exp.lang
    facts = facts_of(exp.applicant)
    report = str(exp)
    # A plan they cannot keep (unaffordable, or a down payment known savings do not cover) is never "already"
    # reached, and an estimate at the target for it comes with "do not sign it" first.
    do_not_sign = tuple(T.HEADINGS[k][lang].split("{")[0]
                        for k in ("request_unaffordable", "down_payment_first", "no_affordable_plan"))
    at_target = exp.probability >= exp.target
    said = any(line.startswith(do_not_sign) for line in exp.lead)
    out["already_with_plan_not_kept"] += int(not facts.plan_kept and (
        exp.status == "already" or (at_target and not said)))
    texts = [report, *(r.text for r in exp.reasons)]
    out["negative_money"] += sum(len(_NEGATIVE_MONEY.findall(t)) for t in texts)
    out["hundred_percent"] += len(_HUNDRED.findall(report))
    caveat = T.note("long_plan", lang)
    gap_text = [exp.gap.text(lang)] if exp.gap is not None else []
    for text in {*gap_text, *exp.notes, *exp.lead}:
        long_plan = any(int(m) > rules.LONG_PLAN_MONTHS for m in _PLAN_LENGTH[lang].findall(text))
        out["long_plan_without_caveat"] += int(long_plan and caveat not in text)
    if exp.probability < FLOOR:  # at the floor an impact reads "under 1 point": the reason is named without it
        under = T.heading("reason_line", lang, i=0, text="", impact=T.points(0.0, lang, signed=False))[len("0. "):]
        out["numbers_at_the_floor"] += report.count(under) + sum(report.count(T.change_words(d, lang)) for d in (0.0, -1e-9))


def sum_problems(explanations: list[Any]) -> dict[str, int]:
    """:func:`advice_problems` summed over many explanations."""
    total = dict.fromkeys(ADVICE_CHECKS, 0)
    for exp in explanations:
        for k, v in advice_problems(exp).items():
            total[k] += v
    return total
