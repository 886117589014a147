"""The gap in money: what would make the cheapest plan affordable (every number from :mod:`xieshang.rules`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import rules
from .. import text as T
from ..contract import feature
from ._facts import Facts, facts_of
from ._options import affordable_down_payments, down_payment_ok
from ._types import Gap

__all__ = ["fundable_down_payments", "plan_gap", "gap_of", "notes", "leads", "without_down_payment"]


def fundable_down_payments(row: Mapping[str, Any], facts: Facts) -> list[float]:
    """The contract's down payments above the current one that known savings beyond the reserve fund."""
    return [float(v) for v in feature("down_payment_ratio").action_spec().values
            if v > float(row["down_payment_ratio"]) and down_payment_ok(facts, v)]


def plan_gap(applicant: Mapping[str, Any]) -> Gap:
    """What would make the cheapest plan of the contract affordable, in RMB.

    The cheapest plan is the longest plan the contract offers (or the
    current one, if longer) with the largest down payment the borrower can
    fund (the contract's down payments that known savings cover, see
    :func:`explain`; the current one otherwise, unless known savings do not
    cover it: then the largest smaller one they do, or none). All numbers come from
    :mod:`xieshang.rules`: ``shortfall`` is zero exactly when
    :func:`xieshang.rules.affordable` accepts that plan.

    Parameters
    ----------
    applicant : mapping
        A validated applicant (``Explanation.applicant``).
    """
    return gap_of(applicant, facts_of(applicant))


def gap_of(applicant: Mapping[str, Any], facts: Facts) -> Gap:
    """:func:`plan_gap` of an applicant whose :class:`~xieshang.explain._facts.Facts` are known."""
    months = int(max([*feature("plan_months").action_spec().values, float(applicant["plan_months"])]))
    cur = float(applicant["down_payment_ratio"])
    # Never money they do not have: a down payment savings do not cover becomes the largest they do.
    if facts.unfunded(cur):  # never money they do not have: the largest down payment savings do cover
        dp = affordable_down_payments(facts, cur)[-1]
    else:
        dp = max([cur, *fundable_down_payments(applicant, facts)])
    balance = facts.balance
    inst = float(rules.instalment(balance, dp, months))
    disp, household = facts.disposable, facts.household_size
    req = float(rules.required_disposable(inst, household))
    ok = bool(facts.affordable(inst))
    shortfall = 0.0 if ok else max(req - disp, 0.0)
    carry = float(rules.largest_instalment(disp, household))  # what the current disposable income carries safely
    remaining = float(rules.instalment(balance, dp, 1))  # the balance left after the down payment
    lump = 0.0 if ok else max(0.0, remaining - carry * months)
    return Gap(months, dp, dp * balance, inst, req, disp, shortfall, lump, other_debt_payments=facts.other_debts,
               spendable_savings=facts.spendable, living_floor=float(rules.living_floor(household)))


def notes(row: Mapping[str, Any], facts: Facts, lang: str) -> list[str]:
    """Separate notes: a proposed down payment that savings beyond the reserve do not cover (flagged), and
    when savings are unknown and the plan is unaffordable, what a down payment would do (never an option)."""
    out = []
    cash = float(row["down_payment_ratio"]) * facts.balance
    if facts.savings_known and cash > facts.spendable + 1e-9:
        key = "unfunded_down_payment" if facts.spendable > 0 else "unfunded_down_payment_none"
        out.append(T.note(key, lang, cash=cash, spendable=facts.spendable, reserve=facts.reserve))
    if facts.savings_known or facts.plan_ok or facts.disposable <= 0:
        return out
    cur = float(row["down_payment_ratio"])
    values = [float(v) for v in feature("down_payment_ratio").action_spec().values if v > cur]
    if not values:
        return out
    months = int(max([*feature("plan_months").action_spec().values, float(row["plan_months"])]))
    balance = facts.balance
    pick, ok = values[-1], False
    for v in values:
        if bool(facts.affordable(rules.instalment(balance, v, months))):
            pick, ok = v, True
            break
    inst = float(rules.instalment(balance, pick, months))
    return [*out, T.down_payment_note(pick, pick * balance, months, inst, ok, lang, reserve=facts.reserve)]


def without_down_payment(row: Mapping[str, Any], facts: Facts) -> tuple[int, float, bool]:
    """``(months, instalment, affordable)``: the shortest plan of at least the requested length with no down
    payment that is affordable (the longest of the contract when none is)."""
    cur = int(row["plan_months"])
    lengths = sorted({cur, *(int(v) for v in feature("plan_months").action_spec().values if v > cur)})
    for months in lengths:
        inst = float(rules.instalment(facts.balance, 0.0, months))
        if bool(facts.affordable(inst)):
            return months, inst, True
    return lengths[-1], float(rules.instalment(facts.balance, 0.0, lengths[-1])), False


def leads(row: Mapping[str, Any], facts: Facts, gap: Gap | None, status: str, lang: str,
          at_target: bool = False) -> list[str]:
    """What the report says first: savings that repay the whole debt with the reserve kept; where no plan is
    affordable, not to sign one, what to ask for instead, the gap in money and whether family could help; and
    where the estimate is at the target (``at_target``) for a plan the borrower cannot keep, not to sign it."""
    out = []
    if facts.savings_cover_debt:
        out.append(T.heading("savings_cover", lang, savings=T.money(facts.savings), months=rules.RESERVE_MONTHS,
                             reserve=T.money(facts.reserve), balance=T.money(facts.balance)))
    if status == "check_down_payment":  # affordable only with a down payment known savings do not cover
        months, inst, ok = without_down_payment(row, facts)
        line = T.heading("down_payment_first", lang, cash=T.money(facts.down_payment), months=months,
                         instalment=T.money(inst), verdict=T.NOTES["ok" if ok else "still"][lang])
        if months > rules.LONG_PLAN_MONTHS:  # plans this long are an assumption (xieshang.facts: plan_lengths)
            line += ("" if lang == "zh" else " ") + T.note("long_plan", lang)
        if ok:
            out.append(line)
        else:  # as where no plan is affordable: what to ask for instead and the gap, with no down payment
            row0 = {**row, "down_payment_ratio": 0.0}
            out += [line, T.heading("ask_instead", lang), gap_of(row0, facts_of(row0)).text(lang)]
    elif at_target and not facts.plan_ok and status != "no_affordable_plan":  # the estimate is no reason to sign
        out.append(T.heading("request_unaffordable", lang, instalment=T.money(facts.instalment),
                             disposable=T.money(facts.disposable)))
    if status == "no_affordable_plan":
        out += [T.heading("no_affordable_plan", lang), T.heading("ask_instead", lang)]
        if gap is not None:
            out.append(gap.text(lang))  # its ways to close the gap ask whether family could help
    return out
